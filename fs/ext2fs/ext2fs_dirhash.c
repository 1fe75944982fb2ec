/*
 * An in-memory index of large directories, as FreeBSD's ufs_dirhash: for
 * each entry a hash of its name and the directory block holding it, and
 * for each block the largest gap an entry could go in.  A lookup then
 * reads only the blocks whose entries' hashes match (none: the name is
 * missing, without a read), and entering a name goes straight to the
 * first block with room, so filling a directory of tens of thousands of
 * entries is no longer quadratic.
 *
 * An index is built from a whole linear scan of a directory of at least
 * EXT2_DIRHASH_MINBLOCKS blocks (every block checked, as a scan checks
 * them) and kept up to date by every change of the directory's entries
 * (ext2fs_lookup.c); entries never move between blocks.  It is dropped
 * when the directory is truncated or released, and at unmount.  A mount
 * keeps at most EXT2_DIRHASH_MAX indexes, the least recently used go.
 *
 * Names are hashed with SipHash under a key of the mount's own: the names
 * come from the image, and a crafted directory must not make them all
 * hash alike.
 *
 * Locking: the directory's vnode lock orders changes against lookups (a
 * change holds it exclusively), but several lookups share it, so the
 * tables themselves are under um_dhlock, taken with at most a directory
 * buffer held and never held across I/O.
 */
#include "rumpkern/config.h"
#include "rumpkern/kmem.h"
#include "rumpkern/siphash.h"
#include "fs/ext2fs/ext2fs.h"

KMEM_DEFINE(M_EXT2FSDH, "ext2fs dirhash");

#define DH_EMPTY	UINT32_MAX		/* a slot never used */
#define DH_DELETED	(UINT32_MAX - 1)	/* a slot whose entry went */

struct ext2fs_dhslot {
	uint32_t ds_hash;
	uint32_t ds_lbn;			/* or DH_EMPTY, DH_DELETED */
};

struct ext2fs_dirhash {
	uint32_t dh_ino;
	uint32_t dh_nslots;			/* a power of two */
	uint32_t dh_nused;			/* live and deleted slots */
	struct ext2fs_dhslot *dh_slots;
	uint32_t dh_nblocks;			/* blocks of the directory */
	uint32_t dh_blkcap;
	uint16_t *dh_blkfree;			/* the largest gap of each */
	TAILQ_ENTRY(ext2fs_dirhash) dh_list;	/* least recently used first */
};

static uint32_t
dh_hashname(const struct ext2fs_mount *um, const char *name, size_t len)
{
	return (uint32_t)siphash24(&um->um_dhkey, name, len);
}

static void
dh_free(struct ext2fs_dirhash *dh)
{
	kmem_free(&M_EXT2FSDH, dh->dh_slots,
	    dh->dh_nslots * sizeof(*dh->dh_slots));
	kmem_free(&M_EXT2FSDH, dh->dh_blkfree,
	    dh->dh_blkcap * sizeof(*dh->dh_blkfree));
	kmem_free(&M_EXT2FSDH, dh, sizeof(*dh));
}

/* dp's index, now the most recently used; um_dhlock held. */
static struct ext2fs_dirhash *
dh_find(struct ext2fs_mount *um, uint32_t ino)
{
	struct ext2fs_dirhash *dh;

	KASSERT(mutex_owned(&um->um_dhlock));
	TAILQ_FOREACH(dh, &um->um_dirhash, dh_list)
		if (dh->dh_ino == ino)
			break;
	if (dh != NULL && TAILQ_NEXT(dh, dh_list) != NULL) {
		TAILQ_REMOVE(&um->um_dirhash, dh, dh_list);
		TAILQ_INSERT_TAIL(&um->um_dirhash, dh, dh_list);
	}
	return dh;
}

static void
dh_slot_put(struct ext2fs_dhslot *slots, uint32_t nslots, uint32_t hash,
    uint32_t lbn)
{
	uint32_t i = hash & (nslots - 1);

	while (slots[i].ds_lbn != DH_EMPTY && slots[i].ds_lbn != DH_DELETED)
		i = (i + 1) & (nslots - 1);
	slots[i].ds_hash = hash;
	slots[i].ds_lbn = lbn;
}

static struct ext2fs_dhslot *
dh_slots_alloc(uint32_t nslots)
{
	struct ext2fs_dhslot *slots;

	slots = kmem_alloc(&M_EXT2FSDH, nslots * sizeof(*slots), KM_SLEEP);
	for (uint32_t i = 0; i < nslots; i++)
		slots[i].ds_lbn = DH_EMPTY;
	return slots;
}

