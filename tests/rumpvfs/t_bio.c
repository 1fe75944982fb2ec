/*
 * The buffer cache over a host file registered as a block device: reads
 * from the cache, delayed writes written back in clusters with one host
 * call, resizing, invalidation, read-ahead, and injected I/O errors.
 *
 * The image is a host file in the build directory (RUMP_TEST_BUILD, set
 * by tests/run.sh), made afresh by each test group.
 */
#include "ktest.h"
#include "rumpkern/lwp.h"
#include "rumpvfs/buf.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/vfs_etfs.h"
#include "rumpvfs_if_priv.h"

#define IMG_SIZE	(1024 * 1024)
#define BSIZE		4096
#define BLK(n)		((daddr_t)(n) * (BSIZE / DEV_BSIZE))

static char imgpath[1024];
static struct vnode *devvp;

/* Makes the host file, IMG_SIZE bytes, block n filled with byte n. */
static int
make_image(void)
{
	static char block[BSIZE];
	size_t done;
	int fd = -1, error;

	error = rumpuser_getparam("RUMP_TEST_BUILD", imgpath, sizeof(imgpath));
	if (error != 0)
		strlcpy(imgpath, ".", sizeof(imgpath));
	strlcpy(imgpath + strlen(imgpath), "/t_bio.img",
	    sizeof(imgpath) - strlen(imgpath));
	error = rumpuser_open(imgpath, RUMPUSER_OPEN_RDWR | RUMPUSER_OPEN_CREATE,
	    &fd);
	for (int n = 0; error == 0 && n < IMG_SIZE / BSIZE; n++) {
		memset(block, n, sizeof(block));
		error = rumpuser_pwrite(fd, block, BSIZE, (int64_t)n * BSIZE, &done);
	}
	if (fd >= 0)
		rumpuser_close(fd);
	return error;
}

