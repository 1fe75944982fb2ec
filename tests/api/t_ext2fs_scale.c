/*
 * ext2fs at scale, through the system calls: 20,000 entries in one
 * directory (of an image whose directory mke2fs indexed, and of one
 * without dir_index) and 5,000 files in 50 directories.  Every change is
 * made twice, on the image and in a model tree on the host; after
 * unmounting, e2fsck -fn finds the image clean, debugfs rdump reads the
 * model tree back from it, and mounted again the image has the model's
 * names, modes, sizes, contents and link counts.
 */
#include "ext2img.h"

/* One change on both sides: the image at /mnt and the model on the host. */
struct pair {
	char p_model[64];
	struct e2img p_img;
};

static void
both_path(const struct pair *p, const char *rel, char *h, char *r)
{
	snprintf(h, 256, "%s/%s", p->p_model, rel);
	snprintf(r, 256, "%s/%s", p->p_img.ei_mnt, rel);
}

static void
both_mkdir(const struct pair *p, const char *rel, mode_t mode)
{
	char h[256], r[256];

	both_path(p, rel, h, r);
	assert_int_equal(mkdir(h, mode), 0);
	assert_int_equal(chmod(h, mode), 0);	/* past the umask */
	assert_int_equal(rump_sys_mkdir(r, mode), 0);
	assert_int_equal(rump_sys_chmod(r, mode), 0);
}

