/*
 * The name cache through the system calls, on rumpfs: a path walked
 * again is answered by the cache (its counters, "namecache.*", say so),
 * and every call that changes a directory's names makes the next lookup
 * see the change: a name created after it was missing, a removed file,
 * a removed directory, both names of a rename, a rename over a file, a
 * hard link.  Also the bound and names too long to cache.
 */
#include <stdio.h>

#include "vfstest.h"

#include <rump/rump_sysctl.h>

static uint64_t
nc(const char *name)
{
	char key[64];
	uint64_t v = 0;

	snprintf(key, sizeof(key), "namecache.%s", name);
	assert_int_equal(rump_kstat_get(key, &v), 0);
	return v;
}

static void
assert_missing(const char *path)
{
	struct stat st;

	assert_fails(rump_sys_stat(path, &st), ENOENT);
}

static ino_t
ino_of(const char *path)
{
	struct stat st;

	assert_int_equal(rump_sys_stat(path, &st), 0);
	return st.st_ino;
}

static void
a_path_looked_up_again_is_answered_by_the_cache(void **state)
{
	uint64_t hits;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/nc", 0755), 0);
	vfstest_mkfile("/nc/f", "x");
	(void)ino_of("/nc/f");
	hits = nc("hits");
	(void)ino_of("/nc/f");
	/* "nc" in "/" and "f" in "/nc". */
	assert_true(nc("hits") >= hits + 2);
	assert_int_equal(rump_sys_unlink("/nc/f"), 0);
	assert_int_equal(rump_sys_rmdir("/nc"), 0);
}

static void
a_missing_name_is_remembered_as_missing(void **state)
{
	uint64_t neg;

	(void)state;
	assert_missing("/nc-none");
	neg = nc("neghits");
	assert_missing("/nc-none");
	assert_int_equal(nc("neghits"), neg + 1);
}

static void
a_name_created_after_a_failed_lookup_is_found(void **state)
{
	(void)state;
	assert_missing("/nc-new");
	assert_missing("/nc-new");
	vfstest_mkfile("/nc-new", "x");
	vfstest_assert_content("/nc-new", "x");
	assert_int_equal(rump_sys_unlink("/nc-new"), 0);
	assert_missing("/nc-dir");
	assert_int_equal(rump_sys_mkdir("/nc-dir", 0755), 0);
	assert_int_equal(rump_sys_rmdir("/nc-dir"), 0);
	assert_missing("/nc-link");
	assert_int_equal(rump_sys_symlink("/", "/nc-link"), 0);
	assert_int_equal(rump_sys_unlink("/nc-link"), 0);
	assert_missing("/nc-fifo");
	assert_int_equal(rump_sys_mknod("/nc-fifo", S_IFIFO | 0600, 0), 0);
	assert_int_equal(rump_sys_unlink("/nc-fifo"), 0);
}

static void
a_removed_file_is_missing(void **state)
{
	(void)state;
	vfstest_mkfile("/nc-f", "x");
	(void)ino_of("/nc-f");
	assert_int_equal(rump_sys_unlink("/nc-f"), 0);
	assert_missing("/nc-f");
}

static void
a_removed_directory_and_its_names_are_missing(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/nc-d", 0755), 0);
	vfstest_mkfile("/nc-d/f", "x");
	assert_missing("/nc-d/g");
	(void)ino_of("/nc-d/f");
	assert_int_equal(rump_sys_unlink("/nc-d/f"), 0);
	assert_int_equal(rump_sys_rmdir("/nc-d"), 0);
	assert_missing("/nc-d");
	assert_missing("/nc-d/f");
	/* Made again, the directory is a new one with none of the old names. */
	assert_int_equal(rump_sys_mkdir("/nc-d", 0755), 0);
	assert_missing("/nc-d/f");
	vfstest_mkfile("/nc-d/g", "y");
	vfstest_assert_content("/nc-d/g", "y");
	assert_int_equal(rump_sys_unlink("/nc-d/g"), 0);
	assert_int_equal(rump_sys_rmdir("/nc-d"), 0);
}

static void
a_renamed_file_is_found_by_its_new_name_only(void **state)
{
	ino_t ino;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/nc-a", 0755), 0);
	assert_int_equal(rump_sys_mkdir("/nc-b", 0755), 0);
	vfstest_mkfile("/nc-a/f", "x");
	ino = ino_of("/nc-a/f");
	assert_missing("/nc-b/g");
	assert_int_equal(rump_sys_rename("/nc-a/f", "/nc-b/g"), 0);
	assert_missing("/nc-a/f");
	assert_int_equal(ino_of("/nc-b/g"), ino);
	assert_int_equal(rump_sys_unlink("/nc-b/g"), 0);
	assert_int_equal(rump_sys_rmdir("/nc-a"), 0);
	assert_int_equal(rump_sys_rmdir("/nc-b"), 0);
}

