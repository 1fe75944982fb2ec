/*
 * rump.ls, rump.cat, rump.cp, rump.mkdir, rump.rm, rump.mount,
 * rump.umount, rump.df: the file tools as remote clients of a
 * rump_server (RUMP_SERVER=unix:///path or tcp://host:port), one program
 * that is each of them by the name it runs under.  They are fsconsole's
 * commands (tools/common/fsc_*.c) over the server's whole name space
 * (ukfs_attach("/")): the same code and output as fsconsole, whose
 * calls librumpclient makes in the server.  A connection that fails is
 * reported by librumpclient, naming the server and the reason (no
 * server, refused, protocol version); a call that fails names the path
 * and the reason, as the host's tools do.
 *
 * Exit status: 0, 1 when anything failed, 2 for bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/ukfs.h>

#include "fsconsole.h"

#define SERVER_PREFIX	"rump:"		/* rump.cp: a path in the server */

struct tool {
	const char *name;		/* "rump.ls" */
	int (*run)(struct fsc *c, int argc, char *argv[]);
	const char *usage;
};

static int tool_cp(struct fsc *c, int argc, char *argv[]);
static int tool_mount(struct fsc *c, int argc, char *argv[]);
static int tool_umount(struct fsc *c, int argc, char *argv[]);
static int tool_df(struct fsc *c, int argc, char *argv[]);

static const struct tool tools[] = {
	{ "rump.ls", fsc_ls, "rump.ls [-l] [-a] [-R] [PATH...]" },
	{ "rump.cat", fsc_cat, "rump.cat PATH..." },
	{ "rump.cp", tool_cp, "rump.cp SRC DST   (one of them rump:/PATH, "
	    "the other a host path; trees are copied whole, like cp -a)" },
	{ "rump.mkdir", fsc_mkdir, "rump.mkdir [-p] PATH..." },
	{ "rump.rm", fsc_rm, "rump.rm [-r] [-f] PATH..." },
	{ "rump.mount", tool_mount, "rump.mount [-t TYPE] [-o ro] IMAGE DIR   "
	    "(TYPE: ext2fs, or auto: detected)" },
	{ "rump.umount", tool_umount, "rump.umount DIR..." },
	{ "rump.df", tool_df, "rump.df [PATH...]" },
	{ NULL, NULL, NULL },
};

static const struct tool *tool_self;

static void
tool_usage(FILE *f)
{
	fprintf(f, "usage: %s\n"
	    "The server is the rump_server RUMP_SERVER names (unix:///PATH or "
	    "tcp://HOST:PORT).\n", tool_self->usage);
}

/* A usage error: its message and the usage; status 2. */
static int
tool_bad(const char *msg)
{
	fprintf(stderr, "%s: %s\n", tool_self->name, msg);
	tool_usage(stderr);
	return 2;
}

static int
tool_cp(struct fsc *c, int argc, char *argv[])
{
	size_t n = strlen(SERVER_PREFIX);
	bool from = argc == 3 && strncmp(argv[1], SERVER_PREFIX, n) == 0;
	bool to = argc == 3 && strncmp(argv[2], SERVER_PREFIX, n) == 0;
	char *args[3];

	if (argc != 3 || from == to)
		return tool_bad("give SRC and DST, exactly one of them "
		    SERVER_PREFIX "/PATH");
	args[0] = from ? "get" : "put";
	args[1] = argv[1] + (from ? n : 0);
	args[2] = argv[2] + (to ? n : 0);
	return from ? fsc_get(c, 3, args) : fsc_put(c, 3, args);
}

/* mount(8)'s options: -t TYPE, -o ro. */
static int
mount_options(int argc, char *argv[], const char **type, bool *ro)
{
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt(argc, argv, "t:o:")) != -1) {
		if (opt == 't')
			*type = optarg;
		else if (opt == 'o' && strcmp(optarg, "ro") == 0)
			*ro = true;
		else if (opt == 'o')
			return tool_bad("the only option of -o is ro");
		else
			return tool_bad("unknown option");
	}
	if (argc - optind != 2)
		return tool_bad("give IMAGE and DIR");
	return 0;
}

/*
 * The image is a file of the server's host, which is this host when
 * RUMP_SERVER is a unix socket: its path is made absolute here and its
 * type detected here, as fsconsole and --mount detect it.
 */
