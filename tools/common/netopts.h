/*
 * The interface options every tool takes:
 *
 *	--if NAME,tap=TAP[,mac=XX:XX:XX:XX:XX:XX][,mtu=N]
 *	--addr NAME,A.B.C.D/LEN
 *	--route DEST,GW		(DEST: "default" or A.B.C.D/LEN)
 *	--pcap NAME,FILE
 *	--fault NAME,SPEC	(drop=1%,dup=0.5%,reorder=1%,corrupt=0.1%,seed=7,dir=both)
 *	--forward
 *
 * and the one file-system option, --mount FSTYPE,IMAGE,MOUNTPOINT[,ro]
 * (netopts_mount.c, netopts_mount_apply.c), which every flavour takes.
 *
 * in three steps, so that everything is checked before the kernel is
 * touched and the checking is tested on the host alone:
 *
 *	netopts_parse()	one option at a time, from getopt_long (no kernel);
 *	netopts_check()	the options together, after the last one (no kernel):
 *			every interface named by --addr, --pcap, --fault exists,
 *			every gateway is on the subnet of an address;
 *	netopts_apply()	configures the rump kernel (netopts_apply.c), after
 *			rump_init(); netopts_stop() ends what must end before
 *			rump_fini() (packet capture).
 *
 * Each returns 0, or -1 with a message in no->err that names the option and
 * says what is wrong ("--addr: no interface virt9; create it with --if").
 *
 * A tool puts NETOPTS_LONGOPTS in its getopt_long table and hands every
 * option code for which netopts_isopt() is true to netopts_parse().
 */
#ifndef TOOLS_NETOPTS_H
#define TOOLS_NETOPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETOPTS_NAMELEN		16	/* IFNAMSIZ: 15 characters and the NUL */
#define NETOPTS_MAXIF		8
#define NETOPTS_MAXADDR		32
#define NETOPTS_MAXROUTE	32
#define NETOPTS_PARAMLEN	128
#define NETOPTS_PATHLEN		4096
#define NETOPTS_MAXMOUNT	8
#define NETOPTS_FSTYPELEN	32

/* getopt_long codes of the interface options, out of the range of letters. */
enum {
	NETOPT_IF = 0x1000,
	NETOPT_ADDR,
	NETOPT_ROUTE,
	NETOPT_PCAP,
	NETOPT_FAULT,
	NETOPT_FORWARD,
	NETOPT_MOUNT,
};

#define NETOPTS_LONGOPTS \
	{ "if", required_argument, NULL, NETOPT_IF }, \
	{ "addr", required_argument, NULL, NETOPT_ADDR }, \
	{ "route", required_argument, NULL, NETOPT_ROUTE }, \
	{ "pcap", required_argument, NULL, NETOPT_PCAP }, \
	{ "fault", required_argument, NULL, NETOPT_FAULT }, \
	{ "forward", no_argument, NULL, NETOPT_FORWARD }, \
	{ "mount", required_argument, NULL, NETOPT_MOUNT }

/* Addresses are in host byte order throughout. */
struct netopts_if {
	char name[NETOPTS_NAMELEN];		/* "virt0" */
	char params[NETOPTS_PARAMLEN];		/* after the first comma, as given */
	char tap[NETOPTS_NAMELEN];
	uint8_t mac[6];
	bool has_mac;				/* given with mac=, or read back */
	int mtu;				/* 0: the driver's default */
	bool created;				/* by netopts_apply() */
};

struct netopts_addr {
	int ifidx;				/* into ifs[], set by netopts_check() */
	char ifname[NETOPTS_NAMELEN];
	uint32_t addr;
	int plen;
};

struct netopts_pcap {
	int ifidx;				/* set by netopts_check() */
	char ifname[NETOPTS_NAMELEN];
	char path[NETOPTS_PATHLEN];
	bool started;				/* by netopts_apply() */
};

