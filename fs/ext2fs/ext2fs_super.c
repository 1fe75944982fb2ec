/*
 * The superblock and the group descriptors: read, checked field by field
 * before anything else of the image is believed, and written back with the
 * free counts, the clean/dirty state and the mount count.
 *
 * A read-write mount clears EXT2_VALID_FS on disk at once and counts the
 * mount; unmounting sets it again unless the file system was already
 * unclean or marked with errors when it was mounted, so e2fsck still looks
 * at it.
 */
#include "rumpkern/kern.h"
#include "rumpkern/kmem.h"
#include "rumpkern/ktime.h"
#include "fs/ext2fs/ext2fs.h"

KMEM_DEFINE(M_EXT2FSMNT, "ext2fs mount");

/* Incompatible features we implement. */
#define EXT2_INCOMPAT_SUPP	EXT2_FEATURE_INCOMPAT_FILETYPE
/* Read-only compatible features we keep true while writing. */
#define EXT2_RO_COMPAT_SUPP	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
	EXT2_FEATURE_RO_COMPAT_LARGE_FILE | EXT4_FEATURE_RO_COMPAT_DIR_NLINK)

struct ext2fs_feature {
	uint32_t f_mask;
	const char *f_name;
};

static const struct ext2fs_feature ext2fs_incompat_names[] = {
	{ EXT2_FEATURE_INCOMPAT_COMPRESSION, "compression" },
	{ EXT3_FEATURE_INCOMPAT_JOURNAL_DEV, "journal_dev" },
	{ EXT2_FEATURE_INCOMPAT_META_BG, "meta_bg" },
	{ EXT4_FEATURE_INCOMPAT_EXTENTS, "extent" },
	{ EXT4_FEATURE_INCOMPAT_64BIT, "64bit" },
	{ EXT4_FEATURE_INCOMPAT_MMP, "mmp" },
	{ EXT4_FEATURE_INCOMPAT_FLEX_BG, "flex_bg" },
	{ EXT4_FEATURE_INCOMPAT_EA_INODE, "ea_inode" },
	{ EXT4_FEATURE_INCOMPAT_DIRDATA, "dirdata" },
	{ EXT4_FEATURE_INCOMPAT_CSUM_SEED, "metadata_csum_seed" },
	{ EXT4_FEATURE_INCOMPAT_LARGEDIR, "large_dir" },
	{ EXT4_FEATURE_INCOMPAT_INLINE_DATA, "inline_data" },
	{ EXT4_FEATURE_INCOMPAT_ENCRYPT, "encrypt" },
	{ EXT4_FEATURE_INCOMPAT_CASEFOLD, "casefold" },
};

static const struct ext2fs_feature ext2fs_ro_compat_names[] = {
	{ EXT2_FEATURE_RO_COMPAT_BTREE_DIR, "btree_dir" },
	{ EXT4_FEATURE_RO_COMPAT_HUGE_FILE, "huge_file" },
	{ EXT4_FEATURE_RO_COMPAT_GDT_CSUM, "uninit_bg" },
	{ EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE, "extra_isize" },
	{ EXT4_FEATURE_RO_COMPAT_QUOTA, "quota" },
	{ EXT4_FEATURE_RO_COMPAT_BIGALLOC, "bigalloc" },
	{ EXT4_FEATURE_RO_COMPAT_METADATA_CSUM, "metadata_csum" },
	{ EXT4_FEATURE_RO_COMPAT_READONLY, "read-only" },
	{ EXT4_FEATURE_RO_COMPAT_PROJECT, "project" },
	{ EXT4_FEATURE_RO_COMPAT_VERITY, "verity" },
};

/* The name of the first feature of mask in the table, or "unknown". */
static const char *
ext2fs_feature_name(const struct ext2fs_feature *tab, size_t n, uint32_t mask)
{
	for (size_t i = 0; i < n; i++)
		if (mask & tab[i].f_mask)
			return tab[i].f_name;
	return "unknown";
}

