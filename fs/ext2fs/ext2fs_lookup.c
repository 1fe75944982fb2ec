/*
 * Directories: lookup, entering and removing names, the empty check and
 * the "." and ".." entries.  A directory is a file of whole blocks of
 * entries (ext2fs_dirent.c) without holes; every block is checked before
 * it is searched or changed.
 *
 * Indexed (htree) directories made with dir_index keep their index in
 * blocks shaped as free entries, so a linear walk reads them correctly.
 * We do not maintain the index: the first change to such a directory
 * clears EXT2_INDEX_FL, which the ext2 specification allows, and from then
 * on the directory is an ordinary linear one that e2fsck accepts.
 *
 * A large directory scanned whole gets an index in memory
 * (ext2fs_dirhash.c) that every change here keeps up to date: lookups
 * then read only the blocks that may hold the name, and new entries go
 * to the first block with room.
 */
#include "rumpkern/kern.h"
#include "fs/ext2fs/ext2fs.h"

/* Reads logical block lbn of directory dp, its entries checked (once). */
static int
ext2fs_dir_bread(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    uint64_t lbn, struct ext2fs_bh *bh)
{
	uint32_t blk;
	int error;

	error = ext2fs_bmap(um, dp, lbn, &blk);
	if (error != 0)
		return error;
	if (blk == 0) {
		kprintf("ext2fs: directory %u has a hole at block %llu\n",
		    dp->i_number, (unsigned long long)lbn);
		return EUCLEAN;
	}
	error = ext2fs_bread(um, blk, bh);
	if (error != 0 || bh->bh_checked)
		return error;
	error = ext2fs_dirblk_check(um, bh->bh_data);
	if (error != 0) {
		ext2fs_brelse(um, bh);
		kprintf("ext2fs: directory %u: block %llu has a bad entry\n",
		    dp->i_number, (unsigned long long)lbn);
		return error;
	}
	ext2fs_bsetchecked(um, bh);
	return 0;
}

static uint64_t
ext2fs_dir_nblocks(const struct ext2fs_mount *um, const struct ext2fs_inode *dp)
{
	return dp->i_size >> um->um_bshift;
}

static bool
ext2fs_name_is(const struct ext2fs_dirent *de, const char *name, size_t len)
{
	return de->d_ino != 0 && de->d_namlen == len &&
	    memcmp(de->d_name, name, len) == 0;
}

/* Where a name was found: its block (held), offsets and entry. */
struct ext2fs_dirpos {
	struct ext2fs_bh dp_bh;
	uint32_t dp_lbn;
	uint32_t dp_off;
	uint32_t dp_prev;	/* the entry before it, or UINT32_MAX */
	struct ext2fs_dirent dp_de;
};

/* Finds name in block lbn of dp (ENOENT: not there, nothing held). */
static int
ext2fs_dir_findin(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    uint64_t lbn, const char *name, size_t len, struct ext2fs_dirpos *pos)
{
	uint32_t off = 0, prev = UINT32_MAX;
	int error;

	error = ext2fs_dir_bread(um, dp, lbn, &pos->dp_bh);
	if (error != 0)
		return error;
	while (off < um->um_bsize) {
		/* The block was checked whole: this cannot fail. */
		(void)ext2fs_dirent_get(um, pos->dp_bh.bh_data, off, &pos->dp_de);
		if (ext2fs_name_is(&pos->dp_de, name, len)) {
			pos->dp_lbn = (uint32_t)lbn;
			pos->dp_off = off;
			pos->dp_prev = prev;
			return 0;
		}
		prev = off;
		off += pos->dp_de.d_reclen;
	}
	ext2fs_brelse(um, &pos->dp_bh);
	return ENOENT;
}

/*
 * Finds name in dp (its block left held in pos): in the blocks dp's
 * index names, else by a scan of every block, after which a large
 * directory that does not hold the name is indexed.
 */
static int
ext2fs_dir_find(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    const char *name, size_t len, struct ext2fs_dirpos *pos)
{
	uint64_t nblocks = ext2fs_dir_nblocks(um, dp);
	uint32_t lbns[EXT2_DIRHASH_CANDIDATES];
	int n, error;

	if (len == 0 || len > EXT2_MAXNAMLEN)
		return len == 0 ? ENOENT : ENAMETOOLONG;
	if (ext2fs_dirhash_lookup(um, dp, name, len, lbns,
	    EXT2_DIRHASH_CANDIDATES, &n)) {
		for (int i = 0; i < n; i++) {
			error = ext2fs_dir_findin(um, dp, lbns[i], name, len, pos);
			if (error != ENOENT)
				return error;
		}
		return ENOENT;
	}
	for (uint64_t lbn = 0; lbn < nblocks; lbn++) {
		error = ext2fs_dir_findin(um, dp, lbn, name, len, pos);
		if (error != ENOENT)
			return error;
	}
	ext2fs_dirhash_build(um, dp, ext2fs_dir_bread);
	return ENOENT;
}

