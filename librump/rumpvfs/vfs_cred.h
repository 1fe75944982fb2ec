/*
 * Credentials as the VFS and file systems see them: the effective user
 * and group and the supplementary groups of the caller, behind an opaque
 * kauth_cred_t and a few accessors, as in NetBSD.  A file system never
 * reads a process structure; it is handed the cred to check.
 */
#ifndef RUMPVFS_VFS_CRED_H
#define RUMPVFS_VFS_CRED_H

#include "rumpvfs/vfs_abi.h"

typedef const struct kauth_cred *kauth_cred_t;

uid_t kauth_cred_geteuid(kauth_cred_t cred);
gid_t kauth_cred_getegid(kauth_cred_t cred);
/* Whether gid is the effective group or one of the supplementary ones. */
bool kauth_cred_groupmember(kauth_cred_t cred, gid_t gid);
/* The calling process's credentials, valid for the duration of a call. */
kauth_cred_t kauth_cred_get(void);

#endif
