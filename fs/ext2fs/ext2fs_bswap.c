/*
 * The one place where ext2's little-endian on-disk fields become host
 * values and back.  Stores write only the fields the in-core structure
 * holds, so whatever else the disk structure carries (ext4 fields, the
 * inode's extra bytes) is kept as it was read.
 */
#include "rumpkern/kern.h"
#include "rumpkern/endian.h"
#include "fs/ext2fs/ext2fs.h"

#define LD16(f)	le16dec(&d->f)
#define LD32(f)	le32dec(&d->f)
#define ST16(f, v)	le16enc(&d->f, (uint16_t)(v))
#define ST32(f, v)	le32enc(&d->f, (uint32_t)(v))

void
ext2fs_sb_load(const struct ext2fs_dsb *d, struct ext2fs_sb *s)
{
	memset(s, 0, sizeof(*s));
	s->s_inodes_count = LD32(s_inodes_count);
	s->s_blocks_count = LD32(s_blocks_count);
	s->s_r_blocks_count = LD32(s_r_blocks_count);
	s->s_free_blocks_count = LD32(s_free_blocks_count);
	s->s_free_inodes_count = LD32(s_free_inodes_count);
	s->s_first_data_block = LD32(s_first_data_block);
	s->s_log_block_size = LD32(s_log_block_size);
	s->s_log_frag_size = LD32(s_log_frag_size);
	s->s_blocks_per_group = LD32(s_blocks_per_group);
	s->s_frags_per_group = LD32(s_frags_per_group);
	s->s_inodes_per_group = LD32(s_inodes_per_group);
	s->s_mtime = LD32(s_mtime);
	s->s_wtime = LD32(s_wtime);
	s->s_mnt_count = LD16(s_mnt_count);
	s->s_max_mnt_count = (int16_t)LD16(s_max_mnt_count);
	s->s_magic = LD16(s_magic);
	s->s_state = LD16(s_state);
	s->s_rev_level = LD32(s_rev_level);
	if (s->s_rev_level == EXT2_GOOD_OLD_REV) {
		/* Revision 0 has none of the dynamic fields. */
		s->s_first_ino = EXT2_GOOD_OLD_FIRST_INO;
		s->s_inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		return;
	}
	s->s_first_ino = LD32(s_first_ino);
	s->s_inode_size = LD16(s_inode_size);
	s->s_feature_compat = LD32(s_feature_compat);
	s->s_feature_incompat = LD32(s_feature_incompat);
	s->s_feature_ro_compat = LD32(s_feature_ro_compat);
	s->s_reserved_gdt_blocks = LD16(s_reserved_gdt_blocks);
	s->s_journal_inum = LD32(s_journal_inum);
	s->s_first_meta_bg = LD32(s_first_meta_bg);
}

/* Only what the file system changes: counts, times, state. */
void
ext2fs_sb_store(const struct ext2fs_sb *s, struct ext2fs_dsb *d)
{
	ST32(s_free_blocks_count, s->s_free_blocks_count);
	ST32(s_free_inodes_count, s->s_free_inodes_count);
	ST32(s_mtime, s->s_mtime);
	ST32(s_wtime, s->s_wtime);
	ST16(s_mnt_count, s->s_mnt_count);
	ST16(s_state, s->s_state);
}

void
ext2fs_gd_load(const struct ext2fs_dgd *d, struct ext2fs_gd *g)
{
	g->bg_block_bitmap = LD32(bg_block_bitmap);
	g->bg_inode_bitmap = LD32(bg_inode_bitmap);
	g->bg_inode_table = LD32(bg_inode_table);
	g->bg_free_blocks_count = LD16(bg_free_blocks_count);
	g->bg_free_inodes_count = LD16(bg_free_inodes_count);
	g->bg_used_dirs_count = LD16(bg_used_dirs_count);
	g->bg_flags = LD16(bg_flags);
}

