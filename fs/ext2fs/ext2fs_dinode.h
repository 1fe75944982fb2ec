/*
 * The ext2 on-disk format, declared once: superblock, block group
 * descriptor, inode and directory entry, as the ext2 specification and the
 * kernel's "ext4 disk layout" document lay them out.  Every multi-byte
 * field is little-endian on disk; they are converted only in
 * ext2fs_bswap.c, which fills the in-core structures of ext2fs.h.
 */
#ifndef FS_EXT2FS_EXT2FS_DINODE_H
#define FS_EXT2FS_EXT2FS_DINODE_H

#include "rumpkern/kern.h"

#define EXT2_SUPER_MAGIC	0xef53
#define EXT2_SBOFF		1024	/* the superblock's byte offset */
#define EXT2_SBSIZE		1024
#define EXT2_MIN_BLOCK_LOG	10	/* 1 KiB */
#define EXT2_MAX_BLOCK_LOG	12	/* 4 KiB: the largest we mount */

/* Revisions (s_rev_level). */
#define EXT2_GOOD_OLD_REV	0	/* fixed inode size and first inode */
#define EXT2_DYNAMIC_REV	1
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO	11

/* s_state */
#define EXT2_VALID_FS		0x0001	/* cleanly unmounted */
#define EXT2_ERROR_FS		0x0002

/* Compatible features: a kernel that does not know them may mount. */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC	0x0001
#define EXT2_FEATURE_COMPAT_IMAGIC_INODES	0x0002
#define EXT3_FEATURE_COMPAT_HAS_JOURNAL		0x0004
#define EXT2_FEATURE_COMPAT_EXT_ATTR		0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INODE	0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX		0x0020

/* Read-only compatible features: unknown ones allow a read-only mount. */
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER	0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE	0x0002
#define EXT2_FEATURE_RO_COMPAT_BTREE_DIR	0x0004
#define EXT4_FEATURE_RO_COMPAT_HUGE_FILE	0x0008
#define EXT4_FEATURE_RO_COMPAT_GDT_CSUM		0x0010
#define EXT4_FEATURE_RO_COMPAT_DIR_NLINK	0x0020
#define EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE	0x0040
#define EXT4_FEATURE_RO_COMPAT_QUOTA		0x0100
#define EXT4_FEATURE_RO_COMPAT_BIGALLOC		0x0200
#define EXT4_FEATURE_RO_COMPAT_METADATA_CSUM	0x0400
#define EXT4_FEATURE_RO_COMPAT_READONLY		0x1000
#define EXT4_FEATURE_RO_COMPAT_PROJECT		0x2000
#define EXT4_FEATURE_RO_COMPAT_VERITY		0x8000

/* Incompatible features: unknown ones refuse the mount. */
#define EXT2_FEATURE_INCOMPAT_COMPRESSION	0x0001
#define EXT2_FEATURE_INCOMPAT_FILETYPE		0x0002
#define EXT3_FEATURE_INCOMPAT_RECOVER		0x0004
#define EXT3_FEATURE_INCOMPAT_JOURNAL_DEV	0x0008
#define EXT2_FEATURE_INCOMPAT_META_BG		0x0010
#define EXT4_FEATURE_INCOMPAT_EXTENTS		0x0040
#define EXT4_FEATURE_INCOMPAT_64BIT		0x0080
#define EXT4_FEATURE_INCOMPAT_MMP		0x0100
#define EXT4_FEATURE_INCOMPAT_FLEX_BG		0x0200
#define EXT4_FEATURE_INCOMPAT_EA_INODE		0x0400
#define EXT4_FEATURE_INCOMPAT_DIRDATA		0x1000
#define EXT4_FEATURE_INCOMPAT_CSUM_SEED		0x2000
#define EXT4_FEATURE_INCOMPAT_LARGEDIR		0x4000
#define EXT4_FEATURE_INCOMPAT_INLINE_DATA	0x8000
#define EXT4_FEATURE_INCOMPAT_ENCRYPT		0x10000
#define EXT4_FEATURE_INCOMPAT_CASEFOLD		0x20000

/* The superblock, EXT2_SBSIZE bytes at byte EXT2_SBOFF. */
struct ext2fs_dsb {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size;	/* block size = 1024 << this */
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
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* EXT2_DYNAMIC_REV only from here on. */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	uint8_t s_journal_uuid[16];
	uint32_t s_journal_inum;
	uint32_t s_journal_dev;
	uint32_t s_last_orphan;
	uint32_t s_hash_seed[4];
	uint8_t s_def_hash_version;
	uint8_t s_jnl_backup_type;
	uint16_t s_desc_size;
	uint32_t s_default_mount_opts;
	uint32_t s_first_meta_bg;
	uint32_t s_mkfs_time;
	uint32_t s_jnl_blocks[17];
	uint8_t s_reserved[688];	/* ext4's fields and padding */
};
CTASSERT(sizeof(struct ext2fs_dsb) == EXT2_SBSIZE);
CTASSERT(offsetof(struct ext2fs_dsb, s_magic) == 0x38);
CTASSERT(offsetof(struct ext2fs_dsb, s_first_ino) == 0x54);
CTASSERT(offsetof(struct ext2fs_dsb, s_feature_compat) == 0x5c);
CTASSERT(offsetof(struct ext2fs_dsb, s_reserved_gdt_blocks) == 0xce);
CTASSERT(offsetof(struct ext2fs_dsb, s_desc_size) == 0xfe);
CTASSERT(offsetof(struct ext2fs_dsb, s_jnl_blocks) == 0x10c);

