/*
 * Corrupt images through the whole stack: thousands of images, each a
 * small mke2fs image with a few bytes of one metadata block changed (the
 * superblock, group descriptors, reserved GDT blocks, bitmaps, inode
 * table, directory blocks, indirect blocks: found from the image by
 * dumpe2fs and debugfs), mounted read-only through etfs and rump_sys_mount
 * and walked with the calls a program would make (getdents64, lstat, open
 * and read of every file, readlink).  The mount may be refused and a call
 * may fail with EIO or EUCLEAN, nothing else; nothing crashes (the ASan
 * run catches what a plain one would not), nothing hangs (an alarm per
 * image ends the program, naming the seed and the image), and nothing is
 * written: the device is registered read-write so that a write would
 * reach the file, and the file is compared with what it should hold after
 * each image.  The seed is printed; RUMP_TEST_SEED=n repeats a run.
 */
#include <signal.h>
#include <sys/statfs.h>
#include <time.h>

#include "ext2img.h"

#ifndef MIN
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#endif

#define MAXMETA		1024	/* metadata blocks of one image, at most */
#define HANG_SECONDS	60	/* far beyond one image's walk: a hang */

struct base {
	struct e2img b_img;
	char b_tree[64];
	uint32_t b_bsize;
	uint8_t *b_data;	/* the image as made */
	size_t b_size;
	uint32_t b_meta[MAXMETA];
	int b_nmeta;
};

static unsigned seed;
static int image;		/* the image being walked, for the alarm */

static uint64_t rng;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

static void
on_alarm(int sig)
{
	char msg[128];
	int n;

	(void)sig;
	n = snprintf(msg, sizeof(msg), "t_ext2fs_mutate: image %d of seed %u "
	    "hangs\n", image, seed);
	(void)write(2, msg, (size_t)n);
	_exit(2);
}

/* ---- the base image and its metadata blocks ---------------------------- */

static void
put(const char *dir, const char *name, size_t len, off_t at)
{
	char path[256], buf[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	for (size_t done = 0; done < len; done += sizeof(buf))
		assert_true(pwrite(fd, buf, MIN(sizeof(buf), len - done),
		    at + (off_t)done) > 0);
	assert_int_equal(close(fd), 0);
}

/*
 * A tree of every kind of file: directories of several blocks, files
 * reaching the single and double indirect blocks (sparse), fast and slow
 * symlinks, a hard link.
 */
static void
make_tree(const char *t)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/d/e", t);
	assert_int_equal(e2img_host("mkdir -p %s %s/many", path, t), 0);
	put(t, "small", 100, 0);
	put(t, "direct", 13000, 0);
	put(t, "d/indirect", 70000, 0);
	put(t, "d/e/sparse", 10, 4500000);
	for (int i = 0; i < 80; i++) {
		snprintf(path, sizeof(path), "many/a-rather-long-name-%03d", i);
		put(t, path, (size_t)i, 0);
	}
	assert_int_equal(e2img_host("cd %s && ln -s small fast && ln -s "
	    "d/e/a-target-long-enough-to-need-a-block-of-its-own-past-sixty "
	    "slow && ln small d/hard", t), 0);
}

/* Adds every block number or range "a-b" that cmd prints. */
static void
add_blocks(struct base *b, const char *cmd)
{
	FILE *f = popen(cmd, "r");
	unsigned long lo, hi;
	char tok[64];

	assert_non_null(f);
	while (fscanf(f, "%63s", tok) == 1) {
		int n = sscanf(tok, "%lu-%lu", &lo, &hi);

		if (n < 1)
			continue;
		if (n == 1)
			hi = lo;
		for (unsigned long blk = lo; blk <= hi && b->b_nmeta < MAXMETA;
		    blk++)
			b->b_meta[b->b_nmeta++] = (uint32_t)blk;
	}
	assert_int_equal(pclose(f), 0);
}

