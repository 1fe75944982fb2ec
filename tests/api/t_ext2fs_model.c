/*
 * The model test: thousands of random operations (create, write at an
 * offset, truncate up and down, unlink, also of open files, mkdir, rmdir,
 * rename, link, symlink, chmod, writes and truncation through descriptors
 * kept open) applied both to an ext2 image through rump_sys_* and to a
 * directory on the host, whose file system is the model.  Each operation
 * must end the same way on both (the same result, or the same errno);
 * after each batch the two trees must be equal (names, modes, link counts,
 * sizes, contents, symlink targets) and so must the files held open; at
 * the end e2fsck -fn finds the image clean and debugfs reads the model
 * from it.  Names come from a small pool, so operations meet each other's
 * files and every error case of POSIX happens.  The seed is printed;
 * RUMP_TEST_SEED=n runs the same operations again.
 */
#include <time.h>

#include "ext2img.h"

#define NOPS		5000
#define BATCH		100
#define NSLOTS		4	/* descriptors kept open */
#define MAXWRITE	8192

/* One side of the comparison: the host's calls or the rump kernel's. */
struct side {
	const char *s_name;
	char s_root[64];
	int (*s_open)(const char *, int, mode_t);
	int (*s_close)(int);
	ssize_t (*s_pwrite)(int, const void *, size_t, off_t);
	ssize_t (*s_pread)(int, void *, size_t, off_t);
	int (*s_ftruncate)(int, off_t);
	int (*s_fstat)(int, struct stat *);
	int (*s_truncate)(const char *, off_t);
	int (*s_unlink)(const char *);
	int (*s_mkdir)(const char *, mode_t);
	int (*s_rmdir)(const char *);
	int (*s_rename)(const char *, const char *);
	int (*s_link)(const char *, const char *);
	int (*s_symlink)(const char *, const char *);
	int (*s_chmod)(const char *, mode_t);
	int s_fd[NSLOTS];	/* -1: the slot is free */
};

static int
host_open(const char *path, int flags, mode_t mode)
{
	return open(path, flags, mode);
}

static struct side host_side = {
	"host", "", host_open, close, pwrite, pread, ftruncate, fstat,
	truncate, unlink, mkdir, rmdir, rename, link, symlink, chmod,
	{ -1, -1, -1, -1 },
};

static struct side rump_side = {
	"rump", "", rump_sys_open, rump_sys_close, rump_sys_pwrite,
	rump_sys_pread, rump_sys_ftruncate, rump_sys_fstat, rump_sys_truncate,
	rump_sys_unlink, rump_sys_mkdir, rump_sys_rmdir, rump_sys_rename,
	rump_sys_link, rump_sys_symlink, rump_sys_chmod,
	{ -1, -1, -1, -1 },
};

enum opkind {
	OP_CREATE, OP_WRITE, OP_TRUNCATE, OP_UNLINK, OP_MKDIR, OP_RMDIR,
	OP_RENAME, OP_LINK, OP_SYMLINK, OP_CHMOD, OP_KEEP, OP_FDWRITE,
	OP_FDTRUNC, OP_FDCLOSE, OP_NKINDS
};

static const char *const opnames[OP_NKINDS] = {
	"create", "write", "truncate", "unlink", "mkdir", "rmdir", "rename",
	"link", "symlink", "chmod", "open", "fdwrite", "ftruncate", "close",
};

struct op {
	enum opkind o_kind;
	char o_path[64], o_path2[128];	/* path2: rename/link to, a target */
	int o_flags;
	mode_t o_mode;
	off_t o_off;
	size_t o_len;
	int o_slot;
	unsigned o_seed;		/* of the bytes written */
};

static uint64_t rng;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

/* A path of one to three names from a small pool: names meet often. */
static void
rnd_path(char *buf, size_t len)
{
	static const char pool[] = "abcdef";
	int depth = 1 + (int)rnd(3);
	size_t n = 0;

	for (int i = 0; i < depth && n + 2 < len; i++) {
		if (i > 0)
			buf[n++] = '/';
		buf[n++] = pool[rnd(sizeof(pool) - 1)];
	}
	buf[n] = '\0';
}

/* Mostly small offsets and sizes, sometimes past the direct blocks. */
static off_t
rnd_off(void)
{
	switch (rnd(8)) {
	case 0:
		return (off_t)rnd(300 * 1024);
	case 1:
		return (off_t)rnd(1024 * 1024);
	default:
		return (off_t)rnd(16 * 1024);
	}
}

