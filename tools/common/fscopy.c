/* Copying trees between the host and an image, like cp -a. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fscopy.h"
#include "fsprogress.h"

#define FSCOPY_BUF	(1024 * 1024)

struct fscopy_link {
	dev_t dev;
	ino_t ino;
	char *to;
};

/*
 * An entry of a directory being copied: the directory's descriptor on
 * each side and the entry's name, so that a file is looked up once from
 * there, not along its whole path again; NULL for the top of a copy,
 * found by path.
 */
struct fscopy_at {
	int sfd, dfd;
	const char *name;
};

static int
fscopy_fail(const struct fscopy *c, const char *path)
{
	fprintf(stderr, "%s: %s: %s\n", c->prog, path, strerror(errno));
	return -1;
}

/* The earlier copy of a file with several links, or NULL. */
static const char *
fscopy_linked(const struct fscopy *c, const struct stat *sb)
{
	for (size_t i = 0; i < c->nlinks; i++)
		if (c->links[i].dev == sb->st_dev && c->links[i].ino == sb->st_ino)
			return c->links[i].to;
	return NULL;
}

static int
fscopy_remember(struct fscopy *c, const struct stat *sb, const char *to)
{
	struct fscopy_link *l;
	char *dup = strdup(to);

	if (dup == NULL)
		return -1;
	l = realloc(c->links, (c->nlinks + 1) * sizeof(*l));
	if (l == NULL) {
		free(dup);
		return -1;
	}
	l[c->nlinks].dev = sb->st_dev;
	l[c->nlinks].ino = sb->st_ino;
	l[c->nlinks++].to = dup;
	c->links = l;
	return 0;
}

static int
fscopy_iszero(const char *buf, size_t n)
{
	return n > 0 && buf[0] == 0 && memcmp(buf, buf + 1, n - 1) == 0;
}

/*
 * The contents; blocks of zeros are skipped and left as holes.  *endp is
 * the end of the last bytes written.  A short read that reaches the size
 * lstat gave is the end: asking again for the 0 that says so would cost
 * every small file a second read.
 */
static int
fscopy_data(const struct fscopy *c, int in, int out, const char *name,
    off_t size, char *buf, off_t *endp)
{
	struct fsprogress p;
	off_t off = 0;
	ssize_t n;

	*endp = 0;
	fsprogress_start(&p, stdout, c->progress, name, (uint64_t)size,
	    fsprogress_now());
	while ((n = c->src->pread(c->src->ctx, in, buf, FSCOPY_BUF, off)) > 0) {
		if (!fscopy_iszero(buf, (size_t)n)) {
			if (c->dst->pwrite(c->dst->ctx, out, buf, (size_t)n,
			    off) != n) {
				if (errno == 0)
					errno = EIO;
				n = -1;
				break;
			}
			*endp = off + n;
		}
		off += n;
		fsprogress_update(&p, (uint64_t)off, fsprogress_now());
		if (n < FSCOPY_BUF && off >= size)
			break;
	}
	fsprogress_end(&p);
	return n < 0 ? -1 : 0;
}

/*
 * Owner, mode and times of a file through its open descriptor, after
 * the contents (a write changes mtime) and the size (holes at the end,
 * or nothing written): no path is looked up again.  chown before chmod,
 * which it would undo the set-id bits of.
 */
static int
fscopy_fattrs(const struct fscopy *c, int out, off_t end,
    const struct stat *sb)
{
	struct timespec ts[2] = { sb->st_atim, sb->st_mtim };

	if (end != sb->st_size &&
	    c->dst->ftruncate(c->dst->ctx, out, sb->st_size) != 0)
		return -1;
	if (c->owners && c->dst->fchown(c->dst->ctx, out, sb->st_uid,
	    sb->st_gid) != 0)
		return -1;
	if (c->dst->fchmod(c->dst->ctx, out, sb->st_mode & 07777) != 0)
		return -1;
	return c->dst->futimens(c->dst->ctx, out, ts);
}

/* Opens the file from or to on side s, by name from at if given. */
static int
fscopy_open(const struct fsside *s, const struct fscopy_at *at, int dirfd,
    const char *path, int flags, mode_t mode)
{
	if (at != NULL)
		return s->openat(s->ctx, dirfd, at->name, flags, mode);
	return s->open(s->ctx, path, flags, mode);
}

static int
fscopy_file(struct fscopy *c, const char *from, const char *to,
    const struct stat *sb, const struct fscopy_at *at)
{
	int in, out, rv = -1, bad = 0;
	off_t end;

	/* One buffer for every file: a tree of small files costs no mmap each. */
	if (c->buf == NULL && (c->buf = malloc(FSCOPY_BUF)) == NULL)
		return fscopy_fail(c, from);
	in = fscopy_open(c->src, at, at != NULL ? at->sfd : -1, from, O_RDONLY,
	    0);
	if (in < 0)
		return fscopy_fail(c, from);
	out = fscopy_open(c->dst, at, at != NULL ? at->dfd : -1, to,
	    O_WRONLY | O_CREAT | O_TRUNC, sb->st_mode & 07777);
	if (out < 0) {
		fscopy_fail(c, to);
	} else {
		errno = 0;
		if (fscopy_data(c, in, out, from, sb->st_size, c->buf,
		    &end) != 0 || fscopy_fattrs(c, out, end, sb) != 0)
			bad = 1;
		if (c->dst->close(c->dst->ctx, out) != 0)
			bad = 1;
		rv = bad ? fscopy_fail(c, to) : 0;
	}
	c->src->close(c->src->ctx, in);
	return rv;
}

