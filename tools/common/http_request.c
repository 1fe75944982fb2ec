/*
 * The HTTP/1.1 request parser: the request line (RFC 9112 §3), the header
 * fields (RFC 9112 §5) and the few this server acts on.  It parses the
 * whole head afresh from the start of the buffer each time more bytes
 * came, so a request split anywhere across reads parses as it would in
 * one piece; the head is at most HTTP_HEAD_MAX bytes.
 */
#include <string.h>
#include <strings.h>

#include "http.h"

/* tchar, RFC 9110 §5.6.2. */
static bool
http_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

static enum http_parse
http_refuse(struct http_error *err, int status, const char *reason)
{
	err->status = status;
	err->reason = reason;
	return HTTP_PARSE_ERROR;
}

/* The line [s, e) without its CR LF (or bare LF, RFC 9112 §2.2). */
static size_t
http_line_len(const char *s, const char *lf)
{
	return (size_t)(lf - s) - (lf > s && lf[-1] == '\r');
}

static bool
http_version(const char *s, size_t n, int *minor, struct http_error *err)
{
	if (n != 8 || strncmp(s, "HTTP/", 5) != 0 || s[6] != '.' ||
	    s[5] < '0' || s[5] > '9' || s[7] < '0' || s[7] > '9') {
		http_refuse(err, 400, "malformed HTTP version in the request "
		    "line");
		return false;
	}
	if (s[5] != '1') {
		http_refuse(err, 505, "only HTTP/1.x is served");
		return false;
	}
	*minor = s[7] - '0';
	return true;
}

/* method SP request-target SP HTTP-version (RFC 9112 §3). */
static enum http_parse
http_request_line(const char *s, size_t n, struct http_request *req,
    struct http_error *err)
{
	size_t m = 0, t, tlen;

	while (m < n && http_tchar((unsigned char)s[m]))
		m++;
	if (m == 0 || m >= n || s[m] != ' ')
		return http_refuse(err, 400, "malformed request line");
	if (m > HTTP_METHOD_MAX)
		return http_refuse(err, 400, "method name too long");
	memcpy(req->method_text, s, m);
	req->method_text[m] = '\0';
	if (strcmp(req->method_text, "GET") == 0)
		req->method = HTTP_GET;
	else if (strcmp(req->method_text, "HEAD") == 0)
		req->method = HTTP_HEAD;
	t = m + 1;
	for (tlen = 0; t + tlen < n && s[t + tlen] > ' ' &&
	    (unsigned char)s[t + tlen] < 0x7f; tlen++)
		continue;
	if (tlen == 0 || t + tlen >= n || s[t + tlen] != ' ')
		return http_refuse(err, 400, "malformed request target");
	memcpy(req->target, s + t, tlen);
	req->target[tlen] = '\0';
	if (!http_version(s + t + tlen + 1, n - t - tlen - 1, &req->minor,
	    err))
		return HTTP_PARSE_ERROR;
	return HTTP_PARSE_OK;
}

/* Connection: a comma-separated list of options (RFC 9110 §7.6.1). */
static void
http_connection(const char *v, size_t n, bool *close, bool *keep)
{
	size_t i = 0, j;

	while (i < n) {
		while (i < n && (v[i] == ',' || v[i] == ' ' || v[i] == '\t'))
			i++;
		for (j = i; j < n && v[j] != ',' && v[j] != ' ' &&
		    v[j] != '\t'; j++)
			continue;
		if (j - i == 5 && strncasecmp(v + i, "close", 5) == 0)
			*close = true;
		if (j - i == 10 && strncasecmp(v + i, "keep-alive", 10) == 0)
			*keep = true;
		i = j;
	}
}

struct http_fields {
	int hosts, ranges;
	bool close, keep;
};

/* One field the server acts on; the value is [v, v + n), trimmed. */
static enum http_parse
http_field(const char *name, size_t nlen, const char *v, size_t n,
    struct http_request *req, struct http_fields *f, struct http_error *err)
{
	char date[64];

#define IS(s)	(nlen == sizeof(s) - 1 && strncasecmp(name, s, nlen) == 0)
	if (IS("Host")) {
		f->hosts++;
	} else if (IS("Connection")) {
		http_connection(v, n, &f->close, &f->keep);
	} else if (IS("If-Modified-Since")) {
		/* An invalid date is ignored (RFC 9110 §13.1.3). */
		if (n < sizeof(date)) {
			memcpy(date, v, n);
			date[n] = '\0';
			req->has_ims = http_date_parse(date, &req->ims) == 0;
		}
	} else if (IS("Range")) {
		f->ranges++;
		req->has_range = n <= HTTP_RANGE_MAX;
		memcpy(req->range, v, req->has_range ? n : 0);
		req->range[req->has_range ? n : 0] = '\0';
	} else if (IS("If-Range")) {
		req->has_if_range = true;
	} else if (IS("Transfer-Encoding") ||
	    (IS("Content-Length") && !(n == 1 && v[0] == '0'))) {
		return http_refuse(err, 400, "request bodies are not accepted");
	}
#undef IS
	return HTTP_PARSE_OK;
}

