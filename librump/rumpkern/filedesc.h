/*
 * Open files and per-process descriptor tables.
 *
 * A struct file is what a descriptor refers to; its fileops is the seam
 * between the descriptor layer and whatever implements the file (a socket,
 * a vnode).  Descriptors are allocated lowest-free from a bitmap; dup
 * makes two descriptors share one struct file.
 *
 * References: every descriptor slot holds one reference, and fd_getfile()
 * lends one more to a caller until fd_putfile().  The file is closed when
 * the last reference goes, so closing a descriptor that another thread is
 * using does not pull the file from under it.
 */
#ifndef RUMPKERN_FILEDESC_H
#define RUMPKERN_FILEDESC_H

#include "rumpkern/config.h"
#include "rumpkern/abi.h"
#include "rumpkern/mutex.h"

struct file;
struct uio;
struct pollent;
struct lwp;

struct fileops {
	const char *fo_name;
	int (*fo_read)(struct file *fp, struct uio *uio, int flags);
	int (*fo_write)(struct file *fp, struct uio *uio, int flags);
	int (*fo_ioctl)(struct file *fp, unsigned long cmd, void *data);
	/* Returns the ready events among events; records pe if none. */
	int (*fo_poll)(struct file *fp, int events, struct pollent *pe);
	/* Called once, when the last reference goes. */
	int (*fo_close)(struct file *fp);
};

/* f_flag: the open mode and status flags. */
#define FREAD		0x0001
#define FWRITE		0x0002
#define FNONBLOCK	O_NONBLOCK

struct file {
	const struct fileops *f_ops;
	void *f_data;
	int f_flag;		/* atomic: FREAD, FWRITE, FNONBLOCK */
	unsigned f_count;	/* atomic reference count */
};


struct filedesc {
	kmutex_t fd_lock;
	struct file **fd_ofiles;	/* fd_nfiles slots */
	uint64_t *fd_used;		/* bitmap: slot taken or reserved */
	uint8_t *fd_cloexec;
	int fd_nfiles;			/* size of the arrays */
	int fd_limit;			/* descriptors allowed: EMFILE beyond */
	int fd_freefile;		/* no free slot below this one */
	int fd_nopen;
};

extern int fd_deflimit;

struct filedesc *fd_create(void);
struct filedesc *fd_copy(struct filedesc *src);
void fd_free(struct filedesc *fdp);

/* A new file with one reference; f_ops and f_data are the caller's to set. */
struct file *file_alloc(int flag);
void file_hold(struct file *fp);
/* Drops a reference; the last one closes the file. */
int file_release(struct file *fp);

/* Installs fp at the lowest free descriptor >= minfd and takes a reference. */
int fd_install(struct filedesc *fdp, struct file *fp, int minfd, int *fdout);
/*
 * The same in two steps, for calls that must tell the caller the number
 * before the descriptor may be used (pipe2): a reserved slot is taken but
 * empty, so no other thread can reach or reuse it until fd_commit()
 * fills it (taking a reference on fp) or fd_cancel() frees it.
 */
int fd_reserve(struct filedesc *fdp, int *fdout);
void fd_commit(struct filedesc *fdp, int fd, struct file *fp, bool cloexec);
void fd_cancel(struct filedesc *fdp, int fd);
/* Like fd_install, and drops the caller's reference (it is now the table's). */
int fd_affix(struct file *fp, int *fdout);
struct file *fd_getfile(int fd);	/* NULL: EBADF */
void fd_putfile(struct file *fp);
int fd_close(struct filedesc *fdp, int fd);
int fd_dup(struct filedesc *fdp, int oldfd, int minfd, bool cloexec,
    int *newfd);
int fd_dup2(struct filedesc *fdp, int oldfd, int newfd, bool cloexec);
int fd_getcloexec(struct filedesc *fdp, int fd, bool *cloexec);
int fd_setcloexec(struct filedesc *fdp, int fd, bool cloexec);

/*
 * The calls into a file's implementation, each through one wrapper; a
 * missing entry answers as a file that cannot do it would.
 */
static inline int
fo_read(struct file *fp, struct uio *uio, int flags)
{
	return fp->f_ops->fo_read != NULL ?
	    fp->f_ops->fo_read(fp, uio, flags) : EINVAL;
}

static inline int
fo_write(struct file *fp, struct uio *uio, int flags)
{
	return fp->f_ops->fo_write != NULL ?
	    fp->f_ops->fo_write(fp, uio, flags) : EINVAL;
}

static inline int
fo_ioctl(struct file *fp, unsigned long cmd, void *data)
{
	return fp->f_ops->fo_ioctl != NULL ?
	    fp->f_ops->fo_ioctl(fp, cmd, data) : ENOTTY;
}

static inline int
fo_poll(struct file *fp, int events, struct pollent *pe)
{
	/* A file that cannot be polled is always ready, as poll(2) says. */
	return fp->f_ops->fo_poll != NULL ? fp->f_ops->fo_poll(fp, events, pe) :
	    events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
}

static inline int
fo_close(struct file *fp)
{
	return fp->f_ops != NULL && fp->f_ops->fo_close != NULL ?
	    fp->f_ops->fo_close(fp) : 0;
}

#endif
