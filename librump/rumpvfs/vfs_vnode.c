/*
 * The vnode cache: vnodes keyed by (mount, file id), loaded on demand,
 * referenced, locked, and reclaimed when unreferenced and over the limit.
 *
 * vcache_lock protects the hash table, the free list, each vnode's
 * v_usecount and v_state, and the mounts' vnode lists.  It is never held
 * across a call into a file system: loading (vfs_loadvnode), VOP_INACTIVE
 * and VOP_RECLAIM run with the vnode lock alone, while the vnode's state
 * (VS_LOADING, VS_RECLAIMING) makes other lookups of the same key wait on
 * vcache_cv.  The lock order is written in vnode.h.
 *
 * An unreferenced vnode is on the free list, least recently released
 * first; nobody holds its lock, so reclaiming it never waits for a vnode
 * lock and may be done from any context that holds no vcache_lock.
 */
#include "rumpkern/kmem.h"
#include "rumpkern/lwp.h"
#include "rumpvfs/buf.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/namecache.h"
#include "rumpvfs/vnode.h"

KMEM_DEFINE(M_VNODE, "vnode");

#define VCACHE_HASHSIZE	1024	/* buckets; a power of two */

unsigned vcache_max = VNODE_CACHE_MAX;

static kmutex_t vcache_lock;
static kcondvar_t vcache_cv;
static TAILQ_HEAD(vnodelist, vnode) vcache_hash[VCACHE_HASHSIZE];
static struct vnodelist vcache_free = TAILQ_HEAD_INITIALIZER(vcache_free);
static unsigned vcache_numvnodes;	/* all, in the table or anonymous */
static unsigned vcache_numfree;

static struct vnodelist *
vcache_bucket(const struct mount *mp, uint64_t id)
{
	uint64_t h = (uint64_t)(uintptr_t)mp * 0x9e3779b97f4a7c15ULL ^ id;

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return &vcache_hash[h & (VCACHE_HASHSIZE - 1)];
}

static struct vnode *
vcache_find(const struct mount *mp, uint64_t id)
{
	struct vnode *vp;

	KASSERT(mutex_owned(&vcache_lock));
	TAILQ_FOREACH(vp, vcache_bucket(mp, id), v_hash)
		if (vp->v_mount == mp && vp->v_id == id)
			return vp;
	return NULL;
}

static struct vnode *
vnode_alloc(void)
{
	struct vnode *vp = kmem_zalloc(&M_VNODE, sizeof(*vp), KM_SLEEP);

	rw_init(&vp->v_lock);
	TAILQ_INIT(&vp->v_bufs);
	TAILQ_INIT(&vp->v_dirtybufs);
	TAILQ_INIT(&vp->v_nclist);
	vp->v_type = VNON;
	return vp;
}

static void
vnode_free(struct vnode *vp)
{
	KASSERT(TAILQ_EMPTY(&vp->v_bufs));
	rw_destroy(&vp->v_lock);
	kmem_free(&M_VNODE, vp, sizeof(*vp));
}

/* Takes vp out of the table and the mount's list; vcache_lock held. */
static void
vcache_unlink(struct vnode *vp)
{
	KASSERT(mutex_owned(&vcache_lock));
	if (vp->v_mount != NULL) {
		TAILQ_REMOVE(vcache_bucket(vp->v_mount, vp->v_id), vp, v_hash);
		TAILQ_REMOVE(&vp->v_mount->mnt_vnodes, vp, v_mntlist);
		vp->v_mount->mnt_nvnodes--;
	}
	vcache_numvnodes--;
	cv_broadcast(&vcache_cv);
}

/*
 * Reclaims vp, which is VS_RECLAIMING, unreferenced and locked by the
 * caller: the file system frees its part, then the vnode goes.
 */
static void
vcache_reclaim_locked(struct vnode *vp)
{
	int error;

	KASSERT(vp->v_state == VS_RECLAIMING && vp->v_usecount == 0);
	if (vp->v_needinactive) {
		bool recycle;

		vp->v_needinactive = false;
		(void)VOP_INACTIVE(vp, &recycle);
	}
	(void)vinvalbuf(vp, true);
	error = VOP_RECLAIM(vp);
	KASSERTMSG(error == 0 || error == EOPNOTSUPP,
	    "vnode %p: reclaim failed: %d", vp, error);
	cache_purge_dir(vp);
	vn_unlock(vp);
	mutex_enter(&vcache_lock);
	vcache_unlink(vp);
	mutex_exit(&vcache_lock);
	vnode_free(vp);
}

