/*
 * The ext2fs unit tests' block device: an image made by mke2fs
 * (tests/ext2fs/mkimages.sh, in $RUMP_TEST_BUILD/tests/ext2fs/img) read
 * whole into kernel memory, lent out block by block through ext2fs_devops
 * like a buffer cache that copies: a change reaches the image only when
 * the buffer is written, a write to a read-only device fails and is
 * counted, and every buffer lent must come back (md_held).
 */
#ifndef TESTS_EXT2FS_MEMDEV_H
#define TESTS_EXT2FS_MEMDEV_H

#include "ktest.h"
#include "ext2fs_memdevops.h"

/* The path of a host file of the test tree or images. */
static inline void
memdev_path(char *buf, size_t len, const char *name)
{
	char build[512];

	if (rumpuser_getparam("RUMP_TEST_BUILD", build, sizeof(build)) != 0)
		strlcpy(build, "build", sizeof(build));
	ksnprintf(buf, len, "%s/tests/ext2fs/img/%s", build, name);
}

/* Reads host file name (in the image directory) whole into memory. */
static inline int
memdev_readfile(const char *name, uint8_t **datap, uint64_t *sizep)
{
	char path[600];
	rumpuser_off_t size;
	rumpuser_size_t got;
	int fd, error;

	memdev_path(path, sizeof(path), name);
	error = rumpuser_open(path, RUMPUSER_OPEN_RDONLY, &fd);
	if (error != 0)
		return error;
	error = rumpuser_getfilesize(fd, &size);
	if (error == 0) {
		*sizep = (uint64_t)size;
		*datap = kmem_alloc(&M_TEMP, size > 0 ? (size_t)size : 1,
		    KM_SLEEP);
		error = rumpuser_pread(fd, *datap, (size_t)size, 0, &got);
		if (error == 0 && got != (size_t)size)
			error = EIO;
		if (error != 0)
			kmem_free(&M_TEMP, *datap, size > 0 ? (size_t)size : 1);
	}
	rumpuser_close(fd);
	return error;
}

static inline void
memdev_freefile(uint8_t *data, uint64_t size)
{
	kmem_free(&M_TEMP, data, size > 0 ? (size_t)size : 1);
}

/* Loads image name.img; fails the test when it cannot. */
static inline void
memdev_load(struct memdev *md, const char *name)
{
	char file[64];

	memset(md, 0, sizeof(*md));
	md->md_fail_reads = -1;
	ksnprintf(file, sizeof(file), "%s.img", name);
	assert_int_equal(memdev_readfile(file, &md->md_data, &md->md_size), 0);
}

static inline void
memdev_free(struct memdev *md)
{
	assert_int_equal(md->md_held, 0);
	memdev_freefile(md->md_data, md->md_size);
}

/* Writes the image to the host, for e2fsck to judge. */
static inline void
memdev_save(const struct memdev *md, const char *path)
{
	rumpuser_size_t done;
	int fd;

	assert_int_equal(rumpuser_open(path, RUMPUSER_OPEN_WRONLY |
	    RUMPUSER_OPEN_CREATE, &fd), 0);
	assert_int_equal(rumpuser_pwrite(fd, md->md_data, md->md_size, 0,
	    &done), 0);
	assert_int_equal(done, md->md_size);
	rumpuser_close(fd);
}

/* Follows a path of names from the root to an inode. */
static inline int
memdev_namei(struct ext2fs_mount *um, const char *path,
    struct ext2fs_inode *ip)
{
	struct ext2fs_inode dir;
	int error;

	error = ext2fs_iget(um, EXT2_ROOT_INO, ip);
	while (error == 0 && *path != '\0') {
		const char *end = path;

		while (*end != '\0' && *end != '/')
			end++;
		dir = *ip;
		error = ext2fs_lookup_child(um, &dir, path,
		    (size_t)(end - path), ip);
		path = *end == '/' ? end + 1 : end;
	}
	return error;
}

#endif