struct netopts_fault {
	int ifidx;				/* set by netopts_check() */
	char ifname[NETOPTS_NAMELEN];
	char spec[NETOPTS_PARAMLEN];		/* as given */
};

struct ukfs;

/* --mount FSTYPE,IMAGE,MOUNTPOINT[,ro] */
struct netopts_mount {
	char given[NETOPTS_PATHLEN + 16];	/* "--mount VALUE", for messages */
	char fstype[NETOPTS_FSTYPELEN];		/* "ext2fs", or "auto" */
	char image[NETOPTS_PATHLEN];		/* a host file */
	char mountpoint[NETOPTS_PATHLEN];	/* in the rump name space */
	bool rdonly;
	struct ukfs *fs;			/* mounted by netopts_mount_apply() */
};

struct netopts_route {
	bool isdefault;
	uint32_t dst;
	int plen;
	uint32_t gw;
};

/*
 * The options in the order given; --addr, --pcap and --fault may come
 * before the --if they name (netopts_check() matches them up).
 */
struct netopts {
	int nifs, naddrs, nroutes, npcaps, nfaults, nmounts;
	struct netopts_if ifs[NETOPTS_MAXIF];
	struct netopts_addr addrs[NETOPTS_MAXADDR];
	struct netopts_route routes[NETOPTS_MAXROUTE];
	struct netopts_pcap pcaps[NETOPTS_MAXIF];
	struct netopts_fault faults[NETOPTS_MAXIF];
	struct netopts_mount mounts[NETOPTS_MAXMOUNT];
	bool forward;
	char err[512];
};

/*
 * True in a tool's sockin flavour (tools/common/sockin/): the host's own
 * network carries the sockets, the kernel has no interface to configure,
 * and netopts_check() refuses every interface option.  False in the rump
 * stack flavour (netopts_apply.c).
 */
extern const bool netopts_hostnet;

/* The usage text of the interface options, for a tool's --help. */
extern const char netopts_usage[];

void netopts_init(struct netopts *no);
/* Puts a message into no->err and returns -1 (for the netopts files). */
int netopts_seterr(struct netopts *no, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool netopts_isopt(int opt);
int netopts_parse(struct netopts *no, int opt, const char *arg);
int netopts_check(struct netopts *no);
/* Writes "virt0 198.18.0.2/24 tap=tap0 mac=.. mtu=..; default via ..". */
void netopts_describe(const struct netopts *no, char *buf, size_t len);
/* The interface named name, or NULL. */
struct netopts_if *netopts_findif(struct netopts *no, const char *name);

/*
 * netopts_apply.c: the kernel side.  netopts_apply() creates the
 * interfaces, then sets faults, starts captures, adds addresses (and
 * brings up interfaces that have none), routes and forwarding, in this
 * order; it stops at the first error.  netopts_stop() stops the captures
 * it started, also after an error.
 */
int netopts_apply(struct netopts *no);
void netopts_stop(struct netopts *no);
/* netopts_readback.c: reads back each interface's MAC and MTU (best effort). */
void netopts_readback(struct netopts *no);

/*
 * netopts_mount.c: parses and checks one --mount (no kernel): a type
 * name or "auto", an image the host lets us read (and write, without
 * ro), an absolute mount point below "/".  tool_boot() calls
 * netopts_mount_apply() (netopts_mount_apply.c) after netopts_apply():
 * each image is mounted with ukfs_mount(), "auto" detected as fsconsole
 * does (ukfs_fstype_detect()); the message of a failure names the part
 * that is wrong.  netopts_mount_release() unmounts them, last first.
 */
int netopts_mount_parse(struct netopts *no, const char *arg);
/* Checks m's image and mount point and adds it (after the --mounts given). */
int netopts_mount_add(struct netopts *no, const struct netopts_mount *m);
int netopts_mount_apply(struct netopts *no);
void netopts_mount_release(struct netopts *no);

#endif
