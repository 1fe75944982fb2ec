/*
 * Descriptor tables.
 *
 * Slots are tracked in a bitmap so the lowest free descriptor is found a
 * 64-bit word at a time, starting from fd_freefile, below which no slot is
 * free.  The arrays grow by doubling up to the table's limit.
 */
#include "rumpkern/cred.h"
#include "rumpkern/filedesc.h"
#include "rumpkern/kmem.h"
#include "rumpkern/lwp.h"

KMEM_DEFINE(M_FILE, "file");
KMEM_DEFINE(M_FILEDESC, "filedesc");

#define NDINIT	64	/* initial slots, one bitmap word */

int fd_deflimit = NDFILE_DEFAULT;

struct file *
file_alloc(int flag)
{
	struct file *fp = kmem_zalloc(&M_FILE, sizeof(*fp), KM_SLEEP);

	fp->f_flag = flag;
	fp->f_count = 1;
	fp->f_cred = proc_cred(curproc);
	mutex_init(&fp->f_offlock, MUTEX_DEFAULT);
	return fp;
}

void
file_hold(struct file *fp)
{
	__atomic_add_fetch(&fp->f_count, 1, __ATOMIC_RELAXED);
}

int
file_release(struct file *fp)
{
	int error = 0;

	if (__atomic_sub_fetch(&fp->f_count, 1, __ATOMIC_ACQ_REL) != 0)
		return 0;
	error = fo_close(fp);
	mutex_destroy(&fp->f_offlock);
	cred_release(fp->f_cred);
	kmem_free(&M_FILE, fp, sizeof(*fp));
	return error;
}

int
file_seek_offset(off_t cur, off_t size, off_t delta, int whence,
    off_t *newoff)
{
	off_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = cur;
		break;
	case SEEK_END:
		base = size;
		break;
	default:
		return EINVAL;
	}
	if (delta > 0 && base > INT64_MAX - delta)
		return EOVERFLOW;
	if (base + delta < 0)
		return EINVAL;
	*newoff = base + delta;
	return 0;
}

static void
fd_arrays_alloc(struct filedesc *fdp, int n)
{
	fdp->fd_ofiles = kmem_zalloc(&M_FILEDESC, n * sizeof(struct file *),
	    KM_SLEEP);
	fdp->fd_used = kmem_zalloc(&M_FILEDESC, howmany(n, 64) *
	    sizeof(uint64_t), KM_SLEEP);
	fdp->fd_cloexec = kmem_zalloc(&M_FILEDESC, n, KM_SLEEP);
	fdp->fd_nfiles = n;
}

static void
fd_arrays_free(struct filedesc *fdp, struct file **ofiles, uint64_t *used,
    uint8_t *cloexec, int n)
{
	(void)fdp;
	kmem_free(&M_FILEDESC, ofiles, n * sizeof(struct file *));
	kmem_free(&M_FILEDESC, used, howmany(n, 64) * sizeof(uint64_t));
	kmem_free(&M_FILEDESC, cloexec, n);
}

struct filedesc *
fd_create(void)
{
	struct filedesc *fdp = kmem_zalloc(&M_FILEDESC, sizeof(*fdp), KM_SLEEP);

	mutex_init(&fdp->fd_lock, MUTEX_DEFAULT);
	fdp->fd_limit = fd_deflimit;
	fd_arrays_alloc(fdp, MIN(NDINIT, fdp->fd_limit));
	return fdp;
}

/* Grows the table to hold at least fd + 1 slots; called with fd_lock held. */
static void
fd_grow(struct filedesc *fdp, int fd)
{
	struct file **oofiles = fdp->fd_ofiles;
	uint64_t *oused = fdp->fd_used;
	uint8_t *ocloexec = fdp->fd_cloexec;
	int on = fdp->fd_nfiles, n = on;

	while (n <= fd)
		n *= 2;
	n = MIN(n, fdp->fd_limit);
	KASSERT(n > fd);
	fd_arrays_alloc(fdp, n);
	memcpy(fdp->fd_ofiles, oofiles, on * sizeof(struct file *));
	memcpy(fdp->fd_used, oused, howmany(on, 64) * sizeof(uint64_t));
	memcpy(fdp->fd_cloexec, ocloexec, on);
	fd_arrays_free(fdp, oofiles, oused, ocloexec, on);
}

static bool
fd_isused(const struct filedesc *fdp, int fd)
{
	return (fdp->fd_used[fd / 64] >> (fd % 64)) & 1;
}

