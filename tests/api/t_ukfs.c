/*
 * libukfs: images made by the host's mke2fs -d from a small tree made
 * here, mounted through ukfs and worked on by path; e2fsck -fn judges the
 * image after writes, a checksum shows a read-only mount changes nothing.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <rump/ukfs.h>

#include "apitest.h"

static char workdir[] = "/tmp/t_ukfs.XXXXXX";
static char tree[600], img[600], sum[600];

/* Runs a host command line; its exit status. */
static int
host(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * A first mount and release: the directories it makes (/dev, the mount
 * points) stay, and are not counted against the first test's leak check.
 */
static int
warm_up(void)
{
	struct ukfs *fs;

	if (host("mke2fs -q -F -t ext2 %s 1M >/dev/null 2>&1", img) != 0 ||
	    (fs = ukfs_mount(NULL, img, "/mnt/u", 0)) == NULL ||
	    ukfs_release(fs) != 0 ||
	    (fs = ukfs_mount(NULL, img, "/mnt/ro", UKFS_RDONLY)) == NULL ||
	    ukfs_release(fs) != 0 ||
	    (fs = ukfs_mount(NULL, img, "/mnt/second", UKFS_RDONLY)) == NULL)
		return -1;
	return ukfs_release(fs);
}

static int
boot(void **state)
{
	(void)state;
	if (mkdtemp(workdir) == NULL)
		return -1;
	snprintf(tree, sizeof(tree), "%s/tree", workdir);
	snprintf(img, sizeof(img), "%s/disk.img", workdir);
	snprintf(sum, sizeof(sum), "%s/sum", workdir);
	if (host("mkdir -p %s/d/e && printf 'hello, world\\n' >%s/a.txt && "
	    "printf 'deep' >%s/d/e/f && ln -s a.txt %s/sl && "
	    "ln %s/a.txt %s/hard && chmod 0640 %s/d/e/f", tree, tree, tree,
	    tree, tree, tree, tree) != 0)
		return -1;
	/* Twice: the second call finds the kernel booted. */
	if (ukfs_init() != 0 || ukfs_init() != 0)
		return -1;
	return warm_up();
}

static int
halt(void **state)
{
	host("rm -rf %s", workdir);
	return apitest_halt(state);
}

static void
mkimage(void)
{
	assert_int_equal(host("mke2fs -q -F -t ext2 -E root_owner=0:0 -d %s "
	    "%s 4M >/dev/null 2>&1", tree, img), 0);
}

static struct ukfs *
mount_rw(void)
{
	struct ukfs *fs;

	mkimage();
	fs = ukfs_mount(NULL, img, "/mnt/u", 0);
	assert_non_null(fs);
	return fs;
}

static void
release_clean(struct ukfs *fs)
{
	assert_int_equal(ukfs_release(fs), 0);
	assert_int_equal(host("e2fsck -fn %s >/dev/null 2>&1", img), 0);
}

static void
the_type_is_detected_from_the_ext2_magic(void **state)
{
	(void)state;
	mkimage();
	assert_string_equal(ukfs_fstype_detect(img), "ext2fs");
}

static void
an_image_without_a_known_magic_is_refused_with_enodev(void **state)
{
	char junk[700];

	(void)state;
	snprintf(junk, sizeof(junk), "%s/a.txt", tree);
	errno = 0;
	assert_null(ukfs_mount(NULL, junk, "/mnt/u", 0));
	assert_int_equal(errno, ENODEV);
}

static void
a_missing_image_is_refused_with_enoent(void **state)
{
	(void)state;
	errno = 0;
	assert_null(ukfs_mount("ext2fs", "/nonexistent/disk.img", "/mnt/u", 0));
	assert_int_equal(errno, ENOENT);
}

static void
a_bad_mount_point_or_flag_is_refused_with_einval(void **state)
{
	(void)state;
	mkimage();
	errno = 0;
	assert_null(ukfs_mount(NULL, img, "relative", 0));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ukfs_mount(NULL, img, "/", 0));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ukfs_mount(NULL, img, "/mnt/u", 0x100));
	assert_int_equal(errno, EINVAL);
}

