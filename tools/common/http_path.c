/*
 * From a request target to a file that is never outside the served
 * directory: the path is percent-decoded (RFC 3986 §2.1) and refused with
 * a ".." segment; then the file system resolves every symlink
 * (fs_realpath) and the result must still lie below the root, and the
 * file is opened without following a symlink, so that one put in its
 * place meanwhile is not followed.  The same rules hold for a host
 * directory and for the inside of an image.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "http.h"

static int
http_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The path of an absolute-form target "http://host/path" (RFC 9112 §3.2.2). */
static const char *
http_path_start(const char *target)
{
	const char *p;

	if (strncasecmp(target, "http://", 7) == 0)
		p = target + 7;
	else if (strncasecmp(target, "https://", 8) == 0)
		p = target + 8;
	else
		return target;
	p += strcspn(p, "/?#");
	return *p == '/' ? p : "/";
}

/* A ".." segment anywhere in the decoded path. */
static bool
http_path_has_dotdot(const char *p)
{
	const char *seg;

	for (seg = p; seg != NULL; seg = strchr(seg, '/')) {
		seg++;
		if (seg[0] == '.' && seg[1] == '.' &&
		    (seg[2] == '/' || seg[2] == '\0'))
			return true;
	}
	return false;
}

int
http_path_decode(const char *target, char *out, size_t outlen)
{
	const char *s = http_path_start(target);
	size_t n = 0;
	int hi, lo;

	if (*s != '/')
		return 400;
	for (; *s != '\0' && *s != '?' && *s != '#'; s++) {
		char c = *s;

		if (c == '%') {
			if ((hi = http_hexval(s[1])) < 0 ||
			    (lo = http_hexval(s[2])) < 0)
				return 400;
			c = (char)(hi * 16 + lo);
			if (c == '\0')
				return 400;
			s += 2;
		}
		if (n + 1 >= outlen)
			return 414;
		out[n++] = c;
	}
	out[n] = '\0';
	return http_path_has_dotdot(out) ? 403 : 0;
}

/* Whether real is root or below it. */
static bool
http_path_below(const char *root, const char *real)
{
	size_t rl = strlen(root);

	if (strcmp(root, "/") == 0)
		return true;
	return strncmp(real, root, rl) == 0 &&
	    (real[rl] == '\0' || real[rl] == '/');
}

int
http_path_open(const struct http_fsops *fs, const char *root,
    const char *path, int *fdp, struct stat *st)
{
	char full[PATH_MAX], real[PATH_MAX];
	int error, fd;

	if ((size_t)snprintf(full, sizeof(full), "%s%s", root, path) >=
	    sizeof(full))
		return 404;
	if ((error = fs->fs_realpath(full, real)) != 0)
		return error == EACCES ? 403 : 404;
	if (!http_path_below(root, real))
		return 403;
	/* ENXIO: a FIFO or device node the store cannot open, not a file. */
	if ((error = fs->fs_open(real, &fd)) != 0)
		return error == EACCES || error == ELOOP || error == ENXIO ?
		    403 : 404;
	if (fs->fs_fstat(fd, st) != 0 || (!S_ISREG(st->st_mode) &&
	    !S_ISDIR(st->st_mode))) {
		fs->fs_close(fd);
		return 403;
	}
	*fdp = fd;
	return 0;
}
