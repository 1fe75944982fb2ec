/*
 * The HTTP/1.1 file server of rump_httpd, without its sockets: each part
 * is host code over buffers and the files of a struct http_fsops (a host
 * directory or a rump kernel's VFS), unit-tested in tests/tools/t_http*.c.
 * rump_httpd.c moves the bytes.
 *
 *	http_buf.c	a growing byte buffer
 *	http_request.c	the request parser (RFC 9112 §2-§5, RFC 9110 §7.2)
 *	http_date.c	HTTP dates (RFC 9110 §5.6.7)
 *	http_range.c	a single byte range (RFC 9110 §14)
 *	http_mime.c	Content-Type by file name extension
 *	http_path.c	request path -> file, never outside the root
 *	http_fs_host.c	the files: a host directory (the file-access seam)
 *	http_fs_rump.c	the files: a rump kernel's VFS (a mounted image)
 *	http_escape.c	HTML and URL escaping
 *	http_dirlist.c	directory listings as HTML
 *	http_response.c	status lines and header blocks
 *	http_serve.c	a request -> its response (the server's logic)
 *	http_log.c	one line per request, common log format
 */
#ifndef TOOLS_HTTP_H
#define TOOLS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

/* ---- http_buf.c --------------------------------------------------------- */

/*
 * A growing buffer.  An allocation failure sets failed and makes every
 * later add a no-op, so a builder checks once at the end.
 */
struct http_buf {
	char *data;
	size_t len, cap;
	bool failed;
};