/* Boots and registers the image once, so that /dev exists from then on. */
static int
boot(void **state)
{
	int error = make_image();

	if (error == 0)
		error = ktest_boot(state);
	if (error != 0)
		return error;
	KTEST_ENTER();
	error = rumppriv_etfs_register("/dev/img", imgpath, RUMP_ETFS_BLK);
	if (error == 0)
		error = rumppriv_etfs_remove("/dev/img");
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
	error = rumppriv_etfs_register("/dev/img", imgpath, RUMP_ETFS_BLK);
	if (error == 0) {
		cred = proc_cred(curproc);
		error = vfs_opendev("/dev/img", false, cred, &devvp);
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
	(void)vinvalbuf(devvp, false);
	vfs_closedev(devvp);
	error = rumppriv_etfs_remove("/dev/img");
	KTEST_EXIT();
	assert_int_equal(error, 0);
	return leakcheck_teardown(state);
}

#define bio_test(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

static struct etfs_stats
stats(void)
{
	struct etfs_stats st;

	etfs_getstats(devvp, &st);
	return st;
}

static void
bread_reads_the_block_and_then_hits_the_cache(void **state)
{
	struct buf *bp;
	struct etfs_stats before, after;
	unsigned char first, last;

	(void)state;
	KTEST_ENTER();
	before = stats();
	assert_int_equal(bread(devvp, BLK(5), BSIZE, &bp), 0);
	first = ((unsigned char *)bp->b_data)[0];
	last = ((unsigned char *)bp->b_data)[BSIZE - 1];
	brelse(bp, 0);
	assert_int_equal(bread(devvp, BLK(5), BSIZE, &bp), 0);
	brelse(bp, 0);
	after = stats();
	KTEST_EXIT();
	assert_int_equal(first, 5);
	assert_int_equal(last, 5);
	assert_int_equal(after.es_reads - before.es_reads, 1);
}

static void
delayed_writes_reach_the_disk_on_vflushbuf(void **state)
{
	struct buf *bp;
	struct etfs_stats before, after;

	(void)state;
	KTEST_ENTER();
	before = stats();
	bp = getblk(devvp, BLK(7), BSIZE);
	memset(bp->b_data, 0xaa, BSIZE);
	bdwrite(bp);
	assert_int_equal(stats().es_writes, before.es_writes);
	assert_int_equal(vflushbuf(devvp, true), 0);
	after = stats();
	assert_int_equal(vinvalbuf(devvp, false), 0);
	assert_int_equal(bread(devvp, BLK(7), BSIZE, &bp), 0);
	assert_int_equal(((unsigned char *)bp->b_data)[100], 0xaa);
	memset(bp->b_data, 7, BSIZE);
	assert_int_equal(bwrite(bp), 0);
	KTEST_EXIT();
	assert_int_equal(after.es_writes - before.es_writes, 1);
}

static void
contiguous_dirty_blocks_are_written_with_one_host_call(void **state)
{
	struct buf *bp;
	struct etfs_stats before, after;

	(void)state;
	KTEST_ENTER();
	for (int n = 10; n < 20; n++) {
		bp = getblk(devvp, BLK(n), BSIZE);
		memset(bp->b_data, n, BSIZE);
		bdwrite(bp);
	}
	/* A gap: block 21 starts a second run. */
	bp = getblk(devvp, BLK(21), BSIZE);
	memset(bp->b_data, 21, BSIZE);
	bdwrite(bp);
	before = stats();
	assert_int_equal(vflushbuf(devvp, true), 0);
	after = stats();
	KTEST_EXIT();
	assert_int_equal(after.es_writes - before.es_writes, 2);
}

static void
getblk_of_another_size_resizes_the_buffer(void **state)
{
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(bread(devvp, BLK(3), BSIZE, &bp), 0);
	brelse(bp, 0);
	bp = getblk(devvp, BLK(3), 2 * BSIZE);
	assert_int_equal(bp->b_bcount, 2 * BSIZE);
	assert_int_equal(bp->b_flags & B_DONE, 0);
	brelse(bp, B_INVAL);
	assert_int_equal(bread(devvp, BLK(3), BSIZE / 2, &bp), 0);
	assert_int_equal(((unsigned char *)bp->b_data)[0], 3);
	brelse(bp, 0);
	KTEST_EXIT();
}

static void
breadn_reads_the_block_and_what_follows_with_one_host_call(void **state)
{
	daddr_t ra[2] = { BLK(31), BLK(32) };
	int rasz[2] = { BSIZE, BSIZE };
	struct etfs_stats before, mid, after;
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	before = stats();
	assert_int_equal(breadn(devvp, BLK(30), BSIZE, ra, rasz, 2, &bp), 0);
	assert_int_equal(((unsigned char *)bp->b_data)[0], 30);
	brelse(bp, 0);
	mid = stats();
	assert_int_equal(bread(devvp, BLK(32), BSIZE, &bp), 0);
	assert_int_equal(((unsigned char *)bp->b_data)[0], 32);
	brelse(bp, 0);
	after = stats();
	KTEST_EXIT();
	assert_int_equal(mid.es_reads - before.es_reads, 1);
	assert_int_equal(after.es_reads, mid.es_reads);
}

static void
breadn_reads_scattered_read_ahead_one_by_one(void **state)
{
	daddr_t ra[2] = { BLK(35), BLK(37) };
	int rasz[2] = { BSIZE, BSIZE };
	struct etfs_stats before, after;
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	before = stats();
	assert_int_equal(breadn(devvp, BLK(33), BSIZE, ra, rasz, 2, &bp), 0);
	brelse(bp, 0);
	/* All three are cached now: a second breadn reads nothing. */
	assert_int_equal(breadn(devvp, BLK(33), BSIZE, ra, rasz, 2, &bp), 0);
	brelse(bp, 0);
	after = stats();
	KTEST_EXIT();
	assert_int_equal(after.es_reads - before.es_reads, 3);
}

static void
read_ahead_skips_a_buffer_another_holds(void **state)
{
	daddr_t ra[1] = { BLK(71) };
	int rasz[1] = { BSIZE };
	struct buf *held, *bp;

	(void)state;
	KTEST_ENTER();
	held = getblk(devvp, BLK(71), BSIZE);
	assert_int_equal(breadn(devvp, BLK(70), BSIZE, ra, rasz, 1, &bp), 0);
	assert_int_equal(((unsigned char *)bp->b_data)[0], 70);
	brelse(bp, 0);
	assert_int_equal(held->b_flags & B_DONE, 0);
	brelse(held, B_INVAL);
	KTEST_EXIT();
}

static void
a_failed_clustered_read_caches_nothing(void **state)
{
	daddr_t ra[1] = { BLK(46) };
	int rasz[1] = { BSIZE };
	struct bufstats bs;
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_etfs_fault("/dev/img", "rate=1,dir=read"), 0);
	assert_int_equal(breadn(devvp, BLK(45), BSIZE, ra, rasz, 1, &bp), EIO);
	assert_null(bp);
	assert_int_equal(rumppriv_etfs_fault("/dev/img", "none"), 0);
	buf_stats(&bs);
	KTEST_EXIT();
	assert_int_equal(bs.bs_bytes, 0);
}