static void
rnd_op(struct op *op)
{
	static const int cflags[] = { O_CREAT, O_CREAT | O_EXCL,
	    O_CREAT | O_TRUNC, O_TRUNC };

	memset(op, 0, sizeof(*op));
	op->o_kind = (enum opkind)rnd(OP_NKINDS);
	rnd_path(op->o_path, sizeof(op->o_path));
	op->o_slot = (int)rnd(NSLOTS);
	op->o_off = rnd_off();
	op->o_len = 1 + rnd(MAXWRITE);
	op->o_seed = rnd(1u << 30);
	/* Always readable and writable by its owner: the test may be root. */
	op->o_mode = 0700 | rnd(0100);
	op->o_flags = cflags[rnd(sizeof(cflags) / sizeof(cflags[0]))];
	if (op->o_kind == OP_SYMLINK && rnd(4) == 0)
		snprintf(op->o_path2, sizeof(op->o_path2), "a-target-long-"
		    "enough-for-a-block-of-its-own-%u-past-sixty-bytes",
		    op->o_seed);
	else
		rnd_path(op->o_path2, sizeof(op->o_path2));
}

static void
fill(char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(seed + i * 31 + (i >> 9));
}

/* Runs op on one side; the result, errno in *errp. */
static long
run(struct side *s, const struct op *op, int *errp)
{
	static char buf[MAXWRITE];
	char p[256], p2[256];
	int fd = s->s_fd[op->o_slot];
	long ret = -1;

	snprintf(p, sizeof(p), "%s/%s", s->s_root, op->o_path);
	snprintf(p2, sizeof(p2), "%s/%s", s->s_root, op->o_path2);
	*errp = 0;
	errno = 0;
	switch (op->o_kind) {
	case OP_CREATE:
		ret = s->s_open(p, O_WRONLY | op->o_flags, op->o_mode);
		if (ret >= 0 && s->s_close((int)ret) != 0)
			fail_msg("%s: close: %s", s->s_name, strerror(errno));
		ret = ret >= 0 ? 0 : -1;
		break;
	case OP_WRITE:
		ret = s->s_open(p, O_WRONLY, 0);
		if (ret >= 0) {
			fd = (int)ret;
			fill(buf, op->o_len, op->o_seed);
			ret = s->s_pwrite(fd, buf, op->o_len, op->o_off);
			if (s->s_close(fd) != 0)
				fail_msg("%s: close: %s", s->s_name,
				    strerror(errno));
		}
		break;
	case OP_TRUNCATE:
		ret = s->s_truncate(p, op->o_off);
		break;
	case OP_UNLINK:
		ret = s->s_unlink(p);
		break;
	case OP_MKDIR:
		ret = s->s_mkdir(p, op->o_mode);
		break;
	case OP_RMDIR:
		ret = s->s_rmdir(p);
		break;
	case OP_RENAME:
		ret = s->s_rename(p, p2);
		break;
	case OP_LINK:
		ret = s->s_link(p, p2);
		break;
	case OP_SYMLINK:
		/* Relative, so that it means the same thing on both sides. */
		ret = s->s_symlink(op->o_path2, p);
		break;
	case OP_CHMOD:
		ret = s->s_chmod(p, op->o_mode);
		break;
	case OP_KEEP:
		if (fd >= 0)
			return 0;	/* the slot is taken: nothing to do */
		ret = s->s_open(p, O_RDWR, 0);
		if (ret >= 0) {
			s->s_fd[op->o_slot] = (int)ret;
			ret = 0;
		}
		break;
	case OP_FDWRITE:
		if (fd < 0)
			return 0;
		fill(buf, op->o_len, op->o_seed);
		ret = s->s_pwrite(fd, buf, op->o_len, op->o_off);
		break;
	case OP_FDTRUNC:
		if (fd < 0)
			return 0;
		ret = s->s_ftruncate(fd, op->o_off);
		break;
	case OP_FDCLOSE:
		if (fd < 0)
			return 0;
		ret = s->s_close(fd);
		s->s_fd[op->o_slot] = -1;
		break;
	case OP_NKINDS:
		break;
	}
	*errp = ret < 0 ? errno : 0;
	return ret;
}

static unsigned seed;

