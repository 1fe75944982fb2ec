/*
 * Directory entries within one directory block.  The rules (ext2
 * specification, "Directory Entry"): an entry starts 4-byte aligned, its
 * rec_len is a multiple of 4 of at least 8 plus its name, it never crosses
 * the end of the block, and the entries of a block tile it exactly.  An
 * entry with inode 0 is free space; a used one has a name without NUL
 * or '/' bytes (names are path components).  Any entry breaking them makes the
 * block corrupt (EUCLEAN): nothing in it is believed.
 */
#include "rumpkern/kern.h"
#include "fs/ext2fs/ext2fs.h"

static bool
ext2fs_has_filetype(const struct ext2fs_mount *um)
{
	return (um->um_sb.s_feature_incompat &
	    EXT2_FEATURE_INCOMPAT_FILETYPE) != 0;
}

/* A name a path can hold: no NUL (it would end it early), no slash. */
static bool
ext2fs_name_ok(const char *name, uint8_t len)
{
	for (uint8_t i = 0; i < len; i++)
		if (name[i] == '\0' || name[i] == '/')
			return false;
	return true;
}

/* The entry at off, checked. */
int
ext2fs_dirent_get(const struct ext2fs_mount *um, const uint8_t *blk,
    uint32_t off, struct ext2fs_dirent *de)
{
	if (off % 4 != 0 || off + EXT2_DIR_HDRLEN > um->um_bsize)
		return EUCLEAN;
	ext2fs_dirhdr_load((const struct ext2fs_ddirent *)(blk + off), de);
	de->d_name = (const char *)blk + off + EXT2_DIR_HDRLEN;
	if (!ext2fs_has_filetype(um)) {
		/* The old format: the type byte is the name length's high byte. */
		if (de->d_type != 0)
			return EUCLEAN;
	}
	if (de->d_reclen < EXT2_DIR_HDRLEN || de->d_reclen % 4 != 0 ||
	    de->d_reclen > um->um_bsize - off)
		return EUCLEAN;
	if (de->d_ino == 0)
		return 0;
	if (de->d_namlen == 0 || EXT2_DIR_RECLEN(de->d_namlen) > de->d_reclen ||
	    de->d_ino > um->um_sb.s_inodes_count || de->d_type >= EXT2_FT_MAX ||
	    !ext2fs_name_ok(de->d_name, de->d_namlen))
		return EUCLEAN;
	return 0;
}

void
ext2fs_dirent_put(const struct ext2fs_mount *um, uint8_t *blk, uint32_t off,
    uint32_t ino, uint16_t reclen, const char *name, uint8_t namlen,
    uint8_t type)
{
	struct ext2fs_dirent de = {
		.d_ino = ino, .d_reclen = reclen, .d_namlen = namlen,
		.d_type = ext2fs_has_filetype(um) ? type : 0,
	};

	KASSERT(off % 4 == 0 && reclen % 4 == 0 &&
	    off + reclen <= um->um_bsize &&
	    EXT2_DIR_RECLEN(namlen) <= reclen);
	ext2fs_dirhdr_store(&de, (struct ext2fs_ddirent *)(blk + off));
	memcpy(blk + off + EXT2_DIR_HDRLEN, name, namlen);
}

/* Every entry of the block is sound and together they tile it. */
int
ext2fs_dirblk_check(const struct ext2fs_mount *um, const uint8_t *blk)
{
	struct ext2fs_dirent de;
	uint32_t off = 0;
	int error;

	while (off < um->um_bsize) {
		error = ext2fs_dirent_get(um, blk, off, &de);
		if (error != 0)
			return error;
		off += de.d_reclen;
	}
	return 0;
}

uint8_t
ext2fs_mode_to_ft(uint16_t mode)
{
	switch (mode & EXT2_IFMT) {
	case EXT2_IFREG:	return EXT2_FT_REG_FILE;
	case EXT2_IFDIR:	return EXT2_FT_DIR;
	case EXT2_IFCHR:	return EXT2_FT_CHRDEV;
	case EXT2_IFBLK:	return EXT2_FT_BLKDEV;
	case EXT2_IFIFO:	return EXT2_FT_FIFO;
	case EXT2_IFSOCK:	return EXT2_FT_SOCK;
	case EXT2_IFLNK:	return EXT2_FT_SYMLINK;
	default:		return EXT2_FT_UNKNOWN;
	}
}
