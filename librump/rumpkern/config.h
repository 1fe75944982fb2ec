/*
 * Every tunable of the kernel, in one place.  Each has a comment and a
 * default; a build overrides one with -DNAME=value in CFLAGS.  Variables
 * that tests change at run time (arp_keep, ip_reass_timeout, ...) take
 * their initial values from here.
 */
#ifndef RUMPKERN_CONFIG_H
#define RUMPKERN_CONFIG_H

/* ---- kernel core ---- */

/* Descriptors per process unless RUMP_NOFILE says otherwise. */
#ifndef NDFILE_DEFAULT
#define NDFILE_DEFAULT		1024
#endif

/* Callout heap slots allocated at boot; the heap never shrinks below. */
#ifndef CALLOUT_HEAP_MIN
#define CALLOUT_HEAP_MIN	64
#endif

/* Bytes a pipe buffers. */
#ifndef PIPE_SIZE
#define PIPE_SIZE		65536
#endif

/* ---- sockets and interfaces ---- */

/* Largest socket option value setsockopt/getsockopt copy. */
#ifndef SOCKOPT_MAX
#define SOCKOPT_MAX		1024
#endif

/* Free space a stream socket needs before poll calls it writable. */
#ifndef SO_DEFAULT_LOWAT_SND
#define SO_DEFAULT_LOWAT_SND	2048
#endif

/* Packets lo0 queues for its softint before it drops. */
#ifndef LOQLEN
#define LOQLEN			4096
#endif

/* Frames a virtif receive thread reads per wake-up, at most. */
#ifndef VIRTIF_RXBATCH
#define VIRTIF_RXBATCH		32
#endif

/* Bytes of a frame packet capture copies (frames are not larger). */
#ifndef PCAP_BUFLEN
#define PCAP_BUFLEN		65536
#endif

/* ---- IPv4 ---- */

/* Receive buffer of UDP and raw sockets, until SO_RCVBUF. */
#ifndef UDP_RCVBUF
#define UDP_RCVBUF		(256 * 1024)
#endif
#ifndef RIP_RCVBUF
#define RIP_RCVBUF		(256 * 1024)
#endif

/* ARP: how long a resolved entry lives after its owner was last heard. */
#ifndef ARP_KEEP_MS
#define ARP_KEEP_MS		(20 * 60 * 1000)
#endif
/* ARP: interval between requests, and requests before giving up. */
#ifndef ARP_REXMIT_MS
#define ARP_REXMIT_MS		1000
#endif
#ifndef ARP_MAXTRIES
#define ARP_MAXTRIES		3
#endif
/* ARP: packets held while resolving, per entry and for all of them. */
#ifndef ARP_MAXHOLD
#define ARP_MAXHOLD		16
#endif
#ifndef ARP_MAXHOLD_TOTAL
#define ARP_MAXHOLD_TOTAL	256
#endif
/* ARP: entries in the cache; a full cache evicts the least recent. */
#ifndef ARP_MAXENTRIES
#define ARP_MAXENTRIES		4096
#endif

/* Reassembly: datagrams and fragments held, and how long (RFC 1122 3.3.2). */
#ifndef IP_MAXFRAGPACKETS
#define IP_MAXFRAGPACKETS	200
#endif
#ifndef IP_MAXFRAGS
#define IP_MAXFRAGS		2000
#endif
#ifndef IP_REASS_TIMEOUT_MS
#define IP_REASS_TIMEOUT_MS	(30 * 1000)
#endif

/* ICMP errors sent per second at most (RFC 1812 4.3.2.8); 0: no limit. */
#ifndef ICMP_ERRPPSLIMIT
#define ICMP_ERRPPSLIMIT	100
#endif

/* ---- file systems ---- */

/*
 * Check the locking contract of every VOP_* call (vnode_if.src) and panic
 * on a breach.  Cheap: a lock-owner comparison per vnode argument.
 */
#ifndef VFS_DEBUG
#define VFS_DEBUG		1
#endif

/* Unreferenced vnodes the cache keeps before reclaiming the oldest. */
#ifndef VNODE_CACHE_MAX
#define VNODE_CACHE_MAX		8192
#endif

/*
 * The largest file rumpfs (the in-memory root) holds: its page table is
 * one pointer per 4 KiB of file, holes included.
 */
#ifndef RUMPFS_MAXSIZE
#define RUMPFS_MAXSIZE		(1ULL << 30)
#endif

/* Bytes of clean buffers the buffer cache keeps; dirty ones beyond. */
#ifndef BUF_CACHE_MAX
#define BUF_CACHE_MAX		(64 * 1024 * 1024)
#endif

/* Dirty buffer bytes that start a write-back before the sync thread. */
#ifndef BUF_DIRTY_MAX
#define BUF_DIRTY_MAX		(16 * 1024 * 1024)
#endif

/* How often the sync thread writes dirty buffers back. */
#ifndef BUF_SYNC_INTERVAL_MS
#define BUF_SYNC_INTERVAL_MS	(5 * 1000)
#endif

#endif
