/*
 * Helpers of the file-system API tests (tests/api/t_vfs_*.c): files made
 * and checked through rump_sys_* calls only.  Every test removes what it
 * made, so the leak check around it sees the kernel as it found it.
 */
#ifndef TESTS_VFSTEST_H
#define TESTS_VFSTEST_H

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apitest.h"

/* The call failed with -1 and set errno to e. */
#define assert_fails(call, e) do {					\
	errno = 0;							\
	assert_int_equal((call), -1);					\
	assert_int_equal(errno, (e));					\
} while (0)

/* Makes a regular file holding the string s (mode 0644). */
static inline void
vfstest_mkfile(const char *path, const char *s)
{
	int fd = rump_sys_open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);

	assert_true(fd >= 0);
	assert_int_equal(rump_sys_write(fd, s, strlen(s)), (ssize_t)strlen(s));
	assert_int_equal(rump_sys_close(fd), 0);
}

/* The whole content of a file is the string s. */
static inline void
vfstest_assert_content(const char *path, const char *s)
{
	char buf[4096];
	int fd = rump_sys_open(path, O_RDONLY, 0);
	ssize_t n;

	assert_true(fd >= 0);
	n = rump_sys_read(fd, buf, sizeof(buf));
	assert_int_equal(n, (ssize_t)strlen(s));
	assert_memory_equal(buf, s, strlen(s));
	assert_int_equal(rump_sys_close(fd), 0);
}

/* The path names nothing. */
static inline void
vfstest_assert_absent(const char *path)
{
	struct stat sb;

	assert_fails(rump_sys_lstat(path, &sb), ENOENT);
}

#endif
