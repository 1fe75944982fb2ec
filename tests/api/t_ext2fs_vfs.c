/*
 * ext2fs through the system calls: images made by the host's mke2fs -d
 * from the test tree (tests/ext2fs/mkimages.sh), registered as block
 * devices and mounted at /mnt; every file, directory, symlink, hard link,
 * mode, owner and time read back equal to the tree; writes of every kind
 * judged by e2fsck -fn after unmounting; read-only mounts that change no
 * byte; refused images; device errors.
 */
#include <dirent.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <rump/rump_etfs.h>

#include "vfstest.h"

#define EXT2_MAGIC	0xef53

static char imgpath[] = "/tmp/t_ext2fs_vfs.XXXXXX";
static char tree[512];

static int
boot(void **state)
{
	const char *build = getenv("RUMP_TEST_BUILD");
	int fd = mkstemp(imgpath);

	if (fd < 0)
		return -1;
	close(fd);
	snprintf(tree, sizeof(tree), "%s/tests/ext2fs/img/tree",
	    build != NULL ? build : "build");
	if (apitest_boot(state) != 0 || rump_sys_mkdir("/dev", 0755) != 0 ||
	    rump_sys_mkdir("/mnt", 0755) != 0)
		return -1;
	return 0;
}

static int
halt(void **state)
{
	unlink(imgpath);
	return apitest_halt(state);
}

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

/* Makes the image with mke2fs options opts, from the tree when withtree. */
static void
mkimage(const char *opts, bool withtree)
{
	assert_int_equal(host("mke2fs -q -F -E root_owner=0:0 %s %s%s %s 8M "
	    ">/dev/null 2>&1", opts, withtree ? "-d " : "",
	    withtree ? tree : "", imgpath), 0);
}

static void
mount_image(int etfstype, unsigned long flags)
{
	assert_int_equal(rump_etfs_register("/dev/e2", imgpath, etfstype), 0);
	assert_int_equal(rump_sys_mount("/dev/e2", "/mnt", "ext2fs", flags,
	    NULL), 0);
}

static void
unmount_image(void)
{
	assert_int_equal(rump_sys_umount2("/mnt", 0), 0);
	assert_int_equal(rump_etfs_remove("/dev/e2"), 0);
}

static void
assert_fsck_clean(void)
{
	assert_int_equal(host("e2fsck -fn %s >/dev/null 2>&1", imgpath), 0);
}

/* ---- the tree read back ------------------------------------------------ */

static void compare_dir(const char *hostdir, const char *rumpdir);

static void
compare_file(const char *hp, const char *rp, const struct stat *hs)
{
	static char hbuf[1 << 16], rbuf[1 << 16];
	int hfd = open(hp, O_RDONLY), rfd = rump_sys_open(rp, O_RDONLY, 0);
	ssize_t hn, rn;

	assert_true(hfd >= 0 && rfd >= 0);
	/* The large sparse file: its start and its last bytes. */
	if (hs->st_size > (1 << 24)) {
		assert_int_equal(pread(hfd, hbuf, 64, hs->st_size - 64), 64);
		assert_int_equal(rump_sys_pread(rfd, rbuf, 64, hs->st_size - 64),
		    64);
		assert_memory_equal(hbuf, rbuf, 64);
	} else {
		do {
			hn = read(hfd, hbuf, sizeof(hbuf));
			rn = rump_sys_read(rfd, rbuf, sizeof(rbuf));
			assert_int_equal(hn, rn);
			assert_memory_equal(hbuf, rbuf, (size_t)hn);
		} while (hn > 0);
	}
	close(hfd);
	assert_int_equal(rump_sys_close(rfd), 0);
}

