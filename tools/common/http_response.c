/* Status lines and the header fields every answer carries (RFC 9110 §15). */
#include "http.h"

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 206: return "Partial Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

void
http_head_start(struct http_buf *b, int status, time_t now, bool keep_alive)
{
	char date[HTTP_DATE_SIZE];

	http_buf_printf(b, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: rump_httpd\r\n"
	    "Connection: %s\r\n", status, http_status_text(status),
	    http_date_format(now, date), keep_alive ? "keep-alive" : "close");
}

void
http_head_end(struct http_buf *b)
{
	http_buf_str(b, "\r\n");
}
