/* Credentials: allocation, references and group membership. */
#include "rumpkern/cred.h"
#include "rumpkern/kmem.h"

KMEM_DEFINE(M_CRED, "cred");

static size_t
cred_size(int ngroups)
{
	return sizeof(struct cred) + (size_t)ngroups * sizeof(gid_t);
}

struct cred *
cred_alloc(int ngroups)
{
	struct cred *c;

	KASSERT(ngroups >= 0 && ngroups <= NGROUPS_MAX);
	c = kmem_zalloc(&M_CRED, cred_size(ngroups), KM_SLEEP);
	c->cr_refcnt = 1;
	c->cr_ngroups = ngroups;
	return c;
}

struct cred *
cred_copy(const struct cred *c, int ngroups)
{
	struct cred *n = cred_alloc(ngroups);

	n->cr_uid = c->cr_uid;
	n->cr_euid = c->cr_euid;
	n->cr_suid = c->cr_suid;
	n->cr_gid = c->cr_gid;
	n->cr_egid = c->cr_egid;
	n->cr_sgid = c->cr_sgid;
	memcpy(n->cr_groups, c->cr_groups,
	    (size_t)MIN(ngroups, c->cr_ngroups) * sizeof(gid_t));
	return n;
}

void
cred_hold(struct cred *c)
{
	__atomic_add_fetch(&c->cr_refcnt, 1, __ATOMIC_RELAXED);
}

void
cred_release(struct cred *c)
{
	if (__atomic_sub_fetch(&c->cr_refcnt, 1, __ATOMIC_ACQ_REL) == 0)
		kmem_free(&M_CRED, c, cred_size(c->cr_ngroups));
}

bool
cred_groupmember(const struct cred *c, gid_t gid)
{
	if (c->cr_egid == gid)
		return true;
	for (int i = 0; i < c->cr_ngroups; i++)
		if (c->cr_groups[i] == gid)
			return true;
	return false;
}