static void
compare_entry(const char *hp, const char *rp)
{
	struct stat hs, rs;
	char ht[4096], rt[4096];
	ssize_t hn, rn;

	assert_int_equal(lstat(hp, &hs), 0);
	assert_int_equal(rump_sys_lstat(rp, &rs), 0);
	assert_int_equal(hs.st_mode, rs.st_mode);
	assert_int_equal(hs.st_nlink, rs.st_nlink);
	assert_int_equal(rs.st_uid, 0);
	assert_int_equal(rs.st_gid, 0);
	assert_int_equal(hs.st_mtime, rs.st_mtime);
	if (!S_ISDIR(hs.st_mode))
		assert_int_equal(hs.st_size, rs.st_size);
	if (S_ISLNK(hs.st_mode)) {
		hn = readlink(hp, ht, sizeof(ht));
		rn = rump_sys_readlink(rp, rt, sizeof(rt));
		assert_int_equal(hn, rn);
		assert_memory_equal(ht, rt, (size_t)hn);
	} else if (S_ISREG(hs.st_mode)) {
		compare_file(hp, rp, &hs);
	} else if (S_ISDIR(hs.st_mode)) {
		compare_dir(hp, rp);
	}
}

/* The entries of a rump directory other than . and .., lost+found. */
static int
count_rump_entries(const char *rumpdir)
{
	char buf[8192];
	int fd = rump_sys_open(rumpdir, O_RDONLY | O_DIRECTORY, 0), n = 0;
	ssize_t len;

	assert_true(fd >= 0);
	while ((len = rump_sys_getdents64(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < len;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			if (strcmp(d->d_name, ".") != 0 &&
			    strcmp(d->d_name, "..") != 0 &&
			    strcmp(d->d_name, "lost+found") != 0)
				n++;
			off += d->d_reclen;
		}
	}
	assert_int_equal(len, 0);
	assert_int_equal(rump_sys_close(fd), 0);
	return n;
}

static void
compare_dir(const char *hostdir, const char *rumpdir)
{
	DIR *d = opendir(hostdir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char hp[1024], rp[1024];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(hp, sizeof(hp), "%s/%s", hostdir, e->d_name);
		snprintf(rp, sizeof(rp), "%s/%s", rumpdir, e->d_name);
		compare_entry(hp, rp);
		n++;
	}
	closedir(d);
	assert_int_equal(count_rump_entries(rumpdir), n);
}

static void
check_tree(const char *opts)
{
	mkimage(opts, true);
	mount_image(RUMP_ETFS_BLK_RDONLY, MS_RDONLY);
	compare_dir(tree, "/mnt");
	unmount_image();
}

static void
an_image_of_1k_blocks_with_indexed_directories_reads_back_as_the_tree(
    void **state)
{
	(void)state;
	check_tree("-t ext2 -b 1024 -O dir_index");
}

static void
an_image_of_4k_blocks_without_dir_index_reads_back_as_the_tree(void **state)
{
	(void)state;
	check_tree("-t ext2 -b 4096 -O ^dir_index");
}

static void
an_ext3_image_reads_back_as_the_tree(void **state)
{
	(void)state;
	check_tree("-t ext3 -b 1024");
}

/* ---- writing ------------------------------------------------------------ */

static void
write_file(const char *path, size_t len, int seed)
{
	char *buf = malloc(len);
	int fd;

	assert_non_null(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(i * 13 + (size_t)seed);
	fd = rump_sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_write(fd, buf, len), (ssize_t)len);
	assert_int_equal(rump_sys_close(fd), 0);
	free(buf);
}

static void
files_and_directories_written_are_clean_for_e2fsck(void **state)
{
	struct stat sb;
	char path[64];
	int fd;

	(void)state;
	mkimage("-t ext2 -b 1024", true);
	mount_image(RUMP_ETFS_BLK, 0);
	for (int i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "/mnt/d%d", i);
		assert_int_equal(rump_sys_mkdir(path, 0755), 0);
		for (int j = 0; j < 50; j++) {
			snprintf(path, sizeof(path), "/mnt/d%d/f%d", i, j);
			write_file(path, (size_t)(j * 97), j);
		}
	}
	write_file("/mnt/bigfile", 300000, 1);
	fd = rump_sys_open("/mnt/bigfile", O_WRONLY | O_APPEND, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_write(fd, "end", 3), 3);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_truncate("/mnt/bigfile", 1000), 0);
	assert_int_equal(rump_sys_truncate("/mnt/bigfile", 100000), 0);
	assert_int_equal(rump_sys_symlink("a/target/far/away/from/here/that/is/"
	    "longer/than/sixty/bytes/in/all", "/mnt/slow"), 0);
	assert_int_equal(rump_sys_symlink("d1", "/mnt/fast"), 0);
	assert_int_equal(rump_sys_link("/mnt/d1/f1", "/mnt/hard"), 0);
	assert_int_equal(rump_sys_unlink("/mnt/small"), 0);
	assert_int_equal(rump_sys_rmdir("/mnt/empty"), 0);
	unmount_image();
	assert_fsck_clean();
	/* And once more mounted, the files are there. */
	mount_image(RUMP_ETFS_BLK_RDONLY, MS_RDONLY);
	assert_int_equal(rump_sys_stat("/mnt/fast/f1", &sb), 0);
	assert_int_equal(sb.st_size, 97);
	assert_int_equal(rump_sys_stat("/mnt/bigfile", &sb), 0);
	assert_int_equal(sb.st_size, 100000);
	vfstest_assert_absent("/mnt/small");
	unmount_image();
}

