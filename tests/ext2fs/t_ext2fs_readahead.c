/*
 * ext2fs over the real buffer cache and a host file: a file read
 * sequentially is read ahead in runs (counted in host calls through the
 * device's etfs counters), reads elsewhere read no more than they ask
 * for, and what is read ahead is the file's contents.  A long read goes
 * past the cache into the reader's memory in runs, reads holes as zeros
 * and takes a block the cache holds from the cache.  The inodes of a
 * directory's files are read from the inode table in runs.
 *
 * The image is the 4 KiB one of tests/ext2fs/mkimages.sh, registered
 * read-only and mounted read-only at /mnt for each test, so each starts
 * with nothing cached.
 */
#include "ktest.h"
#include "rumpkern/cred.h"
#include "rumpkern/kmem.h"
#include "rumpkern/uio.h"
#include "rumpvfs/buf.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/vfs_etfs.h"
#include "rumpvfs/vfs_syscalls.h"
#include "rumpvfs/vnode.h"
#include "rumpvfs_if_priv.h"
#include "syscallargs.h"
#include "fs/ext2fs/ext2fs.h"
#include "fs/ext2fs/ext2fs_vnode.h"

#define BSIZE		4096
#define SINGLE		"/sub/single"	/* 300000 bytes: 74 blocks */
#define SINGLE_SIZE	300000
#define SPARSE		"/sparse"	/* data at 0, 1000000 and 70000000 */

static char imgpath[1024], treepath[1024], sparsepath[1024];
static struct vnode *devvp;

static void
build_path(char *buf, size_t len, const char *name)
{
	if (rumpuser_getparam("RUMP_TEST_BUILD", buf, len) != 0)
		strlcpy(buf, ".", len);
	strlcpy(buf + strlen(buf), name, len - strlen(buf));
}

static int
boot(void **state)
{
	struct sys_mkdir_args ua = { .path = "/mnt", .mode = 0755 };
	long ret;
	int error;

	build_path(imgpath, sizeof(imgpath), "/tests/ext2fs/img/4k.img");
	build_path(treepath, sizeof(treepath), "/tests/ext2fs/img/tree" SINGLE);
	build_path(sparsepath, sizeof(sparsepath),
	    "/tests/ext2fs/img/tree" SPARSE);
	error = ktest_boot(state);
	if (error != 0)
		return error;
	KTEST_ENTER();
	error = sys_mkdir(curlwp, &ua, &ret);
	/* Once, so that /dev and what a first mount keeps exist from then on. */
	if (error == 0)
		error = rumppriv_etfs_register("/dev/ra", imgpath,
		    RUMP_ETFS_BLK_RDONLY);
	if (error == 0)
		error = vfs_domount("ext2fs", "/dev/ra", "/mnt", MNT_RDONLY,
		    NULL, 0);
	if (error == 0)
		error = vfs_dounmount_path("/mnt", 0);
	if (error == 0)
		error = rumppriv_etfs_remove("/dev/ra");
	KTEST_EXIT();
	return error;
}

static int
setup(void **state)
{
	struct cred *cred;
	int error;

	leakcheck_setup(state);
	KTEST_ENTER();
	error = rumppriv_etfs_register("/dev/ra", imgpath, RUMP_ETFS_BLK_RDONLY);
	if (error == 0)
		error = vfs_domount("ext2fs", "/dev/ra", "/mnt", MNT_RDONLY, NULL, 0);
	if (error == 0) {
		cred = proc_cred(curproc);
		error = vfs_opendev("/dev/ra", true, cred, &devvp);
		cred_release(cred);
	}
	KTEST_EXIT();
	return error;
}

static int
teardown(void **state)
{
	int error;

	KTEST_ENTER();
	vfs_closedev(devvp);
	error = vfs_dounmount_path("/mnt", 0);
	if (error == 0)
		error = rumppriv_etfs_remove("/dev/ra");
	KTEST_EXIT();
	assert_int_equal(error, 0);
	return ktest_teardown(state);
}

#define ra_test(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

static uint64_t
host_reads(void)
{
	struct etfs_stats st;

	etfs_getstats(devvp, &st);
	return st.es_reads;
}

/* Reads len bytes at off of the file at path (in the kernel). */
static int
read_at(const char *path, void *buf, size_t len, off_t off)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct uio uio = {
		.uio_iov = &iov, .uio_iovcnt = 1, .uio_offset = off,
		.uio_resid = len, .uio_rw = UIO_READ,
	};
	struct cred *cred = proc_cred(curproc);
	struct vnode *vp;
	int error;

	error = vn_open(NULL, path, O_RDONLY, 0, cred, &vp);
	if (error == 0) {
		vn_lock(vp, RW_READER);
		error = VOP_READ(vp, &uio, 0, cred);
		vn_unlock(vp);
		vrele(vp);
	}
	cred_release(cred);
	return error != 0 ? error : uio.uio_resid != 0 ? EIO : 0;
}

