/*
 * How fsconsole shows modes and reads chmod/chown operands
 * (tools/common/fsfmt.c), and its progress bar (fsprogress.c): drawn on a
 * terminal only, only after a second, at most ten times a second.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "fsfmt.h"
#include "fsprogress.h"

#define SEC	1000000000ull

static void
modes_show_like_ls(void **state)
{
	char buf[11];

	(void)state;
	fsfmt_mode(S_IFDIR | 0755, buf);
	assert_string_equal(buf, "drwxr-xr-x");
	fsfmt_mode(S_IFREG | 04755, buf);
	assert_string_equal(buf, "-rwsr-xr-x");
	fsfmt_mode(S_IFREG | 02644, buf);
	assert_string_equal(buf, "-rw-r-Sr--");
	fsfmt_mode(S_IFDIR | 01777, buf);
	assert_string_equal(buf, "drwxrwxrwt");
	fsfmt_mode(S_IFLNK | 0777, buf);
	assert_string_equal(buf, "lrwxrwxrwx");
	fsfmt_mode(S_IFIFO | 01600, buf);
	assert_string_equal(buf, "prw------T");
	fsfmt_mode(S_IFCHR, buf);
	assert_int_equal(buf[0], 'c');
	fsfmt_mode(S_IFBLK, buf);
	assert_int_equal(buf[0], 'b');
	fsfmt_mode(S_IFSOCK, buf);
	assert_int_equal(buf[0], 's');
}

static void
a_mode_is_octal_up_to_7777(void **state)
{
	(void)state;
	assert_int_equal(fsfmt_parse_mode("644"), 0644);
	assert_int_equal(fsfmt_parse_mode("07777"), 07777);
	assert_int_equal(fsfmt_parse_mode("10000"), -1);
	assert_int_equal(fsfmt_parse_mode("u+x"), -1);
	assert_int_equal(fsfmt_parse_mode("8"), -1);
	assert_int_equal(fsfmt_parse_mode(""), -1);
}

static void
an_owner_is_uid_gid_or_either(void **state)
{
	unsigned uid = 7, gid = 7;
	int hu, hg;

	(void)state;
	assert_int_equal(fsfmt_parse_owner("12:34", &uid, &gid, &hu, &hg), 0);
	assert_true(hu && hg);
	assert_int_equal(uid, 12);
	assert_int_equal(gid, 34);
	assert_int_equal(fsfmt_parse_owner("5", &uid, &gid, &hu, &hg), 0);
	assert_true(hu && !hg);
	assert_int_equal(uid, 5);
	assert_int_equal(fsfmt_parse_owner(":9", &uid, &gid, &hu, &hg), 0);
	assert_true(!hu && hg);
	assert_int_equal(gid, 9);
}

static void
a_bad_owner_is_refused(void **state)
{
	unsigned uid, gid;
	int hu, hg;

	(void)state;
	assert_int_equal(fsfmt_parse_owner("root", &uid, &gid, &hu, &hg), -1);
	assert_int_equal(fsfmt_parse_owner(":", &uid, &gid, &hu, &hg), -1);
	assert_int_equal(fsfmt_parse_owner("1:x", &uid, &gid, &hu, &hg), -1);
	assert_int_equal(fsfmt_parse_owner("4294967295", &uid, &gid, &hu,
	    &hg), -1);
	assert_int_equal(fsfmt_parse_owner("12345678901", &uid, &gid, &hu,
	    &hg), -1);
}

static void
the_bar_shows_the_share_done(void **state)
{
	char buf[256];

	(void)state;
	fsprogress_format(buf, sizeof(buf), "f", 512 * 1024, 1024 * 1024, 10);
	assert_string_equal(buf, "f [#####     ]  50%    0.5 MiB");
	fsprogress_format(buf, sizeof(buf), "e", 0, 0, 4);
	assert_string_equal(buf, "e [####] 100%    0.0 MiB");
	fsprogress_format(buf, sizeof(buf), "g", 10, 5, 500);
	assert_non_null(strstr(buf, "100%"));
}

/* What a progress run with updates at the given times printed. */
static void
run_bar(int enabled, const uint64_t *times, size_t n, char *out, size_t size)
{
	struct fsprogress p;
	FILE *f = fmemopen(out, size, "w");

	assert_non_null(f);
	fsprogress_start(&p, f, enabled, "x", 100, 0);
	for (size_t i = 0; i < n; i++)
		fsprogress_update(&p, 50, times[i]);
	fsprogress_end(&p);
	fclose(f);
}

static void
a_copy_shorter_than_a_second_draws_no_bar(void **state)
{
	uint64_t t[] = { SEC / 2, SEC - 1 };
	char out[512] = "";

	(void)state;
	run_bar(1, t, 2, out, sizeof(out));
	assert_string_equal(out, "");
}

static void
a_longer_copy_draws_the_bar_and_ends_its_line(void **state)
{
	uint64_t t[] = { SEC, SEC + 1, SEC + SEC / 10 };
	char out[1024] = "";

	(void)state;
	run_bar(1, t, 3, out, sizeof(out));
	/* Two draws (the second within 0.1 s is skipped), then the end. */
	assert_non_null(strstr(out, "\rx ["));
	assert_non_null(strstr(out, " 50%"));
	assert_non_null(strstr(out, "100%"));
	assert_int_equal(out[strlen(out) - 1], '\n');
	assert_int_equal((int)(strchr(strchr(strchr(out, '\r') + 1, '\r') + 1,
	    '\r') != NULL), 1);
}

static void
no_bar_is_drawn_when_not_on_a_terminal(void **state)
{
	uint64_t t[] = { 5 * SEC };
	char out[512] = "";

	(void)state;
	run_bar(0, t, 1, out, sizeof(out));
	assert_string_equal(out, "");
	assert_true(fsprogress_now() > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(modes_show_like_ls),
		cmocka_unit_test(a_mode_is_octal_up_to_7777),
		cmocka_unit_test(an_owner_is_uid_gid_or_either),
		cmocka_unit_test(a_bad_owner_is_refused),
		cmocka_unit_test(the_bar_shows_the_share_done),
		cmocka_unit_test(a_copy_shorter_than_a_second_draws_no_bar),
		cmocka_unit_test(a_longer_copy_draws_the_bar_and_ends_its_line),
		cmocka_unit_test(no_bar_is_drawn_when_not_on_a_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
