/*
 * namei: from a path to vnodes (namei.h says what it returns).
 *
 * The walk holds one directory, dp: referenced and locked (shared while
 * passing through it, exclusive when it is the last directory and the
 * caller wants it with LOCKPARENT).  VOP_LOOKUP returns the entry
 * referenced and unlocked, so ".." never locks a parent while its child
 * is locked; dp is released before the next directory is locked, and
 * the leaf is locked (LOCKLEAF) only after its parent: parent before
 * child, the order of vnode.h.
 *
 * A symbolic link is expanded in place in ni_pnbuf: its target followed
 * by what remained of the path; an absolute target restarts from the
 * process's root.
 */
#include "rumpkern/kmem.h"
#include "rumpkern/lwp.h"
#include "rumpvfs/namecache.h"
#include "rumpvfs/namei.h"
#include "rumpvfs/vfs_private.h"

void
NDINIT(struct nameidata *ndp, enum nameiop op, uint32_t flags,
    const char *path, kauth_cred_t cred)
{
	memset(ndp, 0, sizeof(*ndp));
	ndp->ni_path = path;
	ndp->ni_flags = flags;
	ndp->ni_cnd.cn_nameiop = op;
	ndp->ni_cnd.cn_cred = cred;
}

void
NDAT(struct nameidata *ndp, struct vnode *atdir)
{
	ndp->ni_atdir = atdir;
}

void
namei_done(struct nameidata *ndp)
{
	if (ndp->ni_pnbuf != NULL)
		pnbuf_put(ndp->ni_pnbuf);
	ndp->ni_pnbuf = NULL;
}

void
namei_release(struct nameidata *ndp)
{
	if (ndp->ni_vp != NULL) {
		if ((ndp->ni_flags & LOCKLEAF) != 0)
			vput(ndp->ni_vp);
		else
			vrele(ndp->ni_vp);
	}
	if (ndp->ni_dvp != NULL)
		vput(ndp->ni_dvp);
	ndp->ni_vp = ndp->ni_dvp = NULL;
	namei_done(ndp);
}

/* The walk's state besides the nameidata. */
struct walk {
	struct vnode *root;	/* the process's root, referenced */
	struct vnode *dp;	/* the current directory, referenced, locked */
	krw_t dpmode;
	char *cp;		/* the rest of the path in ni_pnbuf */
};

static void
walk_setdir(struct walk *w, struct vnode *vp, krw_t mode)
{
	w->dp = vp;
	w->dpmode = mode;
	vn_lock(vp, mode);
}

/* Relocks dp in mode; dp may change meanwhile only as a directory may. */
static void
walk_relock(struct walk *w, krw_t mode)
{
	if (w->dpmode == mode)
		return;
	vn_unlock(w->dp);
	vn_lock(w->dp, mode);
	w->dpmode = mode;
}

/*
 * Expands the symbolic link vp (referenced, unlocked) in front of the
 * rest of the path (w->cp, starting at the separator after the link's
 * name): ni_pnbuf becomes target + rest.
 */
static int
walk_symlink(struct nameidata *ndp, struct walk *w, struct vnode *vp)
{
	char *target;
	struct iovec iov;
	struct uio uio;
	size_t len, restlen = strlen(w->cp);
	int error;

	if (++ndp->ni_loopcnt > MAXSYMLINKS)
		return ELOOP;
	target = pnbuf_get();
	iov.iov_base = target;
	iov.iov_len = PATH_MAX;
	uio.uio_iov = &iov;
	uio.uio_iovcnt = 1;
	uio.uio_offset = 0;
	uio.uio_resid = PATH_MAX;
	uio.uio_rw = UIO_READ;
	vn_lock(vp, RW_READER);
	error = VOP_READLINK(vp, &uio, ndp->ni_cnd.cn_cred);
	vn_unlock(vp);
	len = PATH_MAX - uio.uio_resid;
	if (error == 0 && len == 0)
		error = ENOENT;
	if (error == 0 && len + restlen >= PATH_MAX)
		error = ENAMETOOLONG;
	if (error == 0) {
		memmove(ndp->ni_pnbuf + len, w->cp, restlen + 1);
		memcpy(ndp->ni_pnbuf, target, len);
		w->cp = ndp->ni_pnbuf;
	}
	pnbuf_put(target);
	if (error == 0 && ndp->ni_pnbuf[0] == '/') {
		vput(w->dp);
		vref(w->root);
		walk_setdir(w, w->root, RW_READER);
	}
	return error;
}