int
ext2fs_dir_lookup(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    const char *name, size_t namlen, uint32_t *inop)
{
	struct ext2fs_dirpos pos;
	int error;

	error = ext2fs_dir_find(um, dp, name, namlen, &pos);
	if (error != 0)
		return error;
	*inop = pos.dp_de.d_ino;
	ext2fs_brelse(um, &pos.dp_bh);
	if (*inop < EXT2_ROOT_INO ||
	    (*inop < um->um_first_ino && *inop != EXT2_ROOT_INO)) {
		kprintf("ext2fs: directory %u names reserved inode %u\n",
		    dp->i_number, *inop);
		return EUCLEAN;
	}
	return 0;
}

/* Sets the inode number and record length of the entry at off. */
static void
ext2fs_dirent_reset(const struct ext2fs_mount *um, uint8_t *blk, uint32_t off,
    uint32_t ino, uint16_t reclen)
{
	struct ext2fs_dirent de;

	(void)ext2fs_dirent_get(um, blk, off, &de);
	de.d_ino = ino;
	de.d_reclen = reclen;
	ext2fs_dirhdr_store(&de, (struct ext2fs_ddirent *)(blk + off));
}

/* A change to an indexed directory turns it into a linear one. */
static void
ext2fs_dir_unindex(struct ext2fs_inode *dp)
{
	dp->i_flags &= ~EXT2_INDEX_FL;
}

/* Puts the entry into the block's first gap of need bytes, if any. */
static bool
ext2fs_dirblk_insert(const struct ext2fs_mount *um, uint8_t *blk,
    const char *name, uint8_t namlen, uint32_t ino, uint8_t type)
{
	uint32_t need = EXT2_DIR_RECLEN(namlen), off = 0;
	struct ext2fs_dirent de;

	while (off < um->um_bsize) {
		uint32_t used;

		(void)ext2fs_dirent_get(um, blk, off, &de);
		used = de.d_ino != 0 ? EXT2_DIR_RECLEN(de.d_namlen) : 0;
		if (de.d_reclen - used >= need) {
			if (used != 0)
				ext2fs_dirent_reset(um, blk, off, de.d_ino,
				    (uint16_t)used);
			ext2fs_dirent_put(um, blk, off + used, ino,
			    (uint16_t)(de.d_reclen - used), name, namlen, type);
			return true;
		}
		off += de.d_reclen;
	}
	return false;
}

/* Adds a block holding only the new entry at the end of dp. */
static int
ext2fs_dir_extend(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, uint8_t namlen, uint32_t ino, uint8_t type)
{
	uint64_t lbn = ext2fs_dir_nblocks(um, dp);
	struct ext2fs_bh bh;
	uint32_t blk;
	bool isnew;
	int error;

	if (dp->i_size + um->um_bsize >= (1ull << 32))
		return EFBIG;
	error = ext2fs_bmap_alloc(um, dp, lbn, &blk, &isnew);
	if (error == 0)
		error = ext2fs_getblk(um, blk, &bh);
	if (error != 0)
		return error;
	memset(bh.bh_data, 0, um->um_bsize);
	ext2fs_dirent_put(um, bh.bh_data, 0, ino, (uint16_t)um->um_bsize, name,
	    namlen, type);
	ext2fs_dirhash_update(um, dp, name, namlen, (uint32_t)lbn, bh.bh_data,
	    true);
	ext2fs_bdwrite(um, &bh);
	dp->i_size += um->um_bsize;
	return 0;
}

/*
 * Enters name for inode ino (of mode) in dp, in the first gap that holds
 * it (from the first block with room, when dp is indexed), else in a new
 * block.  The caller has looked the name up and not
 * found it, and writes dp afterwards (its size or flags may change).
 */
int
ext2fs_dir_enter(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, size_t namlen, uint32_t ino, uint16_t mode)
{
	uint64_t nblocks = ext2fs_dir_nblocks(um, dp);
	uint8_t type = ext2fs_mode_to_ft(mode);
	struct ext2fs_bh bh;
	int error;

	if (namlen == 0 || namlen > EXT2_MAXNAMLEN)
		return namlen == 0 ? ENOENT : ENAMETOOLONG;
	ext2fs_dir_unindex(dp);
	for (uint64_t lbn = ext2fs_dirhash_findfree(um, dp,
	    EXT2_DIR_RECLEN(namlen)); lbn < nblocks; lbn++) {
		error = ext2fs_dir_bread(um, dp, lbn, &bh);
		if (error != 0)
			return error;
		if (ext2fs_dirblk_insert(um, bh.bh_data, name, (uint8_t)namlen,
		    ino, type)) {
			ext2fs_dirhash_update(um, dp, name, namlen, (uint32_t)lbn,
			    bh.bh_data, true);
			ext2fs_bdwrite(um, &bh);
			return 0;
		}
		ext2fs_brelse(um, &bh);
	}
	return ext2fs_dir_extend(um, dp, name, (uint8_t)namlen, ino, type);
}

