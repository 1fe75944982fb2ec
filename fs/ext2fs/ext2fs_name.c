/*
 * Operations on names that change more than one inode: making a node,
 * linking, unlinking and removing a directory, each keeping link counts,
 * "." and ".." and the parent's times right.  The VFS binding calls them
 * with the in-core inodes of its vnodes, locked; the looking up that
 * proves a name absent or present is the caller's.  An inode whose last
 * link goes is released by the caller once nobody holds it open
 * (ext2fs_inode_release).
 */
#include "rumpkern/kern.h"
#include "fs/ext2fs/ext2fs.h"

/* The directory's contents changed. */
static int
ext2fs_dir_touch(struct ext2fs_mount *um, struct ext2fs_inode *dp)
{
	ext2fs_itimes(dp, EXT2_MTIME | EXT2_CTIME);
	return ext2fs_iput(um, dp);
}

/* Undoes a node that was never entered anywhere. */
static void
ext2fs_mknode_undo(struct ext2fs_mount *um, struct ext2fs_inode *ip)
{
	ip->i_links_count = 0;
	(void)ext2fs_inode_release(um, ip);
}

/*
 * Makes a node of mode (a directory with "." and "..") named name in dp,
 * owned by uid and gid; *ip is the new inode.
 */
int
ext2fs_mknode(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, size_t len, uint16_t mode, uint32_t uid, uint32_t gid,
    struct ext2fs_inode *ip)
{
	bool isdir = (mode & EXT2_IFMT) == EXT2_IFDIR;
	int error;

	if (len == 0 || len > EXT2_MAXNAMLEN)
		return len == 0 ? ENOENT : ENAMETOOLONG;
	if (isdir && dp->i_links_count >= EXT2_LINK_MAX)
		return EMLINK;
	error = ext2fs_inew(um, dp->i_number, mode, ip);
	if (error != 0)
		return error;
	ip->i_uid = uid;
	ip->i_gid = gid;
	if (isdir) {
		ip->i_links_count = 2;
		error = ext2fs_dir_init(um, ip, dp->i_number);
	}
	if (error == 0)
		error = ext2fs_iput(um, ip);
	if (error == 0)
		error = ext2fs_dir_enter(um, dp, name, len, ip->i_number, mode);
	if (error != 0) {
		ext2fs_mknode_undo(um, ip);
		(void)ext2fs_iput(um, dp);
		return error;
	}
	if (isdir)
		dp->i_links_count++;
	return ext2fs_dir_touch(um, dp);
}

/* A new name in dp for ip (not a directory: ext2 has no directory links). */
int
ext2fs_link(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, size_t len, struct ext2fs_inode *ip)
{
	int error;

	if ((ip->i_mode & EXT2_IFMT) == EXT2_IFDIR)
		return EPERM;
	if (ip->i_links_count >= EXT2_LINK_MAX)
		return EMLINK;
	error = ext2fs_dir_enter(um, dp, name, len, ip->i_number, ip->i_mode);
	if (error != 0) {
		(void)ext2fs_iput(um, dp);
		return error;
	}
	ip->i_links_count++;
	ext2fs_itimes(ip, EXT2_CTIME);
	error = ext2fs_iput(um, ip);
	if (error != 0)
		return error;
	return ext2fs_dir_touch(um, dp);
}

/* Removes name, which names ip (not a directory), from dp. */
int
ext2fs_unlink(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, size_t len, struct ext2fs_inode *ip)
{
	int error;

	if ((ip->i_mode & EXT2_IFMT) == EXT2_IFDIR)
		return EISDIR;
	error = ext2fs_dir_remove(um, dp, name, len);
	if (error != 0)
		return error;
	ip->i_links_count--;
	ext2fs_itimes(ip, EXT2_CTIME);
	error = ext2fs_iput(um, ip);
	if (error != 0)
		return error;
	return ext2fs_dir_touch(um, dp);
}

/* Removes the empty directory ip, named name in dp. */
int
ext2fs_rmdir(struct ext2fs_mount *um, struct ext2fs_inode *dp,
    const char *name, size_t len, struct ext2fs_inode *ip)
{
	bool empty;
	int error;

	if ((ip->i_mode & EXT2_IFMT) != EXT2_IFDIR)
		return ENOTDIR;
	error = ext2fs_dir_isempty(um, ip, &empty);
	if (error != 0)
		return error;
	if (!empty)
		return ENOTEMPTY;
	error = ext2fs_dir_remove(um, dp, name, len);
	if (error != 0)
		return error;
	/* Its "." and its name go; its ".." no longer counts for dp. */
	ip->i_links_count = 0;
	ext2fs_itimes(ip, EXT2_CTIME);
	error = ext2fs_iput(um, ip);
	if (error != 0)
		return error;
	if (dp->i_links_count > 1)
		dp->i_links_count--;
	return ext2fs_dir_touch(um, dp);
}