static int
fscopy_symlink(const struct fscopy *c, const char *from, const char *to)
{
	char target[PATH_MAX];

	if (c->src->readlink(c->src->ctx, from, target, sizeof(target)) < 0)
		return fscopy_fail(c, from);
	if (c->dst->symlink(c->dst->ctx, target, to) != 0)
		return fscopy_fail(c, to);
	return 0;
}

/* Owner, mode and times of a directory (after its entries) or symlink. */
static int
fscopy_attrs(const struct fscopy *c, const char *to, const struct stat *sb)
{
	struct timespec ts[2] = { sb->st_atim, sb->st_mtim };

	if (c->owners && c->dst->lchown(c->dst->ctx, to, sb->st_uid,
	    sb->st_gid) != 0)
		return fscopy_fail(c, to);
	/* A symlink's own mode means nothing; chmod would follow it. */
	if (!S_ISLNK(sb->st_mode) && c->dst->chmod(c->dst->ctx, to,
	    sb->st_mode & 07777) != 0)
		return fscopy_fail(c, to);
	if (c->dst->lutimens(c->dst->ctx, to, ts) != 0)
		return fscopy_fail(c, to);
	return 0;
}

static int fscopy_any(struct fscopy *c, const char *from, const char *to,
    const struct fscopy_at *at);

/* Copies the entries of the open directory d, each by name from at. */
static int
fscopy_entries(struct fscopy *c, const char *from, const char *to, void *d,
    struct fscopy_at *at)
{
	char name[NAME_MAX + 1], f[PATH_MAX], t[PATH_MAX];
	int rv = 0, more;

	while ((more = c->src->readdir(d, name, sizeof(name))) == 1) {
		if ((size_t)snprintf(f, sizeof(f), "%s/%s", from, name) >=
		    sizeof(f) || (size_t)snprintf(t, sizeof(t), "%s/%s", to,
		    name) >= sizeof(t)) {
			errno = ENAMETOOLONG;
			rv = fscopy_fail(c, f);
			continue;
		}
		at->name = name;
		if (fscopy_any(c, f, t, at) != 0)
			rv = -1;
	}
	if (more < 0)
		rv = fscopy_fail(c, from);
	return rv;
}

static int
fscopy_dir(struct fscopy *c, const char *from, const char *to,
    const struct stat *sb)
{
	struct fscopy_at at;
	void *d;
	int rv;

	/* Writable while it is filled; its own mode comes after. */
	if (c->dst->mkdir(c->dst->ctx, to, (sb->st_mode & 0777) | 0700) != 0 &&
	    errno != EEXIST)
		return fscopy_fail(c, to);
	if ((d = c->src->opendir(c->src->ctx, from)) == NULL)
		return fscopy_fail(c, from);
	at.sfd = c->src->dirfd(d);
	if ((at.dfd = c->dst->diropen(c->dst->ctx, to)) < 0) {
		rv = fscopy_fail(c, to);
	} else {
		rv = fscopy_entries(c, from, to, d, &at);
		c->dst->close(c->dst->ctx, at.dfd);
	}
	c->src->closedir(d);
	return rv;
}

static int
fscopy_any(struct fscopy *c, const char *from, const char *to,
    const struct fscopy_at *at)
{
	struct stat sb;
	const char *first;
	int rv;

	if ((at != NULL ? c->src->lstatat(c->src->ctx, at->sfd, at->name, &sb) :
	    c->src->lstat(c->src->ctx, from, &sb)) != 0)
		return fscopy_fail(c, from);
	if (!S_ISDIR(sb.st_mode) && sb.st_nlink > 1 &&
	    (first = fscopy_linked(c, &sb)) != NULL) {
		if (c->dst->link(c->dst->ctx, first, to) != 0)
			return fscopy_fail(c, to);
		return 0;
	}
	if (S_ISDIR(sb.st_mode))
		rv = fscopy_dir(c, from, to, &sb);
	else if (S_ISLNK(sb.st_mode))
		rv = fscopy_symlink(c, from, to);
	else if (S_ISREG(sb.st_mode))
		rv = fscopy_file(c, from, to, &sb, at);
	else {
		errno = ENOTSUP;
		return fscopy_fail(c, from);
	}
	if (rv == 0 && !S_ISDIR(sb.st_mode) && sb.st_nlink > 1 &&
	    fscopy_remember(c, &sb, to) != 0)
		rv = fscopy_fail(c, from);
	/*
	 * A directory gets its attributes even when a child failed; a file
	 * got them through its descriptor.
	 */
	if ((rv == 0 || S_ISDIR(sb.st_mode)) && !S_ISREG(sb.st_mode) &&
	    fscopy_attrs(c, to, &sb) != 0)
		rv = -1;
	return rv;
}

int
fscopy_tree(struct fscopy *c, const char *from, const char *to)
{
	return fscopy_any(c, from, to, NULL);
}

void
fscopy_done(struct fscopy *c)
{
	for (size_t i = 0; i < c->nlinks; i++)
		free(c->links[i].to);
	free(c->links);
	c->links = NULL;
	c->nlinks = 0;
	free(c->buf);
	c->buf = NULL;
}
