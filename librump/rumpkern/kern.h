/*
 * What every kernel source file includes: freestanding C, error numbers,
 * assertions, console output and the string functions the compiler provides.
 *
 * Kernel code never includes a host header; the build compiles it with
 * -nostdinc, so only the compiler's freestanding headers and the project's
 * own are reachable.
 */
#ifndef RUMPKERN_KERN_H
#define RUMPKERN_KERN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rumpkern/errno.h"
#include "rumpkern/queue.h"

#ifndef __unused
#define __unused	__attribute__((__unused__))
#endif
#define __noreturn	__attribute__((__noreturn__))
#define __printflike(f, a) __attribute__((__format__(__printf__, f, a)))
#define __predict_true(x)	__builtin_expect(!!(x), 1)
#define __predict_false(x)	__builtin_expect(!!(x), 0)
#define __aligned(x)	__attribute__((__aligned__(x)))
#define __packed	__attribute__((__packed__))

#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
/* The host's page size on x86-64, which Linux reports as st_blksize. */
#define PAGE_SIZE	4096

#define howmany(x, y)	(((x) + ((y) - 1)) / (y))
#define roundup(x, y)	(howmany(x, y) * (y))
#define __arraycount(a)	(sizeof(a) / sizeof((a)[0]))
#define container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

/* The compiler's builtins; they may become calls to the C library's. */
#define memcpy(d, s, n)		__builtin_memcpy((d), (s), (n))
#define memmove(d, s, n)	__builtin_memmove((d), (s), (n))
#define memset(d, c, n)		__builtin_memset((d), (c), (n))
#define memcmp(a, b, n)		__builtin_memcmp((a), (b), (n))
#define strlen(s)		__builtin_strlen(s)
#define strcmp(a, b)		__builtin_strcmp((a), (b))
#define strncmp(a, b, n)	__builtin_strncmp((a), (b), (n))

size_t strlcpy(char *dst, const char *src, size_t size);
size_t strnlen(const char *s, size_t maxlen);
int kstrtou64(const char *s, int base, uint64_t *valp);
/*
 * A rate of len bytes, "0.01" (a fraction) or "1%", in parts per
 * million (0..1000000); EINVAL otherwise.
 */
int kstrtoppm(const char *s, size_t len, uint32_t *ppm);

/* Console output and formatting (kern_printf.c). */
int kprintf(const char *fmt, ...) __printflike(1, 2);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printflike(3, 4);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __printflike(3, 0);
void panic(const char *fmt, ...) __printflike(1, 2) __noreturn;

#define KASSERT(e) do {							\
	if (__predict_false(!(e)))					\
		panic("kernel assertion \"%s\" failed: %s:%d",		\
		    #e, __FILE__, __LINE__);				\
} while (0)
#define KASSERTMSG(e, ...) do {						\
	if (__predict_false(!(e)))					\
		panic(__VA_ARGS__);					\
} while (0)
#define CTASSERT(e)	_Static_assert(e, #e)

/* Atomic operations on plain integers. */
#define atomic_inc_uint(p)	__atomic_add_fetch((p), 1, __ATOMIC_RELAXED)
#define atomic_dec_uint_nv(p)	__atomic_sub_fetch((p), 1, __ATOMIC_ACQ_REL)
#define atomic_add_u64(p, v)	__atomic_add_fetch((p), (v), __ATOMIC_RELAXED)
#define atomic_load_relaxed(p)	__atomic_load_n((p), __ATOMIC_RELAXED)
#define atomic_store_relaxed(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

/* Random bytes from the host (kern_random.c). */
void cprng_bytes(void *buf, size_t len);
uint32_t cprng_u32(void);

#endif /* RUMPKERN_KERN_H */
