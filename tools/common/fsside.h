/*
 * One side of an fsconsole copy: the host's file system or an image
 * mounted through ukfs, behind the same calls so that one copy engine
 * (fscopy.c) serves get (image to host) and put (host to image).  Every
 * call returns like its POSIX namesake: -1 and errno on failure.
 */
#ifndef TOOLS_FSSIDE_H
#define TOOLS_FSSIDE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

struct fsside {
	void *ctx;		/* the ukfs mount; unused on the host */
	int (*lstat)(void *ctx, const char *path, struct stat *sb);
	/* A directory's entries but "." and "..": a handle or NULL. */
	void *(*opendir)(void *ctx, const char *path);
	/* The next name in name (size bytes): 1, 0 at the end, -1. */
	int (*readdir)(void *dir, char *name, size_t size);
	void (*closedir)(void *dir);
	/* The target, NUL-terminated. */
	ssize_t (*readlink)(void *ctx, const char *path, char *buf,
	    size_t size);
	int (*open)(void *ctx, const char *path, int flags, mode_t mode);
	/*
	 * A directory's descriptor: of one open for reading, or opened
	 * (closed with close); then an entry of it by name alone: a copy
	 * of a tree looks each file up once from its directory, not along
	 * its whole path again.
	 */
	int (*dirfd)(void *dir);
	int (*diropen)(void *ctx, const char *path);
	int (*lstatat)(void *ctx, int dirfd, const char *name, struct stat *sb);
	int (*openat)(void *ctx, int dirfd, const char *name, int flags,
	    mode_t mode);
	ssize_t (*pread)(void *ctx, int fd, void *buf, size_t len, off_t off);
	ssize_t (*pwrite)(void *ctx, int fd, const void *buf, size_t len,
	    off_t off);
	int (*close)(void *ctx, int fd);
	/* A file open for writing: its size and attributes, by descriptor. */
	int (*ftruncate)(void *ctx, int fd, off_t len);
	int (*fchmod)(void *ctx, int fd, mode_t mode);
	int (*fchown)(void *ctx, int fd, uid_t uid, gid_t gid);
	int (*futimens)(void *ctx, int fd, const struct timespec ts[2]);
	int (*mkdir)(void *ctx, const char *path, mode_t mode);
	int (*symlink)(void *ctx, const char *target, const char *path);
	int (*link)(void *ctx, const char *from, const char *to);
	/* Directories and symlinks: by path. */
	int (*chmod)(void *ctx, const char *path, mode_t mode);
	int (*lchown)(void *ctx, const char *path, uid_t uid, gid_t gid);
	int (*lutimens)(void *ctx, const char *path,
	    const struct timespec ts[2]);
};

/* The host's file system. */
extern const struct fsside fsside_host;

#endif
