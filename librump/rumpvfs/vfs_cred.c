/*
 * The credential accessors of vfs_cred.h.
 */
#include "rumpvfs/vfs_cred.h"

struct kauth_cred {
	uid_t cr_euid;
	gid_t cr_egid;
};

static const struct kauth_cred vfs_rootcred;

uid_t
kauth_cred_geteuid(kauth_cred_t cred)
{
	return cred->cr_euid;
}

gid_t
kauth_cred_getegid(kauth_cred_t cred)
{
	return cred->cr_egid;
}

bool
kauth_cred_groupmember(kauth_cred_t cred, gid_t gid)
{
	return cred->cr_egid == gid;
}

kauth_cred_t
kauth_cred_get(void)
{
	return &vfs_rootcred;
}