static int
ext2fs_refuse(char *why, size_t whylen, int error, const char *fmt, ...)
    __printflike(4, 5);

static int
ext2fs_refuse(char *why, size_t whylen, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return error;
}

static uint32_t
ext2fs_ngroups(const struct ext2fs_sb *s)
{
	return howmany(s->s_blocks_count - s->s_first_data_block,
	    s->s_blocks_per_group);
}

/* Sizes and counts; the group descriptors are checked after they are read. */
int
ext2fs_sb_check(const struct ext2fs_sb *s, uint64_t devsize, char *why,
    size_t whylen)
{
	uint32_t bsize, ngroups;

	if (s->s_magic != EXT2_SUPER_MAGIC)
		return ext2fs_refuse(why, whylen, EINVAL,
		    "bad superblock magic 0x%x", s->s_magic);
	if (s->s_rev_level > EXT2_DYNAMIC_REV)
		return ext2fs_refuse(why, whylen, EINVAL,
		    "revision %u is not supported", s->s_rev_level);
	if (s->s_log_block_size > EXT2_MAX_BLOCK_LOG - EXT2_MIN_BLOCK_LOG)
		return ext2fs_refuse(why, whylen, EINVAL,
		    "block size 1024 << %u is not supported",
		    s->s_log_block_size);
	bsize = 1024u << s->s_log_block_size;
	if (s->s_first_data_block != (bsize == 1024 ? 1u : 0u))
		return ext2fs_refuse(why, whylen, EUCLEAN,
		    "first data block %u is wrong for %u-byte blocks",
		    s->s_first_data_block, bsize);
	if (s->s_blocks_count <= s->s_first_data_block + 1)
		return ext2fs_refuse(why, whylen, EUCLEAN,
		    "block count %u is too small", s->s_blocks_count);
	if ((uint64_t)s->s_blocks_count * bsize > devsize)
		return ext2fs_refuse(why, whylen, EUCLEAN,
		    "truncated: %u blocks of %u bytes do not fit the %llu-byte "
		    "device", s->s_blocks_count, bsize,
		    (unsigned long long)devsize);
	if (s->s_blocks_per_group == 0 || s->s_blocks_per_group > 8 * bsize ||
	    s->s_blocks_per_group % 8 != 0)
		return ext2fs_refuse(why, whylen, EUCLEAN,
		    "bad blocks per group %u", s->s_blocks_per_group);
	if (s->s_inode_size < EXT2_GOOD_OLD_INODE_SIZE ||
	    s->s_inode_size > bsize ||
	    (s->s_inode_size & (s->s_inode_size - 1)) != 0)
		return ext2fs_refuse(why, whylen, EUCLEAN,
		    "bad inode size %u", s->s_inode_size);
	if (s->s_inodes_per_group == 0 || s->s_inodes_per_group > 8 * bsize ||
	    s->s_inodes_per_group % (bsize / s->s_inode_size) != 0)
		return ext2fs_refuse(why, whylen, EUCLEAN,
		    "bad inodes per group %u", s->s_inodes_per_group);
	ngroups = ext2fs_ngroups(s);
	if ((uint64_t)ngroups * s->s_inodes_per_group != s->s_inodes_count)
		return ext2fs_refuse(why, whylen, EUCLEAN,
		    "inode count %u is not %u groups of %u", s->s_inodes_count,
		    ngroups, s->s_inodes_per_group);
	if (s->s_first_ino <= EXT2_ROOT_INO ||
	    s->s_first_ino >= s->s_inodes_count)
		return ext2fs_refuse(why, whylen, EUCLEAN,
		    "bad first inode %u", s->s_first_ino);
	if (s->s_free_blocks_count > s->s_blocks_count ||
	    s->s_free_inodes_count > s->s_inodes_count ||
	    s->s_r_blocks_count > s->s_blocks_count)
		return ext2fs_refuse(why, whylen, EUCLEAN,
		    "free or reserved counts exceed the totals");
	return 0;
}