/* A file of len bytes made from seed, with mode. */
static void
both_file(const struct pair *p, const char *rel, size_t len, unsigned seed,
    mode_t mode)
{
	char h[256], r[256], buf[8192];
	int hfd, rfd;

	assert_true(len <= sizeof(buf));
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(seed + i * 7 + (i >> 8));
	both_path(p, rel, h, r);
	hfd = open(h, O_WRONLY | O_CREAT | O_EXCL, 0600);
	rfd = rump_sys_open(r, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(hfd >= 0 && rfd >= 0);
	assert_int_equal(write(hfd, buf, len), (ssize_t)len);
	assert_int_equal(rump_sys_write(rfd, buf, len), (ssize_t)len);
	assert_int_equal(fchmod(hfd, mode), 0);
	assert_int_equal(rump_sys_fchmod(rfd, mode), 0);
	assert_int_equal(close(hfd), 0);
	assert_int_equal(rump_sys_close(rfd), 0);
}

static void
both_unlink(const struct pair *p, const char *rel)
{
	char h[256], r[256];

	both_path(p, rel, h, r);
	assert_int_equal(unlink(h), 0);
	assert_int_equal(rump_sys_unlink(r), 0);
}

static void
both_rename(const struct pair *p, const char *from, const char *to)
{
	char hf[256], rf[256], ht[256], rt[256];

	both_path(p, from, hf, rf);
	both_path(p, to, ht, rt);
	assert_int_equal(rename(hf, ht), 0);
	assert_int_equal(rump_sys_rename(rf, rt), 0);
}

static void
both_link(const struct pair *p, const char *from, const char *to)
{
	char hf[256], rf[256], ht[256], rt[256];

	both_path(p, from, hf, rf);
	both_path(p, to, ht, rt);
	assert_int_equal(link(hf, ht), 0);
	assert_int_equal(rump_sys_link(rf, rt), 0);
}

static void
both_symlink(const struct pair *p, const char *target, const char *rel)
{
	char h[256], r[256];

	both_path(p, rel, h, r);
	assert_int_equal(symlink(target, h), 0);
	assert_int_equal(rump_sys_symlink(target, r), 0);
}

static void
pair_done(struct pair *p)
{
	e2img_remove(&p->p_img);
	e2img_rmtree(p->p_model);
}

/*
 * 20,000 names in directory "big" (which already holds seeded names),
 * every seventh removed again, every eleventh renamed, every thirteenth
 * linked from "other", every tenth with contents, a few symlinks.
 */
static void
fill_one_directory(struct pair *p, int seeded)
{
	char name[64], to[64];

	both_mkdir(p, "other", 0750);
	for (int i = seeded; i < 20000; i++) {
		snprintf(name, sizeof(name), "big/entry-%05d", i);
		both_file(p, name, i % 10 == 0 ? (size_t)(i % 3000) : 0,
		    (unsigned)i, 0600 | (mode_t)(i % 0100));
	}
	for (int i = seeded; i < 20000; i++) {
		snprintf(name, sizeof(name), "big/entry-%05d", i);
		if (i % 7 == 0) {
			both_unlink(p, name);
		} else if (i % 11 == 0) {
			snprintf(to, sizeof(to), "big/renamed-%05d", i);
			both_rename(p, name, to);
		} else if (i % 13 == 0) {
			snprintf(to, sizeof(to), "other/link-%05d", i);
			both_link(p, name, to);
		}
	}
	both_symlink(p, "entry-00001", "big/fast");
	both_symlink(p, "../big/a-target-name-long-enough-for-a-block-of-its-"
	    "own-since-it-passes-sixty-bytes", "other/slow");
}

static void
twenty_thousand_entries_in_an_indexed_directory_match_the_model(
    void **state)
{
	struct pair p;
	char name[256], opts[256];

	(void)state;
	/* 600 names made by mke2fs, indexed by e2fsck -D, then 19,400 more. */
	e2img_tmpdir(p.p_model, sizeof(p.p_model), "t_ext2fs_scale-model");
	snprintf(name, sizeof(name), "%s/big", p.p_model);
	assert_int_equal(mkdir(name, 0755), 0);
	for (int i = 0; i < 600; i++) {
		snprintf(name, sizeof(name), "%s/big/entry-%05d", p.p_model, i);
		assert_int_equal(e2img_host(": > %s", name), 0);
	}
	snprintf(opts, sizeof(opts), "-t ext2 -b 1024 -N 24000 -O dir_index "
	    "-d %s", p.p_model);
	e2img_make(&p.p_img, "t_ext2fs_scale", "/mnt", opts, "48M");
	assert_int_equal(e2img_host("e2fsck -fyD %s >/dev/null 2>&1; "
	    "debugfs -R 'stat big' %s 2>/dev/null | grep -q 'Flags: 0x1000'",
	    p.p_img.ei_path, p.p_img.ei_path), 0);
	e2img_mount(&p.p_img, false);
	fill_one_directory(&p, 600);
	e2img_assert_is_model(&p.p_img, p.p_model);
	pair_done(&p);
}

static void
twenty_thousand_entries_in_a_directory_without_dir_index_match_the_model(
    void **state)
{
	struct pair p;

	(void)state;
	e2img_tmpdir(p.p_model, sizeof(p.p_model), "t_ext2fs_scale-model");
	e2img_make(&p.p_img, "t_ext2fs_scale", "/mnt",
	    "-t ext2 -b 1024 -N 24000 -O ^dir_index", "48M");
	e2img_mount(&p.p_img, false);
	both_mkdir(&p, "big", 0755);
	fill_one_directory(&p, 0);
	e2img_assert_is_model(&p.p_img, p.p_model);
	pair_done(&p);
}

static void
five_thousand_files_in_fifty_directories_match_the_model(void **state)
{
	struct pair p;
	char name[64];

	(void)state;
	e2img_tmpdir(p.p_model, sizeof(p.p_model), "t_ext2fs_scale-model");
	e2img_make(&p.p_img, "t_ext2fs_scale", "/mnt",
	    "-t ext2 -b 4096 -N 8192", "64M");
	e2img_mount(&p.p_img, false);
	for (int d = 0; d < 50; d++) {
		snprintf(name, sizeof(name), "d%02d", d);
		both_mkdir(&p, name, 0700 | (mode_t)(d % 0100));
		for (int i = 0; i < 100; i++) {
			snprintf(name, sizeof(name), "d%02d/f%03d", d, i);
			both_file(&p, name, (size_t)((d * 100 + i) * 131 % 8000),
			    (unsigned)(d * 100 + i), 0400 | (mode_t)(i % 0400));
		}
	}
	/* Files moved between directories, one directory into another. */
	for (int d = 0; d < 50; d += 5) {
		char to[64];

		snprintf(name, sizeof(name), "d%02d/f000", d);
		snprintf(to, sizeof(to), "d%02d/moved-from-%02d", (d + 1) % 50,
		    d);
		both_rename(&p, name, to);
	}
	both_rename(&p, "d49", "d00/d49");
	e2img_assert_is_model(&p.p_img, p.p_model);
	pair_done(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(twenty_thousand_entries_in_an_indexed_directory_match_the_model),
		leak_test(twenty_thousand_entries_in_a_directory_without_dir_index_match_the_model),
		leak_test(five_thousand_files_in_fifty_directories_match_the_model),
	};

	return cmocka_run_group_tests(tests, e2img_boot, apitest_halt);
}
