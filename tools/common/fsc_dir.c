/* A directory of the image read whole and sorted, for the listings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsc_dir.h"

static int
fsc_namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
fsc_dir_read(struct ukfs *fs, const char *path, int all, struct fsc_dir *d)
{
	struct ukfs_dir *ud = ukfs_opendir(fs, path);
	struct ukfs_dirent ent;
	char **names;
	int rv;

	d->n = 0;
	d->names = NULL;
	if (ud == NULL)
		return -1;
	while ((rv = ukfs_readdir(ud, &ent)) == 1) {
		if (!all && ent.d_name[0] == '.')
			continue;
		names = realloc(d->names, (d->n + 1) * sizeof(*names));
		if (names == NULL || (names[d->n] = strdup(ent.d_name)) == NULL) {
			if (names != NULL)
				d->names = names;
			rv = -1;
			break;
		}
		d->names = names;
		d->n++;
	}
	ukfs_closedir(ud);
	if (rv < 0) {
		fsc_dir_free(d);
		return -1;
	}
	/* qsort's array must not be NULL, even for no names. */
	if (d->n > 1)
		qsort(d->names, d->n, sizeof(*d->names), fsc_namecmp);
	return 0;
}

void
fsc_dir_free(struct fsc_dir *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->names[i]);
	free(d->names);
	d->names = NULL;
	d->n = 0;
}

int
fsc_dir_isdot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

int
fsc_join(char *buf, size_t size, const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	const char *sep = dl > 0 && dir[dl - 1] == '/' ? "" : "/";

	return (size_t)snprintf(buf, size, "%s%s%s", dir, sep, name) < size ?
	    0 : -1;
}