static void
every_rename_case_leaves_a_clean_image(void **state)
{
	struct stat sb;

	(void)state;
	mkimage("-t ext2 -b 1024", true);
	mount_image(RUMP_ETFS_BLK, 0);
	/* A file over a file, in the same and another directory. */
	assert_int_equal(rump_sys_rename("/mnt/small", "/mnt/direct"), 0);
	assert_int_equal(rump_sys_rename("/mnt/direct", "/mnt/sub/moved"), 0);
	/* A directory to another parent, and over an empty directory. */
	assert_int_equal(rump_sys_rename("/mnt/sub/deeper", "/mnt/deeper"), 0);
	assert_int_equal(rump_sys_rename("/mnt/deeper", "/mnt/empty"), 0);
	/* Over a non-empty directory, and into its own subtree. */
	assert_fails(rump_sys_rename("/mnt/empty", "/mnt/sub"), ENOTEMPTY);
	assert_fails(rump_sys_rename("/mnt/sub", "/mnt/sub/inside"), EINVAL);
	/* The same file under two names: nothing happens. */
	assert_int_equal(rump_sys_rename("/mnt/sub/hardlink", "/mnt/sub/moved"),
	    0);
	assert_int_equal(rump_sys_rename("/mnt/big", "/mnt/sub/big"), 0);
	assert_int_equal(rump_sys_stat("/mnt/empty/file", &sb), 0);
	assert_int_equal(sb.st_size, 5000);
	assert_int_equal(rump_sys_stat("/mnt/empty/..", &sb), 0);
	assert_int_equal(sb.st_ino, 2);
	unmount_image();
	assert_fsck_clean();
}

static void
an_unlinked_open_file_lives_until_closed_and_then_gives_its_space_back(
    void **state)
{
	struct statfs before, open, after;
	char buf[5];
	int fd;

	(void)state;
	mkimage("-t ext2 -b 1024", false);
	mount_image(RUMP_ETFS_BLK, 0);
	assert_int_equal(rump_sys_statfs("/mnt", &before), 0);
	assert_int_equal(before.f_type, EXT2_MAGIC);
	write_file("/mnt/f", 200000, 3);
	fd = rump_sys_open("/mnt/f", O_RDWR, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_unlink("/mnt/f"), 0);
	assert_int_equal(rump_sys_pwrite(fd, "alive", 5, 100000), 5);
	assert_int_equal(rump_sys_pread(fd, buf, 5, 100000), 5);
	assert_memory_equal(buf, "alive", 5);
	assert_int_equal(rump_sys_statfs("/mnt", &open), 0);
	assert_true(open.f_bfree < before.f_bfree - 190);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_statfs("/mnt", &after), 0);
	assert_int_equal(after.f_bfree, before.f_bfree);
	assert_int_equal(after.f_ffree, before.f_ffree);
	unmount_image();
	assert_fsck_clean();
}