/* ukfs_attach(): the path calls below a directory, nothing mounted. */
static void
an_attached_directory_is_worked_on_by_path_without_a_mount(void **state)
{
	char buf[8] = { 0 }, longpath[PATH_MAX + 2];
	struct ukfs *fs, *root;

	(void)state;
	mkimage();
	fs = ukfs_mount(NULL, img, "/mnt/u", UKFS_RDONLY);
	assert_non_null(fs);
	root = ukfs_attach("/mnt");
	assert_non_null(root);
	assert_string_equal(ukfs_fstype(root), "");
	assert_int_equal(ukfs_read(root, "u/a.txt", 0, (uint8_t *)buf, 5),
	    5);
	assert_string_equal(buf, "hello");
	ukfs_detach(root);
	assert_int_equal(ukfs_release(fs), 0);
	errno = 0;
	assert_null(ukfs_attach("relative"));
	assert_int_equal(errno, EINVAL);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	errno = 0;
	assert_null(ukfs_attach(longpath));
	assert_int_equal(errno, ENAMETOOLONG);
}

static void
a_file_reads_by_path_at_an_offset(void **state)
{
	struct ukfs *fs = mount_rw();
	char buf[32] = { 0 };

	(void)state;
	assert_string_equal(ukfs_fstype(fs), "ext2fs");
	assert_int_equal(ukfs_read(fs, "/a.txt", 7, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "world\n");
	memset(buf, 0, sizeof(buf));
	assert_int_equal(ukfs_read(fs, "d/e/f", 0, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "deep");
	errno = 0;
	assert_int_equal(ukfs_read(fs, "/nope", 0, buf, sizeof(buf)), -1);
	assert_int_equal(errno, ENOENT);
	release_clean(fs);
}

static void
ukfs_chdir_makes_relative_paths_start_there(void **state)
{
	struct ukfs *fs = mount_rw();
	char buf[32] = { 0 }, cwd[64];

	(void)state;
	assert_int_equal(ukfs_getcwd(fs, cwd, sizeof(cwd)), 0);
	assert_string_equal(cwd, "/");
	assert_int_equal(ukfs_chdir(fs, "d/e"), 0);
	assert_int_equal(ukfs_read(fs, "f", 0, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "deep");
	/* ".." by name, and absolute paths still from the root. */
	assert_int_equal(ukfs_chdir(fs, "../e/./.."), 0);
	assert_int_equal(ukfs_getcwd(fs, cwd, sizeof(cwd)), 0);
	assert_string_equal(cwd, "/d");
	assert_int_equal(ukfs_read(fs, "/a.txt", 7, buf, sizeof(buf)), 6);
	errno = 0;
	assert_int_equal(ukfs_chdir(fs, "/a.txt"), -1);
	assert_int_equal(errno, ENOTDIR);
	errno = 0;
	assert_int_equal(ukfs_getcwd(fs, cwd, 2), -1);
	assert_int_equal(errno, ERANGE);
	release_clean(fs);
}

static void
a_write_at_an_offset_reads_back_and_the_image_stays_clean(void **state)
{
	struct ukfs *fs = mount_rw();
	char buf[32] = { 0 };

	(void)state;
	assert_int_equal(ukfs_write(fs, "/a.txt", 7, "rump!", 5), 5);
	assert_int_equal(ukfs_read(fs, "/a.txt", 0, buf, sizeof(buf)), 13);
	assert_string_equal(buf, "hello, rump!\n");
	errno = 0;
	assert_int_equal(ukfs_write(fs, "/nope", 0, "x", 1), -1);
	assert_int_equal(errno, ENOENT);
	release_clean(fs);
}

static void
a_descriptor_reads_and_writes_at_offsets(void **state)
{
	struct ukfs *fs = mount_rw();
	char buf[16] = { 0 };
	int fd;

	(void)state;
	fd = ukfs_open(fs, "/new", O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ukfs_write_fd(fs, fd, 4096, "tail", 4), 4);
	assert_int_equal(ukfs_read_fd(fs, fd, 4096, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "tail");
	assert_int_equal(ukfs_close(fs, fd), 0);
	release_clean(fs);
}

static void
an_entry_is_opened_and_stated_from_its_directory_descriptor(void **state)
{
	struct ukfs *fs = mount_rw();
	char buf[16] = { 0 };
	struct ukfs_dir *d;
	struct stat sb;
	int dfd, fd;

	(void)state;
	dfd = ukfs_open(fs, "/d/e", O_RDONLY | O_DIRECTORY, 0);
	assert_true(dfd >= 0);
	assert_int_equal(ukfs_lstatat(fs, dfd, "f", &sb), 0);
	assert_int_equal(sb.st_size, 4);
	fd = ukfs_openat(fs, dfd, "g", O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ukfs_write_fd(fs, fd, 0, "new", 3), 3);
	assert_int_equal(ukfs_close(fs, fd), 0);
	assert_int_equal(ukfs_read(fs, "/d/e/g", 0, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "new");
	/* One name of the directory only: nothing leads out of it. */
	assert_int_equal(ukfs_openat(fs, dfd, "..", O_RDONLY, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ukfs_lstatat(fs, dfd, "../e/f", &sb), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ukfs_lstatat(fs, dfd, "", &sb), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ukfs_lstatat(fs, dfd, "missing", &sb), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(ukfs_close(fs, dfd), 0);
	/* The descriptor of a directory open for reading serves as well. */
	d = ukfs_opendir(fs, "/d/e");
	assert_non_null(d);
	assert_int_equal(ukfs_lstatat(fs, ukfs_dirfd(d), "g", &sb), 0);
	assert_int_equal(sb.st_size, 3);
	assert_int_equal(ukfs_closedir(d), 0);
	release_clean(fs);
}

static void
names_are_made_linked_renamed_and_removed(void **state)
{
	struct ukfs *fs = mount_rw();
	struct stat sb;
	char buf[64];

	(void)state;
	assert_int_equal(ukfs_mkdir(fs, "/n", 0755), 0);
	assert_int_equal(ukfs_create(fs, "/n/f", 0644), 0);
	assert_int_equal(ukfs_create(fs, "/n/f", 0644), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(ukfs_link(fs, "/n/f", "/n/g"), 0);
	assert_int_equal(ukfs_stat(fs, "/n/g", &sb), 0);
	assert_int_equal(sb.st_nlink, 2);
	assert_int_equal(ukfs_symlink(fs, "f", "/n/s"), 0);
	assert_int_equal(ukfs_readlink(fs, "/n/s", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "f");
	assert_int_equal(ukfs_rename(fs, "/n/g", "/n/h"), 0);
	assert_int_equal(ukfs_remove(fs, "/n/h"), 0);
	assert_int_equal(ukfs_remove(fs, "/n/f"), 0);
	assert_int_equal(ukfs_remove(fs, "/n/s"), 0);
	assert_int_equal(ukfs_rmdir(fs, "/n"), 0);
	assert_int_equal(ukfs_lstat(fs, "/n", &sb), -1);
	assert_int_equal(errno, ENOENT);
	release_clean(fs);
}

static void
a_readlink_that_does_not_fit_fails_with_enametoolong(void **state)
{
	struct ukfs *fs = mount_rw();
	char buf[5];

	(void)state;
	errno = 0;
	assert_int_equal(ukfs_readlink(fs, "/sl", buf, sizeof(buf)), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_int_equal(ukfs_readlink(fs, "/a.txt", buf, sizeof(buf)), -1);
	assert_int_equal(errno, EINVAL);
	release_clean(fs);
}

static void
a_path_longer_than_path_max_fails_with_enametoolong(void **state)
{
	struct ukfs *fs = mount_rw();
	static char longp[PATH_MAX + 10];
	struct stat sb;

	(void)state;
	memset(longp, 'a', sizeof(longp) - 1);
	errno = 0;
	assert_int_equal(ukfs_stat(fs, longp, &sb), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	release_clean(fs);
}

/* The names in path, each with its d_type, as "name:type " in out. */
static void
list(struct ukfs *fs, const char *path, char *out, size_t size)
{
	struct ukfs_dir *d = ukfs_opendir(fs, path);
	struct ukfs_dirent ent;
	char *names[16];
	int n = 0, i, rv;

	assert_non_null(d);
	while ((rv = ukfs_readdir(d, &ent)) == 1) {
		assert_true(n < 16);
		assert_true(asprintf(&names[n++], "%s:%d ", ent.d_name,
		    ent.d_type) > 0);
	}
	assert_int_equal(rv, 0);
	assert_int_equal(ukfs_closedir(d), 0);
	/* Sorted, as directory order is the file system's. */
	for (i = 1; i < n; i++)
		for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0;
		    j--) {
			char *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		strncat(out, names[i], size - strlen(out) - 1);
		free(names[i]);
	}
}

static void
the_directory_iterator_returns_every_entry_with_its_type(void **state)
{
	struct ukfs *fs = mount_rw();
	char out[512];

	(void)state;
	list(fs, "/", out, sizeof(out));
	assert_string_equal(out, "..:4 .:4 a.txt:8 d:4 hard:8 lost+found:4 "
	    "sl:10 ");
	list(fs, "/d/e", out, sizeof(out));
	assert_string_equal(out, "..:4 .:4 f:8 ");
	errno = 0;
	assert_null(ukfs_opendir(fs, "/a.txt"));
	assert_int_equal(errno, ENOTDIR);
	release_clean(fs);
}

static void
attributes_are_set_and_read_back(void **state)
{
	struct ukfs *fs = mount_rw();
	struct timespec ts[2] = { { 1000000000, 5 }, { 1200000000, 7 } };
	struct stat sb;

	(void)state;
	assert_int_equal(ukfs_stat(fs, "/d/e/f", &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
	assert_int_equal(sb.st_size, 4);
	assert_int_equal(ukfs_chmod(fs, "/d/e/f", 0604), 0);
	assert_int_equal(ukfs_chown(fs, "/d/e/f", 12, 34), 0);
	assert_int_equal(ukfs_lchown(fs, "/sl", 56, 78), 0);
	assert_int_equal(ukfs_truncate(fs, "/d/e/f", 2), 0);
	assert_int_equal(ukfs_lutimens(fs, "/d/e/f", ts), 0);
	assert_int_equal(ukfs_stat(fs, "/d/e/f", &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0604);
	assert_int_equal(sb.st_uid, 12);
	assert_int_equal(sb.st_gid, 34);
	assert_int_equal(sb.st_size, 2);
	assert_int_equal(sb.st_mtim.tv_sec, 1200000000);
	assert_int_equal(ukfs_lstat(fs, "/sl", &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_int_equal(sb.st_uid, 56);
	assert_int_equal(ukfs_stat(fs, "/sl", &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_uid, 0);
	assert_int_equal(ukfs_sync(fs), 0);
	release_clean(fs);
}

static void
attributes_are_set_through_a_descriptor(void **state)
{
	struct ukfs *fs = mount_rw();
	struct timespec ts[2] = { { 1100000000, 9 }, { 1300000000, 11 } };
	struct stat sb;
	int fd;

	(void)state;
	fd = ukfs_open(fs, "/d/e/f", O_WRONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(ukfs_ftruncate(fs, fd, 10000), 0);
	assert_int_equal(ukfs_fchown(fs, fd, 21, 43), 0);
	assert_int_equal(ukfs_fchmod(fs, fd, 0751), 0);
	assert_int_equal(ukfs_futimens(fs, fd, ts), 0);
	assert_int_equal(ukfs_close(fs, fd), 0);
	assert_int_equal(ukfs_stat(fs, "/d/e/f", &sb), 0);
	assert_int_equal(sb.st_size, 10000);
	assert_int_equal(sb.st_uid, 21);
	assert_int_equal(sb.st_gid, 43);
	assert_int_equal(sb.st_mode & 07777, 0751);
	assert_int_equal(sb.st_atim.tv_sec, 1100000000);
	assert_int_equal(sb.st_mtim.tv_sec, 1300000000);
	/* A closed descriptor names nothing. */
	assert_int_equal(ukfs_fchmod(fs, fd, 0600), -1);
	assert_int_equal(errno, EBADF);
	release_clean(fs);
}

static void
statvfs_counts_the_blocks_a_write_takes(void **state)
{
	struct ukfs *fs = mount_rw();
	struct statvfs before, after;
	static char block[65536];

	(void)state;
	assert_int_equal(ukfs_statvfs(fs, &before), 0);
	assert_int_equal(before.f_bsize, 1024);
	assert_in_range(before.f_blocks, 4000, 4096);
	assert_int_equal(ukfs_create(fs, "/big", 0644), 0);
	assert_int_equal(ukfs_write(fs, "/big", 0, block, sizeof(block)),
	    (ssize_t)sizeof(block));
	assert_int_equal(ukfs_statvfs(fs, &after), 0);
	assert_true(after.f_bfree <= before.f_bfree - 64);
	assert_int_equal(after.f_ffree, before.f_ffree - 1);
	release_clean(fs);
}

static void
a_read_only_mount_refuses_writes_and_changes_no_byte(void **state)
{
	struct ukfs *fs;
	char buf[16];

	(void)state;
	mkimage();
	assert_int_equal(host("sha256sum %s >%s", img, sum), 0);
	fs = ukfs_mount("ext2fs", img, "/mnt/ro", UKFS_RDONLY);
	assert_non_null(fs);
	assert_int_equal(ukfs_read(fs, "/a.txt", 0, buf, 5), 5);
	errno = 0;
	assert_int_equal(ukfs_create(fs, "/x", 0644), -1);
	assert_int_equal(errno, EROFS);
	assert_int_equal(ukfs_write(fs, "/a.txt", 0, "x", 1), -1);
	assert_int_equal(errno, EROFS);
	assert_int_equal(ukfs_sync(fs), 0);
	assert_int_equal(ukfs_release(fs), 0);
	assert_int_equal(host("sha256sum -c --quiet %s", sum), 0);
}

static void
a_release_with_an_open_file_fails_busy_and_keeps_the_mount(void **state)
{
	struct ukfs *fs = mount_rw();
	int fd = ukfs_open(fs, "/a.txt", O_RDONLY, 0);

	(void)state;
	assert_true(fd >= 0);
	errno = 0;
	assert_int_equal(ukfs_release(fs), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(ukfs_close(fs, fd), 0);
	release_clean(fs);
}

static void
two_images_mount_side_by_side(void **state)
{
	struct ukfs *a = mount_rw(), *b;
	char buf[8] = { 0 }, img2[700];

	(void)state;
	snprintf(img2, sizeof(img2), "%s.2", img);
	assert_int_equal(host("cp %s %s", img, img2), 0);
	b = ukfs_mount(NULL, img2, "/mnt/second", UKFS_RDONLY);
	assert_non_null(b);
	assert_int_equal(ukfs_read(b, "/d/e/f", 0, buf, 4), 4);
	assert_string_equal(buf, "deep");
	assert_int_equal(ukfs_release(b), 0);
	release_clean(a);
}

struct writer {
	struct ukfs *fs;
	int n;
};

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	char name[32];
	int i;

	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "/t%d_%d", w->n, i);
		if (ukfs_create(w->fs, name, 0644) != 0 ||
		    ukfs_write(w->fs, name, 0, name, strlen(name)) !=
		    (ssize_t)strlen(name))
			return (void *)1;
	}
	return NULL;
}

static void
threads_work_on_one_mount_at_once(void **state)
{
	struct ukfs *fs = mount_rw();
	struct writer w[4];
	pthread_t t[4];
	void *rv;
	char buf[32];
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		w[i].fs = fs;
		w[i].n = i;
		assert_int_equal(pthread_create(&t[i], NULL, writer_main, &w[i]),
		    0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &rv), 0);
		assert_null(rv);
	}
	memset(buf, 0, sizeof(buf));
	assert_int_equal(ukfs_read(fs, "/t3_19", 0, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "/t3_19");
	release_clean(fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(the_type_is_detected_from_the_ext2_magic),
		leak_test(an_image_without_a_known_magic_is_refused_with_enodev),
		leak_test(a_missing_image_is_refused_with_enoent),
		leak_test(a_bad_mount_point_or_flag_is_refused_with_einval),
		leak_test(an_attached_directory_is_worked_on_by_path_without_a_mount),
		leak_test(a_file_reads_by_path_at_an_offset),
		leak_test(ukfs_chdir_makes_relative_paths_start_there),
		leak_test(a_write_at_an_offset_reads_back_and_the_image_stays_clean),
		leak_test(a_descriptor_reads_and_writes_at_offsets),
		leak_test(an_entry_is_opened_and_stated_from_its_directory_descriptor),
		leak_test(names_are_made_linked_renamed_and_removed),
		leak_test(a_readlink_that_does_not_fit_fails_with_enametoolong),
		leak_test(a_path_longer_than_path_max_fails_with_enametoolong),
		leak_test(the_directory_iterator_returns_every_entry_with_its_type),
		leak_test(attributes_are_set_and_read_back),
		leak_test(attributes_are_set_through_a_descriptor),
		leak_test(statvfs_counts_the_blocks_a_write_takes),
		leak_test(a_read_only_mount_refuses_writes_and_changes_no_byte),
		leak_test(a_release_with_an_open_file_fails_busy_and_keeps_the_mount),
		leak_test(two_images_mount_side_by_side),
		leak_test(threads_work_on_one_mount_at_once),
	};

	return cmocka_run_group_tests(tests, boot, halt);
}
