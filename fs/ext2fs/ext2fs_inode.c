/*
 * Inodes: read from the inode table and checked before use, written back,
 * made, truncated and released.  The bytes of an on-disk inode that the
 * in-core one does not hold (extra timestamps, in-inode attributes) are
 * kept as they are; an extended attribute block is shared by reference
 * count and freed only by its last user.
 */
#include "rumpkern/kern.h"
#include "rumpkern/ktime.h"
#include "fs/ext2fs/ext2fs.h"

/* Where inode ino lies: the table block and the byte offset in it. */
static int
ext2fs_iloc(const struct ext2fs_mount *um, uint32_t ino, uint32_t *blkp,
    uint32_t *offp)
{
	uint32_t idx;

	if (ino == 0 || ino > um->um_sb.s_inodes_count) {
		kprintf("ext2fs: inode number %u is out of range\n", ino);
		return EUCLEAN;
	}
	idx = (ino - 1) % um->um_sb.s_inodes_per_group;
	*blkp = um->um_gd[ext2fs_ino_group(um, ino)].bg_inode_table +
	    idx / um->um_ipb;
	*offp = (idx % um->um_ipb) * um->um_isize;
	return 0;
}

/*
 * Inode-table blocks are read ahead: files made one after the other take
 * inodes one after the other, and a listing reads the inodes of a
 * directory, which mke2fs and the allocator put side by side, so block
 * by block an inode table cost a host call per block.  A block outside
 * the window read ahead last moves it: the blocks after it in its
 * group's table, EXT2_ITRA_BYTES in all, are handed to the device,
 * which reads those not cached with one host call.
 */
static void
ext2fs_itable_readahead(struct ext2fs_mount *um, uint32_t ino, uint32_t blk)
{
	uint32_t start = __atomic_load_n(&um->um_itra_start, __ATOMIC_RELAXED);
	uint32_t end = __atomic_load_n(&um->um_itra_end, __ATOMIC_RELAXED);
	uint32_t tend = um->um_gd[ext2fs_ino_group(um, ino)].bg_inode_table +
	    um->um_itblocks;
	uint32_t blks[EXT2_ITRA_BYTES / 1024];
	int n = 0;

	if (blk >= start && blk < end)
		return;
	while (blk + 1 + (uint32_t)n < tend &&
	    (uint32_t)n + 1 < (uint32_t)EXT2_ITRA_BYTES >> um->um_bshift) {
		blks[n] = blk + 1 + (uint32_t)n;
		n++;
	}
	__atomic_store_n(&um->um_itra_start, blk, __ATOMIC_RELAXED);
	__atomic_store_n(&um->um_itra_end, blk + 1 + (uint32_t)n,
	    __ATOMIC_RELAXED);
	(void)ext2fs_breada(um, blks, n, true);
}

/*
 * The inode-table block holding inode ino, read, and the inode's offset
 * in it; with ahead, the blocks after it are read ahead (a read of an
 * inode, or a new one: an inode written was read before, and moving
 * the window for it would only look the blocks up again).
 */
static int
ext2fs_itable_bread(struct ext2fs_mount *um, uint32_t ino, bool ahead,
    struct ext2fs_bh *bh, uint32_t *offp)
{
	uint32_t blk;
	int error;

	error = ext2fs_iloc(um, ino, &blk, offp);
	if (error != 0)
		return error;
	if (ahead)
		ext2fs_itable_readahead(um, ino, blk);
	return ext2fs_bread(um, blk, bh);
}

static bool
ext2fs_mode_valid(uint16_t mode)
{
	switch (mode & EXT2_IFMT) {
	case EXT2_IFREG: case EXT2_IFDIR: case EXT2_IFLNK: case EXT2_IFCHR:
	case EXT2_IFBLK: case EXT2_IFIFO: case EXT2_IFSOCK:
		return true;
	default:
		return false;
	}
}

