/*
 * The name cache (vfs_cache.c): (directory vnode, name) -> file id, or
 * "no such name" (a negative entry), so a path walked again is hash
 * lookups instead of directory scans.
 *
 * namei asks it before VOP_LOOKUP and tells it what VOP_LOOKUP found,
 * with the directory locked; whoever changes a directory's names purges
 * them (cache_purge_name) with the directory locked exclusively, before or
 * after the change: create, mknod, mkdir, symlink, link, remove, rmdir,
 * rename.  An entry holds no reference: a hit is a file id that namei
 * turns into a vnode with vcache_get, and a directory's entries go when
 * its vnode is reclaimed (cache_purge_dir), so a vnode's memory used
 * again never meets stale entries.  "." and ".." are never cached (the
 * walk handles them, and a rename changes ".." without a name).
 * At most NAMECACHE_MAX entries, the least recently used go first.
 */
#ifndef RUMPVFS_NAMECACHE_H
#define RUMPVFS_NAMECACHE_H

#include "rumpvfs/vnode.h"

struct namecache;

/* What cache_lookup found. */
enum cache_result {
	CACHE_MISS,		/* ask the file system */
	CACHE_HIT,		/* *idp names the file */
	CACHE_NEGATIVE,		/* there is no such name */
};

enum cache_result cache_lookup(struct vnode *dvp, const char *name,
    size_t len, uint64_t *idp);
/* Enters name of dvp for file id (or as missing, negative). */
void cache_enter(struct vnode *dvp, const char *name, size_t len,
    uint64_t id, bool negative);
/* Forgets name of dvp. */
void cache_purge_name(struct vnode *dvp, const char *name, size_t len);
/* Forgets every name of directory dvp (its vnode is going). */
void cache_purge_dir(struct vnode *dvp);

/* The counts, kstat group "namecache" (rump_kstat_get("namecache.hits")). */
struct nchstats {
	uint64_t ncs_hits;		/* positive hits */
	uint64_t ncs_neghits;		/* negative hits */
	uint64_t ncs_misses;
	uint64_t ncs_enters;
	uint64_t ncs_purges;		/* entries forgotten by a purge */
	uint64_t ncs_entries;		/* entries now */
};

/* NAMECACHE_MAX, a variable set through the sysctl vfs.namecache.max. */
extern unsigned namecache_max;

void namecache_init(void);
void namecache_fini(void);

#endif
