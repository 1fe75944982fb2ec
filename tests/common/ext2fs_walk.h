/*
 * A walk of everything reachable in a mounted image through the ext2fs
 * core: every directory entry, every inode it names, every directory
 * below (16 deep at most), symlink targets, the first MiB of each file
 * in steps.  Errors are what a corrupt image may give, not failures: the
 * callers look for crashes, leaks and writes (t_ext2fs_corrupt, and the
 * fuzzer tests/fuzz/fuzz_ext2fs.c).
 */
#ifndef TESTS_EXT2FS_WALK_H
#define TESTS_EXT2FS_WALK_H

#include "fs/ext2fs/ext2fs.h"

/* Reads everything reachable from dp; errors are expected, not failures. */
static inline void
e2walk(struct ext2fs_mount *um, const struct ext2fs_inode *dp, int depth,
    unsigned *visited)
{
	char name[EXT2_MAXNAMLEN + 1], buf[512];
	struct ext2fs_dirent de;
	struct ext2fs_inode ip;
	uint64_t off = 0;
	size_t done;

	if (depth > 16)
		return;
	while (ext2fs_dir_next(um, dp, &off, &de, name) == 0) {
		(*visited)++;
		if (ext2fs_inode_child(um, dp, name, de.d_namlen, de.d_ino,
		    &ip) != 0 || de.d_name[0] == '.')
			continue;
		switch (ip.i_mode & EXT2_IFMT) {
		case EXT2_IFDIR:
			e2walk(um, &ip, depth + 1, visited);
			break;
		case EXT2_IFLNK:
			(void)ext2fs_readlink(um, &ip, buf, sizeof(buf), &done);
			break;
		default:
			for (uint64_t o = 0; o < MIN(ip.i_size, 1u << 20);
			    o += 64 * 1024)
				(void)ext2fs_read(um, &ip, o, buf, sizeof(buf),
				    &done);
		}
	}
}

#endif
