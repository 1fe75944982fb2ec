/*
 * A coverage-guided fuzzer (libFuzzer) of mounting and walking an ext2
 * image: the input is the image.  It is mounted read-only through the
 * ext2fs core on a device held in memory (ext2fs_memdevops.h), and, if
 * the mount is not refused, everything reachable is walked
 * (ext2fs_walk.h: directory entries, inodes, directories below, symlink
 * targets, file contents).  Oracles beyond the sanitizers and the
 * kernel's assertions: nothing is written to the read-only device (not
 * even tried), every buffer lent is given back, and kernel memory in use
 * is what it was before the input.  Seeds are small images made by
 * mke2fs at each run (tests/fuzz/ext2fs_seeds.sh).
 */
#include "rump/rumpkern_if_pub.h"
#include "rumpkern/kern.h"
#include "rumpkern/rump_private.h"
#include "ext2fs_memdevops.h"
#include "ext2fs_walk.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t fz_baseline;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (rump_init() != 0)
		panic("fuzz: rump_init");
	rump_schedule();
	fz_baseline = rump_kmem_inuse();
	rump_unschedule();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ext2fs_inode root;
	struct ext2fs_mount *um;
	struct memdev md;
	unsigned visited = 0;

	if (size == 0)
		return 0;
	rump_schedule();
	memset(&md, 0, sizeof(md));
	md.md_ronly = true;
	md.md_fail_reads = -1;
	md.md_size = size;
	md.md_data = kmem_alloc(&M_TEMP, size, KM_SLEEP);
	memcpy(md.md_data, data, size);
	if (memdev_mount(&md, EXT2_MNT_RDONLY, &um) == 0) {
		if (ext2fs_iget(um, EXT2_ROOT_INO, &root) == 0)
			e2walk(um, &root, 0, &visited);
		if (ext2fs_mount_close(um) != 0)
			panic("fuzz: a read-only unmount failed");
	}
	if (md.md_held != 0)
		panic("fuzz: %d buffers not given back", md.md_held);
	if (md.md_writes != 0 || md.md_rowrites != 0)
		panic("fuzz: a read-only mount wrote");
	kmem_free(&M_TEMP, md.md_data, size);
	if (rump_kmem_inuse() != fz_baseline)
		panic("fuzz: kernel memory in use went from %llu to %llu",
		    (unsigned long long)fz_baseline,
		    (unsigned long long)rump_kmem_inuse());
	rump_unschedule();
	return 0;
}
