/*
 * ext2fs private interface: the in-core superblock, group descriptors and
 * inodes (host byte order, filled from the on-disk structures of
 * ext2fs_dinode.h by ext2fs_bswap.c), the mount, and the functions of
 * each part of the file system.
 *
 * The file system reads and writes its device through ext2fs_devops, the
 * shape of a buffer cache (bread, getblk, brelse, bwrite, bdwrite on
 * DEV_BSIZE-addressed blocks): the VFS binding fills it from the buffer
 * cache, the unit tests from an image held in memory.
 *
 * Everything read from the device is untrusted: a bad value gives EUCLEAN
 * (a corrupt structure) or EIO, and a message naming what was wrong.
 */
#ifndef FS_EXT2FS_EXT2FS_H
#define FS_EXT2FS_EXT2FS_H

#include "rumpkern/kern.h"
#include "rumpkern/abi.h"
#include "rumpkern/mutex.h"
#include "rumpkern/siphash.h"
#include "fs/ext2fs/ext2fs_dinode.h"

#define EXT2_DEV_BSIZE		512	/* the device's addressing unit */

/*
 * A buffer lent by the device: its data and the device's own handle;
 * bh_checked, whether the file system checked its contents (as a
 * directory block) since they were last read or changed.
 */
struct ext2fs_bh {
	void *bh_data;
	void *bh_buf;
	bool bh_checked;
};

/* The device below the file system: a buffer cache's calls. */
struct ext2fs_devops {
	/* Reads size bytes at DEV_BSIZE block dblk into a buffer. */
	int (*ed_bread)(void *dev, uint64_t dblk, uint32_t size,
	    struct ext2fs_bh *bh);
	/* A buffer for a block about to be overwritten whole, unread. */
	int (*ed_getblk)(void *dev, uint64_t dblk, uint32_t size,
	    struct ext2fs_bh *bh);
	/* Gives a buffer back unchanged. */
	void (*ed_brelse)(void *dev, struct ext2fs_bh *bh);
	/* Writes a buffer now and gives it back. */
	int (*ed_bwrite)(void *dev, struct ext2fs_bh *bh);
	/* Marks a buffer to be written later and gives it back. */
	void (*ed_bdwrite)(void *dev, struct ext2fs_bh *bh);
	/*
	 * Optional: reads the n blocks of size bytes at DEV_BSIZE blocks
	 * dblks into the cache ahead of their use; a hint that cannot fail.
	 * keep: blocks used more than once (metadata), else file data that
	 * a sequential reader uses once (breada_keep, breada).
	 */
	void (*ed_readahead)(void *dev, const uint64_t *dblks, int n,
	    uint32_t size, bool keep);
	/*
	 * Optional: remembers that the contents of a buffer read with
	 * ed_bread were checked, until they are read or changed again
	 * (bh_checked of later reads says so).
	 */
	void (*ed_setchecked)(void *dev, struct ext2fs_bh *bh);
	/*
	 * Optional: ed_bdwrite of a block of file data written whole, not
	 * expected to be read soon: written back before long and its buffer
	 * reused (bdwrite_age).
	 */
	void (*ed_bdwrite_age)(void *dev, struct ext2fs_bh *bh);
	/*
	 * Optional: reads the n blocks of size bytes from DEV_BSIZE block
	 * dblk on, one after the other on the disk, straight into dst and
	 * caching nothing (bread_direct); EAGAIN when any of them is cached,
	 * to be read with ed_bread.
	 */
	int (*ed_readdirect)(void *dev, uint64_t dblk, uint32_t size,
	    uint32_t n, void *dst);
};

/* The superblock fields the file system uses, in host order. */
struct ext2fs_sb {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size;
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint32_t s_rev_level;
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint16_t s_reserved_gdt_blocks;
	uint32_t s_journal_inum;
	uint32_t s_first_meta_bg;
};

struct ext2fs_gd {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint32_t bg_free_blocks_count;
	uint32_t bg_free_inodes_count;
	uint32_t bg_used_dirs_count;
	uint16_t bg_flags;
};

/* An inode in host order; the on-disk bytes it does not hold stay as read. */
struct ext2fs_inode {
	uint32_t i_number;
	uint16_t i_mode;
	uint32_t i_uid;
	uint32_t i_gid;
	uint64_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	/* Nanoseconds, kept on disk where a large inode has room. */
	uint32_t i_atime_ns;
	uint32_t i_ctime_ns;
	uint32_t i_mtime_ns;
	uint32_t i_dtime;
	uint16_t i_links_count;
	uint64_t i_blocks;	/* 512-byte units */
	uint32_t i_flags;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;
};