bool
ext2fs_is_fastlink(const struct ext2fs_mount *um,
    const struct ext2fs_inode *ip)
{
	uint64_t eablocks = ip->i_file_acl != 0 ? um->um_bsize / 512 : 0;

	return (ip->i_mode & EXT2_IFMT) == EXT2_IFLNK &&
	    ip->i_blocks == eablocks;
}

/* The blocks, indirect ones included, that a full file of size needs. */
static uint64_t
ext2fs_size_blocks(const struct ext2fs_mount *um, uint64_t size)
{
	uint64_t n = howmany(size, (uint64_t)um->um_bsize);
	uint64_t per = um->um_nindir, total = n, r, part;

	if (n <= EXT2_NDADDR)
		return total;
	r = n - EXT2_NDADDR;
	part = MIN(r, per);			/* single indirect */
	total += 1;
	r -= part;
	if (r == 0)
		return total;
	part = MIN(r, per * per);		/* double indirect */
	total += 1 + howmany(part, per);
	r -= part;
	if (r == 0)
		return total;
	return total + 1 + howmany(r, per * per) + howmany(r, per);
}

/*
 * A live inode (one a directory entry names) is sane: a known type, a
 * link, no ext4-only layout, a size its blocks can hold.
 */
int
ext2fs_inode_check(const struct ext2fs_mount *um,
    const struct ext2fs_inode *ip)
{
	uint32_t ino = ip->i_number;
	uint64_t fsblocks = ip->i_blocks / (um->um_bsize / 512);

	if (ip->i_links_count == 0) {
		kprintf("ext2fs: inode %u has a link count of zero\n", ino);
		return EUCLEAN;
	}
	if (!ext2fs_mode_valid(ip->i_mode)) {
		kprintf("ext2fs: inode %u has bad mode 0%o\n", ino, ip->i_mode);
		return EUCLEAN;
	}
	if (ip->i_flags & (EXT4_EXTENTS_FL | EXT4_INLINE_DATA_FL |
	    EXT4_EA_INODE_FL)) {
		kprintf("ext2fs: inode %u uses ext4 layouts (flags 0x%x)\n",
		    ino, ip->i_flags);
		return EUCLEAN;
	}
	if (ip->i_size > ext2fs_maxfilesize(um) ||
	    fsblocks > ext2fs_size_blocks(um, ip->i_size) + 1 ||
	    (ip->i_file_acl != 0 && ext2fs_blk_is_meta(um, ip->i_file_acl))) {
		kprintf("ext2fs: inode %u: size %llu and %llu blocks disagree\n",
		    ino, (unsigned long long)ip->i_size,
		    (unsigned long long)fsblocks);
		return EUCLEAN;
	}
	if ((ip->i_mode & EXT2_IFMT) == EXT2_IFDIR &&
	    (ip->i_size == 0 || ip->i_size % um->um_bsize != 0 ||
	    ip->i_size >= (1ull << 32))) {
		kprintf("ext2fs: directory %u has bad size %llu\n", ino,
		    (unsigned long long)ip->i_size);
		return EUCLEAN;
	}
	if ((ip->i_mode & EXT2_IFMT) == EXT2_IFLNK &&
	    (ip->i_size == 0 || ip->i_size >= um->um_bsize ||
	    (ext2fs_is_fastlink(um, ip) && ip->i_size >= EXT2_FASTLINK_MAX))) {
		kprintf("ext2fs: symlink %u has bad size %llu\n", ino,
		    (unsigned long long)ip->i_size);
		return EUCLEAN;
	}
	return 0;
}

static int
ext2fs_iread(struct ext2fs_mount *um, uint32_t ino, struct ext2fs_inode *ip)
{
	struct ext2fs_bh bh;
	uint32_t off;
	int error;

	error = ext2fs_itable_bread(um, ino, true, &bh, &off);
	if (error != 0)
		return error;
	ext2fs_inode_load((const struct ext2fs_dinode *)
	    ((const uint8_t *)bh.bh_data + off), ip);
	ext2fs_inode_load_extra((const uint8_t *)bh.bh_data + off, um->um_isize,
	    ip);
	ext2fs_brelse(um, &bh);
	ip->i_number = ino;
	return 0;
}

