/*
 * The log line of a request in common log format: client, identity and
 * user (always "-"), the time, the request line, the status and the
 * bytes of the body ("-" for none).  Times are UTC.
 */
#include "http.h"

static const char http_log_months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* A request's words as they came, but a quote or a control byte as \xHH. */
static void
http_log_text(struct http_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			http_buf_printf(b, "\\x%02X", c);
		else
			http_buf_add(b, s, 1);
	}
}

void
http_log_line(struct http_buf *b, const char *client, time_t now,
    const struct http_request *req, int status, uint64_t bytes)
{
	struct tm tm;

	gmtime_r(&now, &tm);
	http_buf_printf(b, "%s - - [%02d/%s/%04d:%02d:%02d:%02d +0000] \"",
	    client, tm.tm_mday, http_log_months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (req->method_text[0] == '\0') {
		http_buf_str(b, "-");
	} else {
		http_log_text(b, req->method_text);
		http_buf_str(b, " ");
		http_log_text(b, req->target);
		http_buf_printf(b, " HTTP/1.%d", req->minor);
	}
	if (bytes == 0)
		http_buf_printf(b, "\" %d -", status);
	else
		http_buf_printf(b, "\" %d %llu", status,
		    (unsigned long long)bytes);
}