/* A mounted file system. */
struct ext2fs_mount {
	const struct ext2fs_devops *um_devops;
	void *um_dev;
	uint64_t um_devsize;		/* bytes */
	struct ext2fs_sb um_sb;
	struct ext2fs_dsb um_dsb;	/* as read: the fields we do not use */
	struct ext2fs_gd *um_gd;
	uint32_t um_ngroups;
	uint32_t um_gdblocks;		/* blocks of group descriptors */
	uint32_t um_bsize;		/* block size, bytes */
	uint32_t um_bshift;
	uint32_t um_nindir;		/* block numbers per block */
	uint32_t um_isize;		/* on-disk inode size */
	uint32_t um_ipb;		/* inodes per block */
	uint32_t um_itblocks;		/* inode table blocks per group */
	uint32_t um_first_ino;
	bool um_ronly;
	bool um_fmod;			/* counts changed since written */
	uint16_t um_state;		/* s_state when mounted */
	/* Allocation state: the bitmaps, free counts and descriptors. */
	kmutex_t um_lock;
	/* Indexes of large directories (ext2fs_dirhash.c), under um_dhlock. */
	kmutex_t um_dhlock;
	TAILQ_HEAD(ext2fs_dhlist, ext2fs_dirhash) um_dirhash;
	struct siphash_key um_dhkey;	/* of the names' hashes; constant */
	unsigned um_ndirhash;
	uint32_t um_nextgen;		/* the next new inode's generation */
	/* Inode-table read-ahead (ext2fs_inode.c): hints, no lock. */
	uint32_t um_itra_start, um_itra_end;
	char um_why[128];		/* why the mount was refused or read-only */
};

#define EXT2_MNT_RDONLY		0x01

/* ext2fs_bswap.c: the one place little-endian fields are converted. */
void ext2fs_sb_load(const struct ext2fs_dsb *d, struct ext2fs_sb *s);
void ext2fs_sb_store(const struct ext2fs_sb *s, struct ext2fs_dsb *d);
void ext2fs_gd_load(const struct ext2fs_dgd *d, struct ext2fs_gd *g);
void ext2fs_gd_store(const struct ext2fs_gd *g, struct ext2fs_dgd *d);
void ext2fs_inode_load(const struct ext2fs_dinode *d, struct ext2fs_inode *ip);
void ext2fs_inode_store(const struct ext2fs_inode *ip, struct ext2fs_dinode *d);
void ext2fs_inode_load_extra(const void *dinode, uint32_t isize,
    struct ext2fs_inode *ip);
void ext2fs_inode_store_extra(const struct ext2fs_inode *ip, void *dinode,
    uint32_t isize);
struct ext2fs_dirent;
void ext2fs_dirhdr_load(const struct ext2fs_ddirent *d, struct ext2fs_dirent *de);
void ext2fs_dirhdr_store(const struct ext2fs_dirent *de, struct ext2fs_ddirent *d);
void ext2fs_fastlink_get(const struct ext2fs_inode *ip, char *buf);
void ext2fs_fastlink_set(struct ext2fs_inode *ip, const char *target,
    size_t len);
void ext2fs_dinode_clear(void *d, uint32_t isize);
void ext2fs_eahdr_load(const struct ext2fs_deahdr *d, uint32_t *magicp,
    uint32_t *refcountp);
void ext2fs_eahdr_set_refcount(struct ext2fs_deahdr *d, uint32_t refcount);
uint32_t ext2fs_blk_get(const void *indir, uint32_t i);
void ext2fs_blk_put(void *indir, uint32_t i, uint32_t blk);

/* ext2fs_io.c: blocks of the file system through the device. */
int ext2fs_bread(struct ext2fs_mount *um, uint32_t blk, struct ext2fs_bh *bh);
int ext2fs_getblk(struct ext2fs_mount *um, uint32_t blk, struct ext2fs_bh *bh);
void ext2fs_brelse(struct ext2fs_mount *um, struct ext2fs_bh *bh);
void ext2fs_bdwrite(struct ext2fs_mount *um, struct ext2fs_bh *bh);
void ext2fs_bdwrite_age(struct ext2fs_mount *um, struct ext2fs_bh *bh);
int ext2fs_breada(struct ext2fs_mount *um, const uint32_t *blks, int n,
    bool keep);
int ext2fs_bread_direct(struct ext2fs_mount *um, uint32_t blk, uint32_t n,
    void *dst);
void ext2fs_bsetchecked(struct ext2fs_mount *um, struct ext2fs_bh *bh);

/*
 * ext2fs_readahead.c: a file read sequentially has the blocks ahead of
 * the reader read in large runs.  The state of one file; hints, which
 * concurrent readers may race on at the cost of speed only.
 */
