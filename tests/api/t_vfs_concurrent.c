/*
 * The VFS under threads: lookups, creations, removals and renames that
 * cross each other's directories, checking the lock order holds (no
 * deadlock: the test ends) and that every count comes out right.
 */
#include <pthread.h>

#include "vfstest.h"

#define NTHREADS	4
#define ROUNDS		300

struct worker {
	pthread_t thread;
	int id;
	int errors;
};

/* Renames a file back and forth between /a and /b, crossing the others. */
static void *
rename_back_and_forth(void *arg)
{
	struct worker *w = arg;
	char a[32], b[32];

	snprintf(a, sizeof(a), "/a/f%d", w->id);
	snprintf(b, sizeof(b), "/b/f%d", w->id);
	for (int i = 0; i < ROUNDS; i++) {
		/* Even workers go a->b first, odd ones b->a: opposite orders. */
		const char *from = (i + w->id) % 2 == 0 ? a : b;
		const char *to = from == a ? b : a;

		if (rump_sys_rename(from, to) != 0)
			w->errors++;
	}
	return NULL;
}

static void
crossing_renames_from_several_threads_finish(void **state)
{
	struct worker w[NTHREADS];
	char path[32];

	(void)state;
	assert_int_equal(rump_sys_mkdir("/a", 0755), 0);
	assert_int_equal(rump_sys_mkdir("/b", 0755), 0);
	for (int i = 0; i < NTHREADS; i++) {
		snprintf(path, sizeof(path), "/%c/f%d", i % 2 == 0 ? 'a' : 'b', i);
		vfstest_mkfile(path, "x");
	}
	for (int i = 0; i < NTHREADS; i++) {
		w[i].id = i;
		w[i].errors = 0;
		assert_int_equal(pthread_create(&w[i].thread, NULL,
		    rename_back_and_forth, &w[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		assert_int_equal(pthread_join(w[i].thread, NULL), 0);
		assert_int_equal(w[i].errors, 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		snprintf(path, sizeof(path), "/%c/f%d", i % 2 == 0 ? 'a' : 'b', i);
		assert_int_equal(rump_sys_unlink(path), 0);
	}
	assert_int_equal(rump_sys_rmdir("/a"), 0);
	assert_int_equal(rump_sys_rmdir("/b"), 0);
}

/* Creates, stats and removes its own files in a shared directory tree. */
static void *
create_and_remove(void *arg)
{
	struct worker *w = arg;
	char path[64];
	struct stat sb;
	int fd;

	for (int i = 0; i < ROUNDS; i++) {
		snprintf(path, sizeof(path), "/shared/sub/w%d.%d", w->id, i);
		fd = rump_sys_open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0 || rump_sys_close(fd) != 0 ||
		    rump_sys_stat("/shared/sub/..", &sb) != 0 ||
		    rump_sys_unlink(path) != 0)
			w->errors++;
	}
	return NULL;
}

static void
creations_and_removals_in_one_directory_from_several_threads(void **state)
{
	struct worker w[NTHREADS];
	struct stat sb;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/shared", 0755), 0);
	assert_int_equal(rump_sys_mkdir("/shared/sub", 0755), 0);
	for (int i = 0; i < NTHREADS; i++) {
		w[i].id = i;
		w[i].errors = 0;
		assert_int_equal(pthread_create(&w[i].thread, NULL,
		    create_and_remove, &w[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		assert_int_equal(pthread_join(w[i].thread, NULL), 0);
		assert_int_equal(w[i].errors, 0);
	}
	assert_int_equal(rump_sys_stat("/shared/sub", &sb), 0);
	assert_int_equal(sb.st_nlink, 2);
	assert_int_equal(rump_sys_rmdir("/shared/sub"), 0);
	assert_int_equal(rump_sys_rmdir("/shared"), 0);
}

/* Even workers create /race/f, odd ones remove it: the same names. */
static void *
create_or_remove_one_name(void *arg)
{
	struct worker *w = arg;
	int fd;

	for (int i = 0; i < ROUNDS; i++) {
		if (w->id % 2 == 0) {
			fd = rump_sys_open("/race/f", O_CREAT | O_WRONLY, 0644);
			if (fd < 0 || rump_sys_close(fd) != 0)
				w->errors++;
		} else if (rump_sys_unlink("/race/f") != 0 && errno != ENOENT) {
			w->errors++;
		}
	}
	return NULL;
}

static void
creating_and_removing_one_name_from_several_threads(void **state)
{
	struct worker w[NTHREADS];

	(void)state;
	assert_int_equal(rump_sys_mkdir("/race", 0755), 0);
	for (int i = 0; i < NTHREADS; i++) {
		w[i].id = i;
		w[i].errors = 0;
		assert_int_equal(pthread_create(&w[i].thread, NULL,
		    create_or_remove_one_name, &w[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		assert_int_equal(pthread_join(w[i].thread, NULL), 0);
		assert_int_equal(w[i].errors, 0);
	}
	(void)rump_sys_unlink("/race/f");
	assert_int_equal(rump_sys_rmdir("/race"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(crossing_renames_from_several_threads_finish),
		leak_test(creations_and_removals_in_one_directory_from_several_threads),
		leak_test(creating_and_removing_one_name_from_several_threads),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