static void
thousands_of_entries_in_one_directory_are_all_found(void **state)
{
	char path[64];
	struct stat sb;

	(void)state;
	mkimage("-t ext2 -b 4096 -N 4096", false);
	mount_image(RUMP_ETFS_BLK, 0);
	assert_int_equal(rump_sys_mkdir("/mnt/many", 0755), 0);
	for (int i = 0; i < 3000; i++) {
		snprintf(path, sizeof(path), "/mnt/many/entry-%d", i);
		vfstest_mkfile(path, "");
	}
	for (int i = 0; i < 3000; i += 37) {
		snprintf(path, sizeof(path), "/mnt/many/entry-%d", i);
		assert_int_equal(rump_sys_stat(path, &sb), 0);
	}
	assert_int_equal(count_rump_entries("/mnt/many"), 3000);
	unmount_image();
	assert_fsck_clean();
}

static void
filling_the_disk_gives_enospc_and_removing_recovers_the_space(void **state)
{
	static char buf[65536];
	struct statfs before, after;
	ssize_t n;
	int fd;

	(void)state;
	mkimage("-t ext2 -b 1024", false);
	mount_image(RUMP_ETFS_BLK, 0);
	assert_int_equal(rump_sys_statfs("/mnt", &before), 0);
	fd = rump_sys_open("/mnt/fill", O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	while ((n = rump_sys_write(fd, buf, sizeof(buf))) > 0)
		continue;
	assert_int_equal(n, -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/mnt/fill"), 0);
	assert_int_equal(rump_sys_statfs("/mnt", &after), 0);
	assert_int_equal(after.f_bfree, before.f_bfree);
	unmount_image();
	assert_fsck_clean();
}

static void
a_sparse_write_past_4_gib_is_read_back_and_clean_for_e2fsck(void **state)
{
	struct stat sb;
	char buf[8];
	int fd;

	(void)state;
	mkimage("-t ext2 -b 4096", false);
	mount_image(RUMP_ETFS_BLK, 0);
	fd = rump_sys_open("/mnt/large", O_RDWR | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_pwrite(fd, "far", 3, 5ll << 30), 3);
	assert_int_equal(rump_sys_pread(fd, buf, 8, 5ll << 30), 3);
	assert_memory_equal(buf, "far", 3);
	assert_int_equal(rump_sys_fstat(fd, &sb), 0);
	assert_int_equal(sb.st_size, (5ll << 30) + 3);
	assert_int_equal(rump_sys_close(fd), 0);
	unmount_image();
	assert_fsck_clean();
}

static void
attributes_set_through_the_calls_are_kept_on_the_image(void **state)
{
	struct timespec times[2] = { { 1000000000, 0 }, { 1234567890, 0 } };
	struct stat sb;

	(void)state;
	mkimage("-t ext2 -b 1024", true);
	mount_image(RUMP_ETFS_BLK, 0);
	assert_int_equal(rump_sys_chmod("/mnt/small", 0600), 0);
	assert_int_equal(rump_sys_chown("/mnt/small", 1234, 70000), 0);
	assert_int_equal(rump_sys_utimensat(AT_FDCWD, "/mnt/small", times, 0),
	    0);
	assert_int_equal(rump_sys_mknod("/mnt/fifo", S_IFIFO | 0640, 0), 0);
	assert_fails(rump_sys_mknod("/mnt/dev", S_IFCHR | 0640, 0x0101),
	    EOPNOTSUPP);
	unmount_image();
	assert_fsck_clean();
	mount_image(RUMP_ETFS_BLK_RDONLY, MS_RDONLY);
	assert_int_equal(rump_sys_stat("/mnt/small", &sb), 0);
	assert_int_equal(sb.st_mode, S_IFREG | 0600);
	assert_int_equal(sb.st_uid, 1234);
	assert_int_equal(sb.st_gid, 70000);
	assert_int_equal(sb.st_atime, 1000000000);
	assert_int_equal(sb.st_mtime, 1234567890);
	assert_int_equal(rump_sys_lstat("/mnt/fifo", &sb), 0);
	assert_int_equal(sb.st_mode, S_IFIFO | 0640);
	unmount_image();
}

/* Reads a byte of path; the access time it then has. */
static struct timespec
atime_after_read(const char *path)
{
	struct stat sb;
	char c;
	int fd = rump_sys_open(path, O_RDONLY, 0);

	assert_true(fd >= 0);
	assert_int_equal(rump_sys_read(fd, &c, 1), 1);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_stat(path, &sb), 0);
	return sb.st_atim;
}

static void
a_read_updates_the_access_time_as_relatime_does(void **state)
{
	struct timespec times[2] = { { 1000, 0 }, { 2000, 0 } };
	struct timespec first, second;

	(void)state;
	mkimage("-t ext2 -b 1024", true);
	mount_image(RUMP_ETFS_BLK, 0);
	assert_int_equal(rump_sys_utimensat(AT_FDCWD, "/mnt/small", times, 0),
	    0);
	/* Not after the modification: the read sets it to now. */
	first = atime_after_read("/mnt/small");
	assert_true(first.tv_sec > 2000);
	/* Now after it and less than a day old: a read leaves it. */
	second = atime_after_read("/mnt/small");
	assert_int_equal(second.tv_sec, first.tv_sec);
	assert_int_equal(second.tv_nsec, first.tv_nsec);
	unmount_image();
	assert_fsck_clean();
}

static void
nanoseconds_are_kept_where_the_inode_has_room(void **state)
{
	struct timespec times[2] = { { 1000000000, 5 }, { 1234567890, 123456789 } };
	struct stat sb;

	(void)state;
	mkimage("-t ext2 -b 1024 -I 256", true);
	mount_image(RUMP_ETFS_BLK, 0);
	assert_int_equal(rump_sys_utimensat(AT_FDCWD, "/mnt/small", times, 0),
	    0);
	unmount_image();
	assert_fsck_clean();
	/* debugfs shows seconds:extra, the nanoseconds shifted left by two. */
	assert_int_equal(host("debugfs -R 'stat /small' %s 2>/dev/null | "
	    "grep -q 'mtime: 0x499602d2:1d6f3454'", imgpath), 0);
	assert_int_equal(host("debugfs -R 'stat /small' %s 2>/dev/null | "
	    "grep -q 'atime: 0x3b9aca00:00000014'", imgpath), 0);
	mount_image(RUMP_ETFS_BLK_RDONLY, MS_RDONLY);
	assert_int_equal(rump_sys_stat("/mnt/small", &sb), 0);
	unmount_image();
	assert_int_equal(sb.st_mtim.tv_sec, 1234567890);
	assert_int_equal(sb.st_mtim.tv_nsec, 123456789);
	assert_int_equal(sb.st_atim.tv_nsec, 5);
}

static void
small_inodes_keep_whole_seconds(void **state)
{
	struct timespec times[2] = { { 1000000000, 5 }, { 1234567890, 123456789 } };
	struct stat sb;

	(void)state;
	mkimage("-t ext2 -b 1024 -I 128", true);
	mount_image(RUMP_ETFS_BLK, 0);
	assert_int_equal(rump_sys_utimensat(AT_FDCWD, "/mnt/small", times, 0),
	    0);
	unmount_image();
	assert_fsck_clean();
	mount_image(RUMP_ETFS_BLK_RDONLY, MS_RDONLY);
	assert_int_equal(rump_sys_stat("/mnt/small", &sb), 0);
	unmount_image();
	assert_int_equal(sb.st_mtim.tv_sec, 1234567890);
	assert_int_equal(sb.st_mtim.tv_nsec, 0);
}

static void
a_fifo_on_an_image_is_a_pipe_also_when_mounted_read_only(void **state)
{
	char buf[8];
	int fd;

	(void)state;
	mkimage("-t ext2 -b 1024", true);
	mount_image(RUMP_ETFS_BLK, 0);
	assert_int_equal(rump_sys_mknod("/mnt/fifo", S_IFIFO | 0600, 0), 0);
	unmount_image();
	mount_image(RUMP_ETFS_BLK_RDONLY, MS_RDONLY);
	fd = rump_sys_open("/mnt/fifo", O_RDWR, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_write(fd, "ext2", 4), 4);
	assert_int_equal(rump_sys_read(fd, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "ext2", 4);
	assert_int_equal(rump_sys_close(fd), 0);
	unmount_image();
	assert_fsck_clean();
}

static void
extended_attributes_survive_changes_and_go_with_the_last_link(void **state)
{
	(void)state;
	mkimage("-t ext2 -b 1024", true);
	/* One attribute in the inode, one big enough for a block of its own. */
	assert_int_equal(host("debugfs -w -R 'ea_set small user.note hello' %s "
	    ">/dev/null 2>&1", imgpath), 0);
	assert_int_equal(host("debugfs -w -R 'ea_set small user.big %0300d' %s "
	    ">/dev/null 2>&1", 0, imgpath), 0);
	assert_int_equal(host("debugfs -w -R 'ea_set direct user.big %0300d' %s "
	    ">/dev/null 2>&1", 0, imgpath), 0);
	mount_image(RUMP_ETFS_BLK, 0);
	assert_int_equal(rump_sys_chmod("/mnt/small", 0600), 0);
	write_file("/mnt/small", 5000, 9);
	assert_int_equal(rump_sys_unlink("/mnt/direct"), 0);
	unmount_image();
	assert_fsck_clean();
	assert_int_equal(host("debugfs -R 'ea_get small user.note' %s 2>/dev/null "
	    "| grep -q hello", imgpath), 0);
	assert_int_equal(host("debugfs -R 'ea_get small user.big' %s 2>/dev/null "
	    "| grep -q 0000000000", imgpath), 0);
}

/* ---- read-only, refused, failing --------------------------------------- */

static void
a_directory_cycle_and_a_zero_link_count_give_euclean(void **state)
{
	struct stat sb;

	(void)state;
	mkimage("-t ext2 -b 1024", true);
	/* sub/deeper/loop names sub: a second link to a directory. */
	assert_int_equal(host("debugfs -w -R 'ln sub sub/deeper/loop' %s "
	    ">/dev/null 2>&1", imgpath), 0);
	assert_int_equal(host("debugfs -w -R 'sif small links_count 0' %s "
	    ">/dev/null 2>&1", imgpath), 0);
	mount_image(RUMP_ETFS_BLK_RDONLY, MS_RDONLY);
	assert_fails(rump_sys_stat("/mnt/sub/deeper/loop", &sb), EUCLEAN);
	assert_fails(rump_sys_stat("/mnt/sub/deeper/loop/deeper", &sb),
	    EUCLEAN);
	assert_fails(rump_sys_stat("/mnt/small", &sb), EUCLEAN);
	assert_int_equal(rump_sys_stat("/mnt/sub/deeper/file", &sb), 0);
	unmount_image();
}


static void
a_read_only_mount_changes_no_byte_of_the_image(void **state)
{
	(void)state;
	mkimage("-t ext2 -b 1024", true);
	assert_int_equal(host("cp %s %s.orig", imgpath, imgpath), 0);
	mount_image(RUMP_ETFS_BLK_RDONLY, MS_RDONLY);
	compare_dir(tree, "/mnt");
	assert_fails(rump_sys_open("/mnt/new", O_WRONLY | O_CREAT, 0644), EROFS);
	assert_fails(rump_sys_mkdir("/mnt/newdir", 0755), EROFS);
	assert_fails(rump_sys_unlink("/mnt/small"), EROFS);
	assert_fails(rump_sys_rename("/mnt/small", "/mnt/renamed"), EROFS);
	unmount_image();
	assert_int_equal(host("cmp -s %s %s.orig", imgpath, imgpath), 0);
	assert_int_equal(host("rm -f %s.orig", imgpath), 0);
}

static void
a_corrupt_or_ext4_image_is_refused(void **state)
{
	(void)state;
	mkimage("-t ext4 -b 1024", false);
	assert_int_equal(rump_etfs_register("/dev/e2", imgpath, RUMP_ETFS_BLK),
	    0);
	assert_fails(rump_sys_mount("/dev/e2", "/mnt", "ext2fs", 0, NULL),
	    EINVAL);
	assert_int_equal(rump_etfs_remove("/dev/e2"), 0);
	mkimage("-t ext2 -b 1024", false);
	/* The superblock's magic, at byte 1024 + 56. */
	assert_int_equal(host("printf '\\000\\000' | dd of=%s bs=1 seek=1080 "
	    "conv=notrunc 2>/dev/null", imgpath), 0);
	assert_int_equal(rump_etfs_register("/dev/e2", imgpath, RUMP_ETFS_BLK),
	    0);
	assert_fails(rump_sys_mount("/dev/e2", "/mnt", "ext2fs", 0, NULL),
	    EINVAL);
	assert_int_equal(rump_etfs_remove("/dev/e2"), 0);
}

static void
device_read_errors_fail_calls_with_eio(void **state)
{
	char buf[4096];
	int fd, n = 0;

	(void)state;
	mkimage("-t ext2 -b 1024", true);
	mount_image(RUMP_ETFS_BLK_RDONLY, MS_RDONLY);
	assert_int_equal(rump_etfs_fault("/dev/e2", "rate=100%,seed=1,dir=read"),
	    0);
	fd = rump_sys_open("/mnt/sub/single", O_RDONLY, 0);
	if (fd >= 0) {
		while (rump_sys_read(fd, buf, sizeof(buf)) > 0)
			n++;
		assert_int_equal(errno, EIO);
		assert_int_equal(rump_sys_close(fd), 0);
	} else {
		assert_int_equal(errno, EIO);
	}
	assert_true(n < 70);
	assert_int_equal(rump_etfs_fault("/dev/e2", "none"), 0);
	unmount_image();
}

/*
 * The device failing once the file is open: a read of a direct block
 * cannot read the block, one of the 13th cannot read the indirect block
 * that maps it; both are EIO.
 */
static void
reads_the_device_fails_after_the_open_are_eio(void **state)
{
	char buf[1024];
	int fd;

	(void)state;
	mkimage("-t ext2 -b 1024", true);
	mount_image(RUMP_ETFS_BLK_RDONLY, MS_RDONLY);
	fd = rump_sys_open("/mnt/sub/single", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_etfs_fault("/dev/e2", "rate=100%,seed=1,dir=read"),
	    0);
	assert_fails(rump_sys_pread(fd, buf, sizeof(buf), 0), EIO);
	assert_fails(rump_sys_pread(fd, buf, sizeof(buf), 12 * 1024), EIO);
	assert_int_equal(rump_etfs_fault("/dev/e2", "none"), 0);
	assert_int_equal(rump_sys_close(fd), 0);
	unmount_image();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(an_image_of_1k_blocks_with_indexed_directories_reads_back_as_the_tree),
		leak_test(an_image_of_4k_blocks_without_dir_index_reads_back_as_the_tree),
		leak_test(an_ext3_image_reads_back_as_the_tree),
		leak_test(files_and_directories_written_are_clean_for_e2fsck),
		leak_test(every_rename_case_leaves_a_clean_image),
		leak_test(an_unlinked_open_file_lives_until_closed_and_then_gives_its_space_back),
		leak_test(thousands_of_entries_in_one_directory_are_all_found),
		leak_test(filling_the_disk_gives_enospc_and_removing_recovers_the_space),
		leak_test(a_sparse_write_past_4_gib_is_read_back_and_clean_for_e2fsck),
		leak_test(attributes_set_through_the_calls_are_kept_on_the_image),
		leak_test(a_read_updates_the_access_time_as_relatime_does),
		leak_test(nanoseconds_are_kept_where_the_inode_has_room),
		leak_test(small_inodes_keep_whole_seconds),
		leak_test(a_fifo_on_an_image_is_a_pipe_also_when_mounted_read_only),
		leak_test(extended_attributes_survive_changes_and_go_with_the_last_link),
		leak_test(a_directory_cycle_and_a_zero_link_count_give_euclean),
		leak_test(a_read_only_mount_changes_no_byte_of_the_image),
		leak_test(a_corrupt_or_ext4_image_is_refused),
		leak_test(device_read_errors_fail_calls_with_eio),
		leak_test(reads_the_device_fails_after_the_open_are_eio),
	};

	return cmocka_run_group_tests(tests, boot, halt);
}