static void
bread_direct_reads_a_run_with_one_host_call_and_caches_nothing(void **state)
{
	static unsigned char dst[4 * BSIZE];
	struct etfs_stats before, after;
	struct bufstats bbefore, bafter;

	(void)state;
	KTEST_ENTER();
	before = stats();
	buf_stats(&bbefore);
	assert_int_equal(bread_direct(devvp, BLK(20), BSIZE, 4, dst), 0);
	buf_stats(&bafter);
	after = stats();
	KTEST_EXIT();
	assert_int_equal(after.es_reads - before.es_reads, 1);
	assert_int_equal(bafter.bs_bytes, bbefore.bs_bytes);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(dst[i * BSIZE], 20 + i);
		assert_int_equal(dst[i * BSIZE + BSIZE - 1], 20 + i);
	}
}

static void
bread_direct_of_a_run_the_cache_holds_part_of_is_eagain(void **state)
{
	static unsigned char dst[4 * BSIZE];
	struct etfs_stats before, after;
	struct buf *bp;

	(void)state;
	memset(dst, 0xee, sizeof(dst));
	KTEST_ENTER();
	/* A dirty block, newer than the disk: the disk must not be read. */
	bp = getblk(devvp, BLK(32), BSIZE);
	memset(bp->b_data, 0x99, BSIZE);
	bdwrite(bp);
	before = stats();
	assert_int_equal(bread_direct(devvp, BLK(30), BSIZE, 4, dst), EAGAIN);
	after = stats();
	KTEST_EXIT();
	assert_int_equal(after.es_reads, before.es_reads);
	assert_int_equal(dst[0], 0xee);
}

static void
bread_direct_past_the_device_is_eio(void **state)
{
	static unsigned char dst[2 * BSIZE];

	(void)state;
	KTEST_ENTER();
	assert_int_equal(bread_direct(devvp, BLK(IMG_SIZE / BSIZE - 1), BSIZE,
	    2, dst), EIO);
	KTEST_EXIT();
}

static void
a_read_past_the_device_is_eio(void **state)
{
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(bread(devvp, BLK(IMG_SIZE / BSIZE), BSIZE, &bp), EIO);
	assert_null(bp);
	KTEST_EXIT();
}