/* Makes room for one more entry: at most half the slots are used. */
static void
dh_grow(struct ext2fs_dirhash *dh)
{
	struct ext2fs_dhslot *old = dh->dh_slots;
	uint32_t oldn = dh->dh_nslots, live = 0;

	if ((dh->dh_nused + 1) * 2 <= dh->dh_nslots)
		return;
	for (uint32_t i = 0; i < oldn; i++)
		if (old[i].ds_lbn < DH_DELETED)
			live++;
	/* Deleted slots go; the table doubles only if the live need it. */
	if ((live + 1) * 4 > oldn)
		dh->dh_nslots = oldn * 2;
	dh->dh_slots = dh_slots_alloc(dh->dh_nslots);
	for (uint32_t i = 0; i < oldn; i++)
		if (old[i].ds_lbn < DH_DELETED)
			dh_slot_put(dh->dh_slots, dh->dh_nslots, old[i].ds_hash,
			    old[i].ds_lbn);
	dh->dh_nused = live;
	kmem_free(&M_EXT2FSDH, old, oldn * sizeof(*old));
}

static void
dh_add(struct ext2fs_dirhash *dh, uint32_t hash, uint32_t lbn)
{
	dh_grow(dh);
	dh_slot_put(dh->dh_slots, dh->dh_nslots, hash, lbn);
	dh->dh_nused++;
}

/* Records block lbn's largest gap, the index growing with the directory. */
static void
dh_setfree(struct ext2fs_dirhash *dh, uint32_t lbn, uint16_t gap)
{
	if (lbn >= dh->dh_blkcap) {
		uint32_t cap = MAX(dh->dh_blkcap * 2, lbn + 1);
		uint16_t *bf = kmem_zalloc(&M_EXT2FSDH, cap * sizeof(*bf),
		    KM_SLEEP);

		memcpy(bf, dh->dh_blkfree, dh->dh_blkcap * sizeof(*bf));
		kmem_free(&M_EXT2FSDH, dh->dh_blkfree,
		    dh->dh_blkcap * sizeof(*bf));
		dh->dh_blkfree = bf;
		dh->dh_blkcap = cap;
	}
	dh->dh_blkfree[lbn] = gap;
	dh->dh_nblocks = MAX(dh->dh_nblocks, lbn + 1);
}

/* The largest gap of a (checked) directory block: room for an entry. */
uint16_t
ext2fs_dirblk_maxgap(const struct ext2fs_mount *um, const uint8_t *blk)
{
	struct ext2fs_dirent de;
	uint16_t best = 0;

	for (uint32_t off = 0; off < um->um_bsize; off += de.d_reclen) {
		uint16_t used;

		(void)ext2fs_dirent_get(um, blk, off, &de);
		used = de.d_ino != 0 ? (uint16_t)EXT2_DIR_RECLEN(de.d_namlen) : 0;
		best = MAX(best, (uint16_t)(de.d_reclen - used));
	}
	return best;
}

/* Indexes the entries of block lbn of a directory into dh. */
static void
dh_addblock(const struct ext2fs_mount *um, struct ext2fs_dirhash *dh,
    uint32_t lbn, const uint8_t *blk)
{
	struct ext2fs_dirent de;

	for (uint32_t off = 0; off < um->um_bsize; off += de.d_reclen) {
		(void)ext2fs_dirent_get(um, blk, off, &de);
		if (de.d_ino != 0)
			dh_add(dh, dh_hashname(um, (const char *)de.d_name,
			    de.d_namlen), lbn);
	}
	dh_setfree(dh, lbn, ext2fs_dirblk_maxgap(um, blk));
}

/* Drops the least recently used indexes over the limit; um_dhlock held. */
static void
dh_trim(struct ext2fs_mount *um)
{
	struct ext2fs_dirhash *dh;

	while (um->um_ndirhash > EXT2_DIRHASH_MAX) {
		dh = TAILQ_FIRST(&um->um_dirhash);
		TAILQ_REMOVE(&um->um_dirhash, dh, dh_list);
		um->um_ndirhash--;
		dh_free(dh);
	}
}

/*
 * Builds dp's index if dp is large: reads every block (checked) through
 * readblk.  A failure leaves dp without an index; an index built
 * meanwhile (by a lookup sharing dp's lock) is kept instead.
 */
void
ext2fs_dirhash_build(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    int (*readblk)(struct ext2fs_mount *, const struct ext2fs_inode *,
    uint64_t, struct ext2fs_bh *))
{
	uint64_t nblocks = dp->i_size >> um->um_bshift;
	struct ext2fs_dirhash *dh;
	struct ext2fs_bh bh;

	if (nblocks < EXT2_DIRHASH_MINBLOCKS || nblocks >= DH_DELETED)
		return;
	dh = kmem_zalloc(&M_EXT2FSDH, sizeof(*dh), KM_SLEEP);
	dh->dh_ino = dp->i_number;
	dh->dh_nslots = 64;
	dh->dh_slots = dh_slots_alloc(dh->dh_nslots);
	dh->dh_blkcap = (uint32_t)nblocks;
	dh->dh_blkfree = kmem_zalloc(&M_EXT2FSDH,
	    dh->dh_blkcap * sizeof(*dh->dh_blkfree), KM_SLEEP);
	for (uint64_t lbn = 0; lbn < nblocks; lbn++) {
		if (readblk(um, dp, lbn, &bh) != 0) {
			dh_free(dh);
			return;
		}
		dh_addblock(um, dh, (uint32_t)lbn, bh.bh_data);
		ext2fs_brelse(um, &bh);
	}
	mutex_enter(&um->um_dhlock);
	if (dh_find(um, dp->i_number) != NULL) {
		mutex_exit(&um->um_dhlock);
		dh_free(dh);
		return;
	}
	TAILQ_INSERT_TAIL(&um->um_dirhash, dh, dh_list);
	um->um_ndirhash++;
	dh_trim(um);
	mutex_exit(&um->um_dhlock);
}