void
ext2fs_gd_store(const struct ext2fs_gd *g, struct ext2fs_dgd *d)
{
	ST32(bg_block_bitmap, g->bg_block_bitmap);
	ST32(bg_inode_bitmap, g->bg_inode_bitmap);
	ST32(bg_inode_table, g->bg_inode_table);
	ST16(bg_free_blocks_count, g->bg_free_blocks_count);
	ST16(bg_free_inodes_count, g->bg_free_inodes_count);
	ST16(bg_used_dirs_count, g->bg_used_dirs_count);
	ST16(bg_flags, g->bg_flags);
}

void
ext2fs_inode_load(const struct ext2fs_dinode *d, struct ext2fs_inode *ip)
{
	ip->i_mode = LD16(i_mode);
	ip->i_uid = LD16(i_uid) | (uint32_t)LD16(i_uid_high) << 16;
	ip->i_gid = LD16(i_gid) | (uint32_t)LD16(i_gid_high) << 16;
	ip->i_size = LD32(i_size) | (uint64_t)LD32(i_size_high) << 32;
	ip->i_atime = LD32(i_atime);
	ip->i_ctime = LD32(i_ctime);
	ip->i_mtime = LD32(i_mtime);
	ip->i_dtime = LD32(i_dtime);
	ip->i_links_count = LD16(i_links_count);
	ip->i_blocks = LD32(i_blocks);
	ip->i_flags = LD32(i_flags);
	for (int i = 0; i < EXT2_N_BLOCKS; i++)
		ip->i_block[i] = LD32(i_block[i]);
	ip->i_generation = LD32(i_generation);
	ip->i_file_acl = LD32(i_file_acl);
}

void
ext2fs_inode_store(const struct ext2fs_inode *ip, struct ext2fs_dinode *d)
{
	ST16(i_mode, ip->i_mode);
	ST16(i_uid, ip->i_uid & 0xffff);
	ST16(i_uid_high, ip->i_uid >> 16);
	ST16(i_gid, ip->i_gid & 0xffff);
	ST16(i_gid_high, ip->i_gid >> 16);
	ST32(i_size, ip->i_size & 0xffffffffu);
	ST32(i_size_high, ip->i_size >> 32);
	ST32(i_atime, ip->i_atime);
	ST32(i_ctime, ip->i_ctime);
	ST32(i_mtime, ip->i_mtime);
	ST32(i_dtime, ip->i_dtime);
	ST16(i_links_count, ip->i_links_count);
	ST32(i_blocks, ip->i_blocks);
	ST32(i_flags, ip->i_flags);
	for (int i = 0; i < EXT2_N_BLOCKS; i++)
		ST32(i_block[i], ip->i_block[i]);
	ST32(i_generation, ip->i_generation);
	ST32(i_file_acl, ip->i_file_acl);
}

/*
 * The extra bytes of an inode of isize bytes, or NULL when it has none
 * or its i_extra_isize (untrusted) runs past the inode; *extrap the
 * bytes of them in use.
 */
static const struct ext2fs_dinode_extra *
ext2fs_extra(const void *dinode, uint32_t isize, uint32_t *extrap)
{
	const struct ext2fs_dinode_extra *d = (const void *)
	    ((const uint8_t *)dinode + EXT2_GOOD_OLD_INODE_SIZE);

	if (isize < EXT2_GOOD_OLD_INODE_SIZE + sizeof(*d))
		return NULL;
	*extrap = LD16(i_extra_isize);
	if (EXT2_GOOD_OLD_INODE_SIZE + *extrap > isize)
		return NULL;
	return d;
}

#define EXT2_FITS(extra, f) \
	((extra) >= offsetof(struct ext2fs_dinode_extra, f) + 4)

/* Nanoseconds from an *_extra field: out of range is none. */
static uint32_t
ext2fs_ns_load(uint32_t extra)
{
	uint32_t ns = extra >> 2;

	return ns < 1000000000u ? ns : 0;
}

/* The epoch bits Linux writes for seconds read as unsigned 32 bits. */
static uint32_t
ext2fs_ns_store(uint32_t sec, uint32_t ns)
{
	return ns << 2 | sec >> 31;
}

void
ext2fs_inode_load_extra(const void *dinode, uint32_t isize,
    struct ext2fs_inode *ip)
{
	uint32_t extra = 0;
	const struct ext2fs_dinode_extra *d = ext2fs_extra(dinode, isize,
	    &extra);

