/*
 * Host files as devices (rumpfs_etfs.c): what the rest of the VFS and
 * its tests see besides the public rump_etfs_* calls.
 */
#ifndef RUMPVFS_VFS_ETFS_H
#define RUMPVFS_VFS_ETFS_H

#include "rumpvfs/vnode.h"

/* Host calls a device made, and the faults it injected. */
struct etfs_stats {
	uint64_t es_reads;
	uint64_t es_writes;
	uint64_t es_faults;
};

void etfs_getstats(struct vnode *devvp, struct etfs_stats *st);
void etfs_init(void);
void etfs_fini(void);

#endif