static void
fd_mark(struct filedesc *fdp, int fd, bool used)
{
	if (used) {
		fdp->fd_used[fd / 64] |= (uint64_t)1 << (fd % 64);
		fdp->fd_nopen++;
	} else {
		fdp->fd_used[fd / 64] &= ~((uint64_t)1 << (fd % 64));
		fdp->fd_nopen--;
		if (fd < fdp->fd_freefile)
			fdp->fd_freefile = fd;
	}
}

/* Lowest free slot >= minfd, or -1 if the limit is reached. */
static int
fd_findfree(struct filedesc *fdp, int minfd)
{
	int fd = MAX(minfd, fdp->fd_freefile);
	int nwords = howmany(fdp->fd_nfiles, 64);

	for (int w = fd / 64; w < nwords; w++) {
		uint64_t bits = ~fdp->fd_used[w];

		if (w == fd / 64)
			bits &= ~(uint64_t)0 << (fd % 64);
		if (bits != 0) {
			int found = w * 64 + __builtin_ctzll(bits);

			return found < fdp->fd_nfiles ? found : -1;
		}
	}
	return fdp->fd_nfiles > fd ? -1 : fd;
}

static int
fd_alloc_locked(struct filedesc *fdp, int minfd, int *fdout)
{
	int fd;

	KASSERT(mutex_owned(&fdp->fd_lock));
	if (minfd >= fdp->fd_limit)
		return EINVAL;
	fd = fd_findfree(fdp, minfd);
	if (fd < 0) {
		if (fdp->fd_nfiles >= fdp->fd_limit)
			return EMFILE;
		fd = MAX(minfd, fdp->fd_nfiles);
	}
	if (fd >= fdp->fd_limit)
		return EMFILE;
	if (fd >= fdp->fd_nfiles)
		fd_grow(fdp, fd);
	fd_mark(fdp, fd, true);
	if (minfd <= fdp->fd_freefile)
		fdp->fd_freefile = fd + 1;
	*fdout = fd;
	return 0;
}

int
fd_install(struct filedesc *fdp, struct file *fp, int minfd, int *fdout)
{
	int error;

	mutex_enter(&fdp->fd_lock);
	error = fd_alloc_locked(fdp, minfd, fdout);
	if (error == 0) {
		file_hold(fp);
		fdp->fd_ofiles[*fdout] = fp;
		fdp->fd_cloexec[*fdout] = 0;
	}
	mutex_exit(&fdp->fd_lock);
	return error;
}

int
fd_reserve(struct filedesc *fdp, int *fdout)
{
	int error;

	mutex_enter(&fdp->fd_lock);
	error = fd_alloc_locked(fdp, 0, fdout);
	mutex_exit(&fdp->fd_lock);
	return error;
}

void
fd_commit(struct filedesc *fdp, int fd, struct file *fp, bool cloexec)
{
	mutex_enter(&fdp->fd_lock);
	KASSERT(fd_isused(fdp, fd) && fdp->fd_ofiles[fd] == NULL);
	file_hold(fp);
	fdp->fd_ofiles[fd] = fp;
	fdp->fd_cloexec[fd] = cloexec;
	mutex_exit(&fdp->fd_lock);
}

void
fd_cancel(struct filedesc *fdp, int fd)
{
	mutex_enter(&fdp->fd_lock);
	KASSERT(fd_isused(fdp, fd) && fdp->fd_ofiles[fd] == NULL);
	fd_mark(fdp, fd, false);
	mutex_exit(&fdp->fd_lock);
}

int
fd_affix(struct file *fp, int *fdout)
{
	int error = fd_install(curproc->p_fd, fp, 0, fdout);

	file_release(fp);
	return error;
}

struct file *
fd_getfile(int fd)
{
	struct filedesc *fdp = curproc->p_fd;
	struct file *fp = NULL;

	if (fd < 0)
		return NULL;
	mutex_enter(&fdp->fd_lock);
	if (fd < fdp->fd_nfiles && (fp = fdp->fd_ofiles[fd]) != NULL)
		file_hold(fp);
	mutex_exit(&fdp->fd_lock);
	return fp;
}

void
fd_putfile(struct file *fp)
{
	file_release(fp);
}

/* Empties a slot; returns the file whose reference the slot held. */
static struct file *
fd_unset_locked(struct filedesc *fdp, int fd)
{
	struct file *fp = fdp->fd_ofiles[fd];

	fdp->fd_ofiles[fd] = NULL;
	fdp->fd_cloexec[fd] = 0;
	fd_mark(fdp, fd, false);
	return fp;
}