static void
base_make(struct base *b, const char *opts, const char *size)
{
	char cmd[2048];
	struct stat sb;
	int fd;

	memset(b, 0, sizeof(*b));
	e2img_tmpdir(b->b_tree, sizeof(b->b_tree), "t_ext2fs_mutate-tree");
	make_tree(b->b_tree);
	snprintf(cmd, sizeof(cmd), "%s -N 128 -d %s", opts, b->b_tree);
	e2img_make(&b->b_img, "t_ext2fs_mutate", "/mnt", cmd, size);
	/* Superblocks, descriptors, reserved GDT blocks, bitmaps, tables. */
	snprintf(cmd, sizeof(cmd), "dumpe2fs %s 2>/dev/null | sed -n "
	    "'/^Group/,$p' | grep -o 'at [0-9-]*' | cut -c4-",
	    b->b_img.ei_path);
	add_blocks(b, cmd);
	/* Directory blocks, and the indirect blocks of every file. */
	snprintf(cmd, sizeof(cmd), "cd %s && for d in $(find . -type d); do "
	    "debugfs -R \"blocks $d\" %s 2>/dev/null; done; "
	    "for f in $(find . -type f); do debugfs -R \"stat $f\" %s "
	    "2>/dev/null | grep -o 'IND):[0-9-]*' | cut -d: -f2; done",
	    b->b_tree, b->b_img.ei_path, b->b_img.ei_path);
	add_blocks(b, cmd);
	assert_true(b->b_nmeta > 10);
	fd = open(b->b_img.ei_path, O_RDONLY);
	assert_true(fd >= 0 && fstat(fd, &sb) == 0);
	b->b_size = (size_t)sb.st_size;
	b->b_data = malloc(b->b_size);
	assert_non_null(b->b_data);
	assert_int_equal(pread(fd, b->b_data, b->b_size, 0),
	    (ssize_t)b->b_size);
	assert_int_equal(close(fd), 0);
	b->b_bsize = strstr(opts, "-b 4096") != NULL ? 4096 : 1024;
}

static void
base_free(struct base *b)
{
	free(b->b_data);
	e2img_remove(&b->b_img);
	e2img_rmtree(b->b_tree);
}

/* ---- mutating ------------------------------------------------------------ */

/* Values that make counts and block numbers interesting. */
static uint32_t
rnd_value(const struct base *b)
{
	switch (rnd(6)) {
	case 0:
		return 0;
	case 1:
		return 0xffffffff;
	case 2:
		return rnd(16);
	case 3:
		return (uint32_t)(b->b_size / b->b_bsize) + rnd(4) - 2;
	case 4:
		return b->b_meta[rnd((uint32_t)b->b_nmeta)];
	default:
		return rnd(0xffffffff);
	}
}

/* Changes a few bytes or a 32-bit field of one metadata block of img. */
static void
mutate(const struct base *b, uint8_t *img)
{
	/* The superblock and descriptors (listed first) a quarter of times. */
	uint32_t blk = b->b_meta[rnd(4) == 0 ? rnd(2) :
	    rnd((uint32_t)b->b_nmeta)];
	uint8_t *p = img + (size_t)blk * b->b_bsize;
	int n = 1 + (int)rnd(4);

	for (int i = 0; i < n; i++) {
		if (rnd(2) == 0) {
			uint32_t v = rnd_value(b), at = rnd(b->b_bsize / 4) * 4;

			memcpy(p + at, &v, 4);	/* ext2 is little-endian */
		} else {
			p[rnd(b->b_bsize)] = (uint8_t)rnd(256);
		}
	}
}

/* ---- walking ------------------------------------------------------------- */

struct tally {
	unsigned t_mounted, t_refused, t_calls, t_errors;
};

/* A call that failed: only a corrupt structure or the device may say so. */
static void
failed(struct tally *t, const char *call, const char *path)
{
	t->t_errors++;
	if (errno != EUCLEAN && errno != EIO)
		fail_msg("seed %u image %d: %s %s: %s", seed, image, call, path,
		    strerror(errno));
}

static void
walk_file(struct tally *t, const char *path)
{
	char buf[16384];
	int fd = rump_sys_open(path, O_RDONLY | O_NONBLOCK, 0);
	off_t off = 0;
	ssize_t n;

	t->t_calls++;
	if (fd < 0) {
		failed(t, "open", path);
		return;
	}
	/* The whole file, past holes: at most 8 MiB of it. */
	while (off < (8 << 20) && (n = rump_sys_pread(fd, buf, sizeof(buf),
	    off)) > 0)
		off += n;
	if (off < (8 << 20) && n < 0)
		failed(t, "read", path);
	assert_int_equal(rump_sys_close(fd), 0);
}

