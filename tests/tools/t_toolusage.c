/*
 * A bad option: the tool says what was wrong and points at --help in one
 * more line, on standard error, and exits 2; --help prints the whole usage
 * on standard output.  usage_error() exits, so each case runs in a child
 * whose standard error goes into a pipe.
 */
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "toolusage.h"

static const struct tool_usage test_usage = {
	.prog = "rump_test",
	.synopsis = "usage: rump_test [-x]\n",
	.examples = "Examples: none\n",
};

/* Runs fn in a child with fd (1 or 2) captured into out; the exit status. */
static int
capture(void (*fn)(void), int fd, char *out, size_t outlen)
{
	int p[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], fd);
		tool_usage_init(&test_usage);
		fn();
		fflush(NULL);
		_exit(0);
	}
	close(p[1]);
	while (got < outlen - 1 &&
	    (n = read(p[0], out + got, outlen - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
bad_port(void)
{
	usage_error("-p: bad port '%s': expected 1..65535", "x");
}

static void
print_help(void)
{
	usage(stdout);
}

/* getopt_long as the tools call it, on the words of argv_words. */
static char **argv_words;

static void
parse_options(void)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	int argc = 0, c;

	while (argv_words[argc] != NULL)
		argc++;
	opterr = 0;
	while ((c = getopt_long(argc, argv_words, ":lp:", longopts, NULL)) != -1)
		if (c == '?' || c == ':')
			usage_bad_option(c, argv_words);
}

static void
expect_option_error(char **words, const char *message)
{
	char out[1024], want[1024];

	argv_words = words;
	assert_int_equal(capture(parse_options, STDERR_FILENO, out,
	    sizeof(out)), 2);
	snprintf(want, sizeof(want), "rump_test: %s\n"
	    "rump_test: run 'rump_test --help' for the options\n", message);
	assert_string_equal(out, want);
}

static void
an_unknown_short_option_in_a_group_is_named_alone(void **state)
{
	char *words[] = { "rump_test", "-lx", NULL };

	(void)state;
	expect_option_error(words, "unknown option '-x'");
}

static void
an_unknown_long_option_is_named_without_its_value(void **state)
{
	char *words[] = { "rump_test", "--bogus=3", NULL };

	(void)state;
	expect_option_error(words, "unknown option '--bogus'");
}

static void
a_short_option_without_its_argument_is_named(void **state)
{
	char *words[] = { "rump_test", "-p", NULL };

	(void)state;
	expect_option_error(words, "-p needs an argument");
}

static void
a_long_option_without_its_argument_is_named(void **state)
{
	char *words[] = { "rump_test", "--port", NULL };

	(void)state;
	expect_option_error(words, "--port needs an argument");
}

static void
a_bad_option_prints_the_message_and_one_line_pointing_at_help(void **state)
{
	char out[1024];

	(void)state;
	assert_int_equal(capture(bad_port, STDERR_FILENO, out, sizeof(out)), 2);
	assert_string_equal(out,
	    "rump_test: -p: bad port 'x': expected 1..65535\n"
	    "rump_test: run 'rump_test --help' for the options\n");
}

static void
help_prints_synopsis_interface_options_and_examples(void **state)
{
	char out[16384];

	(void)state;
	assert_int_equal(capture(print_help, STDOUT_FILENO, out, sizeof(out)),
	    0);
	assert_ptr_equal(strstr(out, "usage: rump_test [-x]\n"), out);
	assert_non_null(strstr(out, "--if NAME"));
	assert_non_null(strstr(out, "Examples: none\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    a_bad_option_prints_the_message_and_one_line_pointing_at_help),
		cmocka_unit_test(an_unknown_short_option_in_a_group_is_named_alone),
		cmocka_unit_test(an_unknown_long_option_is_named_without_its_value),
		cmocka_unit_test(a_short_option_without_its_argument_is_named),
		cmocka_unit_test(a_long_option_without_its_argument_is_named),
		cmocka_unit_test(help_prints_synopsis_interface_options_and_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
