/*
 * The host ABI the public interface speaks, declared for kernel code.
 *
 * The kernel never sees the host's headers, yet rump_sys_* calls take the
 * host's structures and constants unchanged.  So they are declared here
 * again with Linux's values and layouts on x86-64, and their sizes checked
 * at compile time.
 */
#ifndef RUMPKERN_ABI_H
#define RUMPKERN_ABI_H

#include "rumpkern/kern.h"

typedef long ssize_t;
typedef long off_t;
typedef unsigned int mode_t;
typedef unsigned long nfds_t;
typedef long time_t;
typedef unsigned int socklen_t;
typedef long suseconds_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef int pid_t;
typedef unsigned long dev_t;
typedef unsigned long ino_t;
typedef unsigned long nlink_t;
typedef long blksize_t;
typedef long blkcnt_t;

struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

struct timeval {
	time_t tv_sec;
	suseconds_t tv_usec;
};

struct iovec {
	void *iov_base;
	size_t iov_len;
};

struct pollfd {
	int fd;
	short events;
	short revents;
};

/* fstat(2): the layout of x86-64 Linux (asm/stat.h), 144 bytes. */
struct stat {
	dev_t st_dev;
	ino_t st_ino;
	nlink_t st_nlink;
	mode_t st_mode;
	uid_t st_uid;
	gid_t st_gid;
	int st_pad0;
	dev_t st_rdev;
	off_t st_size;
	blksize_t st_blksize;
	blkcnt_t st_blocks;
	struct timespec st_atim;
	struct timespec st_mtim;
	struct timespec st_ctim;
	long st_pad[3];
};

CTASSERT(sizeof(struct stat) == 144);
CTASSERT(offsetof(struct stat, st_nlink) == 16);
CTASSERT(offsetof(struct stat, st_mode) == 24);
CTASSERT(offsetof(struct stat, st_rdev) == 40);
CTASSERT(offsetof(struct stat, st_size) == 48);
CTASSERT(offsetof(struct stat, st_blocks) == 64);
CTASSERT(offsetof(struct stat, st_atim) == 72);
CTASSERT(offsetof(struct stat, st_ctim) == 104);
CTASSERT(sizeof(struct timespec) == 16);
CTASSERT(sizeof(struct timeval) == 16);
CTASSERT(sizeof(struct iovec) == 16);
CTASSERT(sizeof(struct pollfd) == 8);

#define POLLIN		0x0001
#define POLLPRI		0x0002
#define POLLOUT		0x0004
#define POLLERR		0x0008
#define POLLHUP		0x0010
#define POLLNVAL	0x0020
#define POLLRDNORM	0x0040
#define POLLRDBAND	0x0080
#define POLLWRNORM	0x0100
#define POLLWRBAND	0x0200
#define POLLRDHUP	0x2000

/* open(2) and fcntl(2) */
#define O_RDONLY	00
#define O_WRONLY	01
#define O_RDWR		02
#define O_ACCMODE	03
#define O_CREAT		0100
#define O_EXCL		0200
#define O_TRUNC		01000
#define O_APPEND	02000
#define O_NONBLOCK	04000
#define O_DIRECTORY	0200000
#define O_CLOEXEC	02000000

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_DUPFD_CLOEXEC	1030
#define FD_CLOEXEC	1

/* ioctl(2) */
#define FIONREAD	0x541B
#define FIONBIO		0x5421

/* st_mode: the file type and permission bits. */
#define S_IFMT		0170000
#define S_IFSOCK	0140000
#define S_IFLNK		0120000
#define S_IFREG		0100000
#define S_IFBLK		0060000
#define S_IFDIR		0040000
#define S_IFCHR		0020000
#define S_IFIFO		0010000
#define S_ISUID		04000
#define S_ISGID		02000
#define S_ISVTX		01000

/* lseek(2) */
#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2
#define SEEK_DATA	3
#define SEEK_HOLE	4

/* fcntl(2) on pipes */
#define F_SETPIPE_SZ	1031
#define F_GETPIPE_SZ	1032

/* The most iovecs one readv, writev, sendmsg or recvmsg takes (UIO_MAXIOV). */
#define IOV_MAX		1024

#endif