/*
 * ".." from dp: stays at the process's root; from the root of a mount,
 * first goes down to the directory it covers (repeatedly, for mounts
 * stacked on mounts).
 */
static void
walk_dotdot_cross(struct walk *w)
{
	while (w->dp != w->root && (w->dp->v_vflag & VV_ROOT) != 0 &&
	    w->dp->v_mount->mnt_vnodecovered != NULL) {
		struct vnode *covered = w->dp->v_mount->mnt_vnodecovered;

		vref(covered);
		vput(w->dp);
		walk_setdir(w, covered, w->dpmode);
	}
}

/*
 * VOP_LOOKUP through the name cache: a name cached is a vcache_get of its
 * file id (or ENOENT), one the file system found or missed (for a plain
 * lookup only: a missing name about to be created would be purged at
 * once) is entered.  dp stays locked throughout, so nobody changes its
 * names between the lookup and the entry.
 */
static int
walk_vop_lookup(struct walk *w, struct componentname *cnp, struct vnode **vpp)
{
	struct vnode *dp = w->dp;
	uint64_t id;
	int error;

	switch (cache_lookup(dp, cnp->cn_nameptr, cnp->cn_namelen, &id)) {
	case CACHE_HIT:
		return vcache_get(dp->v_mount, id, vpp);
	case CACHE_NEGATIVE:
		return ENOENT;
	case CACHE_MISS:
		break;
	}
	error = VOP_LOOKUP(dp, vpp, cnp);
	if (error == 0 && (*vpp)->v_mount == dp->v_mount)
		cache_enter(dp, cnp->cn_nameptr, cnp->cn_namelen, (*vpp)->v_id,
		    false);
	else if (error == ENOENT && cnp->cn_nameiop == LOOKUP)
		cache_enter(dp, cnp->cn_nameptr, cnp->cn_namelen, 0, true);
	return error;
}

/* What the lookup of one component found, and where the next starts. */
static int
walk_lookup(struct nameidata *ndp, struct walk *w, struct vnode **vpp)
{
	struct componentname *cnp = &ndp->ni_cnd;
	struct vnode *vp, *mounted;
	int error;

	if ((cnp->cn_flags & ISDOTDOT) != 0) {
		if (w->dp == w->root) {
			vref(w->dp);
			*vpp = w->dp;
			return 0;
		}
		walk_dotdot_cross(w);
	}
	if (cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.') {
		vref(w->dp);
		*vpp = w->dp;
		return 0;
	}
	if ((cnp->cn_flags & ISDOTDOT) != 0)
		error = VOP_LOOKUP(w->dp, &vp, cnp);
	else
		error = walk_vop_lookup(w, cnp, &vp);
	if (error == EJUSTRETURN)
		error = ENOENT;
	if (error != 0)
		return error;
	while (vp->v_type == VDIR && (mounted = vfs_mount_crossing(vp)) != NULL) {
		vrele(vp);
		vp = mounted;
	}
	*vpp = vp;
	return 0;
}

/*
 * Splits off the next component at w->cp into ni_cnd; says whether it is
 * the last (only slashes follow) and whether a slash follows it.
 */
static int
walk_component(struct nameidata *ndp, struct walk *w)
{
	struct componentname *cnp = &ndp->ni_cnd;
	char *p = w->cp;
	size_t len = 0;

	while (p[len] != '\0' && p[len] != '/')
		len++;
	if (len > NAME_MAX)
		return ENAMETOOLONG;
	cnp->cn_nameptr = p;
	cnp->cn_namelen = len;
	cnp->cn_flags = ndp->ni_flags;
	if (len == 2 && p[0] == '.' && p[1] == '.')
		cnp->cn_flags |= ISDOTDOT;
	w->cp = p + len;
	if (*w->cp == '/')
		cnp->cn_flags |= REQUIREDIR;
	while (*w->cp == '/')
		w->cp++;
	if (*w->cp == '\0')
		cnp->cn_flags |= ISLASTCN;
	else
		cnp->cn_flags &= ~REQUIREDIR;
	return 0;
}