/* Reclaims the least recently released vnodes while over vcache_max. */
static void
vcache_trim(void)
{
	struct vnode *vp;

	mutex_enter(&vcache_lock);
	while (vcache_numfree > vcache_max) {
		vp = TAILQ_FIRST(&vcache_free);
		TAILQ_REMOVE(&vcache_free, vp, v_freelist);
		vcache_numfree--;
		vp->v_state = VS_RECLAIMING;
		mutex_exit(&vcache_lock);
		vn_lock(vp, RW_WRITER);
		vcache_reclaim_locked(vp);
		mutex_enter(&vcache_lock);
	}
	mutex_exit(&vcache_lock);
}

/* Loads the new vnode vp (VS_LOADING, one reference) from its file system. */
static int
vcache_load(struct vnode *vp)
{
	struct mount *mp = vp->v_mount;
	int error;

	vn_lock(vp, RW_WRITER);
	error = mp->mnt_op->vfs_loadvnode(mp, vp, vp->v_id);
	vn_unlock(vp);
	mutex_enter(&vcache_lock);
	if (error != 0) {
		vp->v_usecount = 0;
		vcache_unlink(vp);
		mutex_exit(&vcache_lock);
		vnode_free(vp);
		return error;
	}
	KASSERT(vp->v_op != NULL && vp->v_type != VNON);
	vp->v_state = VS_ACTIVE;
	cv_broadcast(&vcache_cv);
	mutex_exit(&vcache_lock);
	return 0;
}

int
vcache_get(struct mount *mp, uint64_t id, struct vnode **vpp)
{
	struct vnode *vp, *new = NULL;

	mutex_enter(&vcache_lock);
	for (;;) {
		vp = vcache_find(mp, id);
		if (vp != NULL && vp->v_state != VS_ACTIVE) {
			cv_wait(&vcache_cv, &vcache_lock);
			continue;
		}
		if (vp != NULL || new != NULL)
			break;
		/* Allocate without the lock, then look again. */
		mutex_exit(&vcache_lock);
		new = vnode_alloc();
		mutex_enter(&vcache_lock);
	}
	if (vp != NULL) {
		if (vp->v_usecount++ == 0) {
			TAILQ_REMOVE(&vcache_free, vp, v_freelist);
			vcache_numfree--;
			/* The next last reference will inactivate it. */
			vp->v_needinactive = false;
		}
		mutex_exit(&vcache_lock);
		if (new != NULL)
			vnode_free(new);
		*vpp = vp;
		return 0;
	}
	new->v_mount = mp;
	new->v_id = id;
	new->v_usecount = 1;
	new->v_state = VS_LOADING;
	TAILQ_INSERT_HEAD(vcache_bucket(mp, id), new, v_hash);
	TAILQ_INSERT_TAIL(&mp->mnt_vnodes, new, v_mntlist);
	mp->mnt_nvnodes++;
	vcache_numvnodes++;
	mutex_exit(&vcache_lock);
	*vpp = NULL;
	int error = vcache_load(new);
	if (error == 0)
		*vpp = new;
	return error;
}

struct vnode *
vnalloc_anon(enum vtype type, const struct vnodeops *ops, void *data)
{
	struct vnode *vp = vnode_alloc();

	vp->v_type = type;
	vp->v_op = ops;
	vp->v_data = data;
	vp->v_usecount = 1;
	vp->v_state = VS_ACTIVE;
	vp->v_vflag = VV_SYSTEM;
	mutex_enter(&vcache_lock);
	vcache_numvnodes++;
	mutex_exit(&vcache_lock);
	return vp;
}

void
vref(struct vnode *vp)
{
	mutex_enter(&vcache_lock);
	KASSERTMSG(vp->v_usecount > 0, "vref: vnode %p unreferenced", vp);
	vp->v_usecount++;
	mutex_exit(&vcache_lock);
}

/*
 * The last reference went: VOP_INACTIVE with the vnode locked, then the
 * vnode is cached unreferenced or, when the file system asks (no links
 * left) or it has no mount, reclaimed.  A vcache_get() during
 * VOP_INACTIVE revives it: then it simply stays referenced.
 */
