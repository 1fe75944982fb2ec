/*
 * Credentials as the VFS and file systems see them: the caller's
 * effective user and group and its supplementary groups, behind the
 * opaque kauth_cred_t and a few accessors, as in NetBSD.  A file system
 * never reads a process; it is handed the credentials to check.  They are
 * the kernel's struct cred (rumpkern/cred.h), which never changes once
 * made, so they are read without a lock.
 */
#ifndef RUMPVFS_VFS_CRED_H
#define RUMPVFS_VFS_CRED_H

#include "rumpkern/cred.h"

typedef const struct cred *kauth_cred_t;

static inline uid_t
kauth_cred_geteuid(kauth_cred_t cred)
{
	return cred->cr_euid;
}

static inline gid_t
kauth_cred_getegid(kauth_cred_t cred)
{
	return cred->cr_egid;
}

/* Whether gid is the effective group or one of the supplementary ones. */
static inline bool
kauth_cred_groupmember(kauth_cred_t cred, gid_t gid)
{
	return cred_groupmember(cred, gid);
}

#endif
