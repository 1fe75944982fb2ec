/*
 * Host files as block devices (etfs, after NetBSD's rumpfs_etfs).
 *
 * rump_etfs_register() opens a host file (read-only for RUMP_ETFS_RDONLY,
 * which then can never be written) and makes a device node for it in
 * rumpfs at the key's path.  The device is a vnode of its own, without a
 * mount (vnalloc_anon), whose operations move bytes with the host-file
 * hypercalls: VOP_STRATEGY for the buffer cache, VOP_READ and VOP_WRITE
 * for opens of the node.  The rumpfs node holds the device vnode; the
 * last reference closes the host file.
 *
 * File systems open a device by path with vfs_opendev() (mount.h), which
 * counts the mounts so that removing the name is EBUSY meanwhile.
 *
 * Faults: rump_etfs_fault() makes block I/O fail with EIO at a rate, from
 * a seeded generator (splitmix64) so that a run repeats exactly.
 *
 * etfs_lock protects the list of devices; ed_lock a device's counters and
 * fault state.  Neither is held across host I/O.
 */
#include "rump/rumpuser.h"
#include "rumpkern/kmem.h"
#include "rumpkern/lwp.h"
#include "rumpvfs/namecache.h"
#include "rumpvfs/buf.h"
#include "rumpvfs/namei.h"
#include "rumpvfs/rumpfs.h"
#include "rumpvfs/vfs_etfs.h"
#include "rumpvfs_if_priv.h"

KMEM_DEFINE(M_ETFS, "etfs");

/* Bytes one host call of a read(2) or write(2) on a device moves at most. */
#define ETFS_MAXIO	(64 * 1024)
#define ETFS_MAJOR	0xed

#define ETFS_FAULT_READ		0x01
#define ETFS_FAULT_WRITE	0x02

struct etfs_dev {
	LIST_ENTRY(etfs_dev) ed_list;
	int ed_fd;
	uint64_t ed_begin;		/* of the host file */
	uint64_t ed_size;
	bool ed_rdonly;
	dev_t ed_rdev;
	struct vnode *ed_vp;		/* the device vnode */
	kmutex_t ed_lock;
	unsigned ed_mounts;		/* vfs_opendev()s not closed */
	uint32_t ed_fault_ppm;
	unsigned ed_fault_dirs;
	uint64_t ed_fault_state;
	struct etfs_stats ed_stats;
};

static kmutex_t etfs_lock;
static LIST_HEAD(, etfs_dev) etfs_devs = LIST_HEAD_INITIALIZER(etfs_devs);
static unsigned etfs_nextminor;

/* ---- faults ---- */