static void
apply(int i, const struct op *op)
{
	int herr, rerr;
	long h = run(&host_side, op, &herr);
	long r = run(&rump_side, op, &rerr);

	if (h == r && herr == rerr)
		return;
	/* The model as it was, to see why. */
	e2img_host("cd %s && find . -exec ls -ld {} + >&2", host_side.s_root);
	fail_msg("seed %u, operation %d: %s %s %s (flags %#x mode %o "
	    "off %lld len %zu): host %ld (%s), rump %ld (%s)", seed, i,
	    opnames[op->o_kind], op->o_path, op->o_path2,
	    (unsigned)op->o_flags, (unsigned)op->o_mode, (long long)op->o_off,
	    op->o_len, h, strerror(herr), r, strerror(rerr));
}

/* What is held open reads the same on both sides, named or not. */
static void
compare_open_files(void)
{
	static char hb[1 << 16], rb[1 << 16];

	for (int k = 0; k < NSLOTS; k++) {
		struct stat hs, rs;
		off_t off = 0;
		ssize_t hn, rn;

		if (host_side.s_fd[k] < 0)
			continue;
		assert_int_equal(fstat(host_side.s_fd[k], &hs), 0);
		assert_int_equal(rump_sys_fstat(rump_side.s_fd[k], &rs), 0);
		assert_int_equal(hs.st_size, rs.st_size);
		assert_int_equal(hs.st_nlink, rs.st_nlink);
		do {
			hn = pread(host_side.s_fd[k], hb, sizeof(hb), off);
			rn = rump_sys_pread(rump_side.s_fd[k], rb, sizeof(rb),
			    off);
			assert_int_equal(hn, rn);
			assert_true(hn >= 0);
			assert_memory_equal(hb, rb, (size_t)hn);
			off += hn;
		} while (hn > 0);
	}
}

static void
close_all(void)
{
	for (int k = 0; k < NSLOTS; k++) {
		if (host_side.s_fd[k] < 0)
			continue;
		assert_int_equal(close(host_side.s_fd[k]), 0);
		assert_int_equal(rump_sys_close(rump_side.s_fd[k]), 0);
		host_side.s_fd[k] = rump_side.s_fd[k] = -1;
	}
}

static void
run_model(const char *opts)
{
	const char *env = getenv("RUMP_TEST_SEED");
	struct e2img img;
	struct op op;

	seed = env != NULL ? (unsigned)strtoul(env, NULL, 0) :
	    (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
	print_message("model seed %u (RUMP_TEST_SEED=%u repeats it)\n", seed,
	    seed);
	rng = 0x9e3779b97f4a7c15ULL ^ seed;
	for (int k = 0; k < NSLOTS; k++)
		host_side.s_fd[k] = rump_side.s_fd[k] = -1;
	e2img_tmpdir(host_side.s_root, sizeof(host_side.s_root),
	    "t_ext2fs_model");
	e2img_make(&img, "t_ext2fs_model", "/mnt", opts, "32M");
	snprintf(rump_side.s_root, sizeof(rump_side.s_root), "%s",
	    img.ei_mnt);
	e2img_mount(&img, false);
	for (int i = 0; i < NOPS; i++) {
		rnd_op(&op);
		apply(i, &op);
		if ((i + 1) % BATCH == 0) {
			tm_assert_same(&tm_host, host_side.s_root, &tm_rump,
			    rump_side.s_root, TM_NLINK);
			compare_open_files();
		}
	}
	close_all();
	e2img_assert_is_model(&img, host_side.s_root);
	e2img_remove(&img);
	e2img_rmtree(host_side.s_root);
}

static int
boot(void **state)
{
	if (e2img_boot(state) != 0)
		return -1;
	rump_sys_umask(0);
	return 0;
}

static void
random_operations_on_1k_blocks_do_what_the_host_does(void **state)
{
	(void)state;
	run_model("-t ext2 -b 1024");
}

static void
random_operations_on_4k_blocks_do_what_the_host_does(void **state)
{
	(void)state;
	run_model("-t ext2 -b 4096");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(random_operations_on_1k_blocks_do_what_the_host_does),
		leak_test(random_operations_on_4k_blocks_do_what_the_host_does),
	};

	/* Modes as asked on both sides. */
	umask(0);
	return cmocka_run_group_tests(tests, boot, apitest_halt);
}
