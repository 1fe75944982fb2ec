/*
 * What the network tools read from a rump kernel, and the one interface
 * request of its own.  Freestanding: shared by the kernel and programs.
 *
 * Tables, read with rump_sys_sysctl() (see <rump/rump_sysctl.h>) as arrays
 * of the fixed structures below; addresses and ports in network byte
 * order, the rest in host order:
 *
 *	"net.interfaces"	struct rump_ifinfo, every interface
 *	"net.inet.addrs"	struct rump_inaddrinfo, every IPv4 address
 *	"net.inet.routes"	struct rump_rtinfo, the IPv4 routing table
 *	"net.inet.arp.table"	struct rump_arpinfo, the ARP cache
 *	"net.inet.tcp.pcblist", "net.inet.udp.pcblist", "net.inet.raw.pcblist"
 *				struct rump_sockinfo, the sockets of a protocol
 *
 * Interfaces are created and destroyed by an ioctl on any AF_INET socket
 * of the rump stack (Linux has no request for that; these numbers are in
 * the 'R' group, which Linux does not use for sockets):
 *
 *	RUMP_SIOCIFCREATE, struct rump_ifcreate: creates ifc_name (a clone
 *		name and unit, "virt0") with driver options ifc_params
 *		("tap=tap0,mtu=9000"); errors as rump_netconfig_ifcreate().
 *	RUMP_SIOCIFDESTROY, struct ifreq: destroys ifr_name (ENODEV: none).
 *
 * Both need an effective uid of 0 (EPERM).
 */
#ifndef RUMP_RUMP_NETINFO_H
#define RUMP_RUMP_NETINFO_H

#include <stdint.h>

#define RUMP_IFNAMSIZ		16

struct rump_ifinfo {
	char ifi_name[RUMP_IFNAMSIZ];
	uint32_t ifi_index;
	int32_t ifi_flags;		/* Linux's IFF_* */
	int32_t ifi_mtu;
	uint16_t ifi_hwtype;		/* ARPHRD_ETHER (1), ARPHRD_LOOPBACK (772) */
	uint8_t ifi_hwaddrlen;
	uint8_t ifi_pad;
	uint8_t ifi_hwaddr[8];
	uint64_t ifi_ipackets, ifi_ibytes, ifi_ierrors;
	uint64_t ifi_opackets, ifi_obytes, ifi_oerrors;
	uint64_t ifi_drops;		/* every drop reason, both ways */
};
_Static_assert(sizeof(struct rump_ifinfo) == 96, "ABI");

struct rump_inaddrinfo {
	uint32_t iai_ifindex;
	uint32_t iai_addr;
	uint32_t iai_netmask;
	uint32_t iai_broadaddr;		/* 0 for a subnet without one */
};
_Static_assert(sizeof(struct rump_inaddrinfo) == 16, "ABI");

/* rti_flags */
#define RUMP_RTF_UP		0x0001
#define RUMP_RTF_GATEWAY	0x0002
#define RUMP_RTF_HOST		0x0004
#define RUMP_RTF_STATIC		0x0008	/* added by configuration */
#define RUMP_RTF_CONNECTED	0x0010	/* the subnet of an address */
#define RUMP_RTF_LOCAL		0x0020	/* one of our addresses */
#define RUMP_RTF_BROADCAST	0x0040
#define RUMP_RTF_REJECT		0x0080

struct rump_rtinfo {
	uint32_t rti_dst;
	uint32_t rti_gateway;		/* with RUMP_RTF_GATEWAY */
	uint32_t rti_src;		/* the source address it gives, or 0 */
	uint32_t rti_flags;
	uint32_t rti_plen;
	int32_t rti_mtu;		/* 0: the interface's */
	char rti_ifname[RUMP_IFNAMSIZ];
	uint64_t rti_use;		/* lookups that found it */
};
_Static_assert(sizeof(struct rump_rtinfo) == 48, "ABI");

/* arpi_flags: Linux's ATF_* */
#define RUMP_ATF_COM		0x02	/* resolved */
#define RUMP_ATF_PERM		0x04	/* set by hand, never expires */

struct rump_arpinfo {
	uint32_t arpi_addr;
	uint32_t arpi_flags;
	uint32_t arpi_expire_ms;	/* until it expires; 0: permanent or incomplete */
	char arpi_ifname[RUMP_IFNAMSIZ];
	uint8_t arpi_hwaddr[6];		/* with RUMP_ATF_COM */
	uint8_t arpi_pad[2];
};
_Static_assert(sizeof(struct rump_arpinfo) == 36, "ABI");

struct rump_sockinfo {
	uint32_t si_laddr, si_faddr;
	uint16_t si_lport, si_fport;
	uint8_t si_proto;		/* IPPROTO_TCP, IPPROTO_UDP, ... */
	uint8_t si_state;		/* TCP: Linux's TCP_ESTABLISHED...; else 0 */
	uint16_t si_type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_RAW */
	/*
	 * Bytes queued, received and sent.  A listener, as ss(8) shows it:
	 * connections waiting for accept, and the backlog.
	 */
	uint32_t si_rcvq, si_sndq;
};
_Static_assert(sizeof(struct rump_sockinfo) == 24, "ABI");

struct rump_ifcreate {
	char ifc_name[RUMP_IFNAMSIZ];
	char ifc_params[112];		/* NUL-terminated */
};
_Static_assert(sizeof(struct rump_ifcreate) == 128, "ABI");

/* _IOW('R', 1, struct rump_ifcreate), _IOW('R', 2, struct ifreq) */
#define RUMP_SIOCIFCREATE	0x40805201UL
#define RUMP_SIOCIFDESTROY	0x40285202UL

#endif