	ip->i_atime_ns = ip->i_ctime_ns = ip->i_mtime_ns = 0;
	if (d == NULL)
		return;
	if (EXT2_FITS(extra, i_ctime_extra))
		ip->i_ctime_ns = ext2fs_ns_load(LD32(i_ctime_extra));
	if (EXT2_FITS(extra, i_mtime_extra))
		ip->i_mtime_ns = ext2fs_ns_load(LD32(i_mtime_extra));
	if (EXT2_FITS(extra, i_atime_extra))
		ip->i_atime_ns = ext2fs_ns_load(LD32(i_atime_extra));
}

void
ext2fs_inode_store_extra(const struct ext2fs_inode *ip, void *dinode,
    uint32_t isize)
{
	uint32_t extra = 0;
	struct ext2fs_dinode_extra *d = (struct ext2fs_dinode_extra *)(uintptr_t)
	    ext2fs_extra(dinode, isize, &extra);

	if (d == NULL)
		return;
	if (EXT2_FITS(extra, i_ctime_extra))
		ST32(i_ctime_extra, ext2fs_ns_store(ip->i_ctime, ip->i_ctime_ns));
	if (EXT2_FITS(extra, i_mtime_extra))
		ST32(i_mtime_extra, ext2fs_ns_store(ip->i_mtime, ip->i_mtime_ns));
	if (EXT2_FITS(extra, i_atime_extra))
		ST32(i_atime_extra, ext2fs_ns_store(ip->i_atime, ip->i_atime_ns));
}

/* Entry i of an indirect block. */
uint32_t
ext2fs_blk_get(const void *indir, uint32_t i)
{
	return le32dec((const uint8_t *)indir + 4 * i);
}

void
ext2fs_blk_put(void *indir, uint32_t i, uint32_t blk)
{
	le32enc((uint8_t *)indir + 4 * i, blk);
}

void
ext2fs_dirhdr_load(const struct ext2fs_ddirent *d, struct ext2fs_dirent *de)
{
	de->d_ino = LD32(e2d_ino);
	de->d_reclen = LD16(e2d_reclen);
	de->d_namlen = d->e2d_namlen;
	de->d_type = d->e2d_type;
}

void
ext2fs_dirhdr_store(const struct ext2fs_dirent *de, struct ext2fs_ddirent *d)
{
	ST32(e2d_ino, de->d_ino);
	ST16(e2d_reclen, de->d_reclen);
	d->e2d_namlen = de->d_namlen;
	d->e2d_type = de->d_type;
}

/* A fast symlink's target is the raw bytes of i_block. */
void
ext2fs_fastlink_get(const struct ext2fs_inode *ip, char *buf)
{
	for (int i = 0; i < EXT2_N_BLOCKS; i++)
		le32enc(buf + 4 * i, ip->i_block[i]);
}

void
ext2fs_fastlink_set(struct ext2fs_inode *ip, const char *target, size_t len)
{
	char raw[EXT2_FASTLINK_MAX];

	memset(raw, 0, sizeof(raw));
	memcpy(raw, target, len);
	for (int i = 0; i < EXT2_N_BLOCKS; i++)
		ip->i_block[i] = le32dec(raw + 4 * i);
}

/* A new inode: all zero but i_extra_isize, which large inodes carry. */
void
ext2fs_dinode_clear(void *d, uint32_t isize)
{
	memset(d, 0, isize);
	if (isize >= EXT2_GOOD_OLD_INODE_SIZE + EXT2_EXTRA_ISIZE)
		le16enc((uint8_t *)d + EXT2_GOOD_OLD_INODE_SIZE,
		    EXT2_EXTRA_ISIZE);
}

void
ext2fs_eahdr_load(const struct ext2fs_deahdr *d, uint32_t *magicp,
    uint32_t *refcountp)
{
	*magicp = LD32(h_magic);
	*refcountp = LD32(h_refcount);
}

void
ext2fs_eahdr_set_refcount(struct ext2fs_deahdr *d, uint32_t refcount)
{
	ST32(h_refcount, refcount);
}
