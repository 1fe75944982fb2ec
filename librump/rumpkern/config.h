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

/*
 * The largest pid; pids count up to it and then start again from 2
 * (Linux's pid_max on 64-bit hosts).
 */
#ifndef PID_MAX
#define PID_MAX			4194304
#endif

/* Lists in the pid table (a power of two). */
#ifndef PID_HASH_SIZE
#define PID_HASH_SIZE		256
#endif

/* Bytes a pipe buffers, and the most fcntl(F_SETPIPE_SZ) may ask for
   (Linux's default /proc/sys/fs/pipe-max-size). */
#ifndef PIPE_SIZE
#define PIPE_SIZE		65536
#endif
#ifndef PIPE_MAX_SIZE
#define PIPE_MAX_SIZE		(1024 * 1024)
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

/*
 * mbuf caches: free objects kept in the pool shared by the CPUs (beyond
 * them, freed ones go back to the host), and jumbo clusters kept per CPU
 * (mbufs and clusters: MBCACHE_CPUMAX).
 */
#ifndef MB_POOL_MBUFS
#define MB_POOL_MBUFS		4096
#endif
#ifndef MB_POOL_CLUSTERS
#define MB_POOL_CLUSTERS	1024
#endif
#ifndef MB_POOL_JUMBOS
#define MB_POOL_JUMBOS		256
#endif
#ifndef MB_CPU_JUMBOS
#define MB_CPU_JUMBOS		16
#endif

/* Frames a virtif transmit queue holds; beyond, sending fails (ENOBUFS). */
#ifndef VIRTIF_TXQLEN
#define VIRTIF_TXQLEN		1024
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

/* ---- TCP (tcp_*.c) ---- */

/* Send and receive buffers of a TCP socket until SO_SNDBUF/SO_RCVBUF. */
#ifndef TCP_SENDSPACE
#define TCP_SENDSPACE		(256 * 1024)
#endif
#ifndef TCP_RECVSPACE
#define TCP_RECVSPACE		(256 * 1024)
#endif
/* Receive buffers grow up to this with the bandwidth-delay product. */
#ifndef TCP_RCVBUF_MAX
#define TCP_RCVBUF_MAX		(4 * 1024 * 1024)
#endif
/* Maximum segment lifetime; TIME_WAIT lasts twice this (Linux: 60 s). */
#ifndef TCP_MSL_MS
#define TCP_MSL_MS		(30 * 1000)
#endif
/* Delayed ACK: at most this long (RFC 9293 3.8.6.3 allows 500 ms). */
#ifndef TCP_DELACK_MS
#define TCP_DELACK_MS		40
#endif
/* Data segments ACKed at once at the start and after a loss. */
#ifndef TCP_QUICKACKS
#define TCP_QUICKACKS		16
#endif
/* SYN retransmissions before connect gives up (Linux tcp_syn_retries). */
#ifndef TCP_SYN_RETRIES
#define TCP_SYN_RETRIES		6
#endif
/* Retransmission timeouts before a connection is dropped (tcp_retries2). */
#ifndef TCP_RETRIES2
#define TCP_RETRIES2		15
#endif
/* A handshake not complete after this long is dropped. */
#ifndef TCP_CONNTIMEO_S
#define TCP_CONNTIMEO_S		75
#endif
/* FIN-WAIT-2 of a closed socket lasts at most this (tcp_fin_timeout). */
#ifndef TCP_FIN_TIMEOUT_S
#define TCP_FIN_TIMEOUT_S	60
#endif
/* Keepalive defaults (RFC 1122 4.2.3.6; Linux's values). */
#ifndef TCP_KEEPIDLE_S
#define TCP_KEEPIDLE_S		7200
#endif
#ifndef TCP_KEEPINTVL_S
#define TCP_KEEPINTVL_S		75
#endif
#ifndef TCP_KEEPCNT_DEFAULT
#define TCP_KEEPCNT_DEFAULT	9
#endif
/* Zero-window probes: between these, doubling (BSD's bounds). */
#ifndef TCP_PERSMIN_MS
#define TCP_PERSMIN_MS		200
#endif
#ifndef TCP_PERSMAX_MS
#define TCP_PERSMAX_MS		(60 * 1000)
#endif
/*
 * Tail loss probe (RFC 8985 7.2): the probe timeout before an RTT sample,
 * and the worst delayed ACK added when one segment is out (WCDelAckT).
 */
