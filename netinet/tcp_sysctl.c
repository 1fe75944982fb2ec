/*
 * TCP's sysctl names: the system default congestion control (Linux's
 * net.ipv4.tcp_congestion_control) and the tunables of tcp_var.h.
 */
#include "rumpkern/sysctl.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_sysctl.h"
#include "netinet/tcp_cc.h"
#include "netinet/tcp_rtt.h"
#include "netinet/tcp_var.h"

#define TCP_CC_NAMEMAX	16

static int
tcp_sysctl_cc(const struct sysctl_node *sn, const char *sub,
    struct sysctl_req *req)
{
	char name[TCP_CC_NAMEMAX];
	int error;

	(void)sn;
	(void)sub;
	NET_LOCK();
	strlcpy(name, tcp_cc_default()->cc_name, sizeof(name));
	NET_UNLOCK();
	if ((error = sysctl_out(req, name, strlen(name) + 1)) != 0 ||
	    req->sr_newp == NULL)
		return error;
	if ((error = sysctl_instr(req, name, sizeof(name))) != 0)
		return error;
	NET_LOCK();
	error = tcp_cc_setdefault(name);
	NET_UNLOCK();
	return error;
}

#define TCP_SYSCTL_UINT(name, var, min, max)				\
	{ .sn_name = (name), .sn_type = RUMP_SYSCTL_INT,		\
	  .sn_flags = RUMP_SYSCTL_WRITABLE, .sn_handler = sysctl_int,	\
	  .sn_data = &(var), .sn_min = (min), .sn_max = (max) }

static struct sysctl_node tcp_sysctl_nodes[] = {
	{ .sn_name = "net.inet.tcp.congestion_control",
	  .sn_type = RUMP_SYSCTL_STRING, .sn_flags = RUMP_SYSCTL_WRITABLE,
	  .sn_handler = tcp_sysctl_cc },
	/* Socket buffers: the defaults and auto-tuning's ceiling. */
	TCP_SYSCTL_UINT("net.inet.tcp.sendspace", tcp_sendspace, 4096, SB_MAX),
	TCP_SYSCTL_UINT("net.inet.tcp.recvspace", tcp_recvspace, 4096, SB_MAX),
	TCP_SYSCTL_UINT("net.inet.tcp.rcvbuf_max", tcp_rcvbuf_max, 4096,
	    SB_MAX),
	TCP_SYSCTL_UINT("net.inet.tcp.msl_ms", tcp_msl_ms, 1, 3600 * 1000),
	TCP_SYSCTL_UINT("net.inet.tcp.delack_ms", tcp_delack_ms, 1, 500),
	TCP_SYSCTL_UINT("net.inet.tcp.syn_retries", tcp_syn_retries, 1, 127),
	TCP_SYSCTL_UINT("net.inet.tcp.retries2", tcp_retries2, 1, 127),
	TCP_SYSCTL_UINT("net.inet.tcp.challenge_limit", tcp_challenge_limit,
	    1, 1 << 20),
	TCP_SYSCTL_UINT("net.inet.tcp.rto_min_us", tcp_rto_min, 1000,
	    60 * 1000 * 1000),
};

void
tcp_sysctl_init(void)
{
	sysctl_register_array(tcp_sysctl_nodes,
	    __arraycount(tcp_sysctl_nodes));
}

void
tcp_sysctl_fini(void)
{
	sysctl_unregister_array(tcp_sysctl_nodes,
	    __arraycount(tcp_sysctl_nodes));
}
