/*
 * rumpfs as a file-system type: mounting, nodes, statistics.
 */
#include "rumpkern/kmem.h"
#include "rumpvfs/rumpfs.h"

KMEM_DEFINE(M_RUMPFS, "rumpfs");

/* Linux's tmpfs magic, for statfs's f_type. */
#define RUMPFS_MAGIC	0x01021994

struct rumpfs_node *
rumpfs_node_alloc(struct mount *mp, enum vtype type, const struct vattr *vap)
{
	struct rumpfs_mount *rm = VFSTORM(mp);
	struct rumpfs_node *rn = kmem_zalloc(&M_RUMPFS, sizeof(*rn), KM_SLEEP);
	struct timespec now;

	rn->rn_type = type;
	rn->rn_mode = vap->va_mode & ALLPERMS;
	rn->rn_uid = vap->va_uid;
	rn->rn_gid = vap->va_gid;
	rn->rn_rdev = vap->va_rdev;
	rn->rn_nlink = type == VDIR ? 2 : 1;
	TAILQ_INIT(&rn->rn_dir);
	rn->rn_nextcookie = 2;		/* 0 is ".", 1 is ".." */
	vfs_timestamp(&now);
	rn->rn_atime = rn->rn_mtime = rn->rn_ctime = now;
	mutex_enter(&rm->rm_lock);
	rn->rn_ino = rm->rm_nextino++;
	rm->rm_nnodes++;
	LIST_INSERT_HEAD(&rm->rm_nodes, rn, rn_list);
	mutex_exit(&rm->rm_lock);
	return rn;
}

void
rumpfs_node_free(struct mount *mp, struct rumpfs_node *rn)
{
	struct rumpfs_mount *rm = VFSTORM(mp);
	struct rumpfs_dirent *rd;

	mutex_enter(&rm->rm_lock);
	LIST_REMOVE(rn, rn_list);
	rm->rm_nnodes--;
	mutex_exit(&rm->rm_lock);
	while ((rd = TAILQ_FIRST(&rn->rn_dir)) != NULL) {
		TAILQ_REMOVE(&rn->rn_dir, rd, rd_entries);
		kmem_free(&M_RUMPFS, rd, sizeof(*rd) + rd->rd_namelen);
	}
	rumpfs_truncate(rn, 0);
	if (rn->rn_target != NULL)
		kmem_strfree(&M_RUMPFS, rn->rn_target);
	if (rn->rn_devvp != NULL)
		vrele(rn->rn_devvp);
	kmem_free(&M_RUMPFS, rn, sizeof(*rn));
}

/* Resizes the page array of rn to n entries, holes where there were none. */
static void
rumpfs_setnpages(struct rumpfs_node *rn, size_t n)
{
	char **pages = NULL;

	if (n > 0) {
		pages = kmem_zalloc(&M_RUMPFS, n * sizeof(char *), KM_SLEEP);
		if (rn->rn_npages > 0)
			memcpy(pages, rn->rn_pages,
			    MIN(n, rn->rn_npages) * sizeof(char *));
	}
	if (rn->rn_npages > 0)
		kmem_free(&M_RUMPFS, rn->rn_pages, rn->rn_npages * sizeof(char *));
	rn->rn_pages = pages;
	rn->rn_npages = n;
}

void
rumpfs_truncate(struct rumpfs_node *rn, uint64_t size)
{
	size_t keep = (size_t)howmany(size, RUMPFS_PAGE);

	for (size_t i = keep; i < rn->rn_npages; i++)
		if (rn->rn_pages[i] != NULL)
			kmem_free(&M_RUMPFS, rn->rn_pages[i], RUMPFS_PAGE);
	if (keep != rn->rn_npages)
		rumpfs_setnpages(rn, keep);
	/* Bytes past the new end in the last page must read as zeros. */
	if (keep > 0 && size % RUMPFS_PAGE != 0 && rn->rn_pages[keep - 1] != NULL)
		memset(rn->rn_pages[keep - 1] + size % RUMPFS_PAGE, 0,
		    RUMPFS_PAGE - size % RUMPFS_PAGE);
	rn->rn_size = size;
}

static int
rumpfs_mount(struct mount *mp, const char *from, const void *data,
    size_t datalen)
{
	struct rumpfs_mount *rm;
	struct vattr va;

	(void)from;
	if (datalen != 0 || data != NULL)
		return EINVAL;
	rm = kmem_zalloc(&M_RUMPFS, sizeof(*rm), KM_SLEEP);
	mutex_init(&rm->rm_lock, MUTEX_DEFAULT);
	LIST_INIT(&rm->rm_nodes);
	rm->rm_nextino = 2;		/* the root is 2, as on most disks */
	mp->mnt_data = rm;
	vattr_null(&va);
	va.va_mode = 0755;
	rm->rm_root = rumpfs_node_alloc(mp, VDIR, &va);
	rm->rm_root->rn_parent = rm->rm_root;
	mp->mnt_iosize = RUMPFS_PAGE;
	return 0;
}

static int
rumpfs_unmount(struct mount *mp, int mntflags)
{
	struct rumpfs_mount *rm = VFSTORM(mp);
	struct rumpfs_node *rn;

	(void)mntflags;
	while ((rn = LIST_FIRST(&rm->rm_nodes)) != NULL)
		rumpfs_node_free(mp, rn);
	mutex_destroy(&rm->rm_lock);
	kmem_free(&M_RUMPFS, rm, sizeof(*rm));
	mp->mnt_data = NULL;
	return 0;
}

static int
rumpfs_root(struct mount *mp, struct vnode **vpp)
{
	return vcache_get(mp, (uintptr_t)VFSTORM(mp)->rm_root, vpp);
}

static int
rumpfs_statvfs(struct mount *mp, struct statvfs *sbp)
{
	struct rumpfs_mount *rm = VFSTORM(mp);

	memset(sbp, 0, sizeof(*sbp));
	sbp->f_bsize = RUMPFS_PAGE;
	sbp->f_iosize = RUMPFS_PAGE;
	mutex_enter(&rm->rm_lock);
	sbp->f_files = rm->rm_nnodes;
	mutex_exit(&rm->rm_lock);
	sbp->f_namemax = NAME_MAX;
	sbp->f_type = RUMPFS_MAGIC;
	return 0;
}

/* The id is a node address that only rumpfs itself made. */
static int
rumpfs_loadvnode(struct mount *mp, struct vnode *vp, uint64_t id)
{
	struct rumpfs_node *rn = (struct rumpfs_node *)(uintptr_t)id;

	vp->v_type = rn->rn_type;
	vp->v_op = &rumpfs_vnodeops;
	vp->v_data = rn;
	if (rn == VFSTORM(mp)->rm_root)
		vp->v_vflag |= VV_ROOT;
	return 0;
}

struct vfsops rumpfs_vfsops = {
	.vfs_name = "rumpfs",
	.vfs_mount = rumpfs_mount,
	.vfs_unmount = rumpfs_unmount,
	.vfs_root = rumpfs_root,
	.vfs_statvfs = rumpfs_statvfs,
	.vfs_loadvnode = rumpfs_loadvnode,
	.vfs_vnodeops = &rumpfs_vnodeops,
};
