/*
 * The block map: a file's logical block to its disk block through the
 * inode's twelve direct pointers and its single, double and triple
 * indirect blocks.  A zero pointer is a hole (a sparse file reads zeros
 * there).  Every pointer read from the disk is checked to lie within the
 * disk and outside the file system's own metadata before it is followed.
 */
#include "rumpkern/kern.h"
#include "fs/ext2fs/ext2fs.h"

/* The path to a logical block: which root pointer, then one index a level. */
struct ext2fs_path {
	int p_levels;		/* indirect levels, 0 for a direct block */
	uint32_t p_root;	/* index into i_block */
	uint32_t p_idx[EXT2_NIADDR];
};

static int
ext2fs_path_of(const struct ext2fs_mount *um, uint64_t lbn,
    struct ext2fs_path *p)
{
	uint64_t n = um->um_nindir;

	if (lbn < EXT2_NDADDR) {
		p->p_levels = 0;
		p->p_root = (uint32_t)lbn;
		return 0;
	}
	lbn -= EXT2_NDADDR;
	if (lbn < n) {
		p->p_levels = 1;
		p->p_root = EXT2_NDADDR;
		p->p_idx[0] = (uint32_t)lbn;
		return 0;
	}
	lbn -= n;
	if (lbn < n * n) {
		p->p_levels = 2;
		p->p_root = EXT2_NDADDR + 1;
		p->p_idx[0] = (uint32_t)(lbn / n);
		p->p_idx[1] = (uint32_t)(lbn % n);
		return 0;
	}
	lbn -= n * n;
	if (lbn < n * n * n) {
		p->p_levels = 3;
		p->p_root = EXT2_NDADDR + 2;
		p->p_idx[0] = (uint32_t)(lbn / (n * n));
		p->p_idx[1] = (uint32_t)(lbn / n % n);
		p->p_idx[2] = (uint32_t)(lbn % n);
		return 0;
	}
	return EFBIG;
}

/* A pointer read from an inode or an indirect block is one we may follow. */
static int
ext2fs_ptr_check(const struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    uint32_t blk)
{
	if (ext2fs_blk_is_meta(um, blk)) {
		kprintf("ext2fs: inode %u: block pointer %u is outside the disk "
		    "or into metadata\n", ip->i_number, blk);
		return EUCLEAN;
	}
	return 0;
}

/* Entry i of a leaf: the inode's direct pointers, or an indirect block. */
static uint32_t
ext2fs_leaf_ptr(const struct ext2fs_inode *ip, const struct ext2fs_bh *leaf,
    uint32_t i)
{
	return leaf == NULL ? ip->i_block[i] : ext2fs_blk_get(leaf->bh_data, i);
}

/*
 * How many of the pointers after entry i of a leaf (at most max - 1)
 * continue the run of blk on the disk, each checked before it counts.
 */
static uint32_t
ext2fs_leaf_run(struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    const struct ext2fs_bh *leaf, uint32_t i, uint32_t blk, uint32_t max)
{
	uint32_t end = leaf == NULL ? EXT2_NDADDR : um->um_nindir, n = 1;

	while (n < max && i + n < end &&
	    ext2fs_leaf_ptr(ip, leaf, i + n) == blk + n &&
	    ext2fs_ptr_check(um, ip, blk + n) == 0)
		n++;
	return n;
}

/*
 * The disk block of logical block lbn of ip (0 for a hole), and in *runp
 * how many blocks from lbn on (at most max) lie one after the other on
 * the disk, as far as the pointers beside lbn's in the same leaf (the
 * inode's direct pointers, or one indirect block) say: a reader maps a
 * run with one lookup and reads it with one I/O.  A hole's run is 1.
 */
