/*
 * Kernel formatting and console output.  Supports the conversions kernel
 * code uses: %d %i %u %x %X %o %c %s %p %% with the flags '-' and '0', a
 * field width, a precision for strings, and the length modifiers hh h l ll z.
 */
#include "rump/rumpuser.h"
#include "rumpkern/kern.h"

struct fmtbuf {
	char *buf;
	size_t size;
	size_t len;		/* what would have been written */
};

static void
fmt_putc(struct fmtbuf *fb, char c)
{
	if (fb->len + 1 < fb->size)
		fb->buf[fb->len] = c;
	fb->len++;
}

static void
fmt_pad(struct fmtbuf *fb, char c, int n)
{
	while (n-- > 0)
		fmt_putc(fb, c);
}

static void
fmt_number(struct fmtbuf *fb, uint64_t v, bool neg, unsigned base, bool upper,
    int width, bool left, bool zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	width -= n + (neg ? 1 : 0);
	if (!left && !zero)
		fmt_pad(fb, ' ', width);
	if (neg)
		fmt_putc(fb, '-');
	if (!left && zero)
		fmt_pad(fb, '0', width);
	while (n > 0)
		fmt_putc(fb, tmp[--n]);
	if (left)
		fmt_pad(fb, ' ', width);
}

static void
fmt_string(struct fmtbuf *fb, const char *s, int width, int prec, bool left)
{
	int n = 0;

	if (s == NULL)
		s = "(null)";
	while (s[n] != '\0' && (prec < 0 || n < prec))
		n++;
	if (!left)
		fmt_pad(fb, ' ', width - n);
	for (int i = 0; i < n; i++)
		fmt_putc(fb, s[i]);
	if (left)
		fmt_pad(fb, ' ', width - n);
}

/*
 * Reads an integer argument of the given length modifier (0, 1=l, 2=ll,
 * 3=z, -1=h, -2=hh).  An h or hh argument was promoted to int; it is
 * converted back to short or char, as the caller's type was.
 */
static uint64_t
fmt_arg(va_list *ap, int lmod, bool issigned, bool *neg)
{
	int64_t sv;

	*neg = false;
	if (!issigned) {
		switch (lmod) {
		case 1: return va_arg(*ap, unsigned long);
		case 2: return va_arg(*ap, unsigned long long);
		case 3: return va_arg(*ap, size_t);
		case -1: return (unsigned short)va_arg(*ap, unsigned int);
		case -2: return (unsigned char)va_arg(*ap, unsigned int);
		default: return va_arg(*ap, unsigned int);
		}
	}
	switch (lmod) {
	case 1: sv = va_arg(*ap, long); break;
	case 2: sv = va_arg(*ap, long long); break;
	case 3: sv = (int64_t)va_arg(*ap, size_t); break;
	case -1: sv = (short)va_arg(*ap, int); break;
	case -2: sv = (signed char)va_arg(*ap, int); break;
	default: sv = va_arg(*ap, int); break;
	}
	if (sv < 0) {
		*neg = true;
		return (uint64_t)0 - (uint64_t)sv;
	}
	return (uint64_t)sv;
}

int
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap0)
{
	struct fmtbuf fb = { .buf = buf, .size = size, .len = 0 };
	va_list ap;

	va_copy(ap, ap0);
	for (; *fmt != '\0'; fmt++) {
		bool left = false, zero = false, neg;
		int width = 0, prec = -1, lmod = 0;
		uint64_t v;

		if (*fmt != '%') {
			fmt_putc(&fb, *fmt);
			continue;
		}
		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++)
			*fmt == '-' ? (left = true) : (zero = true);
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		if (*fmt == '.') {
			prec = 0;
			if (*++fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + (*fmt - '0');
		}
		for (; *fmt == 'l' || *fmt == 'h' || *fmt == 'z'; fmt++)
			lmod = *fmt == 'z' ? 3 : *fmt == 'l' ? lmod + 1 :
			    lmod - 1;
		switch (*fmt) {
		case 'd':
		case 'i':
			v = fmt_arg(&ap, lmod, true, &neg);
			fmt_number(&fb, v, neg, 10, false, width, left, zero);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			v = fmt_arg(&ap, lmod, false, &neg);
			fmt_number(&fb, v, false, *fmt == 'u' ? 10 :
			    *fmt == 'o' ? 8 : 16, *fmt == 'X', width, left, zero);
			break;
		case 'p':
			fmt_string(&fb, "0x", 0, -1, false);
			fmt_number(&fb, (uintptr_t)va_arg(ap, void *), false, 16,
			    false, width, left, zero);
			break;
		case 'c':
			fmt_putc(&fb, (char)va_arg(ap, int));
			break;
		case 's':
			fmt_string(&fb, va_arg(ap, const char *), width, prec,
			    left);
			break;
		case '%':
			fmt_putc(&fb, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			fmt_putc(&fb, '%');
			fmt_putc(&fb, *fmt);
			break;
		}
	}
	va_end(ap);
	if (size > 0)
		buf[fb.len < size ? fb.len : size - 1] = '\0';
	return (int)fb.len;
}

int
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void
kputs(const char *s)
{
	while (*s != '\0')
		rumpuser_putchar(*s++);
	rumpuser_flush();
}

int
kprintf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kputs(buf);
	return n;
}

void
panic(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kputs("panic: ");
	kputs(buf);
	kputs("\n");
	rumpuser_exit(RUMPUSER_PANIC);
}