/*
 * Unknown incompatible features refuse the mount; reasons not to write
 * (unknown read-only features, a journal to recover) refuse a read-write
 * mount with EROFS, so a writer never gets a file system it cannot write.
 */
int
ext2fs_features_check(const struct ext2fs_sb *s, bool *ronly, char *why,
    size_t whylen)
{
	uint32_t incompat = s->s_feature_incompat;
	uint32_t ro = s->s_feature_ro_compat & ~EXT2_RO_COMPAT_SUPP;

	if (incompat & ~(EXT2_INCOMPAT_SUPP | EXT3_FEATURE_INCOMPAT_RECOVER))
		return ext2fs_refuse(why, whylen, EINVAL,
		    "unsupported feature %s", ext2fs_feature_name(
		    ext2fs_incompat_names, __arraycount(ext2fs_incompat_names),
		    incompat & ~EXT2_INCOMPAT_SUPP));
	if (*ronly)
		return 0;
	if (incompat & EXT3_FEATURE_INCOMPAT_RECOVER)
		return ext2fs_refuse(why, whylen, EROFS,
		    "the journal needs recovery: read-only only");
	if (ro != 0)
		return ext2fs_refuse(why, whylen, EROFS,
		    "feature %s is supported read-only only",
		    ext2fs_feature_name(ext2fs_ro_compat_names,
		    __arraycount(ext2fs_ro_compat_names), ro));
	return 0;
}

/* Sparse superblocks: only groups 0, 1 and powers of 3, 5 and 7 have a copy. */
static bool
ext2fs_is_power(uint32_t g, uint32_t base)
{
	uint64_t p = base;

	while (p < g)
		p *= base;
	return p == g;
}

bool
ext2fs_group_has_super(const struct ext2fs_mount *um, uint32_t g)
{
	if (!(um->um_sb.s_feature_ro_compat &
	    EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER))
		return true;
	return g <= 1 || ext2fs_is_power(g, 3) || ext2fs_is_power(g, 5) ||
	    ext2fs_is_power(g, 7);
}

static uint32_t
ext2fs_group_first(const struct ext2fs_mount *um, uint32_t g)
{
	return um->um_sb.s_first_data_block + g * um->um_sb.s_blocks_per_group;
}

static uint32_t
ext2fs_group_end(const struct ext2fs_mount *um, uint32_t g)
{
	uint64_t end = (uint64_t)ext2fs_group_first(um, g) +
	    um->um_sb.s_blocks_per_group;

	return (uint32_t)MIN(end, um->um_sb.s_blocks_count);
}

/* Blocks at the start of group g taken by the superblock copy and tables. */
static uint32_t
ext2fs_group_overhead(const struct ext2fs_mount *um, uint32_t g)
{
	if (!ext2fs_group_has_super(um, g))
		return 0;
	return 1 + um->um_gdblocks + um->um_sb.s_reserved_gdt_blocks;
}

static bool
ext2fs_in(uint32_t b, uint32_t start, uint32_t len)
{
	return b >= start && b - start < len;
}

/* Is blk one of the file system's own blocks (never file data)? */
bool
ext2fs_blk_is_meta(const struct ext2fs_mount *um, uint32_t blk)
{
	uint32_t g;
	const struct ext2fs_gd *gd;

	if (blk < um->um_sb.s_first_data_block ||
	    blk >= um->um_sb.s_blocks_count)
		return true;
	g = (blk - um->um_sb.s_first_data_block) / um->um_sb.s_blocks_per_group;
	gd = &um->um_gd[g];
	return ext2fs_in(blk, ext2fs_group_first(um, g),
	    ext2fs_group_overhead(um, g)) ||
	    blk == gd->bg_block_bitmap || blk == gd->bg_inode_bitmap ||
	    ext2fs_in(blk, gd->bg_inode_table, um->um_itblocks);
}

/*
 * Group g's bitmaps and inode table lie inside the group, after its
 * superblock copy and descriptors, without overlapping each other; its
 * counts are within the group's size.
 */