int
ext2fs_bmap_run(struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    uint64_t lbn, uint32_t max, uint32_t *blkp, uint32_t *runp)
{
	struct ext2fs_path p;
	struct ext2fs_bh bh;
	bool held = false;
	uint32_t blk, i;
	int error;

	KASSERT(max >= 1);
	*runp = 1;
	error = ext2fs_path_of(um, lbn, &p);
	if (error != 0)
		return error;
	blk = ip->i_block[p.p_root];
	i = p.p_root;
	for (int l = 0; l < p.p_levels && blk != 0; l++) {
		if (held)
			ext2fs_brelse(um, &bh);
		held = false;
		error = ext2fs_ptr_check(um, ip, blk);
		if (error == 0)
			error = ext2fs_bread(um, blk, &bh);
		if (error != 0)
			return error;
		held = true;
		i = p.p_idx[l];
		blk = ext2fs_blk_get(bh.bh_data, i);
	}
	if (blk != 0)
		error = ext2fs_ptr_check(um, ip, blk);
	/* blk != 0: every level was walked, and bh (if held) is the leaf. */
	if (error == 0 && blk != 0)
		*runp = ext2fs_leaf_run(um, ip, held ? &bh : NULL, i, blk, max);
	if (held)
		ext2fs_brelse(um, &bh);
	*blkp = blk;
	return error;
}

/* The disk block of logical block lbn of ip, or 0 for a hole. */
int
ext2fs_bmap(struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    uint64_t lbn, uint32_t *blkp)
{
	uint32_t run;

	return ext2fs_bmap_run(um, ip, lbn, 1, blkp, &run);
}

/* Takes a block for ip near goal and counts it in i_blocks. */
static int
ext2fs_bmap_newblk(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    uint32_t goal, uint32_t *blkp)
{
	int error = ext2fs_blkalloc(um, ext2fs_blkpref(um, ip, goal), blkp);

	if (error == 0)
		ip->i_blocks += um->um_bsize / 512;
	return error;
}

/* A new indirect block, zeroed on disk before anything points to it. */
static int
ext2fs_bmap_newindir(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    uint32_t goal, uint32_t *blkp)
{
	struct ext2fs_bh bh;
	int error;

	error = ext2fs_bmap_newblk(um, ip, goal, blkp);
	if (error != 0)
		return error;
	error = ext2fs_getblk(um, *blkp, &bh);
	if (error != 0)
		return error;
	memset(bh.bh_data, 0, um->um_bsize);
	ext2fs_bdwrite(um, &bh);
	return 0;
}

/*
 * Follows one level below indirect block parent, allocating the child at
 * index idx when it is missing (an indirect block when indir).
 */
static int
ext2fs_bmap_step(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    uint32_t parent, uint32_t idx, bool indir, uint32_t *blkp, bool *newp)
{
	struct ext2fs_bh bh;
	uint32_t blk, goal = parent;
	int error;

	error = ext2fs_bread(um, parent, &bh);
	if (error != 0)
		return error;
	blk = ext2fs_blk_get(bh.bh_data, idx);
	if (blk != 0) {
		ext2fs_brelse(um, &bh);
		*blkp = blk;
		return ext2fs_ptr_check(um, ip, blk);
	}
	if (idx > 0 && ext2fs_blk_get(bh.bh_data, idx - 1) != 0)
		goal = ext2fs_blk_get(bh.bh_data, idx - 1);
	error = indir ? ext2fs_bmap_newindir(um, ip, goal, &blk) :
	    ext2fs_bmap_newblk(um, ip, goal, &blk);
	if (error != 0) {
		ext2fs_brelse(um, &bh);
		return error;
	}
	ext2fs_blk_put(bh.bh_data, idx, blk);
	ext2fs_bdwrite(um, &bh);
	*blkp = blk;
	*newp = true;
	return 0;
}

/*
 * The disk block of lbn, allocated (with the indirect blocks leading to
 * it) when it is a hole; *newp says the data block is new and unwritten.
 * Each new block is linked as soon as it is taken, so an error leaves a
 * consistent map.  The caller writes the inode, also on error.
 */