static void
walk_dir(struct tally *t, const char *dir, int depth)
{
	char buf[4096], path[1024], target[256];
	int fd = rump_sys_open(dir, O_RDONLY | O_DIRECTORY, 0);
	struct stat sb;
	ssize_t len;

	t->t_calls++;
	if (fd < 0) {
		failed(t, "open", dir);
		return;
	}
	while ((len = rump_sys_getdents64(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < len;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
			t->t_calls++;
			if (rump_sys_lstat(path, &sb) != 0) {
				failed(t, "lstat", path);
			} else if (S_ISDIR(sb.st_mode)) {
				if (depth < 8)
					walk_dir(t, path, depth + 1);
			} else if (S_ISLNK(sb.st_mode)) {
				t->t_calls++;
				if (rump_sys_readlink(path, target,
				    sizeof(target)) < 0)
					failed(t, "readlink", path);
			} else if (S_ISREG(sb.st_mode)) {
				walk_file(t, path);
			}
		}
	}
	if (len < 0)
		failed(t, "getdents64", dir);
	assert_int_equal(rump_sys_close(fd), 0);
}

/* Mounts the image as it is in the file, walks it, unmounts. */
static void
mount_and_walk(struct base *b, struct tally *t)
{
	struct statfs sf;

	assert_int_equal(rump_etfs_register(b->b_img.ei_dev, b->b_img.ei_path,
	    RUMP_ETFS_BLK), 0);
	if (rump_sys_mount(b->b_img.ei_dev, "/mnt", "ext2fs", MS_RDONLY,
	    NULL) != 0) {
		t->t_refused++;
	} else {
		t->t_mounted++;
		if (rump_sys_statfs("/mnt", &sf) != 0)
			failed(t, "statfs", "/mnt");
		walk_dir(t, "/mnt", 0);
		assert_int_equal(rump_sys_umount2("/mnt", 0), 0);
	}
	assert_int_equal(rump_etfs_remove(b->b_img.ei_dev), 0);
}

/* The image file holds exactly want. */
static void
assert_file_is(const struct base *b, const uint8_t *want, uint8_t *scratch)
{
	int fd = open(b->b_img.ei_path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, scratch, b->b_size, 0), (ssize_t)b->b_size);
	assert_int_equal(close(fd), 0);
	if (memcmp(scratch, want, b->b_size) != 0)
		fail_msg("seed %u image %d: a read-only mount wrote to the "
		    "image", seed, image);
}

static void
run_mutations(const char *opts, const char *size, int count)
{
	const char *env = getenv("RUMP_TEST_SEED");
	struct tally t = { 0, 0, 0, 0 };
	uint8_t *img, *scratch;
	struct base b;
	int fd;

	seed = env != NULL ? (unsigned)strtoul(env, NULL, 0) :
	    (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
	print_message("mutation seed %u (RUMP_TEST_SEED=%u repeats it)\n",
	    seed, seed);
	rng = 0x9e3779b97f4a7c15ULL ^ seed;
	base_make(&b, opts, size);
	img = malloc(b.b_size);
	scratch = malloc(b.b_size);
	assert_true(img != NULL && scratch != NULL);
	signal(SIGALRM, on_alarm);
	for (image = 0; image < count; image++) {
		memcpy(img, b.b_data, b.b_size);
		mutate(&b, img);
		fd = open(b.b_img.ei_path, O_WRONLY);
		assert_true(fd >= 0);
		assert_int_equal(pwrite(fd, img, b.b_size, 0),
		    (ssize_t)b.b_size);
		assert_int_equal(close(fd), 0);
		if (getenv("DUMP") && image == atoi(getenv("DUMP"))) e2img_host("cp %s /tmp/e2dump.img", b.b_img.ei_path);
		alarm(HANG_SECONDS);
		mount_and_walk(&b, &t);
		alarm(0);
		assert_file_is(&b, img, scratch);
	}
	print_message("%d images: %u mounted, %u refused; %u calls, %u "
	    "failed\n", count, t.t_mounted, t.t_refused, t.t_calls,
	    t.t_errors);
	/* Most changes leave an image that mounts and is walked. */
	assert_true(t.t_mounted > (unsigned)count / 4);
	assert_true(t.t_calls > 20 * t.t_mounted);
	free(img);
	free(scratch);
	base_free(&b);
}

static void
mutated_metadata_of_1k_block_images_is_refused_or_read_cleanly(
    void **state)
{
	(void)state;
	run_mutations("-t ext2 -b 1024", "1M", 2000);
}

static void
mutated_metadata_of_4k_block_images_is_refused_or_read_cleanly(
    void **state)
{
	(void)state;
	run_mutations("-t ext2 -b 4096", "2M", 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(mutated_metadata_of_1k_block_images_is_refused_or_read_cleanly),
		leak_test(mutated_metadata_of_4k_block_images_is_refused_or_read_cleanly),
	};

	return cmocka_run_group_tests(tests, e2img_boot, apitest_halt);
}
