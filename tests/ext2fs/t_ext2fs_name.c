/*
 * Names that change more than one inode (ext2fs_name.c), where they must
 * refuse: bad name lengths, the link limit, links to directories, the
 * wrong kind of file for unlink and rmdir, names that are not there,
 * running out of inodes or blocks half-way through making a node or a
 * link, which must give back what it took, and a read failing at any
 * step.  On images made by mke2fs, through the file system's own calls.
 */
#include "ext2fs_memdev.h"

struct nfs {
	struct memdev md;
	struct ext2fs_mount *um;
	struct ext2fs_inode root;
};

static void
nfs_mount(struct nfs *n, const char *image)
{
	KTEST_ENTER();
	memdev_load(&n->md, image);
	assert_int_equal(memdev_mount(&n->md, 0, &n->um), 0);
	assert_int_equal(ext2fs_iget(n->um, EXT2_ROOT_INO, &n->root), 0);
}

static void
nfs_unmount(struct nfs *n)
{
	assert_int_equal(ext2fs_mount_close(n->um), 0);
	memdev_free(&n->md);
	KTEST_EXIT();
}

static int
mk(struct nfs *n, struct ext2fs_inode *dp, const char *name, uint16_t mode,
    struct ext2fs_inode *ip)
{
	return ext2fs_mknode(n->um, dp, name, strlen(name), mode, 0, 0, ip);
}

static void
rm(struct nfs *n, struct ext2fs_inode *dp, const char *name,
    struct ext2fs_inode *ip)
{
	if ((ip->i_mode & EXT2_IFMT) == EXT2_IFDIR)
		assert_int_equal(ext2fs_rmdir(n->um, dp, name, strlen(name),
		    ip), 0);
	else
		assert_int_equal(ext2fs_unlink(n->um, dp, name, strlen(name),
		    ip), 0);
	assert_int_equal(ip->i_links_count, 0);
	assert_int_equal(ext2fs_inode_release(n->um, ip), 0);
}

/* Takes every free block; they are given back by give_back(). */
static uint32_t *
take_all_blocks(struct nfs *n, uint32_t *countp)
{
	uint32_t count = n->um->um_sb.s_free_blocks_count, *blks;

	blks = kmem_alloc(&M_TEMP, count * sizeof(*blks), KM_SLEEP);
	for (uint32_t i = 0; i < count; i++)
		assert_int_equal(ext2fs_blkalloc(n->um, 0, &blks[i]), 0);
	assert_int_equal(n->um->um_sb.s_free_blocks_count, 0);
	*countp = count;
	return blks;
}

static void
give_back(struct nfs *n, uint32_t *blks, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++)
		assert_int_equal(ext2fs_blkfree(n->um, blks[i]), 0);
	kmem_free(&M_TEMP, blks, count * sizeof(*blks));
}

static void
a_name_of_no_bytes_or_over_255_bytes_is_refused(void **state)
{
	char longname[EXT2_MAXNAMLEN + 2];
	struct ext2fs_inode ip;
	struct nfs n;
	uint32_t freei;

	(void)state;
	nfs_mount(&n, "1k");
	freei = n.um->um_sb.s_free_inodes_count;
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(mk(&n, &n.root, "", EXT2_IFREG | 0644, &ip), ENOENT);
	assert_int_equal(mk(&n, &n.root, longname, EXT2_IFREG | 0644, &ip),
	    ENAMETOOLONG);
	assert_int_equal(n.um->um_sb.s_free_inodes_count, freei);
	nfs_unmount(&n);
}

static void
a_directory_in_a_parent_at_the_link_limit_is_emlink(void **state)
{
	struct ext2fs_inode dp, ip;
	struct nfs n;

	(void)state;
	nfs_mount(&n, "1k");
	dp = n.root;
	dp.i_links_count = EXT2_LINK_MAX;
	assert_int_equal(mk(&n, &dp, "d", EXT2_IFDIR | 0755, &ip), EMLINK);
	/* A file does not count against its directory's links. */
	assert_int_equal(mk(&n, &dp, "f", EXT2_IFREG | 0644, &ip), 0);
	dp.i_links_count = n.root.i_links_count;
	rm(&n, &dp, "f", &ip);
	nfs_unmount(&n);
}