static void
injected_read_faults_fail_bread_with_eio(void **state)
{
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_etfs_fault("/dev/img", "rate=100%,dir=read"), 0);
	assert_int_equal(bread(devvp, BLK(40), BSIZE, &bp), EIO);
	/* Writes still work. */
	bp = getblk(devvp, BLK(41), BSIZE);
	memset(bp->b_data, 41, BSIZE);
	assert_int_equal(bwrite(bp), 0);
	assert_int_equal(rumppriv_etfs_fault("/dev/img", "none"), 0);
	assert_int_equal(bread(devvp, BLK(40), BSIZE, &bp), 0);
	brelse(bp, 0);
	KTEST_EXIT();
	assert_true(stats().es_faults >= 1);
}

static void
a_failed_delayed_write_is_reported_by_vflushbuf(void **state)
{
	struct buf *bp;
	struct bufstats bs;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_etfs_fault("/dev/img",
	    "rate=1,seed=7,dir=write"), 0);
	bp = getblk(devvp, BLK(50), BSIZE);
	bdwrite(bp);
	assert_int_equal(vflushbuf(devvp, true), EIO);
	buf_stats(&bs);
	assert_int_equal(rumppriv_etfs_fault("/dev/img", ""), 0);
	KTEST_EXIT();
	assert_int_equal(bs.bs_dirty, 0);
}

static void
fault_specs_are_checked(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_etfs_fault("/dev/img", "rate=2"), EINVAL);
	assert_int_equal(rumppriv_etfs_fault("/dev/img", "dir=up"), EINVAL);
	assert_int_equal(rumppriv_etfs_fault("/dev/img", "bogus"), EINVAL);
	assert_int_equal(rumppriv_etfs_fault("/dev/img", "seed=x"), EINVAL);
	assert_int_equal(rumppriv_etfs_fault("/dev/nothing", "none"), ENOENT);
	assert_int_equal(rumppriv_etfs_fault("/", "none"), ENXIO);
	KTEST_EXIT();
}

static void
bufcache_sync_writes_every_dirty_buffer(void **state)
{
	struct buf *bp;
	struct bufstats bs;

	(void)state;
	KTEST_ENTER();
	bp = getblk(devvp, BLK(60), BSIZE);
	bdwrite(bp);
	bp = getblk(devvp, BLK(62), BSIZE);
	bdwrite(bp);
	assert_int_equal(bufcache_sync(), 0);
	buf_stats(&bs);
	KTEST_EXIT();
	assert_int_equal(bs.bs_dirty, 0);
}

static void
clean_buffers_over_the_limit_are_freed_oldest_first(void **state)
{
	struct bufstats bs, after;
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	bufcache_max = 4 * BSIZE;
	for (int n = 80; n < 90; n++) {
		assert_int_equal(bread(devvp, BLK(n), BSIZE, &bp), 0);
		brelse(bp, 0);
	}
	buf_stats(&bs);
	assert_int_equal(bs.bs_bytes, 4 * BSIZE);
	/* The newest are the ones kept. */
	assert_int_equal(bread(devvp, BLK(89), BSIZE, &bp), 0);
	brelse(bp, 0);
	bufcache_max = BUF_CACHE_MAX;
	buf_stats(&after);
	KTEST_EXIT();
	assert_int_equal(after.bs_hits, bs.bs_hits + 1);
}

static void
dirty_buffers_over_the_limit_are_written_back(void **state)
{
	struct bufstats bs;
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	bufcache_dirtymax = 4 * BSIZE;
	for (int n = 100; n < 110; n++) {
		bp = getblk(devvp, BLK(n), BSIZE);
		memset(bp->b_data, n, BSIZE);
		bdwrite(bp);
	}
	buf_stats(&bs);
	bufcache_dirtymax = BUF_DIRTY_MAX;
	KTEST_EXIT();
	assert_true(bs.bs_dirty * BSIZE <= 4 * BSIZE);
}

/* Writes block n whole with bdwrite_age. */
static void
write_whole(int n)
{
	struct buf *bp = getblk(devvp, BLK(n), BSIZE);

	memset(bp->b_data, n, BSIZE);
	bdwrite_age(bp);
}

