/*
 * An ext2 image held in kernel memory, lent out block by block through
 * ext2fs_devops like a buffer cache that copies: a change reaches the
 * image only when the buffer is written, a write to a read-only device
 * fails and is counted, and every buffer lent must come back (md_held).
 * Without cmocka, so that the fuzzer (tests/fuzz/fuzz_ext2fs.c) uses it
 * as the unit tests do (ext2fs_memdev.h).
 */
#ifndef TESTS_EXT2FS_MEMDEVOPS_H
#define TESTS_EXT2FS_MEMDEVOPS_H

#include "rumpkern/kmem.h"
#include "fs/ext2fs/ext2fs.h"

struct memdev {
	uint8_t *md_data;
	uint64_t md_size;
	bool md_ronly;
	unsigned md_writes;	/* buffers written */
	unsigned md_rowrites;	/* writes refused: read-only */
	int md_held;		/* buffers lent and not given back */
	int md_fail_reads;	/* reads to fail with EIO from now on (-1: none) */
};

struct memdev_buf {
	uint64_t mb_off;
	uint32_t mb_size;
};

static inline int
memdev_getbuf(struct memdev *md, uint64_t dblk, uint32_t size,
    struct ext2fs_bh *bh, bool read)
{
	uint64_t off = dblk * EXT2_DEV_BSIZE;
	struct memdev_buf *mb;

	if (off > md->md_size || size > md->md_size - off)
		return EIO;
	if (read && md->md_fail_reads == 0)
		return EIO;
	if (read && md->md_fail_reads > 0)
		md->md_fail_reads--;
	mb = kmem_alloc(&M_TEMP, sizeof(*mb) + size, KM_SLEEP);
	mb->mb_off = off;
	mb->mb_size = size;
	bh->bh_buf = mb;
	bh->bh_data = mb + 1;
	memcpy(bh->bh_data, md->md_data + off, size);
	md->md_held++;
	return 0;
}

static inline int
memdev_bread(void *dev, uint64_t dblk, uint32_t size, struct ext2fs_bh *bh)
{
	return memdev_getbuf(dev, dblk, size, bh, true);
}

static inline int
memdev_getblk(void *dev, uint64_t dblk, uint32_t size, struct ext2fs_bh *bh)
{
	return memdev_getbuf(dev, dblk, size, bh, false);
}

static inline void
memdev_brelse(void *dev, struct ext2fs_bh *bh)
{
	struct memdev *md = dev;
	struct memdev_buf *mb = bh->bh_buf;

	md->md_held--;
	kmem_free(&M_TEMP, mb, sizeof(*mb) + mb->mb_size);
}

static inline int
memdev_bwrite(void *dev, struct ext2fs_bh *bh)
{
	struct memdev *md = dev;
	struct memdev_buf *mb = bh->bh_buf;
	int error = 0;

	if (md->md_ronly) {
		md->md_rowrites++;
		error = EROFS;
	} else {
		memcpy(md->md_data + mb->mb_off, bh->bh_data, mb->mb_size);
		md->md_writes++;
	}
	memdev_brelse(dev, bh);
	return error;
}

static inline void
memdev_bdwrite(void *dev, struct ext2fs_bh *bh)
{
	(void)memdev_bwrite(dev, bh);
}

static const struct ext2fs_devops memdev_ops = {
	.ed_bread = memdev_bread,
	.ed_getblk = memdev_getblk,
	.ed_brelse = memdev_brelse,
	.ed_bwrite = memdev_bwrite,
	.ed_bdwrite = memdev_bdwrite,
};

static inline int
memdev_mount(struct memdev *md, int flags, struct ext2fs_mount **ump)
{
	return ext2fs_mount_open(&memdev_ops, md, md->md_size, flags, ump);
}

#endif