static void
a_rename_over_a_file_names_the_renamed_one(void **state)
{
	ino_t ino;

	(void)state;
	vfstest_mkfile("/nc-from", "new");
	vfstest_mkfile("/nc-to", "old");
	ino = ino_of("/nc-from");
	(void)ino_of("/nc-to");
	assert_int_equal(rump_sys_rename("/nc-from", "/nc-to"), 0);
	assert_int_equal(ino_of("/nc-to"), ino);
	vfstest_assert_content("/nc-to", "new");
	assert_missing("/nc-from");
	assert_int_equal(rump_sys_unlink("/nc-to"), 0);
}

static void
a_moved_directory_keeps_its_names(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/nc-m", 0755), 0);
	vfstest_mkfile("/nc-m/f", "x");
	vfstest_assert_content("/nc-m/f", "x");
	assert_int_equal(rump_sys_rename("/nc-m", "/nc-n"), 0);
	vfstest_assert_content("/nc-n/f", "x");
	assert_missing("/nc-m/f");
	assert_int_equal(rump_sys_unlink("/nc-n/f"), 0);
	assert_int_equal(rump_sys_rmdir("/nc-n"), 0);
}

static void
a_hard_link_made_after_a_failed_lookup_is_found(void **state)
{
	(void)state;
	vfstest_mkfile("/nc-l1", "x");
	assert_missing("/nc-l2");
	assert_int_equal(rump_sys_link("/nc-l1", "/nc-l2"), 0);
	assert_int_equal(ino_of("/nc-l2"), ino_of("/nc-l1"));
	assert_int_equal(rump_sys_unlink("/nc-l1"), 0);
	vfstest_assert_content("/nc-l2", "x");
	assert_missing("/nc-l1");
	assert_int_equal(rump_sys_unlink("/nc-l2"), 0);
}

static void
set_max(int max, int *oldp)
{
	size_t len = sizeof(*oldp);

	assert_int_equal(rump_sys_sysctl("vfs.namecache.max", oldp,
	    oldp != NULL ? &len : NULL, &max, sizeof(max)), 0);
}

static void
names_over_the_limit_push_out_the_least_recently_used(void **state)
{
	char path[32];
	uint64_t neg;
	int old;

	(void)state;
	set_max(64, &old);
	assert_true(nc("entries") <= 64);
	/* Twice the bound of missing names: the cache never holds more. */
	for (int i = 0; i < 128; i++) {
		snprintf(path, sizeof(path), "/nc-%d", i);
		assert_missing(path);
		assert_true(nc("entries") <= 64);
	}
	/* The last is still there, the first went. */
	neg = nc("neghits");
	assert_missing("/nc-127");
	assert_int_equal(nc("neghits"), neg + 1);
	assert_missing("/nc-0");
	assert_int_equal(nc("neghits"), neg + 1);
	set_max(old, NULL);
}

static void
a_name_too_long_to_cache_is_looked_up_each_time(void **state)
{
	const char *path = "/nc-a-name-longer-than-the-cache-keeps-by-far";
	uint64_t misses, enters;

	(void)state;
	vfstest_mkfile(path, "x");
	enters = nc("enters");
	misses = nc("misses");
	vfstest_assert_content(path, "x");
	vfstest_assert_content(path, "x");
	assert_int_equal(nc("enters"), enters);
	assert_true(nc("misses") >= misses + 2);
	assert_int_equal(rump_sys_unlink(path), 0);
	assert_missing(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_path_looked_up_again_is_answered_by_the_cache),
		leak_test(a_missing_name_is_remembered_as_missing),
		leak_test(a_name_created_after_a_failed_lookup_is_found),
		leak_test(a_removed_file_is_missing),
		leak_test(a_removed_directory_and_its_names_are_missing),
		leak_test(a_renamed_file_is_found_by_its_new_name_only),
		leak_test(a_rename_over_a_file_names_the_renamed_one),
		leak_test(a_moved_directory_keeps_its_names),
		leak_test(a_hard_link_made_after_a_failed_lookup_is_found),
		leak_test(names_over_the_limit_push_out_the_least_recently_used),
		leak_test(a_name_too_long_to_cache_is_looked_up_each_time),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