static void
blocks_written_whole_over_their_limit_are_written_back_in_one_run(void **state)
{
	struct etfs_stats before = stats(), after;
	struct bufstats bs;

	(void)state;
	KTEST_ENTER();
	bufcache_agedmax = 4 * BSIZE;
	for (int n = 120; n < 124; n++)
		write_whole(n);
	after = stats();
	assert_int_equal(after.es_writes, before.es_writes);
	write_whole(124);
	after = stats();
	buf_stats(&bs);
	bufcache_agedmax = BUF_AGED_MAX;
	KTEST_EXIT();
	/* The five follow each other on the device: one host write. */
	assert_int_equal(after.es_writes, before.es_writes + 1);
	assert_int_equal(bs.bs_dirty, 0);
}

static void
the_buffers_of_blocks_written_whole_are_used_again(void **state)
{
	struct bufstats bs, after;

	(void)state;
	KTEST_ENTER();
	bufcache_agedmax = 4 * BSIZE;
	for (int n = 130; n < 135; n++)
		write_whole(n);
	buf_stats(&bs);
	/* Written back, the five buffers serve the next blocks. */
	for (int n = 135; n < 140; n++)
		write_whole(n);
	buf_stats(&after);
	bufcache_agedmax = BUF_AGED_MAX;
	KTEST_EXIT();
	assert_int_equal(after.bs_bytes, bs.bs_bytes);
}

static void
a_block_written_whole_then_read_is_an_ordinary_dirty_block(void **state)
{
	struct etfs_stats before = stats(), after;
	struct bufstats bs;
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	bufcache_agedmax = 4 * BSIZE;
	write_whole(140);
	assert_int_equal(bread(devvp, BLK(140), BSIZE, &bp), 0);
	assert_int_equal(((unsigned char *)bp->b_data)[0], 140);
	brelse(bp, 0);
	/* Four more make four aged blocks, not five: nothing is written. */
	for (int n = 141; n < 145; n++)
		write_whole(n);
	after = stats();
	buf_stats(&bs);
	assert_int_equal(vflushbuf(devvp, true), 0);
	bufcache_agedmax = BUF_AGED_MAX;
	KTEST_EXIT();
	assert_int_equal(after.es_writes, before.es_writes);
	assert_int_equal(bs.bs_dirty, 5);
}

static void
a_dirty_buffer_asked_for_with_another_size_is_written_first(void **state)
{
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	bp = getblk(devvp, BLK(120), BSIZE);
	memset(bp->b_data, 0x5a, BSIZE);
	bdwrite(bp);
	bp = getblk(devvp, BLK(120), 2 * BSIZE);
	brelse(bp, B_INVAL);
	assert_int_equal(bread(devvp, BLK(120), BSIZE, &bp), 0);
	assert_int_equal(((unsigned char *)bp->b_data)[BSIZE - 1], 0x5a);
	brelse(bp, 0);
	bp = getblk(devvp, BLK(121), BSIZE);
	memset(bp->b_data, 0x6b, BSIZE);
	bawrite(bp);
	assert_int_equal(vinvalbuf(devvp, false), 0);
	assert_int_equal(bread(devvp, BLK(121), BSIZE, &bp), 0);
	assert_int_equal(((unsigned char *)bp->b_data)[0], 0x6b);
	brelse(bp, 0);
	KTEST_EXIT();
}

static void
breada_reads_a_run_of_blocks_with_one_host_call(void **state)
{
	daddr_t ra[16];
	int rasz[16];
	struct etfs_stats before, mid, after;
	struct buf *bp;

	(void)state;
	for (int i = 0; i < 16; i++) {
		ra[i] = BLK(130 + i);
		rasz[i] = BSIZE;
	}
	KTEST_ENTER();
	before = stats();
	breada(devvp, ra, rasz, 16);
	mid = stats();
	for (int i = 0; i < 16; i++) {
		assert_int_equal(bread(devvp, ra[i], BSIZE, &bp), 0);
		assert_int_equal(((unsigned char *)bp->b_data)[BSIZE - 1], 130 + i);
		brelse(bp, 0);
	}
	after = stats();
	KTEST_EXIT();
	assert_int_equal(mid.es_reads - before.es_reads, 1);
	assert_int_equal(after.es_reads, mid.es_reads);
}

