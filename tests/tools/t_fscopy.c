/*
 * fsconsole's copy engine (tools/common/fscopy.c) between two host
 * directories, both sides being fsside_host: what it keeps (contents,
 * modes, times, symlinks, hard links, holes) and how it reports what it
 * cannot copy while copying the rest.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fscopy.h"

static char dir[] = "/tmp/t_fscopy.XXXXXX";

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

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	return host("cd %s && mkdir -p src/d/ro && printf abc >src/f && "
	    "ln src/f src/d/hard && ln -s ../f src/d/sl && "
	    "truncate -s 3M src/sparse && printf end >>src/sparse && "
	    "printf x >src/d/ro/in && chmod 0500 src/d/ro && "
	    "chmod 0640 src/f && touch -h -d '2001-02-03 04:05:06' src/d/sl "
	    "src/d/ro src/f", dir, dir);
}

static int
teardown(void **state)
{
	(void)state;
	host("chmod -R u+w %s; rm -rf %s", dir, dir);
	return 0;
}

static int
copy(const char *from, const char *to)
{
	char f[256], t[256];
	struct fscopy c = {
		.src = &fsside_host, .dst = &fsside_host, .prog = "t_fscopy",
	};
	int rv;

	snprintf(f, sizeof(f), "%s/%s", dir, from);
	snprintf(t, sizeof(t), "%s/%s", dir, to);
	rv = fscopy_tree(&c, f, t);
	fscopy_done(&c);
	return rv;
}

static void
xstat(const char *rel, struct stat *sb)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	assert_int_equal(lstat(p, sb), 0);
}

static void
a_tree_is_copied_with_contents_modes_and_times(void **state)
{
	struct stat a, b;

	(void)state;
	assert_int_equal(copy("src", "t1"), 0);
	assert_int_equal(host("diff -r --no-dereference %s/src %s/t1", dir,
	    dir), 0);
	xstat("src/f", &a);
	xstat("t1/f", &b);
	assert_int_equal(b.st_mode, a.st_mode);
	assert_int_equal(b.st_mtim.tv_sec, a.st_mtim.tv_sec);
	assert_int_equal(b.st_mtim.tv_nsec, a.st_mtim.tv_nsec);
	xstat("src/d/ro", &a);
	xstat("t1/d/ro", &b);
	assert_int_equal(b.st_mode & 07777, 0500);
	assert_int_equal(b.st_mtim.tv_sec, a.st_mtim.tv_sec);
}

static void
symlinks_stay_symlinks_with_their_times(void **state)
{
	char target[64];
	char p[256];
	struct stat a, b;
	ssize_t n;

	(void)state;
	assert_int_equal(copy("src", "t2"), 0);
	snprintf(p, sizeof(p), "%s/t2/d/sl", dir);
	n = readlink(p, target, sizeof(target) - 1);
	assert_int_equal(n, 4);
	target[n] = '\0';
	assert_string_equal(target, "../f");
	xstat("src/d/sl", &a);
	xstat("t2/d/sl", &b);
	assert_int_equal(b.st_mtim.tv_sec, a.st_mtim.tv_sec);
}

static void
hard_links_are_copied_as_links(void **state)
{
	struct stat a, b;

	(void)state;
	assert_int_equal(copy("src", "t3"), 0);
	xstat("t3/f", &a);
	xstat("t3/d/hard", &b);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_nlink, 2);
}

static void
holes_stay_holes(void **state)
{
	struct stat a, b;

	(void)state;
	assert_int_equal(copy("src", "t4"), 0);
	xstat("src/sparse", &a);
	xstat("t4/sparse", &b);
	assert_int_equal(b.st_size, a.st_size);
	assert_true(b.st_blocks < 64);
}

static void
a_hole_at_the_end_keeps_the_size(void **state)
{
	struct stat a, b;

	(void)state;
	/* Nothing but a hole: nothing written, the size set at the end. */
	assert_int_equal(host("cd %s && truncate -s 1M tail", dir), 0);
	assert_int_equal(copy("tail", "tail.copy"), 0);
	xstat("tail", &a);
	xstat("tail.copy", &b);
	assert_int_equal(b.st_size, a.st_size);
	assert_true(b.st_blocks < 64);
}

static void
a_missing_source_is_reported_and_fails(void **state)
{
	(void)state;
	assert_int_equal(copy("nothing", "t5"), -1);
}

static void
what_cannot_be_copied_fails_the_copy_but_the_rest_is_copied(void **state)
{
	struct stat sb;

	(void)state;
	assert_int_equal(host("mkdir %s/mixed && mkfifo %s/mixed/fifo && "
	    "printf y >%s/mixed/file", dir, dir, dir), 0);
	assert_int_equal(copy("mixed", "t6"), -1);
	xstat("t6/file", &sb);
	assert_int_equal(sb.st_size, 1);
}

static void
a_directory_copied_onto_a_file_fails_and_leaves_the_file(void **state)
{
	struct stat sb;

	(void)state;
	assert_int_equal(host("printf z >%s/t7", dir), 0);
	assert_int_equal(copy("src", "t7"), -1);
	xstat("t7", &sb);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_size, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_tree_is_copied_with_contents_modes_and_times),
		cmocka_unit_test(symlinks_stay_symlinks_with_their_times),
		cmocka_unit_test(hard_links_are_copied_as_links),
		cmocka_unit_test(holes_stay_holes),
		cmocka_unit_test(a_hole_at_the_end_keeps_the_size),
		cmocka_unit_test(a_missing_source_is_reported_and_fails),
		cmocka_unit_test(what_cannot_be_copied_fails_the_copy_but_the_rest_is_copied),
		cmocka_unit_test(a_directory_copied_onto_a_file_fails_and_leaves_the_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