int
ext2fs_gd_check(const struct ext2fs_mount *um, uint32_t g)
{
	const struct ext2fs_gd *gd = &um->um_gd[g];
	uint32_t first = ext2fs_group_first(um, g);
	uint32_t start = first + ext2fs_group_overhead(um, g);
	uint32_t end = ext2fs_group_end(um, g);
	uint32_t it = gd->bg_inode_table;

	if (start >= end || gd->bg_block_bitmap < start ||
	    gd->bg_block_bitmap >= end || gd->bg_inode_bitmap < start ||
	    gd->bg_inode_bitmap >= end || it < start || it >= end ||
	    end - it < um->um_itblocks ||
	    gd->bg_block_bitmap == gd->bg_inode_bitmap ||
	    ext2fs_in(gd->bg_block_bitmap, it, um->um_itblocks) ||
	    ext2fs_in(gd->bg_inode_bitmap, it, um->um_itblocks)) {
		kprintf("ext2fs: group %u: bitmaps or inode table outside the "
		    "group or overlapping\n", g);
		return EUCLEAN;
	}
	if (gd->bg_free_blocks_count > end - first ||
	    gd->bg_free_inodes_count > um->um_sb.s_inodes_per_group ||
	    gd->bg_used_dirs_count > um->um_sb.s_inodes_per_group) {
		kprintf("ext2fs: group %u: counts exceed the group\n", g);
		return EUCLEAN;
	}
	return 0;
}

/* The block holding descriptor g, and its place in that block. */
static uint32_t
ext2fs_gd_block(const struct ext2fs_mount *um, uint32_t g)
{
	return um->um_sb.s_first_data_block + 1 +
	    g / (um->um_bsize / sizeof(struct ext2fs_dgd));
}

static int
ext2fs_gd_read(struct ext2fs_mount *um)
{
	uint32_t per = um->um_bsize / sizeof(struct ext2fs_dgd);
	uint64_t freeb = 0, freei = 0;
	struct ext2fs_bh bh;
	int error;

	for (uint32_t g = 0; g < um->um_ngroups; g += per) {
		error = ext2fs_bread(um, ext2fs_gd_block(um, g), &bh);
		if (error != 0)
			return error;
		for (uint32_t i = 0; i < per && g + i < um->um_ngroups; i++)
			ext2fs_gd_load((const struct ext2fs_dgd *)bh.bh_data + i,
			    &um->um_gd[g + i]);
		ext2fs_brelse(um, &bh);
	}
	for (uint32_t g = 0; g < um->um_ngroups; g++) {
		error = ext2fs_gd_check(um, g);
		if (error != 0) {
			ksnprintf(um->um_why, sizeof(um->um_why),
			    "group descriptor %u is corrupt", g);
			return error;
		}
		freeb += um->um_gd[g].bg_free_blocks_count;
		freei += um->um_gd[g].bg_free_inodes_count;
	}
	if (freeb > um->um_sb.s_blocks_count ||
	    freei > um->um_sb.s_inodes_count) {
		ksnprintf(um->um_why, sizeof(um->um_why),
		    "group free counts exceed the totals");
		return EUCLEAN;
	}
	/* The descriptors are the truth; the superblock's sums follow them. */
	um->um_sb.s_free_blocks_count = (uint32_t)freeb;
	um->um_sb.s_free_inodes_count = (uint32_t)freei;
	return 0;
}

static int
ext2fs_sb_read(struct ext2fs_mount *um)
{
	struct ext2fs_bh bh;
	int error;

	if (um->um_devsize < EXT2_SBOFF + EXT2_SBSIZE) {
		ksnprintf(um->um_why, sizeof(um->um_why),
		    "truncated: the device holds no superblock");
		return EUCLEAN;
	}
	error = um->um_devops->ed_bread(um->um_dev, EXT2_SBOFF / EXT2_DEV_BSIZE,
	    EXT2_SBSIZE, &bh);
	if (error != 0)
		return error;
	memcpy(&um->um_dsb, bh.bh_data, sizeof(um->um_dsb));
	um->um_devops->ed_brelse(um->um_dev, &bh);
	ext2fs_sb_load(&um->um_dsb, &um->um_sb);
	return 0;
}