/* Reads a live inode and checks it. */
int
ext2fs_iget(struct ext2fs_mount *um, uint32_t ino, struct ext2fs_inode *ip)
{
	int error = ext2fs_iread(um, ino, ip);

	if (error != 0)
		return error;
	return ext2fs_inode_check(um, ip);
}

int
ext2fs_iput(struct ext2fs_mount *um, const struct ext2fs_inode *ip)
{
	struct ext2fs_bh bh;
	uint32_t off;
	int error;

	error = ext2fs_itable_bread(um, ip->i_number, false, &bh, &off);
	if (error != 0)
		return error;
	ext2fs_inode_store(ip, (struct ext2fs_dinode *)
	    ((uint8_t *)bh.bh_data + off));
	ext2fs_inode_store_extra(ip, (uint8_t *)bh.bh_data + off, um->um_isize);
	ext2fs_bdwrite(um, &bh);
	return 0;
}

/* Clears the on-disk inode of a newly allocated number. */
static int
ext2fs_iclear(struct ext2fs_mount *um, uint32_t ino)
{
	struct ext2fs_bh bh;
	uint32_t off;
	int error;

	error = ext2fs_itable_bread(um, ino, true, &bh, &off);
	if (error != 0)
		return error;
	ext2fs_dinode_clear((uint8_t *)bh.bh_data + off, um->um_isize);
	ext2fs_bdwrite(um, &bh);
	return 0;
}

/*
 * Allocates and writes a new inode of mode for directory pino, with one
 * link and the current time; the caller sets owner and links further.
 */
int
ext2fs_inew(struct ext2fs_mount *um, uint32_t pino, uint16_t mode,
    struct ext2fs_inode *ip)
{
	uint32_t ino;
	int error;

	error = ext2fs_ialloc(um, pino, mode, &ino);
	if (error != 0)
		return error;
	error = ext2fs_iclear(um, ino);
	if (error != 0) {
		(void)ext2fs_ifree(um, ino, mode);
		return error;
	}
	memset(ip, 0, sizeof(*ip));
	ip->i_number = ino;
	ip->i_mode = mode;
	ip->i_links_count = 1;
	ext2fs_itimes(ip, EXT2_ATIME | EXT2_MTIME | EXT2_CTIME);
	/*
	 * Only needs to differ from the last use of the number: a counter
	 * from a random start, as Linux's s_next_generation, rather than a
	 * host call for random bytes per new file.
	 */
	ip->i_generation = __atomic_fetch_add(&um->um_nextgen, 1,
	    __ATOMIC_RELAXED);
	return ext2fs_iput(um, ip);
}

/* Zeroes the rest of the block holding byte size-1, past size. */
static int
ext2fs_zero_tail(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    uint64_t size)
{
	uint32_t off = (uint32_t)(size & (um->um_bsize - 1)), blk;
	struct ext2fs_bh bh;
	int error;

	if (off == 0)
		return 0;
	error = ext2fs_bmap(um, ip, size >> um->um_bshift, &blk);
	if (error != 0 || blk == 0)
		return error;
	error = ext2fs_bread(um, blk, &bh);
	if (error != 0)
		return error;
	memset((uint8_t *)bh.bh_data + off, 0, um->um_bsize - off);
	ext2fs_bdwrite(um, &bh);
	return 0;
}

/*
 * Sets the size of ip.  Shrinking frees the blocks past the new end and
 * zeroes the tail of the last one, so that growing again reads zeros;
 * growing leaves a hole.  The caller writes the inode, also on error.
 */
