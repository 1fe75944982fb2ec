/*
 * Directory listings: an HTML page with one link per entry, sorted by
 * name (bytes, not the locale's order), a slash after directories.  Names
 * are escaped twice over: as URLs in the links and as HTML in the text.
 * "." and ".." are left out (a ".." segment is refused by http_path.c);
 * below the root, a "../" link names the parent directory itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

static int
http_dirent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct http_dirent *)a)->name,
	    ((const struct http_dirent *)b)->name);
}

void
http_dirents_free(struct http_dirent *v, size_t n)
{
	while (n > 0)
		free(v[--n].name);
	free(v);
}

int
http_dirents_add(struct http_dirent **vp, size_t *np, const char *name,
    bool isdir)
{
	struct http_dirent *nv;
	size_t n = *np;

	/* The array grows at each power of two. */
	if ((n & (n - 1)) == 0) {
		nv = realloc(*vp, (n != 0 ? n * 2 : 1) * sizeof(*nv));
		if (nv == NULL)
			return ENOMEM;
		*vp = nv;
	}
	if (((*vp)[n].name = strdup(name)) == NULL)
		return ENOMEM;
	(*vp)[n].isdir = isdir;
	*np = n + 1;
	return 0;
}

static void
http_dirlist_entry(struct http_buf *out, const char *base,
    const struct http_dirent *e)
{
	const char *slash = e->isdir ? "/" : "";

	http_buf_str(out, "<li><a href=\"");
	http_escape_url(out, base);
	http_escape_url(out, e->name);
	http_buf_printf(out, "%s\">", slash);
	http_escape_html(out, e->name);
	http_buf_printf(out, "%s</a></li>\n", slash);
}

/* base is "/.../": its parent, up to and with the slash before the last. */
static void
http_dirlist_parent(struct http_buf *out, const char *base)
{
	size_t n = strlen(base) - 1;
	char *parent;

	if (n == 0)
		return;
	while (base[n - 1] != '/')
		n--;
	if ((parent = strndup(base, n)) == NULL) {
		out->failed = true;
		return;
	}
	http_buf_str(out, "<li><a href=\"");
	http_escape_url(out, parent);
	http_buf_str(out, "\">../</a></li>\n");
	free(parent);
}

int
http_dirlist(const struct http_fsops *fs, int fd, const char *urlpath,
    struct http_buf *out)
{
	struct http_dirent *v;
	struct http_buf base;
	size_t n, i;
	int error;

	if ((error = fs->fs_readdir(fd, &v, &n)) != 0)
		return error;
	if (n > 0)
		qsort(v, n, sizeof(*v), http_dirent_cmp);
	/* Links are absolute: the page works with or without a final '/'. */
	http_buf_init(&base);
	http_buf_str(&base, urlpath);
	if (base.len == 0 || urlpath[base.len - 1] != '/')
		http_buf_str(&base, "/");
	http_buf_add(&base, "", 1);
	http_buf_str(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>Index of ");
	http_escape_html(out, urlpath);
	http_buf_str(out, "</title></head>\n<body><h1>Index of ");
	http_escape_html(out, urlpath);
	http_buf_str(out, "</h1>\n<ul>\n");
	if (!base.failed)
		http_dirlist_parent(out, base.data);
	for (i = 0; i < n && !base.failed; i++)
		http_dirlist_entry(out, base.data, &v[i]);
	http_buf_str(out, "</ul>\n</body></html>\n");
	error = base.failed || out->failed ? ENOMEM : 0;
	http_buf_free(&base);
	http_dirents_free(v, n);
	return error;
}