void http_buf_init(struct http_buf *b);
void http_buf_add(struct http_buf *b, const void *p, size_t n);
void http_buf_str(struct http_buf *b, const char *s);
void http_buf_printf(struct http_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Drops the first n bytes. */
void http_buf_consume(struct http_buf *b, size_t n);
void http_buf_free(struct http_buf *b);

/* ---- http_request.c ----------------------------------------------------- */

#define HTTP_LINE_MAX	8192	/* the request line; longer: 414 */
#define HTTP_HEAD_MAX	16384	/* the whole head; larger: 431 */
#define HTTP_METHOD_MAX	32
#define HTTP_RANGE_MAX	128	/* a longer Range is ignored (RFC 9110 §14.2) */

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

struct http_request {
	enum http_method method;
	char method_text[HTTP_METHOD_MAX + 1];
	char target[HTTP_LINE_MAX + 1];
	int minor;			/* HTTP/1.minor */
	bool keep_alive;
	bool has_ims;			/* If-Modified-Since, when it parsed */
	time_t ims;
	bool has_range;
	char range[HTTP_RANGE_MAX + 1];
	bool has_if_range;
};

/* Why a request was refused: the status and a reason for the body. */
struct http_error {
	int status;
	const char *reason;
};

enum http_parse {
	HTTP_PARSE_MORE,		/* the head is not complete yet */
	HTTP_PARSE_OK,			/* *req filled, *used bytes taken */
	HTTP_PARSE_ERROR,		/* *err filled; close after answering */
};

/*
 * Parses the request whose head starts buf.  A request is refused with
 * 400 (malformed, a body, no Host in HTTP/1.1), 414 (request line longer
 * than HTTP_LINE_MAX), 431 (head larger than HTTP_HEAD_MAX) or 505.
 * Fills *req even for an error, as far as it got (for the log).
 */
enum http_parse http_request_parse(const char *buf, size_t len,
    struct http_request *req, size_t *used, struct http_error *err);

/* ---- http_date.c -------------------------------------------------------- */

/*
 * "Sun, 06 Nov 1994 08:49:37 GMT" is 29 bytes; a buffer has room for any
 * year gmtime gives.
 */
#define HTTP_DATE_SIZE	80

/* IMF-fixdate into out[HTTP_DATE_SIZE]. */
char *http_date_format(time_t t, char *out);
/* IMF-fixdate, RFC 850 or asctime format; 0 or -1. */
int http_date_parse(const char *s, time_t *t);

/* ---- http_range.c ------------------------------------------------------- */

enum http_range {
	HTTP_RANGE_NONE,		/* ignored: send the whole file */
	HTTP_RANGE_OK,			/* [*first, *last] */
	HTTP_RANGE_UNSATISFIABLE,	/* 416 */
};

/* A Range header's value against a representation of size bytes. */
enum http_range http_range_parse(const char *value, uint64_t size,
    uint64_t *first, uint64_t *last);

/* ---- http_mime.c -------------------------------------------------------- */

/* The Content-Type of a file name; application/octet-stream if unknown. */
const char *http_mime_type(const char *name);

/* ---- http_fs_host.c, http_fs_rump.c: the file-access seam --------------- */

/* A directory entry of a listing. */
struct http_dirent {
	char *name;
	bool isdir;			/* a directory, or a symlink to one */
};

/*
 * Where the served files live: the host's file system (http_fs_host) or
 * the name space of the rump kernel this program runs (http_fs_rump, for
 * a mounted image).  Paths are absolute in that name space, descriptors
 * are its own; each call returns 0 or an errno value.  Everything above
 * (the escape rules, ranges, listings) is the same for both.
 */
struct http_fsops {
	/* path with every symlink, "." and ".." resolved, into real[PATH_MAX] */
	int (*fs_realpath)(const char *path, char *real);
	/* opens path read-only; a symlink as its last component is ELOOP */
	int (*fs_open)(const char *path, int *fdp);
	int (*fs_fstat)(int fd, struct stat *st);
	/* up to len bytes at off into buf; *done is 0 at the end */
	int (*fs_pread)(int fd, void *buf, size_t len, uint64_t off,
	    size_t *done);
	/* every entry of directory fd but "." and ".."; fd is closed */
	int (*fs_readdir)(int fd, struct http_dirent **vp, size_t *np);
	void (*fs_close)(int fd);
};

extern const struct http_fsops http_fs_host;
extern const struct http_fsops http_fs_rump;

/* ---- http_path.c -------------------------------------------------------- */

#define HTTP_PATH_MAX	4096

/*
 * The path of a request target (origin or absolute form; the query is
 * dropped), percent-decoded into out.  Returns 0, or the status that
 * refuses it: 400 (bad escape, %00, not a path) or 403 (a ".." segment).
 */
int http_path_decode(const char *target, char *out, size_t outlen);

/*
 * Opens path (decoded, starting with '/') below root, the fs_realpath()
 * of the served directory: after resolving every symlink the file must
 * still be root or below it, and it is opened without following a
 * symlink.  Returns 0 with *fdp open and *st filled (a regular file or a
 * directory), or 403/404.
 */
int http_path_open(const struct http_fsops *fs, const char *root,
    const char *path, int *fdp, struct stat *st);

/* ---- http_escape.c ------------------------------------------------------ */

/* s with & < > " ' as character references. */
void http_escape_html(struct http_buf *b, const char *s);
/* s with every byte outside unreserved characters and '/' as %XX. */
void http_escape_url(struct http_buf *b, const char *s);

/* ---- http_dirlist.c ----------------------------------------------------- */

/*
 * An HTML listing of the open directory dirfd of fs (taken and closed),
 * whose URL path is urlpath: names sorted, escaped in text and links, a
 * slash after subdirectories, dot files shown, "." left out.  0 or an
 * errno.
 */
int http_dirlist(const struct http_fsops *fs, int dirfd, const char *urlpath,
    struct http_buf *out);
/* Appends an entry to *vp (the fs_readdir()s' helper); 0 or ENOMEM. */
int http_dirents_add(struct http_dirent **vp, size_t *np, const char *name,
    bool isdir);
void http_dirents_free(struct http_dirent *v, size_t n);

/* ---- http_response.c ---------------------------------------------------- */

/* The reason phrase of a status this server sends. */
const char *http_status_text(int status);
/*
 * The status line and the headers every answer has (Date, Server,
 * Connection); the caller adds its own and ends the head with
 * http_head_end().
 */
void http_head_start(struct http_buf *b, int status, time_t now,
    bool keep_alive);
void http_head_end(struct http_buf *b);

/* ---- http_serve.c ------------------------------------------------------- */

struct http_response {
	int status;
	bool keep_alive;	/* the connection stays open after it */
	struct http_buf head;
	struct http_buf body;	/* an in-memory body (errors, listings) */
	const struct http_fsops *fs;
	int fd;			/* or a file body: fd of fs, from off, len bytes */
	uint64_t off, len;
	uint64_t body_len;	/* the bytes of body sent (for the log) */
};

/* The answer to a request for a file of fs below root (a realpath). */
void http_serve(const struct http_fsops *fs, const char *root,
    const struct http_request *req, time_t now, struct http_response *resp);
/* The answer to a refused request; the connection closes after it. */
void http_serve_error(const struct http_error *err, bool head, time_t now,
    struct http_response *resp);
/* Frees the buffers and closes the file. */
void http_response_free(struct http_response *resp);

/* ---- http_log.c --------------------------------------------------------- */

/*
 * One line of common log format, without the newline:
 * 198.18.0.1 - - [06/Dec/2026:03:45:25 +0000] "GET / HTTP/1.1" 200 512
 * Bytes of the request line that are not printable are written \xHH.
 */
void http_log_line(struct http_buf *b, const char *client, time_t now,
    const struct http_request *req, int status, uint64_t bytes);

#endif