/* field-name ":" OWS field-value OWS (RFC 9112 §5). */
static enum http_parse
http_header_line(const char *s, size_t n, struct http_request *req,
    struct http_fields *f, struct http_error *err)
{
	size_t c = 0, i, e;

	if (s[0] == ' ' || s[0] == '\t')
		return http_refuse(err, 400, "obsolete line folding in a "
		    "header field");
	while (c < n && http_tchar((unsigned char)s[c]))
		c++;
	if (c == 0 || c >= n || s[c] != ':')
		return http_refuse(err, 400, "malformed header field");
	for (i = c + 1; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < ' ' && ch != '\t')
			return http_refuse(err, 400, "control character in a "
			    "header field");
		if (ch == 0x7f)
			return http_refuse(err, 400, "control character in a "
			    "header field");
	}
	for (i = c + 1; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		continue;
	for (e = n; e > i && (s[e - 1] == ' ' || s[e - 1] == '\t'); e--)
		continue;
	return http_field(s, c, s + i, e - i, req, f, err);
}

static void
http_request_clear(struct http_request *req)
{
	req->method = HTTP_OTHER;
	req->method_text[0] = '\0';
	req->target[0] = '\0';
	req->minor = 1;
	req->keep_alive = false;
	req->has_ims = false;
	req->has_range = false;
	req->range[0] = '\0';
	req->has_if_range = false;
}

/* After the empty line: what the fields say together. */
static enum http_parse
http_request_done(struct http_request *req, const struct http_fields *f,
    struct http_error *err)
{
	if (f->hosts > 1)
		return http_refuse(err, 400, "more than one Host header");
	if (f->hosts == 0 && req->minor >= 1)
		return http_refuse(err, 400, "HTTP/1.1 request without a Host "
		    "header");
	/* Two Range fields: a server may ignore Range (RFC 9110 §14.2). */
	if (f->ranges > 1)
		req->has_range = false;
	req->keep_alive = req->minor >= 1 ? !f->close : f->keep && !f->close;
	return HTTP_PARSE_OK;
}

enum http_parse
http_request_parse(const char *buf, size_t len, struct http_request *req,
    size_t *used, struct http_error *err)
{
	struct http_fields f = { 0, 0, false, false };
	const char *p = buf, *end = buf + len, *lf;
	enum http_parse rc;
	size_t n;

	http_request_clear(req);
	/* An empty buffer may have no storage yet. */
	if (len == 0)
		return HTTP_PARSE_MORE;
	/* Empty lines before the request line are ignored (RFC 9112 §2.2). */
	while (p < end && (*p == '\n' || (*p == '\r' && p + 1 < end &&
	    p[1] == '\n')))
		p += *p == '\r' ? 2 : 1;
	if ((lf = memchr(p, '\n', (size_t)(end - p))) == NULL)
		return (size_t)(end - p) > HTTP_LINE_MAX ?
		    http_refuse(err, 414, "request line too long") :
		    HTTP_PARSE_MORE;
	if ((n = http_line_len(p, lf)) > HTTP_LINE_MAX)
		return http_refuse(err, 414, "request line too long");
	if ((rc = http_request_line(p, n, req, err)) != HTTP_PARSE_OK)
		return rc;
	for (;;) {
		p = lf + 1;
		if ((lf = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return len > HTTP_HEAD_MAX ? http_refuse(err, 431,
			    "request header fields too large") :
			    HTTP_PARSE_MORE;
		if ((size_t)(lf + 1 - buf) > HTTP_HEAD_MAX)
			return http_refuse(err, 431, "request header fields "
			    "too large");
		if ((n = http_line_len(p, lf)) == 0)
			break;
		rc = http_header_line(p, n, req, &f, err);
		if (rc != HTTP_PARSE_OK)
			return rc;
	}
	*used = (size_t)(lf + 1 - buf);
	return http_request_done(req, &f, err);
}