static void
breada_reads_around_cached_blocks_in_runs(void **state)
{
	daddr_t ra[6];
	int rasz[6];
	struct etfs_stats before, after;
	struct buf *bp;

	(void)state;
	for (int i = 0; i < 6; i++) {
		ra[i] = BLK(150 + i);
		rasz[i] = BSIZE;
	}
	KTEST_ENTER();
	assert_int_equal(bread(devvp, BLK(152), BSIZE, &bp), 0);
	brelse(bp, 0);
	before = stats();
	breada(devvp, ra, rasz, 6);
	after = stats();
	KTEST_EXIT();
	/* 150-151 and 153-155. */
	assert_int_equal(after.es_reads - before.es_reads, 2);
}

static void
a_block_read_ahead_and_used_once_is_reused_first(void **state)
{
	daddr_t ra[4] = { BLK(160), BLK(161), BLK(162), BLK(163) };
	int rasz[4] = { BSIZE, BSIZE, BSIZE, BSIZE };
	struct bufstats before, after;
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	breada(devvp, ra, rasz, 4);
	assert_int_equal(bread(devvp, BLK(160), BSIZE, &bp), 0);
	brelse(bp, 0);
	buf_stats(&before);
	/* A new block takes the buffer of 160, though the cache has room. */
	assert_int_equal(bread(devvp, BLK(170), BSIZE, &bp), 0);
	brelse(bp, 0);
	buf_stats(&after);
	assert_int_equal(after.bs_bytes, before.bs_bytes);
	/* 161 to 163, not used yet, are still there. */
	assert_int_equal(bread(devvp, BLK(163), BSIZE, &bp), 0);
	brelse(bp, 0);
	buf_stats(&before);
	KTEST_EXIT();
	assert_int_equal(before.bs_hits, after.bs_hits + 1);
}

static void
a_block_read_ahead_to_keep_and_used_once_is_not_reused_first(void **state)
{
	daddr_t ra[2] = { BLK(180), BLK(181) };
	int rasz[2] = { BSIZE, BSIZE };
	struct bufstats before, after;
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	breada_keep(devvp, ra, rasz, 2);
	assert_int_equal(bread(devvp, BLK(180), BSIZE, &bp), 0);
	brelse(bp, 0);
	buf_stats(&before);
	/* A new block gets a buffer of its own: 180 stays cached. */
	assert_int_equal(bread(devvp, BLK(190), BSIZE, &bp), 0);
	brelse(bp, 0);
	buf_stats(&after);
	assert_int_equal(after.bs_bytes, before.bs_bytes + BSIZE);
	assert_int_equal(bread(devvp, BLK(180), BSIZE, &bp), 0);
	brelse(bp, 0);
	buf_stats(&before);
	KTEST_EXIT();
	assert_int_equal(before.bs_hits, after.bs_hits + 1);
}

/*
 * Reads blocks first..first+n-1 as a sequential reader does, ahead by 4;
 * blocks the tests before did not write.
 */
static void
stream(int first, int n)
{
	struct buf *bp;

	for (int b = first; b < first + n; b++) {
		if ((b - first) % 4 == 0) {
			daddr_t ra[4];
			int rasz[4];

			for (int i = 0; i < 4; i++) {
				ra[i] = BLK(b + i);
				rasz[i] = BSIZE;
			}
			breada(devvp, ra, rasz, MIN(4, first + n - b));
		}
		unsigned char c;

		assert_int_equal(bread(devvp, BLK(b), BSIZE, &bp), 0);
		c = ((unsigned char *)bp->b_data)[0];
		brelse(bp, 0);
		assert_int_equal(c, (unsigned char)b);
	}
}