static void
vrele_last(struct vnode *vp)
{
	bool recycle = false;
	int error;

	/*
	 * Whoever holds the lock also holds a reference (or is letting both
	 * go): never wait for it here, the caller may hold a child of vp.
	 */
	if (!rw_tryenter(&vp->v_lock, RW_WRITER)) {
		mutex_enter(&vcache_lock);
		if (--vp->v_usecount > 0) {
			mutex_exit(&vcache_lock);
			return;
		}
		vp->v_needinactive = true;
		TAILQ_INSERT_TAIL(&vcache_free, vp, v_freelist);
		vcache_numfree++;
		mutex_exit(&vcache_lock);
		vcache_trim();
		return;
	}
	error = VOP_INACTIVE(vp, &recycle);
	if (error != 0 && error != EOPNOTSUPP)
		recycle = true;
	mutex_enter(&vcache_lock);
	if (--vp->v_usecount > 0) {
		mutex_exit(&vcache_lock);
		vn_unlock(vp);
		return;
	}
	if (recycle || vp->v_mount == NULL) {
		vp->v_state = VS_RECLAIMING;
		mutex_exit(&vcache_lock);
		vcache_reclaim_locked(vp);
		return;
	}
	TAILQ_INSERT_TAIL(&vcache_free, vp, v_freelist);
	vcache_numfree++;
	mutex_exit(&vcache_lock);
	vn_unlock(vp);
	vcache_trim();
}

void
vrele(struct vnode *vp)
{
	mutex_enter(&vcache_lock);
	KASSERTMSG(vp->v_usecount > 0, "vrele: vnode %p unreferenced", vp);
	if (vp->v_usecount > 1) {
		vp->v_usecount--;
		mutex_exit(&vcache_lock);
		return;
	}
	mutex_exit(&vcache_lock);
	vrele_last(vp);
}

void
vn_lock(struct vnode *vp, krw_t op)
{
	rw_enter(&vp->v_lock, op);
}

void
vn_unlock(struct vnode *vp)
{
	rw_exit(&vp->v_lock);
}

void
vput(struct vnode *vp)
{
	vn_unlock(vp);
	vrele(vp);
}

bool
vn_locked_excl(const struct vnode *vp)
{
	return rw_write_held(&vp->v_lock);
}

void
vop_lockcheck(const struct vnode *vp, char state, const char *op,
    const char *arg, const char *when)
{
	bool ok;

	if (vp == NULL)
		return;
	switch (state) {
	case 'L':
		ok = rw_lock_held(&vp->v_lock);
		break;
	case 'E':
		ok = rw_write_held(&vp->v_lock);
		break;
	default:
		ok = !rw_write_held(&vp->v_lock);
		break;
	}
	KASSERTMSG(ok, "%s: %s (vnode %p) not in lock state %c on %s",
	    op, arg, vp, state, when);
}

int
vflush(struct mount *mp)
{
	struct vnode *vp, *next;
	int busy = 0;

	mutex_enter(&vcache_lock);
again:
	TAILQ_FOREACH_SAFE(vp, &vcache_free, v_freelist, next) {
		if (mp != NULL && vp->v_mount != mp)
			continue;
		TAILQ_REMOVE(&vcache_free, vp, v_freelist);
		vcache_numfree--;
		vp->v_state = VS_RECLAIMING;
		mutex_exit(&vcache_lock);
		vn_lock(vp, RW_WRITER);
		vcache_reclaim_locked(vp);
		mutex_enter(&vcache_lock);
		goto again;
	}
	if (mp != NULL) {
		TAILQ_FOREACH(vp, &mp->mnt_vnodes, v_mntlist)
			if (vp != mp->mnt_rootvp || vp->v_usecount > 1)
				busy++;
	}
	mutex_exit(&vcache_lock);
	return busy > 0 ? EBUSY : 0;
}

void
vcache_counts(unsigned *total, unsigned *unreferenced)
{
	mutex_enter(&vcache_lock);
	*total = vcache_numvnodes;
	*unreferenced = vcache_numfree;
	mutex_exit(&vcache_lock);
}

void
vcache_init(void)
{
	mutex_init(&vcache_lock, MUTEX_DEFAULT);
	cv_init(&vcache_cv);
	for (size_t i = 0; i < VCACHE_HASHSIZE; i++)
		TAILQ_INIT(&vcache_hash[i]);
}

void
vcache_fini(void)
{
	KASSERTMSG(vcache_numvnodes == 0, "vcache_fini: %u vnodes left",
	    vcache_numvnodes);
	cv_destroy(&vcache_cv);
	mutex_destroy(&vcache_lock);
}
