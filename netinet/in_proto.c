/*
 * The AF_INET protocol family: its protocol switch, and the netinet
 * component that plugs IPv4 into the link layers below (Ethernet by
 * ethertype, loopback by family) and into the socket layer above.
 */
#include "rumpkern/component.h"
#include "rumpnet/domain.h"
#include "rumpnet/if.h"
#include "rumpnet/netisr.h"
#include "rumpnet/netlock.h"
#include "net/if_ether.h"
#include "netinet/if_arp.h"
#include "netinet/in_pcb.h"
#include "netinet/in_sysctl.h"
#include "netinet/in_var.h"
#include "netinet/ip_icmp.h"
#include "netinet/ip_raw.h"
#include "netinet/ip_var.h"
#include "netinet/tcp_var.h"
#include "netinet/udp_var.h"

extern struct domain inetdomain;
int in_ifioctl(unsigned long cmd, void *data, struct ifnet *ifp);
int in_ioctl(unsigned long cmd, void *data);

/* The last entry is the raw wildcard: protocols nobody else handles. */
static const struct protosw inetsw[] = {
	{
		.pr_type = SOCK_DGRAM,
		.pr_domain = &inetdomain,
		.pr_protocol = IPPROTO_UDP,
		.pr_flags = PR_ATOMIC | PR_ADDR,
		.pr_input = udp_input,
		.pr_ctlinput = udp_ctlinput,
		.pr_ctloutput = in_pcb_ctloutput,
		.pr_usrreqs = &udp_usrreqs,
		.pr_init = udp_init,
		.pr_fini = udp_fini,
	},
	{
		.pr_type = SOCK_STREAM,
		.pr_domain = &inetdomain,
		.pr_protocol = IPPROTO_TCP,
		.pr_flags = PR_CONNREQUIRED | PR_WANTRCVD | PR_LISTEN,
		.pr_input = tcp_input,
		.pr_ctlinput = tcp_ctlinput,
		.pr_ctloutput = tcp_ctloutput,
		.pr_usrreqs = &tcp_usrreqs,
		.pr_init = tcp_init,
		.pr_fini = tcp_fini,
	},
	{
		.pr_type = SOCK_RAW,
		.pr_domain = &inetdomain,
		.pr_protocol = IPPROTO_ICMP,
		.pr_flags = PR_ATOMIC | PR_ADDR,
		.pr_input = icmp_input,
		.pr_ctloutput = in_pcb_ctloutput,
		.pr_usrreqs = &rip_usrreqs,
	},
	{
		.pr_type = SOCK_RAW,
		.pr_domain = &inetdomain,
		.pr_protocol = 0,
		.pr_flags = PR_ATOMIC | PR_ADDR,
		.pr_input = rip_input,
		.pr_ctloutput = in_pcb_ctloutput,
		.pr_usrreqs = &rip_usrreqs,
		.pr_init = rip_init,
		.pr_fini = rip_fini,
	},
};

#define INETSW_RAW	(__arraycount(inetsw) - 1)

/* Index into inetsw by protocol number: how IP finds a transport. */
static uint8_t ip_protox[IPPROTO_MAX];

/* A header's protocol field indexes it whole. */
CTASSERT(IPPROTO_MAX == 256);

const struct protosw *
ip_protosw(uint8_t proto)
{
	return &inetsw[ip_protox[proto]];
}

static void
in_dom_init(void)
{
	for (int p = 0; p < IPPROTO_MAX; p++)
		ip_protox[p] = INETSW_RAW;
	for (unsigned i = 0; i < __arraycount(inetsw); i++)
		if (inetsw[i].pr_protocol != 0)
			ip_protox[inetsw[i].pr_protocol] = (uint8_t)i;
}

struct domain inetdomain = {
	.dom_family = AF_INET,
	.dom_name = "internet",
	.dom_protosw = inetsw,
	.dom_nprotosw = __arraycount(inetsw),
	.dom_init = in_dom_init,
	.dom_ifioctl = in_ifioctl,
	.dom_ioctl = in_ioctl,
};

static void
in_if_detach(struct ifnet *ifp)
{
	in_ifdetach(ifp);
}

static struct if_hooks in_hooks = {
	.ifh_detach = in_if_detach,
};

/*
 * Plugs IPv4 in, bottom up; a step that fails undoes those before it in
 * reverse order, so rump_init's shutdown finds nothing of netinet left.
 */
static int
netinet_init(void)
{
	struct in_addr loopback = { htonl(INADDR_LOOPBACK) };
	int error;

	in_addrhash_init();
	ip_init();
	if ((error = arp_init()) != 0)
		goto undo_ip;
	NET_LOCK();
	error = domain_attach(&inetdomain);
	NET_UNLOCK();
	if (error != 0)
		goto undo_arp;
	if ((error = ether_proto_register(ETHERTYPE_IP, ip_input)) != 0)
		goto undo_domain;
	if ((error = netisr_register(AF_INET, ip_input)) != 0)
		goto undo_ether;
	if_hooks_register(&in_hooks);
	NET_LOCK();
	error = in_addr_add(lo0ifp, loopback, 8);
	NET_UNLOCK();
	if (error != 0)
		goto undo_hooks;
	in_sysctl_init();
	return 0;

undo_hooks:
	if_hooks_unregister(&in_hooks);
	netisr_unregister(AF_INET);
undo_ether:
	ether_proto_unregister(ETHERTYPE_IP);
undo_domain:
	NET_LOCK();
	domain_detach(&inetdomain);
	NET_UNLOCK();
undo_arp:
	arp_fini();
undo_ip:
	ip_fini();
	in_addrhash_fini();
	return error;
}

static void
netinet_fini(void)
{
	in_sysctl_fini();
	NET_LOCK();
	in_ifdetach(lo0ifp);
	NET_UNLOCK();
	if_hooks_unregister(&in_hooks);
	netisr_unregister(AF_INET);
	ether_proto_unregister(ETHERTYPE_IP);
	NET_LOCK();
	domain_detach(&inetdomain);
	NET_UNLOCK();
	arp_fini();
	ip_fini();
	in_addrhash_fini();
}

RUMP_COMPONENT(netinet_component, "netinet", RUMP_COMPONENT_NET_PROTO,
    netinet_init, netinet_fini)
