/* Escaping names for HTML text and for URLs (RFC 3986 §2.1). */
#include <string.h>

#include "http.h"

void
http_escape_html(struct http_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': http_buf_str(b, "&amp;"); break;
		case '<': http_buf_str(b, "&lt;"); break;
		case '>': http_buf_str(b, "&gt;"); break;
		case '"': http_buf_str(b, "&quot;"); break;
		case '\'': http_buf_str(b, "&#39;"); break;
		default: http_buf_add(b, s, 1); break;
		}
	}
}

/* unreserved, RFC 3986 §2.3, and '/' between segments. */
static bool
http_url_plain(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '-' || c == '.' || c == '_' ||
	    c == '~' || c == '/';
}

void
http_escape_url(struct http_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (http_url_plain((unsigned char)*s))
			http_buf_add(b, s, 1);
		else
			http_buf_printf(b, "%%%02X", (unsigned char)*s);
	}
}