#ifndef TCP_TLP_NOSRTT_MS
#define TCP_TLP_NOSRTT_MS	1000
#endif
#ifndef TCP_TLP_DELACK_MS
#define TCP_TLP_DELACK_MS	200
#endif
/* The shortest probe timeout (Linux's). */
#ifndef TCP_TLP_MIN_MS
#define TCP_TLP_MIN_MS		10
#endif
/* RFC 5961 7: challenge ACKs per second and connection. */
#ifndef TCP_CHALLENGE_LIMIT
#define TCP_CHALLENGE_LIMIT	10
#endif

/*
 * PCB hash tables: the most buckets a table grows to (a power of 2; a
 * table's hashes double when its PCBs outnumber twice the buckets).
 */
#ifndef INP_HASHMAX
#define INP_HASHMAX		(1u << 20)
#endif

/* Buckets of the hashes of our IPv4 addresses (a power of 2). */
#ifndef IN_ADDRHASH_SIZE
#define IN_ADDRHASH_SIZE	64
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

/* ---- TCP building blocks (tcp_cc.c, tcp_rtt.c) ---- */

/* Congestion control of new connections until tcp_cc_setdefault(). */
#ifndef TCP_CC_DEFAULT
#define TCP_CC_DEFAULT		"cubic"
#endif
/* Initial window in segments (RFC 6928; Linux's TCP_INIT_CWND). */
#ifndef TCP_INIT_CWND
#define TCP_INIT_CWND		10
#endif
/* RTO before the first RTT sample (RFC 6298 2.1). */
#ifndef TCP_RTO_INIT_MS
#define TCP_RTO_INIT_MS		1000
#endif
/* RTO floor (RFC 6298 2.4 says 1 s; Linux uses 200 ms); tcp_rto_min. */
#ifndef TCP_RTO_MIN_MS
#define TCP_RTO_MIN_MS		200
#endif
/* RTO ceiling, also for backoff (RFC 6298 2.5; Linux's TCP_RTO_MAX). */
#ifndef TCP_RTO_MAX_MS
#define TCP_RTO_MAX_MS		(120 * 1000)
#endif
/* G of RFC 6298 2.2, the timer granularity: one callout tick. */
#ifndef TCP_RTO_G_US
#define TCP_RTO_G_US		1000
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
 * Names the name cache keeps ((directory, name) -> file id or missing),
 * and the longest name it keeps (longer ones are looked up each time).
 */
#ifndef NAMECACHE_MAX
#define NAMECACHE_MAX		16384
#endif
#ifndef NAMECACHE_NAMELEN
#define NAMECACHE_NAMELEN	39
#endif

/*
 * ext2fs indexes a directory of at least EXT2_DIRHASH_MINBLOCKS blocks in
 * memory once it was scanned whole (ext2fs_dirhash.c), at most
 * EXT2_DIRHASH_MAX directories per mount.
 */
#ifndef EXT2_DIRHASH_MINBLOCKS
#define EXT2_DIRHASH_MINBLOCKS	4
#endif
#ifndef EXT2_DIRHASH_MAX
#define EXT2_DIRHASH_MAX	16
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

/*
 * Dirty bytes of blocks written whole (bdwrite_age) that start writing
 * them back: the buffers of a stream of writes are then used again for
 * the blocks that follow instead of growing the cache with fresh memory.
 */
#ifndef BUF_AGED_MAX
#define BUF_AGED_MAX		(1024 * 1024)
#endif

/* How often the sync thread writes dirty buffers back. */
#ifndef BUF_SYNC_INTERVAL_MS
#define BUF_SYNC_INTERVAL_MS	(5 * 1000)
#endif

#endif