/*
 * The blocks of dp that may hold name, in *lbns (at most max, in
 * ascending order, each once); false if dp has no index or the name's
 * hash is in more than max blocks (then scan).
 */
bool
ext2fs_dirhash_lookup(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    const char *name, size_t len, uint32_t *lbns, int max, int *np)
{
	uint32_t hash = dh_hashname(um, name, len);
	struct ext2fs_dirhash *dh;
	bool ok = true;
	int n = 0;

	mutex_enter(&um->um_dhlock);
	dh = dh_find(um, dp->i_number);
	if (dh == NULL) {
		mutex_exit(&um->um_dhlock);
		return false;
	}
	for (uint32_t i = hash & (dh->dh_nslots - 1);
	    ok && dh->dh_slots[i].ds_lbn != DH_EMPTY;
	    i = (i + 1) & (dh->dh_nslots - 1)) {
		const struct ext2fs_dhslot *s = &dh->dh_slots[i];
		int j = 0;

		if (s->ds_lbn == DH_DELETED || s->ds_hash != hash)
			continue;
		while (j < n && lbns[j] < s->ds_lbn)
			j++;
		if (j < n && lbns[j] == s->ds_lbn)
			continue;
		if (n == max) {
			ok = false;
			break;
		}
		memmove(&lbns[j + 1], &lbns[j], (size_t)(n - j) * sizeof(*lbns));
		lbns[j] = s->ds_lbn;
		n++;
	}
	mutex_exit(&um->um_dhlock);
	*np = n;
	return ok;
}

/*
 * The first block of dp from which an entry of need bytes may fit: the
 * first whose largest gap holds it, or the end of the directory when
 * none does.  0 (scan from the start) without an index.
 */
uint64_t
ext2fs_dirhash_findfree(struct ext2fs_mount *um,
    const struct ext2fs_inode *dp, uint32_t need)
{
	struct ext2fs_dirhash *dh;
	uint64_t lbn = 0;

	mutex_enter(&um->um_dhlock);
	dh = dh_find(um, dp->i_number);
	if (dh != NULL) {
		while (lbn < dh->dh_nblocks && dh->dh_blkfree[lbn] < need)
			lbn++;
	}
	mutex_exit(&um->um_dhlock);
	return lbn;
}

/*
 * Name was entered in (added) or removed from block lbn of dp, whose
 * contents are now blk: the index follows, if dp has one.
 */
void
ext2fs_dirhash_update(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    const char *name, size_t len, uint32_t lbn, const uint8_t *blk, bool added)
{
	uint32_t hash = dh_hashname(um, name, len);
	struct ext2fs_dirhash *dh;

	mutex_enter(&um->um_dhlock);
	dh = dh_find(um, dp->i_number);
	if (dh != NULL && added) {
		dh_add(dh, hash, lbn);
	} else if (dh != NULL) {
		uint32_t i = hash & (dh->dh_nslots - 1);

		while (dh->dh_slots[i].ds_lbn != DH_EMPTY &&
		    (dh->dh_slots[i].ds_hash != hash ||
		    dh->dh_slots[i].ds_lbn != lbn))
			i = (i + 1) & (dh->dh_nslots - 1);
		KASSERT(dh->dh_slots[i].ds_lbn == lbn);
		dh->dh_slots[i].ds_lbn = DH_DELETED;
	}
	if (dh != NULL)
		dh_setfree(dh, lbn, ext2fs_dirblk_maxgap(um, blk));
	mutex_exit(&um->um_dhlock);
}

/* dp's blocks go (truncation, release): so does its index. */
void
ext2fs_dirhash_drop(struct ext2fs_mount *um, uint32_t ino)
{
	struct ext2fs_dirhash *dh;

	mutex_enter(&um->um_dhlock);
	dh = dh_find(um, ino);
	if (dh != NULL) {
		TAILQ_REMOVE(&um->um_dirhash, dh, dh_list);
		um->um_ndirhash--;
		dh_free(dh);
	}
	mutex_exit(&um->um_dhlock);
}

void
ext2fs_dirhash_init(struct ext2fs_mount *um)
{
	mutex_init(&um->um_dhlock, MUTEX_DEFAULT);
	siphash_key_init(&um->um_dhkey);
	TAILQ_INIT(&um->um_dirhash);
	um->um_ndirhash = 0;
}

void
ext2fs_dirhash_fini(struct ext2fs_mount *um)
{
	struct ext2fs_dirhash *dh;

	while ((dh = TAILQ_FIRST(&um->um_dirhash)) != NULL) {
		TAILQ_REMOVE(&um->um_dirhash, dh, dh_list);
		dh_free(dh);
	}
	um->um_ndirhash = 0;
	mutex_destroy(&um->um_dhlock);
}