#define EXT2_RA_BYTES		(256 * 1024)	/* read ahead at once */
#define EXT2_RA_MAXBLKS		(EXT2_RA_BYTES / 1024)
/*
 * A read of this many bytes or more reads whole blocks straight into the
 * reader's memory, past the cache (ext2fs_vnops.c, ext2fs_read_direct):
 * a reader asking for this much at a time streams, and gains nothing
 * from blocks kept.
 */
#define EXT2_DIRECT_MIN		(64 * 1024)
/*
 * A watched long read's pieces (ext2fs_read_direct): small enough that
 * its watcher's copy of one runs beside the host's read of the next,
 * large enough that the host calls cost little; a few blocks at most.
 */
#define EXT2_DIRECT_PIECE	(128 * 1024)
struct ext2fs_ra {
	uint64_t ra_next;	/* the block a sequential read reads next */
	uint64_t ra_end;	/* the first block not read ahead */
};
int ext2fs_readahead(struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    struct ext2fs_ra *ra, uint64_t lbn);
/* Inode-table blocks read ahead at once (ext2fs_inode.c). */
#define EXT2_ITRA_BYTES		(64 * 1024)

/* ext2fs_super.c: superblock and descriptors, mount and unmount. */
int ext2fs_sb_check(const struct ext2fs_sb *s, uint64_t devsize,
    char *why, size_t whylen);
int ext2fs_features_check(const struct ext2fs_sb *s, bool *ronly,
    char *why, size_t whylen);
int ext2fs_gd_check(const struct ext2fs_mount *um, uint32_t g);
int ext2fs_mount_open(const struct ext2fs_devops *ops, void *dev,
    uint64_t devsize, int flags, struct ext2fs_mount **ump);
int ext2fs_mount_sync(struct ext2fs_mount *um);
int ext2fs_mount_close(struct ext2fs_mount *um);
bool ext2fs_group_has_super(const struct ext2fs_mount *um, uint32_t g);
bool ext2fs_blk_is_meta(const struct ext2fs_mount *um, uint32_t blk);

/* ext2fs_bitmap.c: the allocation bitmaps. */
int ext2fs_bitmap_find(const uint8_t *map, uint32_t nbits, uint32_t goal,
    uint32_t *bitp);
bool ext2fs_bitmap_test(const uint8_t *map, uint32_t bit);
void ext2fs_bitmap_set(uint8_t *map, uint32_t bit);
void ext2fs_bitmap_clear(uint8_t *map, uint32_t bit);

/* ext2fs_balloc.c: blocks. */
int ext2fs_blkalloc(struct ext2fs_mount *um, uint32_t goal, uint32_t *blkp);
int ext2fs_blkfree(struct ext2fs_mount *um, uint32_t blk);
uint32_t ext2fs_blkpref(const struct ext2fs_mount *um,
    const struct ext2fs_inode *ip, uint32_t prev);

/* ext2fs_alloc.c: inodes. */
int ext2fs_ialloc(struct ext2fs_mount *um, uint32_t pino, uint16_t mode,
    uint32_t *inop);
int ext2fs_ifree(struct ext2fs_mount *um, uint32_t ino, uint16_t mode);
uint32_t ext2fs_ino_group(const struct ext2fs_mount *um, uint32_t ino);

/* ext2fs_inode.c: inodes on disk. */
int ext2fs_iget(struct ext2fs_mount *um, uint32_t ino, struct ext2fs_inode *ip);
int ext2fs_iput(struct ext2fs_mount *um, const struct ext2fs_inode *ip);
int ext2fs_inew(struct ext2fs_mount *um, uint32_t pino, uint16_t mode,
    struct ext2fs_inode *ip);
int ext2fs_inode_check(const struct ext2fs_mount *um,
    const struct ext2fs_inode *ip);
int ext2fs_truncate(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    uint64_t size);
int ext2fs_inode_release(struct ext2fs_mount *um, struct ext2fs_inode *ip);
bool ext2fs_is_fastlink(const struct ext2fs_mount *um,
    const struct ext2fs_inode *ip);
int ext2fs_readlink(struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    char *buf, size_t buflen, size_t *lenp);
int ext2fs_symlink_set(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    const char *target, size_t len);

/* ext2fs_bmap.c: file blocks to disk blocks. */
int ext2fs_bmap(struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    uint64_t lbn, uint32_t *blkp);
int ext2fs_bmap_run(struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    uint64_t lbn, uint32_t max, uint32_t *blkp, uint32_t *runp);
int ext2fs_bmap_alloc(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    uint64_t lbn, uint32_t *blkp, bool *newp);
int ext2fs_bmap_trunc(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    uint64_t nblocks);

/* ext2fs_rdwr.c: file contents. */
int ext2fs_read(struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    uint64_t off, void *buf, size_t len, size_t *donep);
int ext2fs_write(struct ext2fs_mount *um, struct ext2fs_inode *ip,
    uint64_t off, const void *buf, size_t len);

