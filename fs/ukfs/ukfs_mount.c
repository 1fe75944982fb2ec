/*
 * Booting, mounting and unmounting: the image is registered as a block
 * device under a key of its own (/dev/ukfs<N>) and mounted by name, the
 * sequence a program using rump_sys_mount would follow.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_etfs.h>

#include "ukfs_impl.h"

static pthread_once_t ukfs_once = PTHREAD_ONCE_INIT;
static int ukfs_init_error;
static atomic_uint ukfs_devseq;

static void
ukfs_boot(void)
{
	ukfs_init_error = rump_init();
}

int
ukfs_init(void)
{
	pthread_once(&ukfs_once, ukfs_boot);
	if (ukfs_init_error != 0) {
		errno = ukfs_init_error;
		return -1;
	}
	return 0;
}

/* Makes every directory of the absolute path p (mkdir -p). */
static int
ukfs_mkpath(const char *p)
{
	char buf[PATH_MAX];
	size_t i, len = strlen(p);

	if (len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, p, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (rump_sys_mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		buf[i] = p[i];
	}
	return 0;
}

static int
ukfs_setnames(struct ukfs *fs, const char *fstype, const char *mountpath)
{
	size_t mlen = strlen(mountpath);

	while (mlen > 1 && mountpath[mlen - 1] == '/')
		mlen--;
	/* The root is the kernel's own file system: a mount goes below it. */
	if (mountpath[0] != '/' || mlen == 1 ||
	    strlen(fstype) >= sizeof(fs->ukfs_fstype)) {
		errno = EINVAL;
		return -1;
	}
	if (mlen >= sizeof(fs->ukfs_mountpath)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(fs->ukfs_mountpath, mountpath, mlen);
	fs->ukfs_mountpath[mlen] = '\0';
	strcpy(fs->ukfs_fstype, fstype);
	snprintf(fs->ukfs_devpath, sizeof(fs->ukfs_devpath), "/dev/ukfs%u",
	    atomic_fetch_add(&ukfs_devseq, 1));
	return 0;
}

static int
ukfs_attach_image(struct ukfs *fs, const char *image)
{
	int rdonly = fs->ukfs_flags & UKFS_RDONLY;
	int error;

	error = rump_etfs_register(fs->ukfs_devpath, image,
	    rdonly ? RUMP_ETFS_BLK_RDONLY : RUMP_ETFS_BLK);
	if (error != 0) {
		errno = error;
		return -1;
	}
	if (ukfs_mkpath(fs->ukfs_mountpath) != 0 ||
	    rump_sys_mount(fs->ukfs_devpath, fs->ukfs_mountpath,
	    fs->ukfs_fstype, rdonly ? MS_RDONLY : 0, NULL) != 0) {
		error = errno;
		rump_etfs_remove(fs->ukfs_devpath);
		errno = error;
		return -1;
	}
	return 0;
}

struct ukfs *
ukfs_mount(const char *fstype, const char *image, const char *mountpath,
    int flags)
{
	struct ukfs *fs;

	if ((flags & ~UKFS_RDONLY) != 0) {
		errno = EINVAL;
		return NULL;
	}
	if (ukfs_init() != 0)
		return NULL;
	if (fstype == NULL && (fstype = ukfs_fstype_detect(image)) == NULL)
		return NULL;
	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return NULL;
	fs->ukfs_flags = flags;
	if (ukfs_setnames(fs, fstype, mountpath) != 0 ||
	    ukfs_attach_image(fs, image) != 0) {
		free(fs);
		return NULL;
	}
	ukfs_cwd_init(fs);
	return fs;
}

int
ukfs_release(struct ukfs *fs)
{
	int error;

	if (rump_sys_umount2(fs->ukfs_mountpath, 0) != 0)
		return -1;
	error = rump_etfs_remove(fs->ukfs_devpath);
	ukfs_cwd_fini(fs);
	free(fs);
	if (error != 0) {
		errno = error;
		return -1;
	}
	return 0;
}
