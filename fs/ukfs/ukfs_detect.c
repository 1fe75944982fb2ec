/*
 * The type of a file system image, from its signature.  A file of its
 * own, calling only the host's C library, so that a program can link it
 * without the kernel (rump.mount detects on the client's side).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <rump/ukfs.h>

/* The ext2 superblock's magic number: byte 1080 of the image (LE). */
#define UKFS_EXT2_MAGIC_OFF	1080
#define UKFS_EXT2_MAGIC		0xef53

const char *
ukfs_fstype_detect(const char *image)
{
	unsigned char m[2];
	int fd = open(image, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = pread(fd, m, sizeof(m), UKFS_EXT2_MAGIC_OFF);
	close(fd);
	if (n == (ssize_t)sizeof(m) && (m[0] | m[1] << 8) == UKFS_EXT2_MAGIC)
		return "ext2fs";
	errno = ENODEV;
	return NULL;
}