int
ext2fs_bmap_alloc(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    uint64_t lbn, uint32_t *blkp, bool *newp)
{
	struct ext2fs_path p;
	uint32_t blk, goal;
	bool isnew = false;
	int error;

	*newp = false;
	error = ext2fs_path_of(um, lbn, &p);
	if (error != 0)
		return error;
	blk = ip->i_block[p.p_root];
	if (blk == 0) {
		goal = p.p_root > 0 ? ip->i_block[p.p_root - 1] : 0;
		error = p.p_levels > 0 ? ext2fs_bmap_newindir(um, ip, goal, &blk) :
		    ext2fs_bmap_newblk(um, ip, goal, &blk);
		if (error != 0)
			return error;
		ip->i_block[p.p_root] = blk;
		isnew = true;
	} else {
		error = ext2fs_ptr_check(um, ip, blk);
		if (error != 0)
			return error;
	}
	for (int l = 0; l < p.p_levels; l++) {
		isnew = false;
		error = ext2fs_bmap_step(um, ip, blk, p.p_idx[l],
		    l + 1 < p.p_levels, &blk, &isnew);
		if (error != 0)
			return error;
	}
	*blkp = blk;
	*newp = isnew;
	return 0;
}

/* Frees data block blk of ip. */
static int
ext2fs_bmap_freeblk(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    uint32_t blk)
{
	int error = ext2fs_ptr_check(um, ip, blk);

	if (error == 0)
		error = ext2fs_blkfree(um, blk);
	/* A corrupt i_blocks may count fewer blocks than the map holds. */
	if (error == 0)
		ip->i_blocks -= MIN(ip->i_blocks, (uint64_t)um->um_bsize / 512);
	return error;
}

/*
 * Frees what the indirect block blk at level (1 single, 2 double, 3
 * triple) maps at or past logical block keep, counting from its first
 * logical block first; frees blk itself when nothing of it stays.
 */
static int
ext2fs_trunc_indir(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    uint32_t blk, int level, uint64_t first, uint64_t keep, bool *freedp)
{
	uint64_t span = 1;
	struct ext2fs_bh bh;
	bool freed;
	int error;

	*freedp = false;
	for (int l = 1; l < level; l++)
		span *= um->um_nindir;
	error = ext2fs_ptr_check(um, ip, blk);
	if (error == 0)
		error = ext2fs_bread(um, blk, &bh);
	if (error != 0)
		return error;
	for (uint32_t i = 0; i < um->um_nindir; i++) {
		uint64_t cfirst = first + i * span;
		uint32_t child = ext2fs_blk_get(bh.bh_data, i);

		if (child == 0 || cfirst + span <= keep)
			continue;
		if (level == 1) {
			error = ext2fs_bmap_freeblk(um, ip, child);
			freed = true;
		} else {
			error = ext2fs_trunc_indir(um, ip, child, level - 1,
			    cfirst, keep, &freed);
		}
		if (error != 0)
			break;
		if (freed)
			ext2fs_blk_put(bh.bh_data, i, 0);
	}
	if (error != 0 || first < keep) {
		ext2fs_bdwrite(um, &bh);
		return error;
	}
	ext2fs_brelse(um, &bh);
	*freedp = true;
	return ext2fs_bmap_freeblk(um, ip, blk);
}

/* Frees every block of ip from logical block keep on. */
int
ext2fs_bmap_trunc(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    uint64_t keep)
{
	uint64_t first = EXT2_NDADDR, span = um->um_nindir;
	bool freed;
	int error;

	for (uint64_t i = keep; i < EXT2_NDADDR; i++) {
		if (ip->i_block[i] == 0)
			continue;
		error = ext2fs_bmap_freeblk(um, ip, ip->i_block[i]);
		if (error != 0)
			return error;
		ip->i_block[i] = 0;
	}
	for (int level = 1; level <= EXT2_NIADDR; level++) {
		uint32_t *root = &ip->i_block[EXT2_NDADDR + level - 1];

		if (*root != 0 && first + span > keep) {
			error = ext2fs_trunc_indir(um, ip, *root, level, first,
			    keep, &freed);
			if (error != 0)
				return error;
			if (freed)
				*root = 0;
		}
		first += span;
		span *= um->um_nindir;
	}
	return 0;
}