/* The test tree's copy of a file, read through the host. */
static void
tree_read(const char *path, char *buf, size_t len)
{
	size_t done = 0;
	int fd;

	assert_int_equal(rumpuser_open(path, RUMPUSER_OPEN_RDONLY, &fd), 0);
	assert_int_equal(rumpuser_pread(fd, buf, len, 0, &done), 0);
	rumpuser_close(fd);
	assert_int_equal(done, len);
}

static void
tree_file(char *buf, size_t len)
{
	tree_read(treepath, buf, len);
}

static void
a_sequential_read_is_read_ahead_in_runs(void **state)
{
	static char buf[SINGLE_SIZE], want[SINGLE_SIZE];
	uint64_t before, after;

	(void)state;
	tree_file(want, sizeof(want));
	KTEST_ENTER();
	/* Looks the file up: what is read from here on is its contents. */
	assert_int_equal(read_at("/mnt" SINGLE, buf, 0, 0), 0);
	before = host_reads();
	for (off_t off = 0; off < SINGLE_SIZE; off += BSIZE)
		assert_int_equal(read_at("/mnt" SINGLE, buf + off,
		    MIN(BSIZE, SINGLE_SIZE - (size_t)off), off), 0);
	after = host_reads();
	KTEST_EXIT();
	assert_memory_equal(buf, want, sizeof(want));
	/*
	 * 74 blocks and their indirect block: block by block that is 75
	 * host reads; read ahead 64 blocks at a time, the indirect block
	 * and three runs (it sits between the 12th block and the 13th).
	 */
	assert_in_range(after - before, 1, 5);
}

static void
reads_out_of_order_read_only_what_they_ask(void **state)
{
	static const off_t offs[] = { 50 * BSIZE, 10 * BSIZE, 30 * BSIZE };
	struct bufstats before, after;
	char buf[BSIZE];

	(void)state;
	KTEST_ENTER();
	assert_int_equal(read_at("/mnt" SINGLE, buf, 0, 0), 0);
	buf_stats(&before);
	for (size_t i = 0; i < __arraycount(offs); i++)
		assert_int_equal(read_at("/mnt" SINGLE, buf, BSIZE, offs[i]), 0);
	buf_stats(&after);
	KTEST_EXIT();
	/* The three blocks and the indirect block that maps two of them. */
	assert_int_equal(after.bs_bytes - before.bs_bytes, 4 * BSIZE);
}

static void
a_second_sequential_pass_is_read_ahead_again(void **state)
{
	char buf[BSIZE];
	uint64_t before, after;

	(void)state;
	KTEST_ENTER();
	for (off_t off = 0; off < 16 * BSIZE; off += BSIZE)
		assert_int_equal(read_at("/mnt" SINGLE, buf, BSIZE, off), 0);
	/* Thrown out of the cache, then read from the start again. */
	assert_int_equal(vinvalbuf(devvp, false), 0);
	assert_int_equal(read_at("/mnt" SINGLE, buf, 0, 0), 0);
	before = host_reads();
	for (off_t off = 0; off < 16 * BSIZE; off += BSIZE)
		assert_int_equal(read_at("/mnt" SINGLE, buf, BSIZE, off), 0);
	after = host_reads();
	KTEST_EXIT();
	/*
	 * Block 0 alone (the first read after a jump is not read ahead),
	 * then from block 1 on: the indirect block and two runs.
	 */
	assert_in_range(after - before, 1, 5);
}

static void
a_long_read_goes_to_the_reader_in_runs_and_caches_no_data(void **state)
{
	static char buf[SINGLE_SIZE], want[SINGLE_SIZE];
	struct bufstats bbefore, bafter;
	uint64_t before, after;

	(void)state;
	tree_file(want, sizeof(want));
	KTEST_ENTER();
	assert_int_equal(read_at("/mnt" SINGLE, buf, 0, 0), 0);
	before = host_reads();
	buf_stats(&bbefore);
	assert_int_equal(read_at("/mnt" SINGLE, buf, SINGLE_SIZE, 0), 0);
	buf_stats(&bafter);
	after = host_reads();
	KTEST_EXIT();
	assert_memory_equal(buf, want, sizeof(want));
	/*
	 * Blocks 0-11, the indirect block after them, blocks 12-72 in one
	 * run, and the last block, only partly the file's, through the
	 * cache: four host reads, and two blocks cached.
	 */
	assert_int_equal(after - before, 4);
	assert_int_equal(bafter.bs_bytes - bbefore.bs_bytes, 2 * BSIZE);
}

static void
a_long_read_stays_past_the_cache_to_its_end(void **state)
{
	static char buf[16 * BSIZE], want[SINGLE_SIZE];
	struct bufstats before, after;

	(void)state;
	tree_file(want, sizeof(want));
	KTEST_ENTER();
	assert_int_equal(read_at("/mnt" SINGLE, buf, 0, 0), 0);
	buf_stats(&before);
	/* Blocks 0-11, then 12-15: 16 KiB left, past the cache still. */
	assert_int_equal(read_at("/mnt" SINGLE, buf, sizeof(buf), 0), 0);
	buf_stats(&after);
	KTEST_EXIT();
	assert_memory_equal(buf, want, sizeof(buf));
	/* Only the indirect block that maps 12-15 is cached. */
	assert_int_equal(after.bs_bytes - before.bs_bytes, BSIZE);
}

