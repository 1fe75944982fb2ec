/*
 * rump.sysctl: the tunables of a running rump_server, listed, read and set
 * by name, in the manner of sysctl(8).
 *
 * Exit status: 0 on success, 1 when a name could not be read or set,
 * 2 for bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_sysctl.h>

#include "rtool.h"
#include "toolusage.h"
#include "toolutil.h"

#define PROG	"rump.sysctl"

static const char usage_text[] =
"usage: rump.sysctl [-n] NAME[=VALUE]...\n"
"       rump.sysctl [-n] -a [NODE]\n"
"       rump.sysctl --help\n"
"\n"
"Prints the tunables of a running rump_server as \"name = value\", or sets\n"
"them (as root in the server).  A NAME that is a node (net.inet.tcp) prints\n"
"every name under it.  Counters are under kern.counters; tables (read by\n"
"rump.ifconfig, rump.route, rump.arp and rump.netstat) print their size.\n"
"\n"
"  -a          every name (under NODE when given)\n"
"  -n          print the values only\n"
"  -h, --help  print this help and exit\n"
"\n";

static const char example_text[] =
"\n"
"Examples:\n"
"  RUMP_SERVER=unix:///tmp/rump.sock rump.sysctl net.inet.ip.forwarding=1\n"
"  RUMP_SERVER=unix:///tmp/rump.sock rump.sysctl -a net.inet.tcp\n";

static bool valuesonly;

static void
print_value(const char *name, uint32_t type)
{
	size_t len;
	char *v = rtool_sysctl(name, &len);

	if (!valuesonly)
		printf("%s = ", name);
	if (type == RUMP_SYSCTL_INT && len == sizeof(int))
		printf("%d\n", *(int *)(void *)v);
	else if (type == RUMP_SYSCTL_U64 && len == sizeof(uint64_t))
		printf("%" PRIu64 "\n", *(uint64_t *)(void *)v);
	else if (type == RUMP_SYSCTL_STRING && len > 0)
		printf("%.*s\n", (int)strnlen(v, len), v);
	else
		printf("(table, %zu bytes)\n", len);
	free(v);
}

/* The type of leaf name, from the listing of everything; 0: a node. */
static uint32_t
leaf_type(const char *name, int *error)
{
	size_t len;
	struct rump_sysctl_entry *e;
	uint32_t type = 0;
	bool under = false;

	e = rtool_sysctl("", &len);
	for (size_t i = 0; i < len / sizeof(*e); i++) {
		size_t n = strlen(name);

		if (strcmp(e[i].rse_name, name) == 0)
			type = e[i].rse_type;
		else if (strncmp(e[i].rse_name, name, n) == 0 &&
		    e[i].rse_name[n] == '.')
			under = true;
	}
	free(e);
	*error = type == 0 && !under ? ENOENT : 0;
	return type;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rump_sysctl_entry *)a)->rse_name,
	    ((const struct rump_sysctl_entry *)b)->rse_name);
}

static void
print_node(const char *node)
{
	size_t len;
	struct rump_sysctl_entry *e = rtool_sysctl(node, &len);

	qsort(e, len / sizeof(*e), sizeof(*e), entry_cmp);
	for (size_t i = 0; i < len / sizeof(*e); i++)
		print_value(e[i].rse_name, e[i].rse_type);
	free(e);
}

static void
set_value(const char *name, uint32_t type, const char *value)
{
	long l;
	int v;

	if (type == RUMP_SYSCTL_INT) {
		if (tool_parse_long(value, -2147483647L - 1, 2147483647L,
		    &l) != 0)
			usage_error("%s: not a number: %s", name, value);
		v = (int)l;
		if (rump_sys_sysctl(name, NULL, NULL, &v, sizeof(v)) != 0)
			rtool_fail(errno, "setting %s", name);
	} else if (type == RUMP_SYSCTL_STRING) {
		if (rump_sys_sysctl(name, NULL, NULL, value,
		    strlen(value) + 1) != 0)
			rtool_fail(errno, "setting %s", name);
	} else
		rtool_fail(EPERM, "setting %s", name);
}

static void
do_arg(char *arg)
{
	char *eq = strchr(arg, '=');
	uint32_t type;
	int error;

	if (eq != NULL)
		*eq = '\0';
	type = leaf_type(arg, &error);
	if (error != 0)
		rtool_fail(error, "%s", arg);
	if (eq != NULL) {
		if (type == 0)
			rtool_fail(EISDIR, "setting %s", arg);
		set_value(arg, type, eq + 1);
	}
	if (type == 0)
		print_node(arg);
	else
		print_value(arg, type);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct tool_usage u = { PROG, usage_text, example_text,
	    true };
	bool all = false;
	int c;

	tool_usage_init(&u);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":anh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'n':
			valuesonly = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage_bad_option(c, argv);
		}
	}
	if (all && argc - optind > 1)
		usage_error("-a takes at most one node");
	if (!all && optind == argc)
		usage_error("no name given (-a lists every one)");
	rtool_connect(PROG);
	if (all)
		print_node(optind < argc ? argv[optind] : "");
	else
		for (int i = optind; i < argc; i++)
			do_arg(argv[i]);
	rump_fini();
	return 0;
}
