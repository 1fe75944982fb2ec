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

#define IOV_MAX		1024

#endif
