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
struct cred;

/*
 * What fstat(2) reports about an open file, in the kernel's own terms;
 * stat_copyout() converts it to the caller's layout (struct stat).
 */
struct filestat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint32_t st_mode;		/* S_IF* type and permission bits */
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blocks;		/* 512-byte units */
	uint32_t st_blksize;		/* the preferred I/O size */
	struct timespec st_atim;
	struct timespec st_mtim;
	struct timespec st_ctim;
};

/*
 * Reads and writes start at uio->uio_offset, which the descriptor layer
 * sets: from the call's own offset for pread/pwrite, from f_offset for
 * read/write (storing back where the transfer ended), and to 0 for a file
 * without fo_seek, which has no position (pipes, sockets).
 */
struct fileops {
	const char *fo_name;
	int (*fo_read)(struct file *fp, struct uio *uio, int flags);
	int (*fo_write)(struct file *fp, struct uio *uio, int flags);
	int (*fo_ioctl)(struct file *fp, unsigned long cmd, void *data);
	/*
	 * F_SETFL after f_flag changed, and every fcntl command the
	 * descriptor layer does not handle.  *argp is the call's argument on
	 * entry (for F_SETFL the new status flags) and its result on return.
	 */
	int (*fo_fcntl)(struct file *fp, int cmd, long *argp);
	/* Returns the ready events among events; records pe if none. */
	int (*fo_poll)(struct file *fp, int events, struct pollent *pe);
	int (*fo_stat)(struct file *fp, struct filestat *st);
	/*
	 * Present only for files with a position.  *offp is the current
	 * offset on entry and the new one on return; called with f_offlock
	 * held.  file_seek_offset() does SEEK_SET, SEEK_CUR and SEEK_END.
	 */
	int (*fo_seek)(struct file *fp, off_t delta, int whence, off_t *offp);
	/* Called once, when the last reference goes. */
	int (*fo_close)(struct file *fp);
};

/* f_flag: the open mode and status flags. */
#define FREAD		0x0001
#define FWRITE		0x0002
#define FNONBLOCK	O_NONBLOCK
#define FAPPEND		O_APPEND

/* f_type: what f_data is. */
#define DTYPE_PIPE	1	/* struct pipe */
#define DTYPE_SOCKET	2	/* struct socket */
#define DTYPE_VNODE	3	/* struct vnode */

/*
 * The offset: f_offset is read and written only with f_offlock held, and
 * read(), write() and lseek() hold it for their whole transfer, as Linux
 * holds f_pos_lock.  So two threads reading one file get consecutive,
 * non-overlapping ranges and the offset ends after both.  pread() and
 * pwrite() neither take the lock nor touch f_offset.
 */
struct file {
	const struct fileops *f_ops;
	void *f_data;
	int f_type;		/* DTYPE_*: set by the creator, then constant */
	int f_flag;		/* atomic: FREAD, FWRITE, FNONBLOCK, FAPPEND */
	unsigned f_count;	/* atomic reference count */
	struct cred *f_cred;	/* the opener's credentials, held */
	kmutex_t f_offlock;
	off_t f_offset;		/* under f_offlock */
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

/*
 * A new file with one reference and the calling process's credentials;
 * f_type, f_ops and f_data are the caller's to set.
 */
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
 * The new offset of a seek from cur in a file of size bytes: EINVAL for a
 * bad whence or a negative result, EOVERFLOW past the largest offset.
 */
int file_seek_offset(off_t cur, off_t size, off_t delta, int whence,
    off_t *newoff);
/* Converts st to the caller's struct stat and copies it out. */
int stat_copyout(const struct filestat *st, struct stat *ub);

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
fo_fcntl(struct file *fp, int cmd, long *argp)
{
	/* Status flags live in the file; an object need not hear of them. */
	if (fp->f_ops->fo_fcntl == NULL)
		return cmd == F_SETFL ? 0 : EINVAL;
	return fp->f_ops->fo_fcntl(fp, cmd, argp);
}

static inline int
fo_stat(struct file *fp, struct filestat *st)
{
	return fp->f_ops->fo_stat != NULL ? fp->f_ops->fo_stat(fp, st) :
	    EOPNOTSUPP;
}

static inline int
fo_seek(struct file *fp, off_t delta, int whence, off_t *offp)
{
	return fp->f_ops->fo_seek != NULL ?
	    fp->f_ops->fo_seek(fp, delta, whence, offp) : ESPIPE;
}

/* The file has a position: lseek, pread and pwrite apply. */
static inline bool
file_seekable(const struct file *fp)
{
	return fp->f_ops->fo_seek != NULL;
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