static void
streaming_a_file_through_the_cache_keeps_other_blocks(void **state)
{
	struct etfs_stats before, after;
	struct bufstats bs;
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	bufcache_max = 16 * BSIZE;
	assert_int_equal(bread(devvp, BLK(140), BSIZE, &bp), 0);
	brelse(bp, 0);
	stream(200, 56);
	buf_stats(&bs);
	before = stats();
	assert_int_equal(bread(devvp, BLK(140), BSIZE, &bp), 0);
	brelse(bp, 0);
	after = stats();
	bufcache_max = BUF_CACHE_MAX;
	KTEST_EXIT();
	assert_int_equal(after.es_reads, before.es_reads);
	assert_true(bs.bs_bytes <= 16 * BSIZE);
}

static void
streaming_more_than_the_cache_holds_stays_within_the_limit(void **state)
{
	struct bufstats bs;

	(void)state;
	KTEST_ENTER();
	bufcache_max = 16 * BSIZE;
	stream(200, 56);
	buf_stats(&bs);
	bufcache_max = BUF_CACHE_MAX;
	KTEST_EXIT();
	assert_true(bs.bs_bytes <= 16 * BSIZE);
}

static void
a_dirty_run_is_written_from_its_start_whichever_block_comes_first(void **state)
{
	struct etfs_stats before, after;
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	/* Dirtied last block first: the oldest dirty buffer ends the run. */
	for (int n = 179; n >= 176; n--) {
		bp = getblk(devvp, BLK(n), BSIZE);
		memset(bp->b_data, 0x40 + n - 176, BSIZE);
		bdwrite(bp);
	}
	before = stats();
	assert_int_equal(bufcache_sync(), 0);
	after = stats();
	assert_int_equal(vinvalbuf(devvp, false), 0);
	assert_int_equal(bread(devvp, BLK(176), BSIZE, &bp), 0);
	assert_int_equal(((unsigned char *)bp->b_data)[0], 0x40);
	brelse(bp, 0);
	assert_int_equal(bread(devvp, BLK(179), BSIZE, &bp), 0);
	assert_int_equal(((unsigned char *)bp->b_data)[0], 0x43);
	brelse(bp, 0);
	KTEST_EXIT();
	assert_int_equal(after.es_writes - before.es_writes, 1);
}

static void
vflushbuf_writes_the_dirty_buffers_and_leaves_the_clean(void **state)
{
	struct etfs_stats before, after;
	struct bufstats bs;
	struct buf *bp;

	(void)state;
	KTEST_ENTER();
	for (int n = 180; n < 190; n++) {
		assert_int_equal(bread(devvp, BLK(n), BSIZE, &bp), 0);
		if (n % 3 == 0)
			bdwrite(bp);
		else
			brelse(bp, 0);
	}
	before = stats();
	assert_int_equal(vflushbuf(devvp, true), 0);
	after = stats();
	buf_stats(&bs);
	KTEST_EXIT();
	/* 180, 183, 186 and 189: not contiguous, one host write each. */
	assert_int_equal(after.es_writes - before.es_writes, 4);
	assert_int_equal(bs.bs_dirty, 0);
	assert_int_equal(bs.bs_bytes, 10 * BSIZE);
}

/* Whether block n is marked checked when read. */
static bool
checked(int n)
{
	struct buf *bp;
	bool c;

	assert_int_equal(bread(devvp, BLK(n), BSIZE, &bp), 0);
	c = (bp->b_flags & B_FSCHECKED) != 0;
	brelse(bp, 0);
	return c;
}