static int
ext2fs_sb_write(struct ext2fs_mount *um)
{
	struct ext2fs_bh bh;
	int error;

	error = um->um_devops->ed_bread(um->um_dev, EXT2_SBOFF / EXT2_DEV_BSIZE,
	    EXT2_SBSIZE, &bh);
	if (error != 0)
		return error;
	ext2fs_sb_store(&um->um_sb, &um->um_dsb);
	memcpy(bh.bh_data, &um->um_dsb, sizeof(um->um_dsb));
	return um->um_devops->ed_bwrite(um->um_dev, &bh);
}

static void
ext2fs_geometry(struct ext2fs_mount *um)
{
	const struct ext2fs_sb *s = &um->um_sb;

	um->um_bshift = EXT2_MIN_BLOCK_LOG + s->s_log_block_size;
	um->um_bsize = 1u << um->um_bshift;
	um->um_nindir = um->um_bsize / sizeof(uint32_t);
	um->um_isize = s->s_inode_size;
	um->um_ipb = um->um_bsize / um->um_isize;
	um->um_itblocks = s->s_inodes_per_group / um->um_ipb;
	um->um_first_ino = s->s_first_ino;
	um->um_ngroups = ext2fs_ngroups(s);
	um->um_gdblocks = howmany(um->um_ngroups,
	    um->um_bsize / (uint32_t)sizeof(struct ext2fs_dgd));
}

static int
ext2fs_mount_load(struct ext2fs_mount *um, int flags)
{
	int error;

	error = ext2fs_sb_read(um);
	if (error != 0)
		return error;
	error = ext2fs_sb_check(&um->um_sb, um->um_devsize, um->um_why,
	    sizeof(um->um_why));
	if (error != 0)
		return error;
	um->um_ronly = (flags & EXT2_MNT_RDONLY) != 0;
	error = ext2fs_features_check(&um->um_sb, &um->um_ronly, um->um_why,
	    sizeof(um->um_why));
	if (error != 0)
		return error;
	ext2fs_geometry(um);
	if (um->um_sb.s_first_data_block + 1 + um->um_gdblocks >
	    MIN(um->um_sb.s_blocks_count, um->um_sb.s_blocks_per_group)) {
		ksnprintf(um->um_why, sizeof(um->um_why),
		    "group descriptors do not fit the first group");
		return EUCLEAN;
	}
	um->um_gd = kmem_zalloc(&M_EXT2FSMNT,
	    um->um_ngroups * sizeof(*um->um_gd), KM_SLEEP);
	return ext2fs_gd_read(um);
}

/* A read-write mount marks the file system in use and counts the mount. */
static int
ext2fs_mount_mark(struct ext2fs_mount *um)
{
	struct ext2fs_sb *s = &um->um_sb;

	if (!(s->s_state & EXT2_VALID_FS) || (s->s_state & EXT2_ERROR_FS))
		kprintf("ext2fs: warning: mounting an unchecked file system; "
		    "run e2fsck\n");
	um->um_state = s->s_state;
	s->s_state &= (uint16_t)~EXT2_VALID_FS;
	s->s_mnt_count++;
	s->s_mtime = (uint32_t)(getnstime() / NSEC_PER_SEC);
	return ext2fs_sb_write(um);
}

static void
ext2fs_mount_free(struct ext2fs_mount *um)
{
	if (um->um_gd != NULL)
		kmem_free(&M_EXT2FSMNT, um->um_gd,
		    um->um_ngroups * sizeof(*um->um_gd));
	ext2fs_dirhash_fini(um);
	mutex_destroy(&um->um_lock);
	kmem_free(&M_EXT2FSMNT, um, sizeof(*um));
}

/*
 * Reads and checks the superblock and the descriptors of the file system
 * on dev (devsize bytes).  A refusal is printed with its reason.
 */
