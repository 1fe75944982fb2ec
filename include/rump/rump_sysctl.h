/*
 * The sysctl system call: the kernel's tunables and tables by dotted name.
 *
 *	int rump_sys_sysctl(const char *name, void *oldp, size_t *oldlenp,
 *	    const void *newp, size_t newlen);
 *
 * Reading: the value of name is copied to oldp, *oldlenp bytes at most,
 * and *oldlenp is set to its length.  With oldp NULL only the length is
 * returned; when *oldlenp is too small the call fails with ENOMEM and
 * *oldlenp holds the length needed.  Setting: newp and newlen hold the new
 * value (an int is sizeof(int) bytes, a string its characters without or
 * with a NUL); oldp may be given too and receives the previous value.
 * Setting needs an effective uid of 0 (EPERM otherwise); a read-only
 * name refuses it with EPERM, a value out of range with EINVAL.
 *
 * A name that is a node ("net.inet", "kern.counters", or "" for all)
 * returns an array of struct rump_sysctl_entry, one per leaf under it.
 * ENOENT: no such name.  ENAMETOOLONG: a name of RUMP_SYSCTL_NAMEMAX
 * bytes or more.  EISDIR: setting a node.
 *
 * Tables (RUMP_SYSCTL_TABLE) are arrays of the fixed structures of
 * <rump/rump_netinfo.h>.  Every counter of the kernel is a read-only
 * RUMP_SYSCTL_U64 leaf under "kern.counters" ("kern.counters.ip.badsum").
 */
#ifndef RUMP_RUMP_SYSCTL_H
#define RUMP_RUMP_SYSCTL_H

#include <stdint.h>

#define RUMP_SYSCTL_NAMEMAX	96

/* The type of a leaf's value. */
#define RUMP_SYSCTL_INT		1	/* an int */
#define RUMP_SYSCTL_U64		2	/* a uint64_t */
#define RUMP_SYSCTL_STRING	3	/* characters and a NUL */
#define RUMP_SYSCTL_TABLE	4	/* an array of fixed structures */

/* rse_flags */
#define RUMP_SYSCTL_WRITABLE	0x1

struct rump_sysctl_entry {
	char rse_name[RUMP_SYSCTL_NAMEMAX];	/* NUL-terminated */
	uint32_t rse_type;
	uint32_t rse_flags;
};

_Static_assert(sizeof(struct rump_sysctl_entry) == 104,
    "struct rump_sysctl_entry is part of the ABI");

#endif