static void
a_link_to_a_directory_is_eperm_and_past_the_limit_emlink(void **state)
{
	struct ext2fs_inode d, f;
	struct nfs n;

	(void)state;
	nfs_mount(&n, "1k");
	assert_int_equal(mk(&n, &n.root, "d", EXT2_IFDIR | 0755, &d), 0);
	assert_int_equal(mk(&n, &n.root, "f", EXT2_IFREG | 0644, &f), 0);
	assert_int_equal(ext2fs_link(n.um, &n.root, "l", 1, &d), EPERM);
	f.i_links_count = EXT2_LINK_MAX;
	assert_int_equal(ext2fs_link(n.um, &n.root, "l", 1, &f), EMLINK);
	f.i_links_count = 1;
	rm(&n, &n.root, "f", &f);
	rm(&n, &n.root, "d", &d);
	nfs_unmount(&n);
}

static void
unlink_of_a_directory_and_rmdir_of_a_file_or_a_full_directory_fail(
    void **state)
{
	struct ext2fs_inode d, f, g;
	struct nfs n;

	(void)state;
	nfs_mount(&n, "1k");
	assert_int_equal(mk(&n, &n.root, "d", EXT2_IFDIR | 0755, &d), 0);
	assert_int_equal(mk(&n, &n.root, "f", EXT2_IFREG | 0644, &f), 0);
	assert_int_equal(mk(&n, &d, "g", EXT2_IFREG | 0644, &g), 0);
	assert_int_equal(ext2fs_unlink(n.um, &n.root, "d", 1, &d), EISDIR);
	assert_int_equal(ext2fs_rmdir(n.um, &n.root, "f", 1, &f), ENOTDIR);
	assert_int_equal(ext2fs_rmdir(n.um, &n.root, "d", 1, &d), ENOTEMPTY);
	rm(&n, &d, "g", &g);
	rm(&n, &n.root, "f", &f);
	rm(&n, &n.root, "d", &d);
	nfs_unmount(&n);
}

static void
running_out_of_inodes_gives_enospc_and_takes_nothing(void **state)
{
	struct ext2fs_inode ip;
	uint32_t freeb, freei;
	char name[32];
	struct nfs n;
	int made = 0, error;

	(void)state;
	nfs_mount(&n, "groups");
	freei = n.um->um_sb.s_free_inodes_count;
	for (;;) {
		ksnprintf(name, sizeof(name), "f%d", made);
		freeb = n.um->um_sb.s_free_blocks_count;
		error = mk(&n, &n.root, name, EXT2_IFREG | 0644, &ip);
		if (error != 0)
			break;
		made++;
	}
	assert_int_equal(error, ENOSPC);
	assert_int_equal(made, (int)freei);
	assert_int_equal(n.um->um_sb.s_free_inodes_count, 0);
	assert_int_equal(n.um->um_sb.s_free_blocks_count, freeb);
	while (made-- > 0) {
		uint32_t ino;

		ksnprintf(name, sizeof(name), "f%d", made);
		assert_int_equal(ext2fs_dir_lookup(n.um, &n.root, name,
		    strlen(name), &ino), 0);
		assert_int_equal(ext2fs_iget(n.um, ino, &ip), 0);
		rm(&n, &n.root, name, &ip);
	}
	assert_int_equal(n.um->um_sb.s_free_inodes_count, freei);
	nfs_unmount(&n);
}

static void
a_directory_made_on_a_full_disk_gives_its_inode_back(void **state)
{
	struct ext2fs_inode ip;
	uint32_t *blks, count, freei;
	struct nfs n;

	(void)state;
	nfs_mount(&n, "groups");
	freei = n.um->um_sb.s_free_inodes_count;
	blks = take_all_blocks(&n, &count);
	assert_int_equal(mk(&n, &n.root, "d", EXT2_IFDIR | 0755, &ip), ENOSPC);
	assert_int_equal(n.um->um_sb.s_free_inodes_count, freei);
	assert_int_equal(n.um->um_sb.s_free_blocks_count, 0);
	give_back(&n, blks, count);
	nfs_unmount(&n);
}