/* The root inode reads and is a directory, or nothing can be reached. */
static int
ext2fs_mount_checkroot(struct ext2fs_mount *um)
{
	struct ext2fs_inode root;
	int error;

	error = ext2fs_iget(um, EXT2_ROOT_INO, &root);
	if (error == 0 && (root.i_mode & EXT2_IFMT) != EXT2_IFDIR)
		error = EUCLEAN;
	if (error != 0)
		ksnprintf(um->um_why, sizeof(um->um_why),
		    "the root inode is unreadable or not a directory");
	return error;
}

int
ext2fs_mount_open(const struct ext2fs_devops *ops, void *dev, uint64_t devsize,
    int flags, struct ext2fs_mount **ump)
{
	struct ext2fs_mount *um;
	int error;

	um = kmem_zalloc(&M_EXT2FSMNT, sizeof(*um), KM_SLEEP);
	um->um_devops = ops;
	um->um_dev = dev;
	um->um_devsize = devsize;
	mutex_init(&um->um_lock, MUTEX_DEFAULT);
	ext2fs_dirhash_init(um);
	um->um_nextgen = cprng_u32();
	error = ext2fs_mount_load(um, flags);
	if (error == 0)
		error = ext2fs_mount_checkroot(um);
	if (error == 0 && !um->um_ronly)
		error = ext2fs_mount_mark(um);
	if (error != 0) {
		if (um->um_why[0] != '\0')
			kprintf("ext2fs: mount refused: %s\n", um->um_why);
		ext2fs_mount_free(um);
		return error;
	}
	*ump = um;
	return 0;
}

/* Writes the descriptors (delayed) and the superblock (now). */
static int
ext2fs_mount_write(struct ext2fs_mount *um)
{
	uint32_t per = um->um_bsize / sizeof(struct ext2fs_dgd);
	struct ext2fs_bh bh;
	int error;

	KASSERT(mutex_owned(&um->um_lock));
	for (uint32_t g = 0; g < um->um_ngroups; g += per) {
		error = ext2fs_bread(um, ext2fs_gd_block(um, g), &bh);
		if (error != 0)
			return error;
		for (uint32_t i = 0; i < per && g + i < um->um_ngroups; i++)
			ext2fs_gd_store(&um->um_gd[g + i],
			    (struct ext2fs_dgd *)bh.bh_data + i);
		ext2fs_bdwrite(um, &bh);
	}
	um->um_sb.s_wtime = (uint32_t)(getnstime() / NSEC_PER_SEC);
	error = ext2fs_sb_write(um);
	if (error == 0)
		um->um_fmod = false;
	return error;
}

/* Writes the counts back if an allocation changed them since last time. */
int
ext2fs_mount_sync(struct ext2fs_mount *um)
{
	int error = 0;

	if (um->um_ronly)
		return 0;
	mutex_enter(&um->um_lock);
	if (um->um_fmod)
		error = ext2fs_mount_write(um);
	mutex_exit(&um->um_lock);
	return error;
}

/* Writes everything back, marks the file system clean and frees the mount. */
int
ext2fs_mount_close(struct ext2fs_mount *um)
{
	int error = 0;

	if (!um->um_ronly) {
		mutex_enter(&um->um_lock);
		um->um_sb.s_state = um->um_state;
		error = ext2fs_mount_write(um);
		mutex_exit(&um->um_lock);
	}
	ext2fs_mount_free(um);
	return error;
}

uint64_t
ext2fs_maxfilesize(const struct ext2fs_mount *um)
{
	uint64_t n = um->um_nindir;
	uint64_t blocks = EXT2_NDADDR + n + n * n + n * n * n;

	/* i_blocks counts 512-byte units in 32 bits. */
	blocks = MIN(blocks, (1ull << 32) / (um->um_bsize / 512) - 1);
	if (!(um->um_sb.s_feature_ro_compat &
	    EXT2_FEATURE_RO_COMPAT_LARGE_FILE))
		return 0x7fffffffull;
	return blocks << um->um_bshift;
}
