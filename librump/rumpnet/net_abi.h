/*
 * The host's socket ABI (Linux, x86-64) declared for kernel code: the
 * structures and constants rump_sys_socket() and friends take unchanged.
 */
#ifndef RUMPNET_NET_ABI_H
#define RUMPNET_NET_ABI_H

#include "rumpkern/abi.h"

typedef unsigned short sa_family_t;

struct sockaddr {
	sa_family_t sa_family;
	char sa_data[14];
};

struct sockaddr_storage {
	sa_family_t ss_family;
	char __ss_padding[118];
	unsigned long __ss_align;
};

struct msghdr {
	void *msg_name;
	socklen_t msg_namelen;
	struct iovec *msg_iov;
	size_t msg_iovlen;
	void *msg_control;
	size_t msg_controllen;
	int msg_flags;
};

struct cmsghdr {
	size_t cmsg_len;
	int cmsg_level;
	int cmsg_type;
};

struct linger {
	int l_onoff;
	int l_linger;
};

CTASSERT(sizeof(struct sockaddr) == 16);
CTASSERT(sizeof(struct sockaddr_storage) == 128);
CTASSERT(sizeof(struct msghdr) == 56);
CTASSERT(sizeof(struct cmsghdr) == 16);

#define AF_UNSPEC	0
#define AF_LOCAL	1
#define AF_INET		2
#define AF_INET6	10
#define AF_PACKET	17
#define AF_MAX		46
#define PF_INET		AF_INET

#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_RAW	3
#define SOCK_SEQPACKET	5
#define SOCK_NONBLOCK	O_NONBLOCK
#define SOCK_CLOEXEC	O_CLOEXEC
#define SOCK_TYPE_MASK	0xf

#define SOL_SOCKET	1
#define SO_DEBUG	1
#define SO_REUSEADDR	2
#define SO_TYPE		3
#define SO_ERROR	4
#define SO_DONTROUTE	5
#define SO_BROADCAST	6
#define SO_SNDBUF	7
#define SO_RCVBUF	8
#define SO_KEEPALIVE	9
#define SO_OOBINLINE	10
#define SO_LINGER	13
#define SO_REUSEPORT	15
#define SO_RCVLOWAT	18
#define SO_SNDLOWAT	19
#define SO_RCVTIMEO	20
#define SO_SNDTIMEO	21
#define SO_ACCEPTCONN	30
#define SO_PROTOCOL	38
#define SO_DOMAIN	39

#define MSG_OOB		0x01
#define MSG_PEEK	0x02
#define MSG_DONTROUTE	0x04
#define MSG_CTRUNC	0x08
#define MSG_TRUNC	0x20
#define MSG_DONTWAIT	0x40
#define MSG_EOR		0x80
#define MSG_WAITALL	0x100
#define MSG_NOSIGNAL	0x4000

#define SHUT_RD		0
#define SHUT_WR		1
#define SHUT_RDWR	2

#define SOMAXCONN	4096

#define CMSG_ALIGN(len)	(((len) + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1))
#define CMSG_SPACE(len)	(CMSG_ALIGN(len) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_LEN(len)	(CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_DATA(cmsg)	((unsigned char *)((struct cmsghdr *)(cmsg) + 1))

/* Interface requests (ioctl), as Linux lays them out. */
#define IFNAMSIZ	16

struct ifreq {
	char ifr_name[IFNAMSIZ];
	union {
		struct sockaddr ifru_addr;
		struct sockaddr ifru_netmask;
		struct sockaddr ifru_hwaddr;
		short ifru_flags;
		int ifru_ivalue;
		int ifru_mtu;
		char ifru_slave[IFNAMSIZ];
		void *ifru_data;
		struct {
			unsigned long mem_start, mem_end;
			unsigned short base_addr;
			unsigned char irq, dma, port;
		} ifru_map;
	} ifr_ifru;
};
CTASSERT(sizeof(struct ifreq) == 40);

struct ifconf {
	int ifc_len;			/* in: buffer size; out: bytes used */
	union {
		char *ifcu_buf;		/* NULL: only the length needed */
		struct ifreq *ifcu_req;
	} ifc_ifcu;
};
CTASSERT(sizeof(struct ifconf) == 16);

/* SIOCADDRT/SIOCDELRT: Linux's struct rtentry (the kernel has its own). */
struct linux_rtentry {
	unsigned long rt_pad1;
	struct sockaddr rt_dst;
	struct sockaddr rt_gateway;
	struct sockaddr rt_genmask;
	unsigned short rt_flags;	/* LINUX_RTF_* */
	short rt_pad2;
	unsigned long rt_pad3;
	void *rt_pad4;
	short rt_metric;
	char *rt_dev;			/* the caller's string, or NULL */
	unsigned long rt_mtu;		/* with LINUX_RTF_MTU */
	unsigned long rt_window;
	unsigned short rt_irtt;
};
CTASSERT(sizeof(struct linux_rtentry) == 120);
#define LINUX_RTF_UP		0x0001
#define LINUX_RTF_GATEWAY	0x0002
#define LINUX_RTF_HOST		0x0004
#define LINUX_RTF_MTU		0x0040
#define LINUX_RTF_REJECT	0x0200

/* SIOCSARP/SIOCGARP/SIOCDARP */
struct arpreq {
	struct sockaddr arp_pa;		/* protocol address (AF_INET) */
	struct sockaddr arp_ha;		/* hardware address (ARPHRD_ETHER) */
	int arp_flags;			/* ATF_* */
	struct sockaddr arp_netmask;
	char arp_dev[IFNAMSIZ];
};
CTASSERT(sizeof(struct arpreq) == 68);
#define ATF_COM		0x02	/* resolved */
#define ATF_PERM	0x04	/* permanent */
#define ATF_PUBL	0x08	/* proxy ARP: not supported */

#define SIOCADDRT	0x890b
#define SIOCDELRT	0x890c
#define SIOCGIFCONF	0x8912
#define SIOCGIFFLAGS	0x8913
#define SIOCSIFFLAGS	0x8914
#define SIOCGIFADDR	0x8915
#define SIOCSIFADDR	0x8916
#define SIOCGIFNETMASK	0x891b
#define SIOCSIFNETMASK	0x891c
#define SIOCGIFMTU	0x8921
#define SIOCSIFMTU	0x8922
#define SIOCGIFHWADDR	0x8927
#define SIOCGIFINDEX	0x8933
#define SIOCDARP	0x8953
#define SIOCGARP	0x8954
#define SIOCSARP	0x8955

#endif
