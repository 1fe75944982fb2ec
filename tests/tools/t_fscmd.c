/*
 * fsconsole's command lines (tools/common/fscmd_parse.c, fscmd_flags.c):
 * commands at ';' and newlines, words at blanks, quotes, escapes,
 * comments; and the flags of a command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fscmd.h"

/* Parses line and checks its commands, each given as "w1|w2|w3". */
static void
assert_parses(const char *line, size_t n, const char *const *want)
{
	struct fscmd_list l;
	const char *err = NULL;
	char joined[512];

	assert_int_equal(fscmd_parse(line, &l, &err), 0);
	assert_int_equal(l.n, n);
	for (size_t i = 0; i < n; i++) {
		joined[0] = '\0';
		for (int j = 0; j < l.cmds[i].argc; j++) {
			if (j > 0)
				strcat(joined, "|");
			strcat(joined, l.cmds[i].argv[j]);
		}
		assert_null(l.cmds[i].argv[l.cmds[i].argc]);
		assert_string_equal(joined, want[i]);
	}
	fscmd_list_free(&l);
}

static void
commands_split_at_semicolons_and_newlines(void **state)
{
	const char *want[] = { "ls|-l|/", "cat|/a", "rm|-r|x" };

	(void)state;
	assert_parses("ls -l /; cat /a\nrm  -r\tx", 3, want);
}

static void
empty_commands_are_left_out(void **state)
{
	const char *want[] = { "ls" };

	(void)state;
	assert_parses(" ; ;ls;;  \n", 1, want);
	assert_parses("", 0, NULL);
}

static void
quotes_keep_blanks_and_semicolons_in_a_word(void **state)
{
	const char *want[] = { "put|my file.txt|/a;b", "cat|x\"y\\z" };

	(void)state;
	assert_parses("put 'my file.txt' \"/a;b\"; cat \"x\\\"y\\\\z\"", 2,
	    want);
}

static void
an_empty_quoted_word_is_a_word(void **state)
{
	const char *want[] = { "touch||x" };

	(void)state;
	assert_parses("touch '' x", 1, want);
}

static void
a_backslash_escapes_the_next_character(void **state)
{
	const char *want[] = { "mkdir|a b;c", "ls|end\\" };

	(void)state;
	assert_parses("mkdir a\\ b\\;c; ls end\\", 2, want);
}

static void
a_hash_at_a_word_start_comments_out_the_rest_of_the_line(void **state)
{
	const char *want[] = { "ls|a#b", "cat|x" };

	(void)state;
	assert_parses("ls a#b # a comment; not a command\ncat x", 2, want);
}

static void
an_unterminated_quote_is_refused_and_nothing_is_kept(void **state)
{
	struct fscmd_list l;
	const char *err = NULL;

	(void)state;
	assert_int_equal(fscmd_parse("ls; cat 'open", &l, &err), -1);
	assert_string_equal(err, "unterminated '");
	assert_int_equal(l.n, 0);
	assert_int_equal(fscmd_parse("cat \"open", &l, &err), -1);
	assert_string_equal(err, "unterminated \"");
	assert_int_equal(l.n, 0);
}

static void
flags_are_collected_up_to_the_first_operand(void **state)
{
	char *argv[] = { "ls", "-la", "-R", "/x", "-a", NULL };
	unsigned long fl;
	char bad = 0;

	(void)state;
	assert_int_equal(fscmd_flags(5, argv, "laR", &fl, &bad), 3);
	assert_int_equal(fl, fscmd_flag('l') | fscmd_flag('a') |
	    fscmd_flag('R'));
	assert_int_not_equal(fscmd_flag('r'), fscmd_flag('R'));
}

static void
a_double_dash_ends_the_flags(void **state)
{
	char *argv[] = { "rm", "-f", "--", "-x", NULL };
	unsigned long fl;
	char bad = 0;

	(void)state;
	assert_int_equal(fscmd_flags(4, argv, "rf", &fl, &bad), 3);
	assert_int_equal(fl, fscmd_flag('f'));
}

static void
a_lone_dash_is_an_operand(void **state)
{
	char *argv[] = { "cat", "-", NULL };
	unsigned long fl;
	char bad = 0;

	(void)state;
	assert_int_equal(fscmd_flags(2, argv, "", &fl, &bad), 1);
	assert_int_equal(fl, 0);
}

static void
a_flag_not_allowed_is_named(void **state)
{
	char *argv[] = { "mkdir", "-pq", "x", NULL };
	char *argv2[] = { "mkdir", "-1", NULL };
	unsigned long fl;
	char bad = 0;

	(void)state;
	assert_int_equal(fscmd_flags(3, argv, "p", &fl, &bad), -1);
	assert_int_equal(bad, 'q');
	assert_int_equal(fscmd_flags(2, argv2, "p", &fl, &bad), -1);
	assert_int_equal(bad, '1');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commands_split_at_semicolons_and_newlines),
		cmocka_unit_test(empty_commands_are_left_out),
		cmocka_unit_test(quotes_keep_blanks_and_semicolons_in_a_word),
		cmocka_unit_test(an_empty_quoted_word_is_a_word),
		cmocka_unit_test(a_backslash_escapes_the_next_character),
		cmocka_unit_test(a_hash_at_a_word_start_comments_out_the_rest_of_the_line),
		cmocka_unit_test(an_unterminated_quote_is_refused_and_nothing_is_kept),
		cmocka_unit_test(flags_are_collected_up_to_the_first_operand),
		cmocka_unit_test(a_double_dash_ends_the_flags),
		cmocka_unit_test(a_lone_dash_is_an_operand),
		cmocka_unit_test(a_flag_not_allowed_is_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