static int
tool_mount(struct fsc *c, int argc, char *argv[])
{
	const char *type = "auto", *image, *dir;
	char real[PATH_MAX];
	bool ro = false;
	int rv;

	(void)c;
	if ((rv = mount_options(argc, argv, &type, &ro)) != 0)
		return rv;
	image = argv[optind];
	dir = argv[optind + 1];
	if (realpath(image, real) == NULL)
		return fsc_fail(image);
	if (strcmp(type, "auto") == 0 &&
	    (type = ukfs_fstype_detect(real)) == NULL) {
		fprintf(stderr, "%s: %s: cannot tell the file system type: %s\n",
		    tool_self->name, image, errno == ENODEV ?
		    "no signature this tool knows (give -t TYPE)" :
		    strerror(errno));
		return 1;
	}
	if (rump_sys_mount_image(real, dir, type, ro ? MS_RDONLY : 0) != 0) {
		fprintf(stderr, "%s: mounting %s (%s) at %s: %s\n",
		    tool_self->name, image, type, dir, strerror(errno));
		return 1;
	}
	return 0;
}

static int
tool_umount(struct fsc *c, int argc, char *argv[])
{
	int rv = 0;

	(void)c;
	if (argc < 2)
		return tool_bad("give the DIR to unmount");
	for (int i = 1; i < argc; i++)
		if (rump_sys_umount2(argv[i], 0) != 0)
			rv = fsc_fail(argv[i]);
	return rv;
}

/* The name of a file-system type from its statfs magic number. */
static const char *
df_type(long magic)
{
	switch (magic) {
	case 0xef53:
		return "ext2fs";
	default:
		return "rumpfs";
	}
}

/* One line of df -k for the file system path is on. */
static int
df_one(const char *path)
{
	struct statfs sf;
	uintmax_t kb, used, avail;

	if (rump_sys_statfs(path, &sf) != 0)
		return fsc_fail(path);
	kb = (uintmax_t)sf.f_blocks * (uintmax_t)sf.f_bsize / 1024;
	used = (uintmax_t)(sf.f_blocks - sf.f_bfree) * (uintmax_t)sf.f_bsize /
	    1024;
	avail = (uintmax_t)sf.f_bavail * (uintmax_t)sf.f_bsize / 1024;
	printf("%-14s %10ju %10ju %10ju %3ju%% %s\n", df_type(sf.f_type), kb,
	    used, avail, kb ? (used * 100 + kb - 1) / kb : 0, path);
	return 0;
}

static int
tool_df(struct fsc *c, int argc, char *argv[])
{
	int rv = 0;

	(void)c;
	printf("%-14s %10s %10s %10s %4s %s\n", "Filesystem", "1K-blocks",
	    "Used", "Available", "Use%", "Mounted on");
	if (argc < 2)
		return df_one("/");
	for (int i = 1; i < argc; i++)
		rv |= df_one(argv[i]);
	return rv;
}

static const struct tool *
tool_find(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base != NULL ? base + 1 : argv0;
	for (const struct tool *t = tools; t->name != NULL; t++)
		if (strcmp(t->name, base) == 0)
			return t;
	return NULL;
}

int
main(int argc, char **argv)
{
	struct fsc c = { .progress = isatty(STDOUT_FILENO) };
	int rv;

	if ((tool_self = tool_find(argv[0])) == NULL) {
		fprintf(stderr, "%s: run me as rump.ls, rump.cat, rump.cp, "
		    "rump.mkdir, rump.rm, rump.mount, rump.umount or rump.df\n",
		    argv[0]);
		return 2;
	}
	fsc_prog = tool_self->name;
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		tool_usage(stdout);
		return 0;
	}
	/* librumpclient says which server and why. */
	if (rump_init() != 0)
		return 1;
	if ((c.fs = ukfs_attach("/")) == NULL) {
		fprintf(stderr, "%s: %s\n", tool_self->name, strerror(errno));
		rump_fini();
		return 1;
	}
	/* fsconsole's commands are named by their first word. */
	argv[0] = strchr(tool_self->name, '.') + 1;
	rv = tool_self->run(&c, argc, argv);
	ukfs_detach(c.fs);
	rump_fini();
	return rv;
}