static void
a_long_read_reads_holes_as_zeros(void **state)
{
	static char buf[1024 * 1024], want[1024 * 1024];

	(void)state;
	tree_read(sparsepath, want, sizeof(want));
	KTEST_ENTER();
	assert_int_equal(read_at("/mnt" SPARSE, buf, sizeof(buf), 0), 0);
	KTEST_EXIT();
	assert_memory_equal(buf, want, sizeof(want));
	assert_memory_equal(buf + 1000000, "middle", 6);
}

static void
a_long_read_takes_a_block_the_cache_holds_from_the_cache(void **state)
{
	static char buf[SINGLE_SIZE], want[SINGLE_SIZE];
	struct cred *cred;
	struct vnode *vp;
	struct buf *bp;
	uint32_t blk;

	(void)state;
	tree_file(want, sizeof(want));
	KTEST_ENTER();
	cred = proc_cred(curproc);
	assert_int_equal(vn_open(NULL, "/mnt" SINGLE, O_RDONLY, 0, cred, &vp),
	    0);
	cred_release(cred);
	vn_lock(vp, RW_READER);
	assert_int_equal(ext2fs_bmap(VFSTOUM(vp->v_mount), VTOI(vp), 20, &blk),
	    0);
	vn_unlock(vp);
	vrele(vp);
	/* Block 20 cached with contents the disk does not have. */
	assert_int_equal(bread(devvp, (daddr_t)blk * (BSIZE / DEV_BSIZE), BSIZE,
	    &bp), 0);
	memset(bp->b_data, '#', BSIZE);
	brelse(bp, 0);
	assert_int_equal(read_at("/mnt" SINGLE, buf, SINGLE_SIZE, 0), 0);
	assert_int_equal(vinvalbuf(devvp, false), 0);
	KTEST_EXIT();
	memset(want + 20 * BSIZE, '#', BSIZE);
	assert_memory_equal(buf, want, sizeof(want));
}

static void
a_long_read_from_a_failing_disk_is_eio(void **state)
{
	static char buf[SINGLE_SIZE];

	(void)state;
	KTEST_ENTER();
	assert_int_equal(read_at("/mnt" SINGLE, buf, 0, 0), 0);
	assert_int_equal(rumppriv_etfs_fault("/dev/ra", "rate=100%,dir=read"),
	    0);
	assert_int_equal(read_at("/mnt" SINGLE, buf, SINGLE_SIZE, 0), EIO);
	assert_int_equal(rumppriv_etfs_fault("/dev/ra", "none"), 0);
	KTEST_EXIT();
}

/* Opens (looks up) every file of directory dir in the order it lists them. */
static void
open_each_entry(const char *dir)
{
	static char ents[16384];
	struct sys_open_args oa = { .path = dir, .flags = O_RDONLY };
	char path[128];
	long fd, n;

	assert_int_equal(sys_open(curlwp, &oa, &fd), 0);
	for (;;) {
		struct sys_getdents64_args ga = {
			.fd = (int)fd, .dirp = ents, .count = sizeof(ents),
		};

		assert_int_equal(sys_getdents64(curlwp, &ga, &n), 0);
		if (n == 0)
			break;
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(ents + off);

			off += d->d_reclen;
			if (d->d_type != DT_REG)
				continue;
			ksnprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
			assert_int_equal(read_at(path, path, 0, 0), 0);
		}
	}
	struct sys_close_args ca = { .fd = (int)fd };
	assert_int_equal(sys_close(curlwp, &ca, &n), 0);
}

static void
the_inodes_of_a_directory_are_read_in_runs(void **state)
{
	uint64_t before, after;

	(void)state;
	KTEST_ENTER();
	before = host_reads();
	/* 300 inodes of 256 bytes side by side: 19 inode-table blocks. */
	open_each_entry("/mnt/big");
	after = host_reads();
	KTEST_EXIT();
	/* The directory's blocks, and the inode table in a few runs. */
	assert_in_range(after - before, 1, 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		ra_test(a_sequential_read_is_read_ahead_in_runs),
		ra_test(reads_out_of_order_read_only_what_they_ask),
		ra_test(a_second_sequential_pass_is_read_ahead_again),
		ra_test(a_long_read_goes_to_the_reader_in_runs_and_caches_no_data),
		ra_test(a_long_read_stays_past_the_cache_to_its_end),
		ra_test(a_long_read_reads_holes_as_zeros),
		ra_test(a_long_read_takes_a_block_the_cache_holds_from_the_cache),
		ra_test(a_long_read_from_a_failing_disk_is_eio),
		ra_test(the_inodes_of_a_directory_are_read_in_runs),
	};

	return cmocka_run_group_tests(tests, boot, ktest_halt);
}
