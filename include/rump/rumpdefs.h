/*
 * Constants and structures of the rump_* interface, shared by the kernel and
 * its users.  Includes only freestanding headers.
 */
#ifndef RUMP_RUMPDEFS_H
#define RUMP_RUMPDEFS_H

#include <stdint.h>

/* rump_lwproc_rfork(): copy the descriptor table, or start with none. */
#define RUMP_RFFDG	0x01
#define RUMP_RFCFDG	0x02

/* rump_kmem_stat(): one type of kernel memory. */
struct rump_kmem_stat {
	uint64_t inuse;		/* bytes allocated and not yet freed */
	uint64_t blocks;	/* allocations not yet freed */
	uint64_t total;		/* allocations ever made */
	uint64_t peak;		/* bytes, high-water mark */
};

/*
 * rump_etfs_register(): what a host file becomes in the rump namespace.
 * A block device (RUMP_ETFS_BLK) is what file systems mount; or'ed with
 * RUMP_ETFS_RDONLY the host file is opened read-only and never written.
 */
enum rump_etfs_type {
	RUMP_ETFS_BLK = 1,
	RUMP_ETFS_RDONLY = 0x100,
};
#define RUMP_ETFS_BLK_RDONLY	((enum rump_etfs_type)(RUMP_ETFS_BLK | RUMP_ETFS_RDONLY))

#endif
