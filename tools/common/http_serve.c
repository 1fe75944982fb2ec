/*
 * What the server answers: a file (whole, a range, or 304 when unchanged
 * since If-Modified-Since), a directory listing, or an error page saying
 * why.  Conditions are evaluated in RFC 9110 §13.2.2's order: the
 * If-Modified-Since of a GET or HEAD first, then Range.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "http.h"

static void
http_response_init(struct http_response *resp, bool keep_alive)
{
	memset(resp, 0, sizeof(*resp));
	resp->fd = -1;
	resp->keep_alive = keep_alive;
	http_buf_init(&resp->head);
	http_buf_init(&resp->body);
}

void
http_response_free(struct http_response *resp)
{
	http_buf_free(&resp->head);
	http_buf_free(&resp->body);
	if (resp->fd >= 0)
		resp->fs->fs_close(resp->fd);
	resp->fd = -1;
}

/* The head and an HTML body saying why; the body is left out for HEAD. */
static void
http_error_page(struct http_response *resp, int status, const char *why,
    bool head, time_t now)
{
	struct http_buf *b = &resp->body;

	resp->status = status;
	http_buf_printf(b, "<!DOCTYPE html>\n<html><head><title>%d %s</title>"
	    "</head>\n<body><h1>%d %s</h1>\n<p>", status,
	    http_status_text(status), status, http_status_text(status));
	http_escape_html(b, why);
	http_buf_str(b, "</p>\n</body></html>\n");
	http_head_start(&resp->head, status, now, resp->keep_alive);
	if (status == 405)
		http_buf_str(&resp->head, "Allow: GET, HEAD\r\n");
	http_buf_printf(&resp->head, "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n", b->len);
	http_head_end(&resp->head);
	if (head)
		b->len = 0;
	resp->body_len = b->len;
}

void
http_serve_error(const struct http_error *err, bool head, time_t now,
    struct http_response *resp)
{
	http_response_init(resp, false);
	http_error_page(resp, err->status, err->reason, head, now);
}

static void
http_serve_dir(struct http_response *resp, int fd, const char *path,
    bool head, time_t now)
{
	int error;

	if ((error = http_dirlist(resp->fs, fd, path, &resp->body)) != 0) {
		http_buf_free(&resp->body);
		http_error_page(resp, 500, strerror(error), head, now);
		return;
	}
	resp->status = 200;
	http_head_start(&resp->head, 200, now, resp->keep_alive);
	http_buf_printf(&resp->head, "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n", resp->body.len);
	http_head_end(&resp->head);
	if (head)
		resp->body.len = 0;
	resp->body_len = resp->body.len;
}

/* The status of a file answer and the part of it sent: 200, 206 or 416. */
static int
http_file_range(const struct http_request *req, uint64_t size,
    uint64_t *first, uint64_t *last)
{
	*first = 0;
	*last = size - 1;
	/* If-Range names a version we do not check: the whole file. */
	if (!req->has_range || req->has_if_range)
		return 200;
	switch (http_range_parse(req->range, size, first, last)) {
	case HTTP_RANGE_OK:
		return 206;
	case HTTP_RANGE_UNSATISFIABLE:
		return 416;
	case HTTP_RANGE_NONE:
		break;
	}
	*first = 0;
	*last = size - 1;
	return 200;
}

static void
http_serve_file(struct http_response *resp, int fd, const struct stat *st,
    const char *path, const struct http_request *req, time_t now)
{
	char lm[HTTP_DATE_SIZE];
	uint64_t size = (uint64_t)st->st_size, first, last;
	struct http_buf *h = &resp->head;

	if (req->has_ims && st->st_mtime <= req->ims) {
		resp->fs->fs_close(fd);
		resp->status = 304;
		http_head_start(h, 304, now, resp->keep_alive);
		http_buf_printf(h, "Last-Modified: %s\r\n",
		    http_date_format(st->st_mtime, lm));
		http_head_end(h);
		return;
	}
	resp->status = http_file_range(req, size, &first, &last);
	http_head_start(h, resp->status, now, resp->keep_alive);
	http_buf_printf(h, "Last-Modified: %s\r\nAccept-Ranges: bytes\r\n",
	    http_date_format(st->st_mtime, lm));
	if (resp->status == 416) {
		resp->fs->fs_close(fd);
		http_buf_printf(h, "Content-Range: bytes */%llu\r\n"
		    "Content-Length: 0\r\n", (unsigned long long)size);
		http_head_end(h);
		return;
	}
	if (resp->status == 206)
		http_buf_printf(h, "Content-Range: bytes %llu-%llu/%llu\r\n",
		    (unsigned long long)first, (unsigned long long)last,
		    (unsigned long long)size);
	http_buf_printf(h, "Content-Type: %s\r\nContent-Length: %llu\r\n",
	    http_mime_type(path), (unsigned long long)(size == 0 ? 0 :
	    last - first + 1));
	http_head_end(h);
	if (req->method == HTTP_HEAD || size == 0) {
		resp->fs->fs_close(fd);
		return;
	}
	resp->fd = fd;
	resp->off = first;
	resp->len = last - first + 1;
	resp->body_len = resp->len;
}

/* Why http_path_decode() or http_path_open() refused a path. */
static const char *
http_path_why(int status, bool decoding)
{
	switch (status) {
	case 400:
		return "the path is not a path or has a bad percent-escape";
	case 403:
		return decoding ? "a path may not have a \"..\" segment" :
		    "the file is outside the served directory, not readable, "
		    "or neither a file nor a directory";
	case 414:
		return "the path is too long";
	default:
		return "no such file or directory";
	}
}

void
http_serve(const struct http_fsops *fs, const char *root,
    const struct http_request *req, time_t now, struct http_response *resp)
{
	char path[HTTP_PATH_MAX];
	bool head = req->method == HTTP_HEAD;
	struct stat st;
	int status, fd;

	http_response_init(resp, req->keep_alive);
	resp->fs = fs;
	if (req->method == HTTP_OTHER) {
		http_error_page(resp, 405, "only GET and HEAD are served", head,
		    now);
		return;
	}
	if ((status = http_path_decode(req->target, path, sizeof(path))) != 0) {
		http_error_page(resp, status, http_path_why(status, true), head,
		    now);
		return;
	}
	if ((status = http_path_open(fs, root, path, &fd, &st)) != 0) {
		http_error_page(resp, status, http_path_why(status, false),
		    head, now);
		return;
	}
	if (S_ISDIR(st.st_mode))
		http_serve_dir(resp, fd, path, head, now);
	else
		http_serve_file(resp, fd, &st, path, req, now);
}
