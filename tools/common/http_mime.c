/* Content-Type by file name extension (case-insensitive). */
#include <string.h>
#include <strings.h>

#include "http.h"

static const struct {
	const char *ext;
	const char *type;
} http_mime_table[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "htm", "text/html; charset=utf-8" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "csv", "text/csv; charset=utf-8" },
	{ "md", "text/markdown; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "json", "application/json" },
	{ "xml", "application/xml" },
	{ "pdf", "application/pdf" },
	{ "zip", "application/zip" },
	{ "gz", "application/gzip" },
	{ "tar", "application/x-tar" },
	{ "wasm", "application/wasm" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "svg", "image/svg+xml" },
	{ "ico", "image/vnd.microsoft.icon" },
	{ "webp", "image/webp" },
	{ "mp3", "audio/mpeg" },
	{ "mp4", "video/mp4" },
	{ "webm", "video/webm" },
	{ "woff2", "font/woff2" },
};

const char *
http_mime_type(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *dot;
	size_t i;

	if (slash != NULL)
		name = slash + 1;
	/* ".profile" is a name without an extension. */
	if ((dot = strrchr(name, '.')) == NULL || dot == name)
		return "application/octet-stream";
	for (i = 0; i < sizeof(http_mime_table) / sizeof(http_mime_table[0]);
	    i++)
		if (strcasecmp(dot + 1, http_mime_table[i].ext) == 0)
			return http_mime_table[i].type;
	return "application/octet-stream";
}