/*
 * Removes name from dp: its space joins the entry before it, or, first in
 * its block, it becomes a free entry.  The caller writes dp.
 */
int
ext2fs_dir_remove(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, size_t namlen)
{
	struct ext2fs_dirpos pos;
	struct ext2fs_dirent pde;
	uint8_t *blk;
	int error;

	error = ext2fs_dir_find(um, dp, name, namlen, &pos);
	if (error != 0)
		return error;
	ext2fs_dir_unindex(dp);
	blk = pos.dp_bh.bh_data;
	if (pos.dp_prev == UINT32_MAX) {
		ext2fs_dirent_reset(um, blk, pos.dp_off, 0, pos.dp_de.d_reclen);
	} else {
		(void)ext2fs_dirent_get(um, blk, pos.dp_prev, &pde);
		ext2fs_dirent_reset(um, blk, pos.dp_prev, pde.d_ino,
		    (uint16_t)(pde.d_reclen + pos.dp_de.d_reclen));
	}
	ext2fs_dirhash_update(um, dp, name, namlen, pos.dp_lbn, blk, false);
	ext2fs_bdwrite(um, &pos.dp_bh);
	return 0;
}

static bool
ext2fs_is_dot(const struct ext2fs_dirent *de)
{
	return ext2fs_name_is(de, ".", 1) || ext2fs_name_is(de, "..", 2);
}

/* Does dp hold nothing but "." and ".."? */
int
ext2fs_dir_isempty(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    bool *emptyp)
{
	uint64_t nblocks = ext2fs_dir_nblocks(um, dp);
	struct ext2fs_dirent de;
	struct ext2fs_bh bh;
	int error;

	*emptyp = true;
	for (uint64_t lbn = 0; lbn < nblocks && *emptyp; lbn++) {
		error = ext2fs_dir_bread(um, dp, lbn, &bh);
		if (error != 0)
			return error;
		for (uint32_t off = 0; off < um->um_bsize; off += de.d_reclen) {
			(void)ext2fs_dirent_get(um, bh.bh_data, off, &de);
			if (de.d_ino != 0 && !ext2fs_is_dot(&de))
				*emptyp = false;
		}
		ext2fs_brelse(um, &bh);
	}
	return 0;
}

/* The first block of a new directory: "." and "..". */
int
ext2fs_dir_init(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    uint32_t parent)
{
	uint16_t dotlen = EXT2_DIR_RECLEN(1);
	struct ext2fs_bh bh;
	uint32_t blk;
	bool isnew;
	int error;

	error = ext2fs_bmap_alloc(um, dp, 0, &blk, &isnew);
	if (error == 0)
		error = ext2fs_getblk(um, blk, &bh);
	if (error != 0)
		return error;
	memset(bh.bh_data, 0, um->um_bsize);
	ext2fs_dirent_put(um, bh.bh_data, 0, dp->i_number, dotlen, ".", 1,
	    EXT2_FT_DIR);
	ext2fs_dirent_put(um, bh.bh_data, dotlen, parent,
	    (uint16_t)(um->um_bsize - dotlen), "..", 2, EXT2_FT_DIR);
	ext2fs_bdwrite(um, &bh);
	dp->i_size = um->um_bsize;
	return 0;
}

/*
 * Reads dp's first block, which must start with "." naming dp and ".."
 * after it; returns the offset of "..", the block left held.
 */
static int
ext2fs_dir_dotdot(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    struct ext2fs_bh *bh, struct ext2fs_dirent *de, uint32_t *offp)
{
	int error = ext2fs_dir_bread(um, dp, 0, bh);

	if (error != 0)
		return error;
	(void)ext2fs_dirent_get(um, bh->bh_data, 0, de);
	*offp = de->d_reclen;
	if (ext2fs_name_is(de, ".", 1) && de->d_ino == dp->i_number &&
	    *offp < um->um_bsize) {
		(void)ext2fs_dirent_get(um, bh->bh_data, *offp, de);
		if (ext2fs_name_is(de, "..", 2))
			return 0;
	}
	ext2fs_brelse(um, bh);
	kprintf("ext2fs: directory %u does not start with . and ..\n",
	    dp->i_number);
	return EUCLEAN;
}