/* ext2fs_dirent.c: one directory block's entries. */
struct ext2fs_dirent {
	uint32_t d_ino;
	uint16_t d_reclen;
	uint8_t d_namlen;
	uint8_t d_type;
	const char *d_name;
};
int ext2fs_dirent_get(const struct ext2fs_mount *um, const uint8_t *blk,
    uint32_t off, struct ext2fs_dirent *de);
void ext2fs_dirent_put(const struct ext2fs_mount *um, uint8_t *blk,
    uint32_t off, uint32_t ino, uint16_t reclen, const char *name,
    uint8_t namlen, uint8_t type);
int ext2fs_dirblk_check(const struct ext2fs_mount *um, const uint8_t *blk);
uint8_t ext2fs_mode_to_ft(uint16_t mode);

/* ext2fs_lookup.c: directories. */
int ext2fs_dir_lookup(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    const char *name, size_t namlen, uint32_t *inop);
int ext2fs_dir_enter(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, size_t namlen, uint32_t ino, uint16_t mode);
int ext2fs_dir_remove(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, size_t namlen);
int ext2fs_dir_rewrite(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, size_t namlen, uint32_t ino, uint16_t mode);
int ext2fs_dir_isempty(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    bool *emptyp);
int ext2fs_dir_init(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    uint32_t parent);
int ext2fs_dir_checkparent(struct ext2fs_mount *um,
    const struct ext2fs_inode *ip, uint32_t dino);
int ext2fs_inode_child(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    const char *name, size_t len, uint32_t ino, struct ext2fs_inode *ip);
int ext2fs_lookup_child(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    const char *name, size_t len, struct ext2fs_inode *ip);
int ext2fs_dir_next(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    uint64_t *offp, struct ext2fs_dirent *de, char *name);
int ext2fs_dir_getparent(struct ext2fs_mount *um,
    const struct ext2fs_inode *dp, uint32_t *parentp);
int ext2fs_dir_setparent(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    uint32_t parent);

/* ext2fs_dirhash.c: indexes of large directories. */
#define EXT2_DIRHASH_CANDIDATES	8	/* blocks a lookup reads, at most */
uint16_t ext2fs_dirblk_maxgap(const struct ext2fs_mount *um, const uint8_t *blk);
void ext2fs_dirhash_build(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    int (*readblk)(struct ext2fs_mount *, const struct ext2fs_inode *,
    uint64_t, struct ext2fs_bh *));
bool ext2fs_dirhash_lookup(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    const char *name, size_t len, uint32_t *lbns, int max, int *np);
uint64_t ext2fs_dirhash_findfree(struct ext2fs_mount *um,
    const struct ext2fs_inode *dp, uint32_t need);
void ext2fs_dirhash_update(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    const char *name, size_t len, uint32_t lbn, const uint8_t *blk, bool added);
void ext2fs_dirhash_drop(struct ext2fs_mount *um, uint32_t ino);
void ext2fs_dirhash_init(struct ext2fs_mount *um);
void ext2fs_dirhash_fini(struct ext2fs_mount *um);

/* ext2fs_time.c: times. */
#define EXT2_ATIME	0x1
#define EXT2_MTIME	0x2
#define EXT2_CTIME	0x4
/* Sets the times which says (EXT2_*TIME) to now. */
void ext2fs_itimes(struct ext2fs_inode *ip, unsigned which);
/* Sets a time from ts. */
void ext2fs_settime(uint32_t *secp, uint32_t *nsp, const struct timespec *ts);
/* Whether a read should update the access time (relatime). */
bool ext2fs_atime_due(const struct ext2fs_inode *ip);

/* ext2fs_name.c: names and the inodes they link. */
#define EXT2_LINK_MAX		32000
int ext2fs_mknode(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, size_t len, uint16_t mode, uint32_t uid, uint32_t gid,
    struct ext2fs_inode *ip);
int ext2fs_link(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, size_t len, struct ext2fs_inode *ip);
int ext2fs_unlink(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, size_t len, struct ext2fs_inode *ip);
int ext2fs_rmdir(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, size_t len, struct ext2fs_inode *ip);

/* The largest file: what the triple indirect block reaches, within 2^32 blocks. */
uint64_t ext2fs_maxfilesize(const struct ext2fs_mount *um);

static inline uint64_t
ext2fs_fsbtodb(const struct ext2fs_mount *um, uint32_t blk)
{
	return (uint64_t)blk << (um->um_bshift - 9);
}

static inline bool
ext2fs_blk_in_disk(const struct ext2fs_mount *um, uint32_t blk)
{
	return blk >= um->um_sb.s_first_data_block &&
	    blk < um->um_sb.s_blocks_count;
}

#endif