static void
a_checked_block_stays_checked_while_it_does_not_change(void **state)
{
	struct buf *bp;
	bool again;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(bread(devvp, BLK(190), BSIZE, &bp), 0);
	assert_int_equal(bp->b_flags & B_FSCHECKED, 0);
	buf_setchecked(bp);
	brelse(bp, 0);
	again = checked(190);
	KTEST_EXIT();
	assert_true(again);
}

static void
a_block_written_or_read_from_the_disk_again_is_not_checked(void **state)
{
	struct buf *bp;
	bool written, got, reread;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(bread(devvp, BLK(191), BSIZE, &bp), 0);
	buf_setchecked(bp);
	bdwrite(bp);
	written = checked(191);
	assert_int_equal(bread(devvp, BLK(191), BSIZE, &bp), 0);
	buf_setchecked(bp);
	brelse(bp, 0);
	brelse(getblk(devvp, BLK(191), BSIZE), 0);
	got = checked(191);
	assert_int_equal(bread(devvp, BLK(191), BSIZE, &bp), 0);
	buf_setchecked(bp);
	brelse(bp, 0);
	assert_int_equal(vinvalbuf(devvp, true), 0);
	reread = checked(191);
	KTEST_EXIT();
	assert_false(written);
	assert_false(got);
	assert_false(reread);
}

static void
removing_a_mounted_device_is_ebusy(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_etfs_remove("/dev/img"), EBUSY);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		bio_test(bread_reads_the_block_and_then_hits_the_cache),
		bio_test(delayed_writes_reach_the_disk_on_vflushbuf),
		bio_test(contiguous_dirty_blocks_are_written_with_one_host_call),
		bio_test(getblk_of_another_size_resizes_the_buffer),
		bio_test(breadn_reads_the_block_and_what_follows_with_one_host_call),
		bio_test(breadn_reads_scattered_read_ahead_one_by_one),
		bio_test(read_ahead_skips_a_buffer_another_holds),
		bio_test(a_failed_clustered_read_caches_nothing),
		bio_test(bread_direct_reads_a_run_with_one_host_call_and_caches_nothing),
		bio_test(bread_direct_of_a_run_the_cache_holds_part_of_is_eagain),
		bio_test(bread_direct_past_the_device_is_eio),
		bio_test(a_read_past_the_device_is_eio),
		bio_test(injected_read_faults_fail_bread_with_eio),
		bio_test(a_failed_delayed_write_is_reported_by_vflushbuf),
		bio_test(fault_specs_are_checked),
		bio_test(bufcache_sync_writes_every_dirty_buffer),
		bio_test(clean_buffers_over_the_limit_are_freed_oldest_first),
		bio_test(dirty_buffers_over_the_limit_are_written_back),
		bio_test(blocks_written_whole_over_their_limit_are_written_back_in_one_run),
		bio_test(the_buffers_of_blocks_written_whole_are_used_again),
		bio_test(a_block_written_whole_then_read_is_an_ordinary_dirty_block),
		bio_test(a_dirty_buffer_asked_for_with_another_size_is_written_first),
		bio_test(breada_reads_a_run_of_blocks_with_one_host_call),
		bio_test(breada_reads_around_cached_blocks_in_runs),
		bio_test(a_block_read_ahead_and_used_once_is_reused_first),
		bio_test(a_block_read_ahead_to_keep_and_used_once_is_not_reused_first),
		bio_test(streaming_a_file_through_the_cache_keeps_other_blocks),
		bio_test(streaming_more_than_the_cache_holds_stays_within_the_limit),
		bio_test(a_dirty_run_is_written_from_its_start_whichever_block_comes_first),
		bio_test(vflushbuf_writes_the_dirty_buffers_and_leaves_the_clean),
		bio_test(a_checked_block_stays_checked_while_it_does_not_change),
		bio_test(a_block_written_or_read_from_the_disk_again_is_not_checked),
		bio_test(removing_a_mounted_device_is_ebusy),
	};

	return cmocka_run_group_tests(tests, boot, ktest_halt);
}
