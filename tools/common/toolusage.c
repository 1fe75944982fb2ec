/* Usage texts and the error for a bad option, shared by the tools. */
#include <stdarg.h>
#include <stdlib.h>

#include "netopts.h"
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
	fputs(netopts_usage, f);
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
	fprintf(stderr, "\n\n");
	usage(stderr);
	exit(2);
}
