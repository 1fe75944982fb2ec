/*
 * rename(2) and renameat(2), with every POSIX case: over a file, over an
 * empty directory, a directory into its own subtree (EINVAL), the same
 * file under two names (nothing happens), across mounts (EXDEV).
 *
 * Locking.  A rename holds its mount's rename lock throughout, so no
 * other rename changes which directory is inside which.  Under it, the
 * ancestors of both directories are collected (walking ".." up to the
 * mount's root), which decides the order to lock them in: an ancestor
 * before its descendant, unrelated directories by address (no lookup
 * holds one of them while waiting for the other, as lookups lock only
 * parent then child).  Then the names are looked up again under the
 * directory locks, because the first lookup held nothing, and the two
 * files are locked last: neither is an ancestor of the other, or the
 * call already failed with EINVAL or ENOTEMPTY.
 */
#include "rumpkern/kmem.h"
#include "rumpkern/lwp.h"
#include "rumpvfs/namecache.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/vfs_syscalls.h"
#include "syscallargs.h"

KMEM_DEFINE(M_RENAME, "rename");

/* Directories above the one a rename names, up to its mount's root. */
#define RENAME_MAXDEPTH	(PATH_MAX / 2)

struct ancestry {
	struct vnode **a_vp;		/* referenced, the directory first */
	unsigned a_n;
};

static bool
ancestry_has(const struct ancestry *a, const struct vnode *vp)
{
	for (unsigned i = 0; i < a->a_n; i++)
		if (a->a_vp[i] == vp)
			return true;
	return false;
}

static void
ancestry_free(struct ancestry *a)
{
	for (unsigned i = 0; i < a->a_n; i++)
		vrele(a->a_vp[i]);
	kmem_free(&M_RENAME, a->a_vp, RENAME_MAXDEPTH * sizeof(struct vnode *));
}

/* dvp and every directory above it on its mount; ELOOP for a cycle. */
static int
ancestry_get(struct vnode *dvp, kauth_cred_t cred, struct ancestry *a)
{
	struct componentname cn = {
		.cn_nameiop = LOOKUP, .cn_flags = ISDOTDOT | ISLASTCN,
		.cn_cred = cred, .cn_nameptr = "..", .cn_namelen = 2,
	};
	struct vnode *vp = dvp, *parent;
	int error = 0;

	a->a_vp = kmem_alloc(&M_RENAME, RENAME_MAXDEPTH * sizeof(*a->a_vp),
	    KM_SLEEP);
	a->a_n = 0;
	vref(vp);
	for (;;) {
		a->a_vp[a->a_n++] = vp;
		if ((vp->v_vflag & VV_ROOT) != 0)
			break;
		if (a->a_n == RENAME_MAXDEPTH) {
			error = ELOOP;
			break;
		}
		vn_lock(vp, RW_READER);
		error = VOP_LOOKUP(vp, &parent, &cn);
		vn_unlock(vp);
		if (error != 0)
			break;
		if (ancestry_has(a, parent)) {
			vrele(parent);
			error = ELOOP;
			break;
		}
		vp = parent;
	}
	if (error != 0)
		ancestry_free(a);
	return error;
}

/* A rename's two sides. */
struct rename_side {
	struct nameidata nd;
	struct vnode *dvp;		/* referenced */
	struct vnode *vp;		/* looked up again under the locks */
	struct ancestry anc;
};

/* Finds the directory of one side; "/", "." and ".." are EBUSY. */
static int
rename_lookup(struct rename_side *s, struct vfs_pathcall *pc, enum nameiop op)
{
	int error;

	NDINIT(&s->nd, op, LOCKPARENT, pc->pc_path, pc->pc_cred);
	NDAT(&s->nd, pc->pc_atdir);
	error = namei(&s->nd);
	if (error != 0)
		return error;
	if (s->nd.ni_dvp == NULL) {
		namei_release(&s->nd);
		return EBUSY;
	}
	s->dvp = s->nd.ni_dvp;
	vn_unlock(s->dvp);
	if (s->nd.ni_vp != NULL)
		vrele(s->nd.ni_vp);
	s->nd.ni_vp = s->nd.ni_dvp = NULL;
	return 0;
}

static void
rename_lockdirs(struct rename_side *f, struct rename_side *t)
{
	struct vnode *first = f->dvp, *second = t->dvp;

	if (first == second) {
		vn_lock(first, RW_WRITER);
		return;
	}
	if (ancestry_has(&f->anc, t->dvp) ||
	    (!ancestry_has(&t->anc, f->dvp) && (uintptr_t)second < (uintptr_t)first)) {
		first = t->dvp;
		second = f->dvp;
	}
	vn_lock(first, RW_WRITER);
	vn_lock(second, RW_WRITER);
}

static void
rename_unlockdirs(struct rename_side *f, struct rename_side *t)
{
	vn_unlock(f->dvp);
	if (t->dvp != f->dvp)
		vn_unlock(t->dvp);
}

/*
 * The checks of rename(2) on where the files are: made with the
 * directories locked and before the files are, which these checks make
 * safe.
 */
