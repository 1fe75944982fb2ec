/*
 * NewReno congestion control (RFC 5681, RFC 6582), registered as "reno":
 * slow start with byte counting, congestion avoidance of one MSS per
 * window acknowledged, halving at a loss, one segment after a timeout.
 */
#include "rumpkern/kern.h"
#include "rumpkern/component.h"
#include "netinet/tcp_cc.h"

static void
tcp_newreno_init(struct tcp_ccstate *ccs)
{
	ccs->cc_u.reno.rs_bytes_acked = 0;
}

/*
 * RFC 5681 3.1 with RFC 3465 2.1's byte counting in congestion avoidance:
 * cwnd grows by one MSS each time a full cwnd of bytes has been acked.
 */
static void
tcp_newreno_ack(struct tcp_ccstate *ccs, const struct tcp_cc_ack *ack)
{
	struct tcp_reno_state *rs = &ccs->cc_u.reno;
	uint32_t acked = ack->ca_acked;

	if (!ack->ca_cwnd_limited)
		return;
	if (tcp_cc_in_slowstart(ccs)) {
		acked = tcp_cc_slowstart(ccs, acked);
		if (acked == 0)
			return;
	}
	rs->rs_bytes_acked += acked;
	if (rs->rs_bytes_acked >= ccs->cc_cwnd) {
		rs->rs_bytes_acked -= ccs->cc_cwnd;
		ccs->cc_cwnd += ccs->cc_mss;
	}
}

/* RFC 5681 3.1 equation (4): ssthresh = max(FlightSize / 2, 2 * SMSS). */
static uint32_t
tcp_newreno_ssthresh(const struct tcp_ccstate *ccs, uint32_t flight)
{
	return MAX(flight / 2, 2 * ccs->cc_mss);
}

/* RFC 5681 3.2 step 2 and RFC 6582 3.2 step 2 (without the inflation,
 * which the sender adds when it does not use SACK). */
static void
tcp_newreno_congestion(struct tcp_ccstate *ccs, uint32_t flight)
{
	ccs->cc_ssthresh = tcp_newreno_ssthresh(ccs, flight);
	ccs->cc_cwnd = ccs->cc_ssthresh;
	ccs->cc_u.reno.rs_bytes_acked = 0;
}

/* RFC 5681 3.1: after a timeout cwnd is the loss window, one segment. */
static void
tcp_newreno_rto(struct tcp_ccstate *ccs, uint32_t flight)
{
	ccs->cc_ssthresh = tcp_newreno_ssthresh(ccs, flight);
	ccs->cc_cwnd = ccs->cc_mss;
	ccs->cc_u.reno.rs_bytes_acked = 0;
}

static void
tcp_newreno_recovery_exit(struct tcp_ccstate *ccs, uint32_t flight)
{
	tcp_cc_deflate(ccs, flight);
}

static void
tcp_newreno_idle(struct tcp_ccstate *ccs, uint64_t idle, uint64_t rto)
{
	tcp_cc_restart_window(ccs, idle, rto);
}

static struct tcp_cc_ops tcp_newreno_ops = {
	.cc_name = "reno",
	.cc_init = tcp_newreno_init,
	.cc_ack = tcp_newreno_ack,
	.cc_congestion = tcp_newreno_congestion,
	.cc_rto = tcp_newreno_rto,
	.cc_recovery_exit = tcp_newreno_recovery_exit,
	.cc_idle = tcp_newreno_idle,
};

static int
tcp_newreno_modinit(void)
{
	return tcp_cc_register(&tcp_newreno_ops);
}

static void
tcp_newreno_modfini(void)
{
	tcp_cc_unregister(&tcp_newreno_ops);
}

/* Before the protocols (NET_PROTO), so TCP's own init may look it up. */
RUMP_COMPONENT(tcp_newreno_component, "tcp_newreno", RUMP_COMPONENT_NET,
    tcp_newreno_modinit, tcp_newreno_modfini);