/*
 * The parent dp names in "..".  Directories have exactly one parent, so
 * a walk that reaches a directory whose ".." is not the directory it came
 * from has found a cycle or a stray link: the caller refuses it.
 */
int
ext2fs_dir_getparent(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    uint32_t *parentp)
{
	struct ext2fs_dirent de;
	struct ext2fs_bh bh;
	uint32_t off;
	int error;

	error = ext2fs_dir_dotdot(um, dp, &bh, &de, &off);
	if (error != 0)
		return error;
	*parentp = de.d_ino;
	ext2fs_brelse(um, &bh);
	return 0;
}

/* Points ".." of dp at parent (a directory moved by rename). */
int
ext2fs_dir_setparent(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    uint32_t parent)
{
	struct ext2fs_dirent de;
	struct ext2fs_bh bh;
	uint32_t off;
	int error;

	error = ext2fs_dir_dotdot(um, dp, &bh, &de, &off);
	if (error != 0)
		return error;
	ext2fs_dirent_reset(um, bh.bh_data, off, parent, de.d_reclen);
	ext2fs_bdwrite(um, &bh);
	return 0;
}

/*
 * Directories have exactly one parent, so a directory reached from dp by
 * a name other than "." and ".." must name dp in its "..": anything else
 * is a cycle or a second link to a directory, and walking into it could
 * go on for ever.
 */
int
ext2fs_dir_checkparent(struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    uint32_t dino)
{
	uint32_t parent;
	int error;

	error = ext2fs_dir_getparent(um, ip, &parent);
	if (error == 0 && parent != dino) {
		kprintf("ext2fs: directory %u is named in %u but its parent "
		    "is %u\n", ip->i_number, dino, parent);
		error = EUCLEAN;
	}
	return error;
}

/* Reads inode ino, named name in dp, checking a directory's parent. */
int
ext2fs_inode_child(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    const char *name, size_t len, uint32_t ino, struct ext2fs_inode *ip)
{
	bool dot = (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.');
	int error;

	error = ext2fs_iget(um, ino, ip);
	if (error != 0 || dot || (ip->i_mode & EXT2_IFMT) != EXT2_IFDIR)
		return error;
	return ext2fs_dir_checkparent(um, ip, dp->i_number);
}

/* Looks name up in dp and reads its inode (ext2fs_inode_child). */
int
ext2fs_lookup_child(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    const char *name, size_t len, struct ext2fs_inode *ip)
{
	uint32_t ino;
	int error;

	if ((dp->i_mode & EXT2_IFMT) != EXT2_IFDIR)
		return ENOTDIR;
	error = ext2fs_dir_lookup(um, dp, name, len, &ino);
	if (error != 0)
		return error;
	return ext2fs_inode_child(um, dp, name, len, ino, ip);
}

/*
 * The next used entry of dp at or after byte *offp; *offp moves past it.
 * ENOENT at the end.  The name is copied to name (EXT2_MAXNAMLEN + 1).
 */
int
ext2fs_dir_next(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    uint64_t *offp, struct ext2fs_dirent *de, char *name)
{
	struct ext2fs_bh bh;
	int error;

	while (*offp < dp->i_size) {
		uint32_t off = (uint32_t)(*offp & (um->um_bsize - 1)), o = 0;

		error = ext2fs_dir_bread(um, dp, *offp >> um->um_bshift, &bh);
		if (error != 0)
			return error;
		/* Entries are found from the block's start: *offp may be stale. */
		while (o < um->um_bsize) {
			(void)ext2fs_dirent_get(um, bh.bh_data, o, de);
			if (o >= off && de->d_ino != 0)
				break;
			o += de->d_reclen;
		}
		if (o < um->um_bsize) {
			memcpy(name, de->d_name, de->d_namlen);
			name[de->d_namlen] = '\0';
			de->d_name = name;
			*offp += o - off + de->d_reclen;
			ext2fs_brelse(um, &bh);
			return 0;
		}
		ext2fs_brelse(um, &bh);
		*offp += um->um_bsize - off;
	}
	return ENOENT;
}

/*
 * Points the existing entry name of dp at inode ino of mode instead (a
 * rename over an existing name).  The caller writes dp.
 */
int
ext2fs_dir_rewrite(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, size_t namlen, uint32_t ino, uint16_t mode)
{
	struct ext2fs_dirpos pos;
	int error;

	error = ext2fs_dir_find(um, dp, name, namlen, &pos);
	if (error != 0)
		return error;
	ext2fs_dir_unindex(dp);
	ext2fs_dirent_put(um, pos.dp_bh.bh_data, pos.dp_off, ino,
	    pos.dp_de.d_reclen, name, (uint8_t)namlen, ext2fs_mode_to_ft(mode));
	ext2fs_bdwrite(um, &pos.dp_bh);
	return 0;
}