/* A block group descriptor (32 bytes without the 64bit feature). */
struct ext2fs_dgd {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_flags;
	uint32_t bg_reserved[3];
};
CTASSERT(sizeof(struct ext2fs_dgd) == 32);

/* Inodes. */
#define EXT2_NDADDR		12	/* direct blocks */
#define EXT2_NIADDR		3	/* single, double, triple indirect */
#define EXT2_N_BLOCKS		(EXT2_NDADDR + EXT2_NIADDR)
#define EXT2_BAD_INO		1
#define EXT2_ROOT_INO		2
#define EXT2_RESIZE_INO		7
#define EXT2_JOURNAL_INO	8

/* i_flags we act on; the others are kept as they are. */
#define EXT2_IMMUTABLE_FL	0x00000010
#define EXT2_APPEND_FL		0x00000020
#define EXT2_INDEX_FL		0x00001000	/* hashed directory (htree) */
#define EXT4_EXTENTS_FL		0x00080000
#define EXT4_EA_INODE_FL	0x00200000
#define EXT4_INLINE_DATA_FL	0x10000000

/* The first 128 bytes of an inode; s_inode_size may be larger. */
struct ext2fs_dinode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks;	/* 512-byte units, indirect blocks included */
	uint32_t i_flags;
	uint32_t i_version;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;	/* extended attribute block */
	uint32_t i_size_high;	/* i_dir_acl in revision 0 */
	uint32_t i_faddr;
	uint16_t i_blocks_high;
	uint16_t i_file_acl_high;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint16_t i_checksum_lo;
	uint16_t i_reserved;
};
CTASSERT(sizeof(struct ext2fs_dinode) == EXT2_GOOD_OLD_INODE_SIZE);
CTASSERT(offsetof(struct ext2fs_dinode, i_block) == 0x28);
CTASSERT(offsetof(struct ext2fs_dinode, i_size_high) == 0x6c);

/*
 * The header of an extended attribute block (i_file_acl).  Several inodes
 * may share one; h_refcount counts them.
 */
#define EXT2_EA_MAGIC		0xea020000u
struct ext2fs_deahdr {
	uint32_t h_magic;
	uint32_t h_refcount;
	uint32_t h_blocks;
	uint32_t h_hash;
	uint32_t h_checksum;
	uint32_t h_reserved[3];
};
CTASSERT(sizeof(struct ext2fs_deahdr) == 32);

/* Bytes of i_block holding a fast symlink's target (no terminating NUL). */
#define EXT2_FASTLINK_MAX	(EXT2_N_BLOCKS * 4)

/* The extra inode bytes new inodes carry, as mke2fs makes them. */
#define EXT2_EXTRA_ISIZE	32

/*
 * The start of a large inode's extra bytes (s_inode_size over 128), as
 * ext4 lays them out: a field is there when 128 + i_extra_isize covers
 * it.  Each *_extra holds the nanoseconds of a time shifted left by two;
 * its low two bits extend the seconds past 2038 (the epoch).
 */
struct ext2fs_dinode_extra {
	uint16_t i_extra_isize;
	uint16_t i_checksum_hi;
	uint32_t i_ctime_extra;
	uint32_t i_mtime_extra;
	uint32_t i_atime_extra;
};
CTASSERT(sizeof(struct ext2fs_dinode_extra) == 16);
CTASSERT(offsetof(struct ext2fs_dinode_extra, i_ctime_extra) == 4);
CTASSERT(offsetof(struct ext2fs_dinode_extra, i_atime_extra) == 12);

/* Mode bits (as in POSIX). */
#define EXT2_IFMT	0170000
#define EXT2_IFSOCK	0140000
#define EXT2_IFLNK	0120000
#define EXT2_IFREG	0100000
#define EXT2_IFBLK	0060000
#define EXT2_IFDIR	0040000
#define EXT2_IFCHR	0020000
#define EXT2_IFIFO	0010000

/*
 * A directory entry: this header, then name_len bytes of name, padded so
 * that rec_len is a multiple of 4.  Entries tile every directory block
 * exactly; an entry with inode 0 is unused space.  With the filetype
 * feature the high byte of the old 16-bit name length holds the type.
 */
struct ext2fs_ddirent {
	uint32_t e2d_ino;
	uint16_t e2d_reclen;
	uint8_t e2d_namlen;
	uint8_t e2d_type;
};
CTASSERT(sizeof(struct ext2fs_ddirent) == 8);
#define EXT2_DIR_HDRLEN		8
#define EXT2_MAXNAMLEN		255
/* The space an entry with a name of n bytes needs. */
#define EXT2_DIR_RECLEN(n)	(((n) + EXT2_DIR_HDRLEN + 3) & ~3u)

/* e2d_type values. */
#define EXT2_FT_UNKNOWN		0
#define EXT2_FT_REG_FILE	1
#define EXT2_FT_DIR		2
#define EXT2_FT_CHRDEV		3
#define EXT2_FT_BLKDEV		4
#define EXT2_FT_FIFO		5
#define EXT2_FT_SOCK		6
#define EXT2_FT_SYMLINK		7
#define EXT2_FT_MAX		8

#endif