static bool
cn_isdot(const struct componentname *cnp)
{
	return (cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.') ||
	    (cnp->cn_flags & ISDOTDOT) != 0;
}

/* The path named dp itself ("/", "." or ".." at the end): no parent. */
static void
walk_finish_self(struct nameidata *ndp, struct walk *w, struct vnode *vp)
{
	vput(w->dp);
	w->dp = NULL;
	ndp->ni_dvp = NULL;
	ndp->ni_vp = vp;
	if ((ndp->ni_flags & LOCKLEAF) != 0)
		vn_lock(vp, RW_WRITER);
}

static int
walk(struct nameidata *ndp, struct walk *w)
{
	struct componentname *cnp = &ndp->ni_cnd;
	bool creating = cnp->cn_nameiop == CREATE || cnp->cn_nameiop == RENAME;
	struct vnode *vp;
	int error;

	for (;;) {
		while (*w->cp == '/')
			w->cp++;
		if (*w->cp == '\0') {
			/* "/" alone, or an empty path with EMPTYPATH. */
			vref(w->dp);
			cnp->cn_nameptr = w->cp;
			cnp->cn_namelen = 0;
			cnp->cn_flags = ndp->ni_flags | ISLASTCN;
			walk_finish_self(ndp, w, w->dp);
			return 0;
		}
		if (w->dp->v_type != VDIR)
			return ENOTDIR;
		error = walk_component(ndp, w);
		if (error != 0)
			return error;
		if ((cnp->cn_flags & ISLASTCN) != 0 &&
		    (ndp->ni_flags & LOCKPARENT) != 0 && !cn_isdot(cnp))
			walk_relock(w, RW_WRITER);
		error = VOP_ACCESS(w->dp, VEXEC, cnp->cn_cred);
		if (error != 0)
			return error;
		error = walk_lookup(ndp, w, &vp);
		if (error == ENOENT && creating && (cnp->cn_flags & ISLASTCN) != 0) {
			if ((ndp->ni_flags & LOCKPARENT) == 0)
				return ENOENT;
			ndp->ni_vp = NULL;
			ndp->ni_dvp = w->dp;
			w->dp = NULL;
			return 0;
		}
		if (error != 0)
			return error;
		if (vp->v_type == VLNK && ((cnp->cn_flags & ISLASTCN) == 0 ||
		    (ndp->ni_flags & FOLLOW) != 0 ||
		    (cnp->cn_flags & REQUIREDIR) != 0)) {
			/* Back up to the separator after the link's name. */
			w->cp = (char *)(uintptr_t)cnp->cn_nameptr + cnp->cn_namelen;
			error = walk_symlink(ndp, w, vp);
			vrele(vp);
			if (error != 0)
				return error;
			continue;
		}
		if ((cnp->cn_flags & ISLASTCN) == 0) {
			vput(w->dp);
			walk_setdir(w, vp, RW_READER);
			continue;
		}
		if ((cnp->cn_flags & REQUIREDIR) != 0 && vp->v_type != VDIR) {
			vrele(vp);
			return ENOTDIR;
		}
		if (cn_isdot(cnp)) {
			walk_finish_self(ndp, w, vp);
			return 0;
		}
		if ((ndp->ni_flags & LOCKPARENT) != 0) {
			ndp->ni_dvp = w->dp;
		} else {
			vput(w->dp);
		}
		w->dp = NULL;
		ndp->ni_vp = vp;
		if ((ndp->ni_flags & LOCKLEAF) != 0)
			vn_lock(vp, RW_WRITER);
		return 0;
	}
}

/* The directory a path starts from, referenced: root, at-dir or cwd. */
static struct vnode *
namei_startdir(struct nameidata *ndp, struct vnode *root)
{
	struct vnode *dp;

	if (ndp->ni_pnbuf[0] == '/') {
		vref(root);
		return root;
	}
	if (ndp->ni_atdir != NULL) {
		vref(ndp->ni_atdir);
		return ndp->ni_atdir;
	}
	dp = proc_cwd(curproc);
	if (dp == NULL) {
		vref(root);
		dp = root;
	}
	return dp;
}

int
namei(struct nameidata *ndp)
{
	struct walk w;
	size_t len = strnlen(ndp->ni_path, PATH_MAX);
	int error;

	ndp->ni_vp = ndp->ni_dvp = NULL;
	ndp->ni_loopcnt = 0;
	if (len >= PATH_MAX)
		return ENAMETOOLONG;
	if (len == 0 && (ndp->ni_flags & EMPTYPATH) == 0)
		return ENOENT;
	ndp->ni_pnbuf = pnbuf_get();
	memcpy(ndp->ni_pnbuf, ndp->ni_path, len + 1);
	w.root = proc_rdir(curproc);
	if (w.root == NULL) {
		vref(rootvnode);
		w.root = rootvnode;
	}
	walk_setdir(&w, namei_startdir(ndp, w.root), RW_READER);
	w.cp = ndp->ni_pnbuf;
	error = walk(ndp, &w);
	if (w.dp != NULL)
		vput(w.dp);
	vrele(w.root);
	if (error != 0)
		namei_done(ndp);
	return error;
}