static void
a_name_needing_a_new_directory_block_on_a_full_disk_gives_its_inode_back(
    void **state)
{
	char name[EXT2_MAXNAMLEN + 1];
	struct ext2fs_inode d, ip;
	uint32_t *blks, count, freei;
	struct nfs n;
	int made = 0, error;

	(void)state;
	nfs_mount(&n, "groups");
	assert_int_equal(mk(&n, &n.root, "d", EXT2_IFDIR | 0755, &d), 0);
	blks = take_all_blocks(&n, &count);
	/* Long names fill d's one block after a few; then it cannot grow. */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (;;) {
		name[0] = (char)('a' + made);
		freei = n.um->um_sb.s_free_inodes_count;
		error = mk(&n, &d, name, EXT2_IFREG | 0644, &ip);
		if (error != 0)
			break;
		made++;
	}
	assert_int_equal(error, ENOSPC);
	assert_int_equal(made, 3);
	assert_int_equal(n.um->um_sb.s_free_inodes_count, freei);
	give_back(&n, blks, count);
	while (made-- > 0) {
		uint32_t ino;

		name[0] = (char)('a' + made);
		assert_int_equal(ext2fs_dir_lookup(n.um, &d, name, strlen(name),
		    &ino), 0);
		assert_int_equal(ext2fs_iget(n.um, ino, &ip), 0);
		rm(&n, &d, name, &ip);
	}
	rm(&n, &n.root, "d", &d);
	nfs_unmount(&n);
}

static void
an_inode_made_again_under_its_number_has_another_generation(void **state)
{
	struct ext2fs_inode a, b;
	struct nfs n;

	(void)state;
	nfs_mount(&n, "1k");
	assert_int_equal(mk(&n, &n.root, "g", EXT2_IFREG | 0644, &a), 0);
	rm(&n, &n.root, "g", &a);
	assert_int_equal(mk(&n, &n.root, "g", EXT2_IFREG | 0644, &b), 0);
	assert_int_equal(b.i_number, a.i_number);
	assert_int_not_equal(b.i_generation, a.i_generation);
	rm(&n, &n.root, "g", &b);
	nfs_unmount(&n);
}

static void
a_link_needing_a_new_directory_block_on_a_full_disk_keeps_the_link_count(
    void **state)
{
	char name[EXT2_MAXNAMLEN + 1];
	struct ext2fs_inode d, f;
	uint32_t *blks, count;
	struct nfs n;
	int made = 0, error;

	(void)state;
	nfs_mount(&n, "groups");
	assert_int_equal(mk(&n, &n.root, "d", EXT2_IFDIR | 0755, &d), 0);
	assert_int_equal(mk(&n, &n.root, "f", EXT2_IFREG | 0644, &f), 0);
	blks = take_all_blocks(&n, &count);
	/* As above: three long names fill d's one block. */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (;;) {
		name[0] = (char)('a' + made);
		error = ext2fs_link(n.um, &d, name, strlen(name), &f);
		if (error != 0)
			break;
		made++;
	}
	assert_int_equal(error, ENOSPC);
	assert_int_equal(made, 3);
	assert_int_equal(f.i_links_count, 1 + made);
	give_back(&n, blks, count);
	while (made-- > 0) {
		name[0] = (char)('a' + made);
		assert_int_equal(ext2fs_unlink(n.um, &d, name, strlen(name),
		    &f), 0);
	}
	rm(&n, &n.root, "f", &f);
	rm(&n, &n.root, "d", &d);
	nfs_unmount(&n);
}

