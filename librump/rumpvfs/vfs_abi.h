/*
 * The file-system part of the host ABI, declared for kernel code: the
 * constants, structures and layouts of Linux on x86-64 that rump_sys_*
 * file calls take and return (struct stat and the S_IF* types are in
 * rumpkern/abi.h, which fstat shares), so a Linux program ports by adding
 * "rump_sys_".  Sizes are checked at compile time.
 */
#ifndef RUMPVFS_VFS_ABI_H
#define RUMPVFS_VFS_ABI_H

#include "rumpkern/abi.h"

typedef int64_t daddr_t;

#define PATH_MAX	4096	/* bytes in a path, with its NUL */
#define NAME_MAX	255	/* bytes in one component */
#define MAXSYMLINKS	40	/* symlinks one lookup follows (Linux's) */

/* Permission bits (the file types are in rumpkern/abi.h). */
#define S_IRUSR		0400
#define S_IWUSR		0200
#define S_IXUSR		0100
#define S_IXGRP		0010
#define S_IXOTH		0001
#define ALLPERMS	07777
#define ACCESSPERMS	0777

/* open(2) flags beyond those of rumpkern/abi.h. */
#define O_NOFOLLOW	0400000
#define O_PATH		010000000
#define O_DSYNC		010000
#define O_SYNC		04010000
#define O_LARGEFILE	0100000
#define O_NOATIME	01000000
#define O_NOCTTY	0400

/* The *at() calls. */
#define AT_FDCWD		(-100)
#define AT_SYMLINK_NOFOLLOW	0x100
#define AT_REMOVEDIR		0x200
#define AT_SYMLINK_FOLLOW	0x400
#define AT_EACCESS		0x200
#define AT_EMPTY_PATH		0x1000

/* renameat2(2) flags. */
#define RENAME_NOREPLACE	1
#define RENAME_EXCHANGE		2

/* access(2). */
#define F_OK	0
#define X_OK	1
#define W_OK	2
#define R_OK	4

/* utimensat(2). */
#define UTIME_NOW	((1L << 30) - 1L)
#define UTIME_OMIT	((1L << 30) - 2L)

/* struct statfs of Linux x86-64, what rump_sys_statvfs fills. */
struct statfs {
	long f_type;
	long f_bsize;
	unsigned long f_blocks;
	unsigned long f_bfree;
	unsigned long f_bavail;
	unsigned long f_files;
	unsigned long f_ffree;
	struct { int val[2]; } f_fsid;
	long f_namelen;
	long f_frsize;
	long f_flags;
	long f_spare[4];
};
CTASSERT(sizeof(struct statfs) == 120);

/* f_flags (ST_* of statvfs(3)). */
#define ST_RDONLY	0x0001
#define ST_NOSUID	0x0002

/* mount(2) flags (MS_*). */
#define MS_RDONLY	0x0001
#define MS_REMOUNT	0x0020

/* umount2(2) flags. */
#define MNT_FORCE	0x0001

/* struct linux_dirent64 (getdents64(2)). */
struct dirent64 {
	uint64_t d_ino;
	int64_t d_off;		/* the position of the next record */
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];		/* NUL-terminated, padded to 8 bytes */
};
CTASSERT(offsetof(struct dirent64, d_name) == 19);

/* d_type. */
#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12

/* The length of a dirent64 record with a name of namelen bytes. */
#define DIRENT64_RECLEN(namelen) \
	((offsetof(struct dirent64, d_name) + (namelen) + 1 + 7) & ~(size_t)7)

#endif
