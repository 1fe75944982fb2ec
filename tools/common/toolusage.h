/*
 * Usage texts and the error for a bad option, alike in every tool: the
 * tool's own synopsis, then the interface options they share, then
 * examples.
 */
#ifndef TOOLS_TOOLUSAGE_H
#define TOOLS_TOOLUSAGE_H

#include <stdbool.h>
#include <stdio.h>

struct tool_usage {
	const char *prog;
	const char *synopsis;
	const char *examples;
	/*
	 * A remote client of rump_server (rump.ifconfig...): no interface
	 * options; the usage says how RUMP_SERVER names the server instead.
	 */
	bool remote;
};

/* Sets the texts the two calls below print; first thing in main(). */
void tool_usage_init(const struct tool_usage *u);
void usage(FILE *f);
/*
 * Prints "prog: message" and one line pointing at --help on standard
 * error, then exits 2.
 */
void usage_error(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
/*
 * What getopt_long (with opterr = 0 and a ':' leading the option string)
 * returned for a bad option, c being ':' or '?': "-x needs an argument" or
 * "unknown option '--foo'", through usage_error().
 */
void usage_bad_option(int c, char *const argv[]) __attribute__((noreturn));

#endif
