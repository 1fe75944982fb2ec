/*
 * Directory listings: an HTML page with one link per entry, sorted by
 * name (bytes, not the locale's order), a slash after directories.  Names
 * are escaped twice over: as URLs in the links and as HTML in the text.
 * "." and ".." are left out (a ".." segment is refused by http_path.c);
 * below the root, a "../" link names the parent directory itself.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"

struct http_dirent {
	char *name;
	bool isdir;
};

static int
http_dirent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct http_dirent *)a)->name,
	    ((const struct http_dirent *)b)->name);
}

static void
http_dirents_free(struct http_dirent *v, size_t n)
{
	while (n > 0)
		free(v[--n].name);
	free(v);
}

/* Every entry but "." and ".." into *vp; 0 or an errno. */
static int
http_dirents_read(DIR *d, struct http_dirent **vp, size_t *np)
{
	struct http_dirent *v = NULL, *nv;
	struct dirent *de;
	struct stat st;
	size_t n = 0, cap = 0;

	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 32;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto fail;
			v = nv;
		}
		if ((v[n].name = strdup(de->d_name)) == NULL)
			goto fail;
		v[n].isdir = fstatat(dirfd(d), de->d_name, &st, 0) == 0 &&
		    S_ISDIR(st.st_mode);
		n++;
	}
	if (errno != 0)
		goto fail;
	*vp = v;
	*np = n;
	return 0;
fail:
	http_dirents_free(v, n);
	return errno != 0 ? errno : ENOMEM;
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
http_dirlist(int fd, const char *urlpath, struct http_buf *out)
{
	struct http_dirent *v;
	struct http_buf base;
	size_t n, i;
	DIR *d;
	int error;

	if ((d = fdopendir(fd)) == NULL) {
		error = errno;
		close(fd);
		return error;
	}
	error = http_dirents_read(d, &v, &n);
	closedir(d);
	if (error != 0)
		return error;
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