static void
unlink_and_rmdir_of_a_name_not_in_the_directory_are_enoent(void **state)
{
	struct ext2fs_inode d, f;
	struct nfs n;

	(void)state;
	nfs_mount(&n, "1k");
	assert_int_equal(mk(&n, &n.root, "d", EXT2_IFDIR | 0755, &d), 0);
	assert_int_equal(mk(&n, &n.root, "f", EXT2_IFREG | 0644, &f), 0);
	assert_int_equal(ext2fs_unlink(n.um, &n.root, "g", 1, &f), ENOENT);
	assert_int_equal(ext2fs_rmdir(n.um, &n.root, "e", 1, &d), ENOENT);
	assert_int_equal(f.i_links_count, 1);
	assert_int_equal(d.i_links_count, 2);
	rm(&n, &n.root, "f", &f);
	rm(&n, &n.root, "d", &d);
	nfs_unmount(&n);
}

/* A directory d and a file f in the root, for a name operation. */
struct nameop {
	struct nfs n;
	struct ext2fs_inode d, f;
};

typedef int nameop_fn(struct nameop *);

static int
link_f_into_d(struct nameop *o)
{
	return ext2fs_link(o->n.um, &o->d, "l", 1, &o->f);
}

static int
unlink_f(struct nameop *o)
{
	return ext2fs_unlink(o->n.um, &o->n.root, "f", 1, &o->f);
}

static int
rmdir_d(struct nameop *o)
{
	return ext2fs_rmdir(o->n.um, &o->n.root, "d", 1, &o->d);
}

/*
 * Runs op on a fresh image with its first read failing, then its second,
 * and so on until it has read all it needs and succeeds: each failure is
 * EIO and gives back every buffer.  Returns the reads op needed.
 */
static int
each_read_failing_in_turn(nameop_fn *op)
{
	struct nameop o;
	int reads, error;

	for (reads = 0;; reads++) {
		assert_true(reads < 16);
		nfs_mount(&o.n, "1k");
		assert_int_equal(mk(&o.n, &o.n.root, "d", EXT2_IFDIR | 0755,
		    &o.d), 0);
		assert_int_equal(mk(&o.n, &o.n.root, "f", EXT2_IFREG | 0644,
		    &o.f), 0);
		o.n.md.md_fail_reads = reads;
		error = op(&o);
		o.n.md.md_fail_reads = -1;
		assert_int_equal(o.n.md.md_held, 0);
		nfs_unmount(&o.n);
		if (error == 0)
			return reads;
		assert_int_equal(error, EIO);
	}
}

/* The directory's block, f's inode and d's inode: three reads. */
static void
a_read_failing_anywhere_in_link_is_eio(void **state)
{
	(void)state;
	assert_int_equal(each_read_failing_in_turn(link_f_into_d), 3);
}

static void
a_read_failing_anywhere_in_unlink_is_eio(void **state)
{
	(void)state;
	assert_int_equal(each_read_failing_in_turn(unlink_f), 3);
}

/* d's block (is it empty?) first, then as for unlink. */
static void
a_read_failing_anywhere_in_rmdir_is_eio(void **state)
{
	(void)state;
	assert_int_equal(each_read_failing_in_turn(rmdir_d), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_name_of_no_bytes_or_over_255_bytes_is_refused),
		leak_test(an_inode_made_again_under_its_number_has_another_generation),
		leak_test(a_directory_in_a_parent_at_the_link_limit_is_emlink),
		leak_test(a_link_to_a_directory_is_eperm_and_past_the_limit_emlink),
		leak_test(unlink_of_a_directory_and_rmdir_of_a_file_or_a_full_directory_fail),
		leak_test(running_out_of_inodes_gives_enospc_and_takes_nothing),
		leak_test(a_directory_made_on_a_full_disk_gives_its_inode_back),
		leak_test(a_name_needing_a_new_directory_block_on_a_full_disk_gives_its_inode_back),
		leak_test(a_link_needing_a_new_directory_block_on_a_full_disk_keeps_the_link_count),
		leak_test(unlink_and_rmdir_of_a_name_not_in_the_directory_are_enoent),
		leak_test(a_read_failing_anywhere_in_link_is_eio),
		leak_test(a_read_failing_anywhere_in_unlink_is_eio),
		leak_test(a_read_failing_anywhere_in_rmdir_is_eio),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