static uint64_t
etfs_random(struct etfs_dev *ed)
{
	uint64_t z = (ed->ed_fault_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static bool
etfs_fault_roll(struct etfs_dev *ed, bool read)
{
	bool fail;

	mutex_enter(&ed->ed_lock);
	fail = (ed->ed_fault_dirs & (read ? ETFS_FAULT_READ : ETFS_FAULT_WRITE)) != 0 &&
	    etfs_random(ed) % 1000000 < ed->ed_fault_ppm;
	if (fail)
		ed->ed_stats.es_faults++;
	mutex_exit(&ed->ed_lock);
	return fail;
}

struct etfs_fault {
	uint32_t ppm;
	unsigned dirs;
	uint64_t seed;
};

static int
etfs_fault_item(const char *key, size_t klen, const char *val, size_t vlen,
    struct etfs_fault *f)
{
	char buf[24];

#define KEY(k)	(klen == sizeof(k) - 1 && strncmp(key, k, klen) == 0)
#define VAL(v)	(vlen == sizeof(v) - 1 && strncmp(val, v, vlen) == 0)
	if (KEY("rate"))
		return kstrtoppm(val, vlen, &f->ppm);
	if (KEY("seed")) {
		if (vlen == 0 || vlen >= sizeof(buf))
			return EINVAL;
		memcpy(buf, val, vlen);
		buf[vlen] = '\0';
		return kstrtou64(buf, 0, &f->seed);
	}
	if (KEY("dir")) {
		if (VAL("read"))
			f->dirs = ETFS_FAULT_READ;
		else if (VAL("write"))
			f->dirs = ETFS_FAULT_WRITE;
		else if (VAL("both"))
			f->dirs = ETFS_FAULT_READ | ETFS_FAULT_WRITE;
		else
			return EINVAL;
		return 0;
	}
#undef VAL
#undef KEY
	return EINVAL;
}

/* "rate=1%,seed=42,dir=read"; "" or "none" is no faults. */
static int
etfs_fault_parse(const char *spec, struct etfs_fault *f)
{
	const char *s = spec;

	f->ppm = 0;
	f->dirs = ETFS_FAULT_READ | ETFS_FAULT_WRITE;
	f->seed = 1;
	if (strcmp(spec, "none") == 0)
		return 0;
	while (*s != '\0') {
		const char *end = s, *eq;
		int error;

		while (*end != '\0' && *end != ',')
			end++;
		for (eq = s; eq < end && *eq != '='; eq++)
			continue;
		if (eq == end)
			return EINVAL;
		error = etfs_fault_item(s, (size_t)(eq - s), eq + 1,
		    (size_t)(end - eq - 1), f);
		if (error != 0)
			return error;
		s = *end == ',' ? end + 1 : end;
	}
	return 0;
}

/* ---- I/O ---- */

/*
 * Moves len bytes at device offset off with one host call.  Beyond the
 * device is EIO (a block number from a corrupt image); a host file
 * shorter than the device reads as zeros past its end.
 */
static int
etfs_io(struct etfs_dev *ed, bool read, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	int error;

	if (off > ed->ed_size || len > ed->ed_size - off)
		return EIO;
	if (!read && ed->ed_rdonly)
		return EROFS;
	if (etfs_fault_roll(ed, read))
		return EIO;
	sched_block_begin();
	if (read)
		error = rumpuser_pread(ed->ed_fd, buf, len,
		    (int64_t)(ed->ed_begin + off), &done);
	else
		error = rumpuser_pwrite(ed->ed_fd, buf, len,
		    (int64_t)(ed->ed_begin + off), &done);
	sched_block_end();
	mutex_enter(&ed->ed_lock);
	if (read)
		ed->ed_stats.es_reads++;
	else
		ed->ed_stats.es_writes++;
	mutex_exit(&ed->ed_lock);
	if (error != 0)
		return error;
	if (read && done < len)
		memset((char *)buf + done, 0, len - done);
	else if (!read && done < len)
		return EIO;
	return 0;
}

static int
etfs_strategy(struct vop_strategy_args *ap)
{
	struct etfs_dev *ed = ap->a_vp->v_data;
	struct buf *bp = ap->a_bp;

	if (bp->b_blkno < 0)
		bp->b_error = EIO;
	else
		bp->b_error = etfs_io(ed, (bp->b_flags & B_READ) != 0, bp->b_data,
		    bp->b_bcount, (uint64_t)bp->b_blkno << DEV_BSHIFT);
	bp->b_resid = bp->b_error != 0 ? bp->b_bcount : 0;
	biodone(bp);
	return 0;
}

/* read(2) and write(2) on the device node, through a bounce buffer. */
static int
etfs_rdwr(struct etfs_dev *ed, struct uio *uio)
{
	char *buf = kmem_alloc(&M_ETFS, ETFS_MAXIO, KM_SLEEP);
	bool read = uio->uio_rw == UIO_READ;
	int error = 0;

	while (error == 0 && uio->uio_resid > 0) {
		uint64_t off = (uint64_t)uio->uio_offset;
		size_t len = MIN(uio->uio_resid, ETFS_MAXIO);

		if (off >= ed->ed_size) {
			if (!read)
				error = ENOSPC;
			break;
		}
		len = (size_t)MIN((uint64_t)len, ed->ed_size - off);
		if (!read)
			error = uiomove(buf, len, uio);
		if (error == 0)
			error = etfs_io(ed, read, buf, len, off);
		if (error == 0 && read)
			error = uiomove(buf, len, uio);
		else if (error != 0 && !read)
			uio->uio_resid += len;	/* not written after all */
	}
	kmem_free(&M_ETFS, buf, ETFS_MAXIO);
	return error;
}

static int
etfs_read(struct vop_read_args *ap)
{
	return etfs_rdwr(ap->a_vp->v_data, ap->a_uio);
}

static int
etfs_write(struct vop_write_args *ap)
{
	return etfs_rdwr(ap->a_vp->v_data, ap->a_uio);
}

static int
etfs_getattr(struct vop_getattr_args *ap)
{
	struct etfs_dev *ed = ap->a_vp->v_data;

	vattr_null(ap->a_vap);
	ap->a_vap->va_type = VBLK;
	ap->a_vap->va_size = ed->ed_size;
	ap->a_vap->va_rdev = ed->ed_rdev;
	ap->a_vap->va_blocksize = DEV_BSIZE;
	return 0;
}

static int
etfs_fsync(struct vop_fsync_args *ap)
{
	struct etfs_dev *ed = ap->a_vp->v_data;
	int error;

	if (ed->ed_rdonly)
		return 0;
	sched_block_begin();
	error = rumpuser_fsync(ed->ed_fd);
	sched_block_end();
	return error;
}

/* The last reference to the device: the host file is closed. */
static int
etfs_reclaim(struct vop_reclaim_args *ap)
{
	struct etfs_dev *ed = ap->a_vp->v_data;

	mutex_enter(&etfs_lock);
	LIST_REMOVE(ed, ed_list);
	mutex_exit(&etfs_lock);
	(void)rumpuser_close(ed->ed_fd);
	mutex_destroy(&ed->ed_lock);
	kmem_free(&M_ETFS, ed, sizeof(*ed));
	ap->a_vp->v_data = NULL;
	return 0;
}

static const struct vnodeops etfs_vnodeops = {
	.vop_read = etfs_read,
	.vop_write = etfs_write,
	.vop_getattr = etfs_getattr,
	.vop_fsync = etfs_fsync,
	.vop_strategy = etfs_strategy,
	.vop_reclaim = etfs_reclaim,
};

/* ---- opening devices ---- */

int
vfs_opendev(const char *path, bool rdonly, kauth_cred_t cred,
    struct vnode **devvpp)
{
	struct nameidata nd;
	struct vnode *vp, *devvp;
	struct etfs_dev *ed;
	int error;

	NDINIT(&nd, LOOKUP, FOLLOW | LOCKLEAF, path, cred);
	error = namei(&nd);
	if (error != 0)
		return error;
	namei_done(&nd);
	vp = nd.ni_vp;
	if (vp->v_type != VBLK)
		error = ENOTBLK;
	else
		error = VOP_ACCESS(vp, VREAD | (rdonly ? 0 : VWRITE), cred);
	devvp = error == 0 && vp->v_op == &rumpfs_vnodeops ?
	    VTORN(vp)->rn_devvp : NULL;
	if (error == 0 && devvp == NULL)
		error = ENXIO;
	if (error == 0) {
		ed = devvp->v_data;
		if (!rdonly && ed->ed_rdonly) {
			error = EROFS;
		} else {
			mutex_enter(&ed->ed_lock);
			ed->ed_mounts++;
			mutex_exit(&ed->ed_lock);
			vref(devvp);
			*devvpp = devvp;
		}
	}
	vput(vp);
	return error;
}

void
vfs_closedev(struct vnode *devvp)
{
	struct etfs_dev *ed = devvp->v_data;

	mutex_enter(&ed->ed_lock);
	ed->ed_mounts--;
	mutex_exit(&ed->ed_lock);
	vrele(devvp);
}

void
etfs_getstats(struct vnode *devvp, struct etfs_stats *st)
{
	struct etfs_dev *ed = devvp->v_data;

	mutex_enter(&ed->ed_lock);
	*st = ed->ed_stats;
	mutex_exit(&ed->ed_lock);
}

/* ---- registering ---- */

/* Makes every missing directory above path (a copy we may change). */
static int
etfs_mkparents(char *path, kauth_cred_t cred)
{
	struct nameidata nd;
	struct vattr va;
	struct vnode *vp;
	int error = 0;

	for (char *p = path + 1; error == 0 && *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		NDINIT(&nd, CREATE, LOCKPARENT, path, cred);
		error = namei(&nd);
		if (error == 0 && nd.ni_vp == NULL) {
			vattr_null(&va);
			va.va_type = VDIR;
			va.va_mode = 0755;
			cache_purge_name(nd.ni_dvp, nd.ni_cnd.cn_nameptr,
			    nd.ni_cnd.cn_namelen);
			error = VOP_MKDIR(nd.ni_dvp, &vp, &nd.ni_cnd, &va);
			if (error == 0)
				vrele(vp);
		}
		if (nd.ni_pnbuf != NULL)
			namei_release(&nd);
		*p = '/';
	}
	return error;
}

/* The rumpfs device node at key for the device vnode devvp. */
static int
etfs_mknode(const char *key, struct vnode *devvp, dev_t rdev,
    kauth_cred_t cred)
{
	struct nameidata nd;
	struct vattr va;
	struct vnode *vp;
	int error;

	NDINIT(&nd, CREATE, LOCKPARENT, key, cred);
	error = namei(&nd);
	if (error != 0)
		return error;
	if (nd.ni_vp != NULL)
		error = EEXIST;
	else if (nd.ni_dvp->v_op != &rumpfs_vnodeops)
		error = EOPNOTSUPP;
	if (error == 0) {
		vattr_null(&va);
		va.va_type = VBLK;
		va.va_mode = 0600;
		va.va_rdev = rdev;
		cache_purge_name(nd.ni_dvp, nd.ni_cnd.cn_nameptr,
		    nd.ni_cnd.cn_namelen);
		error = VOP_MKNOD(nd.ni_dvp, &vp, &nd.ni_cnd, &va);
	}
	if (error == 0) {
		vref(devvp);
		VTORN(vp)->rn_devvp = devvp;
		vrele(vp);
	}
	namei_release(&nd);
	return error;
}

static struct etfs_dev *
etfs_dev_create(int fd, uint64_t begin, uint64_t size, bool rdonly)
{
	struct etfs_dev *ed = kmem_zalloc(&M_ETFS, sizeof(*ed), KM_SLEEP);

	ed->ed_fd = fd;
	ed->ed_begin = begin;
	ed->ed_size = size;
	ed->ed_rdonly = rdonly;
	mutex_init(&ed->ed_lock, MUTEX_DEFAULT);
	mutex_enter(&etfs_lock);
	ed->ed_rdev = (dev_t)(ETFS_MAJOR << 8 | (etfs_nextminor++ & 0xff));
	LIST_INSERT_HEAD(&etfs_devs, ed, ed_list);
	mutex_exit(&etfs_lock);
	ed->ed_vp = vnalloc_anon(VBLK, &etfs_vnodeops, ed);
	return ed;
}

/* size UINT64_MAX: to the end of the host file. */
static int
etfs_register(const char *key, const char *hostpath, enum rump_etfs_type ftype,
    uint64_t begin, uint64_t size)
{
	bool rdonly = (ftype & RUMP_ETFS_RDONLY) != 0;
	struct cred *cred;
	struct etfs_dev *ed;
	int64_t fsize;
	char *path;
	int fd, error;

	if (key[0] != '/' || (ftype & ~RUMP_ETFS_RDONLY) != RUMP_ETFS_BLK ||
	    begin % DEV_BSIZE != 0 ||
	    (size != UINT64_MAX && size % DEV_BSIZE != 0) ||
	    strnlen(key, PATH_MAX) >= PATH_MAX)
		return EINVAL;
	error = rumpuser_open(hostpath, rdonly ? RUMPUSER_OPEN_RDONLY :
	    RUMPUSER_OPEN_RDWR, &fd);
	if (error != 0)
		return error;
	error = rumpuser_getfilesize(fd, &fsize);
	if (error == 0 && (uint64_t)fsize < begin)
		error = EINVAL;
	if (error == 0 && size == UINT64_MAX)
		size = ((uint64_t)fsize - begin) & ~(uint64_t)(DEV_BSIZE - 1);
	else if (error == 0 && size > (uint64_t)fsize - begin)
		error = EINVAL;
	if (error != 0) {
		(void)rumpuser_close(fd);
		return error;
	}
	ed = etfs_dev_create(fd, begin, size, rdonly);
	cred = proc_cred(curproc);
	path = kmem_strdup(&M_ETFS, key, KM_SLEEP);
	error = etfs_mkparents(path, cred);
	if (error == 0)
		error = etfs_mknode(key, ed->ed_vp, ed->ed_rdev, cred);
	kmem_strfree(&M_ETFS, path);
	cred_release(cred);
	/* The node holds the device now, or it goes with this reference. */
	vrele(ed->ed_vp);
	return error;
}

int
rumppriv_etfs_register(const char *key, const char *hostpath,
    enum rump_etfs_type ftype)
{
	return etfs_register(key, hostpath, ftype, 0, UINT64_MAX);
}

int
rumppriv_etfs_register_withsize(const char *key, const char *hostpath,
    enum rump_etfs_type ftype, uint64_t begin, uint64_t size)
{
	if (size == UINT64_MAX)
		return EINVAL;
	return etfs_register(key, hostpath, ftype, begin, size);
}

/* The device a key names, its node locked in *ndp. */
static int
etfs_lookup(struct nameidata *ndp, enum nameiop op, const char *key,
    kauth_cred_t cred, struct etfs_dev **edp)
{
	struct vnode *vp;
	int error;

	NDINIT(ndp, op, LOCKPARENT | LOCKLEAF, key, cred);
	error = namei(ndp);
	if (error != 0)
		return error;
	vp = ndp->ni_vp;
	if (vp->v_type != VBLK || vp->v_op != &rumpfs_vnodeops ||
	    VTORN(vp)->rn_devvp == NULL) {
		namei_release(ndp);
		return ENXIO;
	}
	*edp = VTORN(vp)->rn_devvp->v_data;
	return 0;
}

int
rumppriv_etfs_remove(const char *key)
{
	struct cred *cred = proc_cred(curproc);
	struct nameidata nd;
	struct etfs_dev *ed;
	int error;

	error = etfs_lookup(&nd, DELETE, key, cred, &ed);
	if (error == 0) {
		mutex_enter(&ed->ed_lock);
		error = ed->ed_mounts > 0 ? EBUSY : 0;
		mutex_exit(&ed->ed_lock);
		if (error == 0) {
			cache_purge_name(nd.ni_dvp, nd.ni_cnd.cn_nameptr,
			    nd.ni_cnd.cn_namelen);
			error = VOP_REMOVE(nd.ni_dvp, nd.ni_vp, &nd.ni_cnd);
		}
		namei_release(&nd);
	}
	cred_release(cred);
	return error;
}

int
rumppriv_etfs_fault(const char *key, const char *spec)
{
	struct cred *cred = proc_cred(curproc);
	struct nameidata nd;
	struct etfs_dev *ed;
	struct etfs_fault f;
	int error;

	error = etfs_fault_parse(spec, &f);
	if (error == 0)
		error = etfs_lookup(&nd, LOOKUP, key, cred, &ed);
	if (error == 0) {
		mutex_enter(&ed->ed_lock);
		ed->ed_fault_ppm = f.ppm;
		ed->ed_fault_dirs = f.dirs;
		ed->ed_fault_state = f.seed;
		mutex_exit(&ed->ed_lock);
		namei_release(&nd);
	}
	cred_release(cred);
	return error;
}

void
etfs_init(void)
{
	mutex_init(&etfs_lock, MUTEX_DEFAULT);
}

void
etfs_fini(void)
{
	KASSERT(LIST_EMPTY(&etfs_devs));
	mutex_destroy(&etfs_lock);
}