int
fd_close(struct filedesc *fdp, int fd)
{
	struct file *fp = NULL;

	mutex_enter(&fdp->fd_lock);
	if (fd >= 0 && fd < fdp->fd_nfiles && fdp->fd_ofiles[fd] != NULL)
		fp = fd_unset_locked(fdp, fd);
	mutex_exit(&fdp->fd_lock);
	if (fp == NULL)
		return EBADF;
	return file_release(fp);
}

int
fd_dup(struct filedesc *fdp, int oldfd, int minfd, bool cloexec, int *newfd)
{
	struct file *fp;
	int error;

	if (minfd < 0)
		return EINVAL;
	mutex_enter(&fdp->fd_lock);
	if (oldfd < 0 || oldfd >= fdp->fd_nfiles ||
	    (fp = fdp->fd_ofiles[oldfd]) == NULL) {
		mutex_exit(&fdp->fd_lock);
		return EBADF;
	}
	error = fd_alloc_locked(fdp, minfd, newfd);
	if (error == 0) {
		file_hold(fp);
		fdp->fd_ofiles[*newfd] = fp;
		fdp->fd_cloexec[*newfd] = cloexec;
	}
	mutex_exit(&fdp->fd_lock);
	return error;
}

int
fd_dup2(struct filedesc *fdp, int oldfd, int newfd, bool cloexec)
{
	struct file *fp, *old = NULL;

	mutex_enter(&fdp->fd_lock);
	if (oldfd < 0 || oldfd >= fdp->fd_nfiles ||
	    (fp = fdp->fd_ofiles[oldfd]) == NULL ||
	    newfd < 0 || newfd >= fdp->fd_limit) {
		mutex_exit(&fdp->fd_lock);
		return EBADF;
	}
	if (oldfd == newfd) {
		mutex_exit(&fdp->fd_lock);
		return 0;
	}
	if (newfd >= fdp->fd_nfiles)
		fd_grow(fdp, newfd);
	if (fdp->fd_ofiles[newfd] != NULL)
		old = fd_unset_locked(fdp, newfd);
	else if (fd_isused(fdp, newfd)) {
		mutex_exit(&fdp->fd_lock);
		return EBUSY;
	}
	fd_mark(fdp, newfd, true);
	file_hold(fp);
	fdp->fd_ofiles[newfd] = fp;
	fdp->fd_cloexec[newfd] = cloexec;
	mutex_exit(&fdp->fd_lock);
	/* The replaced file closes silently, as POSIX says. */
	if (old != NULL)
		file_release(old);
	return 0;
}

int
fd_getcloexec(struct filedesc *fdp, int fd, bool *cloexec)
{
	int error = 0;

	mutex_enter(&fdp->fd_lock);
	if (fd < 0 || fd >= fdp->fd_nfiles || fdp->fd_ofiles[fd] == NULL)
		error = EBADF;
	else
		*cloexec = fdp->fd_cloexec[fd] != 0;
	mutex_exit(&fdp->fd_lock);
	return error;
}

int
fd_setcloexec(struct filedesc *fdp, int fd, bool cloexec)
{
	int error = 0;

	mutex_enter(&fdp->fd_lock);
	if (fd < 0 || fd >= fdp->fd_nfiles || fdp->fd_ofiles[fd] == NULL)
		error = EBADF;
	else
		fdp->fd_cloexec[fd] = cloexec;
	mutex_exit(&fdp->fd_lock);
	return error;
}

struct filedesc *
fd_copy(struct filedesc *src)
{
	struct filedesc *fdp = fd_create();

	mutex_enter(&src->fd_lock);
	fdp->fd_limit = src->fd_limit;
	if (src->fd_nfiles > fdp->fd_nfiles)
		fd_grow(fdp, src->fd_nfiles - 1);
	for (int fd = 0; fd < src->fd_nfiles; fd++) {
		struct file *fp = src->fd_ofiles[fd];

		if (fp == NULL)
			continue;
		file_hold(fp);
		fdp->fd_ofiles[fd] = fp;
		fdp->fd_cloexec[fd] = src->fd_cloexec[fd];
		fd_mark(fdp, fd, true);
	}
	mutex_exit(&src->fd_lock);
	fdp->fd_freefile = 0;
	return fdp;
}

/* Closes every descriptor and frees the table. */
void
fd_free(struct filedesc *fdp)
{
	for (int fd = 0; fd < fdp->fd_nfiles; fd++)
		if (fdp->fd_ofiles[fd] != NULL)
			fd_close(fdp, fd);
	fd_arrays_free(fdp, fdp->fd_ofiles, fdp->fd_used, fdp->fd_cloexec,
	    fdp->fd_nfiles);
	mutex_destroy(&fdp->fd_lock);
	kmem_free(&M_FILEDESC, fdp, sizeof(*fdp));
}
