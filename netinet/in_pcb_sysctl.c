/*
 * The socket lists for the tools (struct rump_sockinfo, like ss -tan):
 * "net.inet.tcp.pcblist", "net.inet.udp.pcblist", "net.inet.raw.pcblist",
 * one entry per PCB of the protocol's table.
 */
#include "rumpkern/sysctl.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/in_sysctl.h"
#include "netinet/ip_raw.h"
#include "netinet/tcp_var.h"
#include "netinet/udp_var.h"
#include "rump/rump_netinfo.h"

static void
in_pcb_sockinfo(const struct inpcb *inp, int proto, struct rump_sockinfo *si)
{
	const struct socket *so = inp->inp_socket;

	memset(si, 0, sizeof(*si));
	si->si_laddr = inp->inp_laddr.s_addr;
	si->si_faddr = inp->inp_faddr.s_addr;
	si->si_lport = inp->inp_lport;
	si->si_fport = inp->inp_fport;
	si->si_proto = (uint8_t)(proto != 0 ? proto : inp->inp_proto);
	si->si_type = (uint16_t)so->so_type;
	if (proto == IPPROTO_TCP && inp->inp_ppcb != NULL)
		si->si_state = (uint8_t)intotcpcb(inp)->t_state;
	if (so->so_options & SO_OPT_ACCEPTCONN) {
		si->si_rcvq = (uint32_t)so->so_qlen;
		si->si_sndq = (uint32_t)so->so_qlimit;
	} else {
		si->si_rcvq = (uint32_t)so->so_rcv.sb_cc;
		si->si_sndq = (uint32_t)so->so_snd.sb_cc;
	}
}

static int
in_pcb_sysctl(const struct sysctl_node *sn, const char *sub,
    struct sysctl_req *req)
{
	struct inpcbtable *t = sn->sn_data;
	struct rump_sockinfo si;
	struct inpcb *inp;
	int error = 0;

	(void)sub;
	NET_LOCK();
	TAILQ_FOREACH(inp, &t->inpt_queue, inp_queue) {
		in_pcb_sockinfo(inp, sn->sn_min, &si);
		if ((error = sysctl_out(req, &si, sizeof(si))) != 0)
			break;
	}
	NET_UNLOCK();
	return error;
}

/* sn_min holds the protocol: 0 for raw sockets, which have their own. */
#define IN_PCB_SYSCTL(name, table, proto)				\
	{ .sn_name = (name), .sn_type = RUMP_SYSCTL_TABLE,		\
	  .sn_handler = in_pcb_sysctl, .sn_data = &(table),		\
	  .sn_min = (proto) }

static struct sysctl_node in_pcb_sysctl_nodes[] = {
	IN_PCB_SYSCTL("net.inet.tcp.pcblist", tcbtable, IPPROTO_TCP),
	IN_PCB_SYSCTL("net.inet.udp.pcblist", udbtable, IPPROTO_UDP),
	IN_PCB_SYSCTL("net.inet.raw.pcblist", rawtable, 0),
};

void
in_pcb_sysctl_init(void)
{
	sysctl_register_array(in_pcb_sysctl_nodes,
	    __arraycount(in_pcb_sysctl_nodes));
}

void
in_pcb_sysctl_fini(void)
{
	sysctl_unregister_array(in_pcb_sysctl_nodes,
	    __arraycount(in_pcb_sysctl_nodes));
}
