/* Usage texts and the error for a bad option, shared by the tools. */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "netopts.h"
#include "rtool.h"
#include "toolusage.h"

static const struct tool_usage *tool_usage_texts;

void
tool_usage_init(const struct tool_usage *u)
{
	tool_usage_texts = u;
}

void
usage(FILE *f)
{
	fputs(tool_usage_texts->synopsis, f);
	fputs(tool_usage_texts->remote ? rtool_usage : netopts_usage, f);
	fputs(tool_usage_texts->examples, f);
}

void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", tool_usage_texts->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	/* The message says what was wrong; the whole usage would bury it. */
	fprintf(stderr, "\n%s: run '%s --help' for the options\n",
	    tool_usage_texts->prog, tool_usage_texts->prog);
	exit(2);
}

void
usage_bad_option(int c, char *const argv[])
{
	char shortopt[3] = { '-', (char)optopt, '\0' };
	const char *arg = argv[optind - 1];
	int len = 2;

	/*
	 * A long option is named by its word in argv (up to an '='), a short
	 * one by optopt: its argv word may hold several ("-ux").
	 */
	if (strncmp(arg, "--", 2) == 0)
		len = (int)strcspn(arg, "=");
	else
		arg = shortopt;
	if (c == ':')
		usage_error("%.*s needs an argument", len, arg);
	usage_error("unknown option '%.*s'", len, arg);
}
