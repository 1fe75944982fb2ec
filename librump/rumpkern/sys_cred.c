/*
 * Credentials and the file-creation mask: getuid, setuid, setgroups,
 * umask and friends, with Linux's rules.  The effective uid 0 stands for
 * the capabilities (CAP_SETUID, CAP_SETGID) that Linux asks for.
 */
#include "rumpkern/cred.h"
#include "rumpkern/kmem.h"
#include "rumpkern/lwp.h"
#include "rumpkern/uio.h"
#include "rump_private.h"
#include "syscallargs.h"

/* What no uid or gid may be: (uid_t)-1 means "unchanged" elsewhere. */
#define ID_INVALID	((uid_t)-1)

typedef int (*cred_changer)(const struct cred *old, struct cred *new,
    const void *arg);

/*
 * Replaces p's credentials with a changed copy (with room for ngroups
 * groups, or as many as before if ngroups is negative), under p_lock so
 * that changes made at once by two threads both take effect.  change()
 * may refuse with an errno value.
 */
static int
cred_change(struct proc *p, int ngroups, cred_changer change, const void *arg)
{
	struct cred *old, *new;
	int error;

	mutex_enter(&p->p_lock);
	old = p->p_cred;
	new = cred_copy(old, ngroups < 0 ? old->cr_ngroups : ngroups);
	error = change(old, new, arg);
	if (error == 0)
		p->p_cred = new;
	mutex_exit(&p->p_lock);
	cred_release(error == 0 ? old : new);
	return error;
}

int
sys_getuid(struct lwp *l, const struct sys_getuid_args *uap, long *retval)
{
	struct cred *c = proc_cred(l->l_proc);

	(void)uap;
	*retval = c->cr_uid;
	cred_release(c);
	return 0;
}

int
sys_geteuid(struct lwp *l, const struct sys_geteuid_args *uap, long *retval)
{
	struct cred *c = proc_cred(l->l_proc);

	(void)uap;
	*retval = c->cr_euid;
	cred_release(c);
	return 0;
}

int
sys_getgid(struct lwp *l, const struct sys_getgid_args *uap, long *retval)
{
	struct cred *c = proc_cred(l->l_proc);

	(void)uap;
	*retval = c->cr_gid;
	cred_release(c);
	return 0;
}

int
sys_getegid(struct lwp *l, const struct sys_getegid_args *uap, long *retval)
{
	struct cred *c = proc_cred(l->l_proc);

	(void)uap;
	*retval = c->cr_egid;
	cred_release(c);
	return 0;
}

/*
 * setuid(2): root sets the real, effective and saved uid; anyone else
 * may only make the effective uid the real or the saved one.
 */
static int
setuid_change(const struct cred *old, struct cred *new, const void *arg)
{
	uid_t uid = *(const uid_t *)arg;

	if (cred_is_root(old)) {
		new->cr_uid = new->cr_euid = new->cr_suid = uid;
		return 0;
	}
	if (uid != old->cr_uid && uid != old->cr_suid)
		return EPERM;
	new->cr_euid = uid;
	return 0;
}

int
sys_setuid(struct lwp *l, const struct sys_setuid_args *uap, long *retval)
{
	(void)retval;
	if (uap->uid == ID_INVALID)
		return EINVAL;
	return cred_change(l->l_proc, -1, setuid_change, &uap->uid);
}

/* setgid(2): the same for the group ids. */
static int
setgid_change(const struct cred *old, struct cred *new, const void *arg)
{
	gid_t gid = *(const gid_t *)arg;

	if (cred_is_root(old)) {
		new->cr_gid = new->cr_egid = new->cr_sgid = gid;
		return 0;
	}
	if (gid != old->cr_gid && gid != old->cr_sgid)
		return EPERM;
	new->cr_egid = gid;
	return 0;
}

int
sys_setgid(struct lwp *l, const struct sys_setgid_args *uap, long *retval)
{
	(void)retval;
	if (uap->gid == ID_INVALID)
		return EINVAL;
	return cred_change(l->l_proc, -1, setgid_change, &uap->gid);
}

int
sys_getgroups(struct lwp *l, const struct sys_getgroups_args *uap,
    long *retval)
{
	struct cred *c;
	int error = 0;

	if (uap->size < 0)
		return EINVAL;
	c = proc_cred(l->l_proc);
	/* Size 0 asks how many there are. */
	if (uap->size > 0 && uap->size < c->cr_ngroups)
		error = EINVAL;
	else if (uap->size > 0)
		error = copyout(c->cr_groups, uap->list,
		    (size_t)c->cr_ngroups * sizeof(gid_t));
	if (error == 0)
		*retval = c->cr_ngroups;
	cred_release(c);
	return error;
}

/* setgroups(2): only root; the groups are copied in beforehand. */
static int
setgroups_change(const struct cred *old, struct cred *new, const void *arg)
{
	const gid_t *groups = arg;

	if (!cred_is_root(old))
		return EPERM;
	memcpy(new->cr_groups, groups, (size_t)new->cr_ngroups * sizeof(gid_t));
	return 0;
}

int
sys_setgroups(struct lwp *l, const struct sys_setgroups_args *uap,
    long *retval)
{
	struct cred *c;
	gid_t *groups;
	size_t len;
	int error;

	(void)retval;
	c = proc_cred(l->l_proc);
	error = cred_is_root(c) ? 0 : EPERM;
	cred_release(c);
	if (error != 0)
		return error;
	if (uap->size > NGROUPS_MAX)
		return EINVAL;
	len = uap->size * sizeof(gid_t);
	groups = kmem_alloc(&M_TEMP, len + 1, KM_SLEEP);
	error = copyin(uap->list, groups, len);
	if (error == 0)
		error = cred_change(l->l_proc, (int)uap->size, setgroups_change,
		    groups);
	kmem_free(&M_TEMP, groups, len + 1);
	return error;
}

int
sys_umask(struct lwp *l, const struct sys_umask_args *uap, long *retval)
{
	*retval = __atomic_exchange_n(&l->l_proc->p_umask, uap->mask & 0777,
	    __ATOMIC_RELAXED);
	return 0;
}

struct setcred_args {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;	/* new->cr_ngroups of them, copied in */
};

/* rump_lwproc_setcred(): root makes the process someone else entirely. */
static int
setcred_change(const struct cred *old, struct cred *new, const void *arg)
{
	const struct setcred_args *sa = arg;

	if (!cred_is_root(old))
		return EPERM;
	new->cr_uid = new->cr_euid = new->cr_suid = sa->uid;
	new->cr_gid = new->cr_egid = new->cr_sgid = sa->gid;
	memcpy(new->cr_groups, sa->groups,
	    (size_t)new->cr_ngroups * sizeof(gid_t));
	return 0;
}

int
rumppriv_lwproc_setcred(uid_t uid, gid_t gid, int ngroups,
    const gid_t *groups)
{
	struct setcred_args sa = { .uid = uid, .gid = gid };
	size_t len;
	gid_t *copy;
	int error;

	if (ngroups < 0 || ngroups > NGROUPS_MAX || uid == ID_INVALID ||
	    gid == ID_INVALID)
		return EINVAL;
	len = (size_t)ngroups * sizeof(gid_t);
	copy = kmem_alloc(&M_TEMP, len + 1, KM_SLEEP);
	error = ngroups > 0 ? copyin(groups, copy, len) : 0;
	sa.groups = copy;
	if (error == 0)
		error = cred_change(curproc, ngroups, setcred_change, &sa);
	kmem_free(&M_TEMP, copy, len + 1);
	return error;
}