static int
rename_check_tree(struct rename_side *f, struct rename_side *t)
{
	struct vnode *fvp = f->vp, *tvp = t->vp;
	bool isdir = fvp->v_type == VDIR;

	if (fvp->v_mountedhere != NULL ||
	    (tvp != NULL && tvp->v_mountedhere != NULL))
		return EBUSY;
	if (isdir && ancestry_has(&t->anc, fvp))
		return EINVAL;
	/* Linux: a target above the source, before the types are compared. */
	if (tvp != NULL && ancestry_has(&f->anc, tvp))
		return ENOTEMPTY;
	if (!isdir && ((f->nd.ni_cnd.cn_flags | t->nd.ni_cnd.cn_flags) &
	    REQUIREDIR) != 0)
		return ENOTDIR;
	if (tvp != NULL && isdir && tvp->v_type != VDIR)
		return ENOTDIR;
	if (tvp != NULL && !isdir && tvp->v_type == VDIR)
		return EISDIR;
	return 0;
}

/* Permissions, with everything locked. */
static int
rename_check_perm(struct rename_side *f, struct rename_side *t,
    kauth_cred_t cred)
{
	struct vnode *fvp = f->vp, *tvp = t->vp;
	int error;

	error = vfs_may_delete(f->dvp, fvp, cred);
	if (error == 0)
		error = vfs_dir_writable(t->dvp, cred);
	if (error == 0 && tvp != NULL)
		error = vfs_may_delete(t->dvp, tvp, cred);
	/* Moving a directory rewrites its "..". */
	if (error == 0 && fvp->v_type == VDIR && f->dvp != t->dvp)
		error = VOP_ACCESS(fvp, VWRITE, cred);
	return error;
}

/* Under the rename lock and the directory locks: look, check, rename. */
static int
rename_locked(struct rename_side *f, struct rename_side *t, kauth_cred_t cred)
{
	struct componentname *fcnp = &f->nd.ni_cnd, *tcnp = &t->nd.ni_cnd;
	int error;

	error = VOP_LOOKUP(f->dvp, &f->vp, fcnp);
	if (error != 0)
		return error == EJUSTRETURN ? ENOENT : error;
	error = VOP_LOOKUP(t->dvp, &t->vp, tcnp);
	if (error == ENOENT || error == EJUSTRETURN) {
		t->vp = NULL;
		error = 0;
	}
	if (error != 0)
		return error;
	if (f->vp == t->vp)
		return 0;
	/* Locking fvp while its ancestors are held: check them first. */
	error = rename_check_tree(f, t);
	if (error != 0)
		return error;
	vn_lock(f->vp, RW_WRITER);
	if (t->vp != NULL)
		vn_lock(t->vp, RW_WRITER);
	error = rename_check_perm(f, t, cred);
	if (error == 0) {
		cache_purge_name(f->dvp, fcnp->cn_nameptr, fcnp->cn_namelen);
		cache_purge_name(t->dvp, tcnp->cn_nameptr, tcnp->cn_namelen);
	}
	if (error == 0)
		error = VOP_RENAME(f->dvp, f->vp, fcnp, t->dvp, t->vp, tcnp);
	if (t->vp != NULL)
		vn_unlock(t->vp);
	vn_unlock(f->vp);
	return error;
}

static int
rename_sides(struct rename_side *f, struct rename_side *t, kauth_cred_t cred)
{
	struct mount *mp = f->dvp->v_mount;
	int error;

	if (t->dvp->v_mount != mp)
		return EXDEV;
	if ((mp->mnt_flag & MNT_RDONLY) != 0)
		return EROFS;
	mutex_enter(&mp->mnt_renamelock);
	error = ancestry_get(f->dvp, cred, &f->anc);
	if (error != 0)
		goto out;
	error = ancestry_get(t->dvp, cred, &t->anc);
	if (error != 0) {
		ancestry_free(&f->anc);
		goto out;
	}
	rename_lockdirs(f, t);
	f->vp = t->vp = NULL;
	error = rename_locked(f, t, cred);
	rename_unlockdirs(f, t);
	if (f->vp != NULL)
		vrele(f->vp);
	if (t->vp != NULL)
		vrele(t->vp);
	ancestry_free(&t->anc);
	ancestry_free(&f->anc);
out:
	mutex_exit(&mp->mnt_renamelock);
	return error;
}

static int
vfs_renameat(int fromfd, const char *ufrom, int tofd, const char *uto)
{
	struct vfs_pathcall from, to;
	struct rename_side f, t;
	int error;

	error = vfs_pathcall_begin(&from, fromfd, ufrom);
	if (error != 0)
		return error;
	error = vfs_pathcall_begin(&to, tofd, uto);
	if (error != 0)
		goto out_from;
	/*
	 * Both directories are found before either name is looked at, as
	 * Linux does: a missing source under a good directory is ENOENT
	 * only when the target's directory is good too (else its error).
	 * The source's name is looked up again under the locks, for real.
	 */
	error = rename_lookup(&f, &from, RENAME);
	if (error != 0)
		goto out_to;
	error = rename_lookup(&t, &to, RENAME);
	if (error != 0)
		goto out_f;
	error = rename_sides(&f, &t, from.pc_cred);
	vrele(t.dvp);
	namei_done(&t.nd);
out_f:
	vrele(f.dvp);
	namei_done(&f.nd);
out_to:
	vfs_pathcall_end(&to);
out_from:
	vfs_pathcall_end(&from);
	return error;
}

int
sys_rename(struct lwp *l, const struct sys_rename_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_renameat(AT_FDCWD, uap->from, AT_FDCWD, uap->to);
}

int
sys_renameat(struct lwp *l, const struct sys_renameat_args *uap,
    long *retval)
{
	(void)l;
	(void)retval;
	return vfs_renameat(uap->fromfd, uap->from, uap->tofd, uap->to);
}
