/*
 * fsconsole: a console on a disk image, mounted with the rump kernel's
 * own file-system code through ukfs (no root, no loop device, no FUSE).
 *
 *	fsconsole disk.img                 interactive (line editing, history)
 *	fsconsole disk.img -c 'ls -l; get /etc ./etc'
 *	fsconsole -r disk.img < script     commands from standard input
 *
 * Every command runs even after one failed; the exit status is 0 when
 * every command succeeded, 1 otherwise, 2 for bad options.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include <rump/ukfs.h>

#include "fscmd.h"
#include "fsconsole.h"
#include "toolusage.h"

#define FSCONSOLE_MNT	"/image"

static const char fsconsole_synopsis[] =
"usage: fsconsole IMAGE [-t FSTYPE] [-r] [-c \"CMD; CMD...\"]\n"
"\n"
"Mounts the file-system image IMAGE (a host file) with the rump kernel's\n"
"file systems and runs commands on it: from -c, else from standard input,\n"
"interactively with line editing and history when it is a terminal.\n"
"\n"
"  -t FSTYPE   the file system (ext2fs); detected from the image if absent\n"
"  -r          mount read-only: the image is not written\n"
"  -c CMDS     run these commands (separated by ';') and exit\n"
"  -h, --help  this text\n"
"\n"
"Commands (\"help\" lists them with their options):\n"
"  ls cat get put mkdir rm rmdir ln mv stat df chmod chown touch truncate\n"
"  du find help; quit or exit ends an interactive session.\n"
"\n"
"Examples:\n"
"  fsconsole disk.img -c 'ls -l /; put ./site /srv'\n"
"  fsconsole -r disk.img -c 'get /etc ./etc-copy'\n";

static const struct tool_usage fsconsole_usage = {
	.prog = "fsconsole",
	.synopsis = fsconsole_synopsis,
	.examples = "",
};

/* Runs the commands of one line; 0 when all succeeded; *quit on quit. */
static int
run_line(struct fsc *c, const char *line, int *quit)
{
	struct fscmd_list l;
	const char *err;
	int rv = 0;

	if (fscmd_parse(line, &l, &err) != 0) {
		fprintf(stderr, "fsconsole: %s\n", err);
		return 1;
	}
	for (size_t i = 0; i < l.n && !*quit; i++) {
		if (strcmp(l.cmds[i].argv[0], "quit") == 0 ||
		    strcmp(l.cmds[i].argv[0], "exit") == 0)
			*quit = 1;
		else
			rv |= fsc_run(c, l.cmds[i].argc, l.cmds[i].argv);
		fflush(stdout);
	}
	fscmd_list_free(&l);
	return rv;
}

static int
run_interactive(struct fsc *c)
{
	char *line;
	int rv = 0, quit = 0;

	while (!quit && (line = readline("fsconsole> ")) != NULL) {
		if (line[0] != '\0')
			add_history(line);
		rv |= run_line(c, line, &quit);
		free(line);
	}
	return rv;
}

static int
run_stdin(struct fsc *c)
{
	char *line = NULL;
	size_t cap = 0;
	int rv = 0, quit = 0;

	while (!quit && getline(&line, &cap, stdin) >= 0)
		rv |= run_line(c, line, &quit);
	free(line);
	return rv;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fstype = NULL, *cmds = NULL;
	struct fsc c = { .progress = isatty(STDOUT_FILENO) };
	int opt, flags = 0, rv, quit = 0;

	tool_usage_init(&fsconsole_usage);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":t:rc:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			fstype = optarg;
			break;
		case 'r':
			flags |= UKFS_RDONLY;
			break;
		case 'c':
			cmds = optarg;
			break;
		case 'h':
			fputs(fsconsole_synopsis, stdout);
			return 0;
		default:
			usage_bad_option(opt, argv);
		}
	}
	if (optind != argc - 1)
		usage_error(optind == argc ? "an image is needed" :
		    "one image only, '%s' is extra", argv[argc - 1]);
	if ((c.fs = ukfs_mount(fstype, argv[optind], FSCONSOLE_MNT,
	    flags)) == NULL) {
		fprintf(stderr, "fsconsole: %s: %s\n", argv[optind],
		    errno == ENODEV && fstype == NULL ?
		    "no known file system (give one with -t)" : strerror(errno));
		return 1;
	}
	if (cmds != NULL)
		rv = run_line(&c, cmds, &quit);
	else if (isatty(STDIN_FILENO))
		rv = run_interactive(&c);
	else
		rv = run_stdin(&c);
	if (ukfs_release(c.fs) != 0) {
		fprintf(stderr, "fsconsole: %s: unmount: %s\n", argv[optind],
		    strerror(errno));
		rv = 1;
	}
	return rv != 0;
}
