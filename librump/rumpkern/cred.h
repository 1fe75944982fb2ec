/*
 * Credentials: who a process acts as, and who opened a file.
 *
 * A struct cred never changes once made: changing a process's identity
 * (setuid, setgroups) makes a new one and swaps the process's pointer.
 * So a file or a caller holding a reference reads it without a lock.
 * References are counted with atomics; the last release frees it.
 */
#ifndef RUMPKERN_CRED_H
#define RUMPKERN_CRED_H

#include "rumpkern/abi.h"

/* The most supplementary groups a process may have (Linux's NGROUPS_MAX). */
#define NGROUPS_MAX	65536

struct cred {
	unsigned cr_refcnt;		/* atomic */
	uid_t cr_uid, cr_euid, cr_suid;	/* real, effective, saved */
	gid_t cr_gid, cr_egid, cr_sgid;
	int cr_ngroups;
	gid_t cr_groups[];		/* cr_ngroups supplementary groups */
};

/* A new credential of uid 0 and gid 0 with ngroups groups, all zero. */
struct cred *cred_alloc(int ngroups);
/* A copy of c, with room for ngroups groups (the first ones copied). */
struct cred *cred_copy(const struct cred *c, int ngroups);
void cred_hold(struct cred *c);
void cred_release(struct cred *c);

/* The effective uid 0 may do what permission checks would refuse. */
static inline bool
cred_is_root(const struct cred *c)
{
	return c->cr_euid == 0;
}

/* The effective gid or one of the supplementary groups is gid. */
bool cred_groupmember(const struct cred *c, gid_t gid);

#endif