int
ext2fs_truncate(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    uint64_t size)
{
	int error;

	if (size > ext2fs_maxfilesize(um))
		return EFBIG;
	if ((ip->i_mode & EXT2_IFMT) == EXT2_IFDIR)
		ext2fs_dirhash_drop(um, ip->i_number);
	if (ext2fs_is_fastlink(um, ip)) {
		if (size != 0)
			return EINVAL;
		memset(ip->i_block, 0, sizeof(ip->i_block));
		ip->i_size = 0;
		return 0;
	}
	if (size < ip->i_size) {
		error = ext2fs_bmap_trunc(um, ip,
		    howmany(size, (uint64_t)um->um_bsize));
		if (error != 0)
			return error;
		error = ext2fs_zero_tail(um, ip, size);
		if (error != 0)
			return error;
	}
	ip->i_size = size;
	return 0;
}

/* Drops ip's reference to its extended attribute block. */
static int
ext2fs_ea_release(struct ext2fs_mount *um, struct ext2fs_inode *ip)
{
	struct ext2fs_bh bh;
	uint32_t magic, refcount, blk = ip->i_file_acl;
	int error;

	if (blk == 0)
		return 0;
	error = ext2fs_bread(um, blk, &bh);
	if (error != 0)
		return error;
	ext2fs_eahdr_load(bh.bh_data, &magic, &refcount);
	if (magic != EXT2_EA_MAGIC || refcount == 0) {
		ext2fs_brelse(um, &bh);
		kprintf("ext2fs: inode %u: bad attribute block %u\n",
		    ip->i_number, blk);
		return EUCLEAN;
	}
	ip->i_file_acl = 0;
	ip->i_blocks -= um->um_bsize / 512;
	if (refcount > 1) {
		ext2fs_eahdr_set_refcount(bh.bh_data, refcount - 1);
		ext2fs_bdwrite(um, &bh);
		return 0;
	}
	ext2fs_brelse(um, &bh);
	return ext2fs_blkfree(um, blk);
}

/*
 * The last link and the last reference are gone: frees the contents, the
 * attribute block's reference and the inode, recording the deletion time.
 */
int
ext2fs_inode_release(struct ext2fs_mount *um, struct ext2fs_inode *ip)
{
	int error;

	KASSERT(ip->i_links_count == 0);
	error = ext2fs_truncate(um, ip, 0);
	if (error == 0)
		error = ext2fs_ea_release(um, ip);
	ip->i_dtime = (uint32_t)(getnstime() / NSEC_PER_SEC);
	if (error == 0)
		error = ext2fs_iput(um, ip);
	if (error == 0)
		error = ext2fs_ifree(um, ip->i_number, ip->i_mode);
	return error;
}

int
ext2fs_readlink(struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    char *buf, size_t buflen, size_t *lenp)
{
	char raw[EXT2_FASTLINK_MAX];
	size_t len = (size_t)MIN(ip->i_size, (uint64_t)buflen);
	size_t done;
	int error;

	if ((ip->i_mode & EXT2_IFMT) != EXT2_IFLNK)
		return EINVAL;
	if (ext2fs_is_fastlink(um, ip)) {
		ext2fs_fastlink_get(ip, raw);
		memcpy(buf, raw, MIN(len, sizeof(raw)));
		*lenp = MIN(len, sizeof(raw));
		return 0;
	}
	error = ext2fs_read(um, ip, 0, buf, len, &done);
	*lenp = done;
	return error;
}

/* Stores a new symlink's target: in the inode when it fits, else a block. */
int
ext2fs_symlink_set(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    const char *target, size_t len)
{
	if (len == 0)
		return ENOENT;
	if (len >= um->um_bsize)
		return ENAMETOOLONG;
	if (len < EXT2_FASTLINK_MAX) {
		ext2fs_fastlink_set(ip, target, len);
		ip->i_size = len;
		return 0;
	}
	return ext2fs_write(um, ip, 0, target, len);
}
