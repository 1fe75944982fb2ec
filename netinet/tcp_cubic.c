/*
 * CUBIC congestion control (RFC 9438), registered as "cubic", in integer
 * arithmetic: windows in bytes, times in microseconds, the cubic term in
 * milliseconds.  Constants: beta_cubic = 0.7, C = 0.4 segments/s^3,
 * alpha_cubic = 3 (1 - beta) / (1 + beta) = 9/17.  The first slow start
 * uses HyStart++ (RFC 9406, tcp_hystart.c), as Linux's CUBIC uses HyStart.
 */
#include "rumpkern/kern.h"
#include "rumpkern/component.h"
#include "netinet/tcp_cc.h"

/* beta_cubic (4.6) and the fast-convergence factor (1 + beta) / 2 (4.7). */
#define CUBIC_BETA_NUM		7
#define CUBIC_BETA_DEN		10
#define CUBIC_FC_NUM		17
#define CUBIC_FC_DEN		20
/* alpha_cubic = 9/17 until W_est reaches cwnd_prior, then 1 (4.3). */
#define CUBIC_ALPHA_NUM		9
#define CUBIC_ALPHA_DEN		17
/*
 * C = 0.4 segments/s^3 = 2 / (5 * 10^9) segments/ms^3: the cubic term in
 * bytes is |t - K|^3 * 2 * mss / CUBIC_MS3, |t - K| in milliseconds.
 */
#define CUBIC_MS3		5000000000ULL
/* |t - K| is clamped here (about 17 minutes) so its cube fits 64 bits. */
#define CUBIC_DT_MAX_MS		(1ULL << 20)

uint64_t
tcp_cubic_cbrt(uint64_t x)
{
	uint64_t y = 0;

	/* Digit by digit in base 8 (Hacker's Delight, icbrt64). */
	for (int s = 63; s >= 0; s -= 3) {
		uint64_t b;

		y *= 2;
		b = 3 * y * (y + 1) + 1;
		if ((x >> s) >= b) {
			x -= b << s;
			y++;
		}
	}
	return y;
}

uint64_t
tcp_cubic_k(uint32_t w_max, uint32_t cwnd_epoch, uint32_t mss)
{
	uint64_t diff, x;

	if (cwnd_epoch >= w_max)
		return 0;
	diff = w_max - cwnd_epoch;
	/* K^3 = diff / (C * mss) s^3 = diff * 2.5e9 / mss ms^3, split so
	 * neither product overflows. */
	x = diff / mss * (CUBIC_MS3 / 2) + diff % mss * (CUBIC_MS3 / 2) / mss;
	return tcp_cubic_cbrt(x) * 1000;
}

uint32_t
tcp_cubic_w(const struct tcp_cubic_state *cs, uint32_t mss, uint64_t t)
{
	int64_t d = ((int64_t)t - (int64_t)cs->cs_k_us) / 1000;
	uint64_t a = (uint64_t)(d < 0 ? -d : d);
	uint64_t cube, delta;

	a = MIN(a, CUBIC_DT_MAX_MS);
	cube = a * a * a;
	delta = cube / CUBIC_MS3 * 2 * mss + cube % CUBIC_MS3 * 2 * mss /
	    CUBIC_MS3;
	if (d < 0)
		return delta >= cs->cs_w_max ? 0 : cs->cs_w_max - (uint32_t)delta;
	return (uint32_t)MIN(cs->cs_w_max + delta, TCP_CC_CWND_MAX);
}

static void
tcp_cubic_init(struct tcp_ccstate *ccs)
{
	memset(&ccs->cc_u.cubic, 0, sizeof(ccs->cc_u.cubic));
	tcp_hystart_init(&ccs->cc_u.cubic.cs_hystart);
}

/*
 * A congestion avoidance stage begins (4.2): t counts from now, K from
 * the distance to W_max, and W_est starts at cwnd (4.3).  After a timeout
 * (4.8), or when cwnd is already past W_max (as Linux), the curve starts
 * at its inflection point: K = 0, W_max = cwnd.
 */
static void
tcp_cubic_begin(struct tcp_ccstate *ccs, uint64_t now)
{
	struct tcp_cubic_state *cs = &ccs->cc_u.cubic;

	cs->cs_in_epoch = true;
	cs->cs_epoch_start = now;
	cs->cs_cwnd_epoch = ccs->cc_cwnd;
	if (cs->cs_after_rto || ccs->cc_cwnd >= cs->cs_w_max)
		cs->cs_w_max = ccs->cc_cwnd;
	cs->cs_after_rto = false;
	cs->cs_k_us = tcp_cubic_k(cs->cs_w_max, ccs->cc_cwnd, ccs->cc_mss);
	cs->cs_w_est = ccs->cc_cwnd;
	cs->cs_est_acc = 0;
	cs->cs_cubic_acc = 0;
}

/* 4.3: W_est += alpha_cubic * segments_acked / cwnd, in bytes. */
static void
tcp_cubic_grow_west(struct tcp_ccstate *ccs, uint32_t acked)
{
	struct tcp_cubic_state *cs = &ccs->cc_u.cubic;
	uint64_t num = cs->cs_w_est >= cs->cs_cwnd_prior ? CUBIC_ALPHA_DEN :
	    CUBIC_ALPHA_NUM;
	uint64_t den = (uint64_t)CUBIC_ALPHA_DEN * ccs->cc_cwnd;
	uint64_t inc;

	cs->cs_est_acc += (uint64_t)acked * ccs->cc_mss * num;
	inc = cs->cs_est_acc / den;
	cs->cs_est_acc -= inc * den;
	cs->cs_w_est = (uint32_t)MIN(cs->cs_w_est + inc, TCP_CC_CWND_MAX);
}

/*
 * 4.4, 4.5: in the concave and the convex region alike cwnd moves toward
 * target = W_cubic(t + RTT), kept within [cwnd, 1.5 cwnd], by
 * (target - cwnd) / cwnd per segment acked.
 */
static void
tcp_cubic_grow_cubic(struct tcp_ccstate *ccs, uint64_t t, uint32_t srtt,
    uint32_t acked)
{
	struct tcp_cubic_state *cs = &ccs->cc_u.cubic;
	uint32_t cwnd = ccs->cc_cwnd;
	uint32_t target = tcp_cubic_w(cs, ccs->cc_mss, t + srtt);
	uint64_t inc;

	target = MAX(target, cwnd);
	target = MIN(target, cwnd + cwnd / 2);
	cs->cs_cubic_acc += (uint64_t)(target - cwnd) * acked;
	inc = cs->cs_cubic_acc / cwnd;
	cs->cs_cubic_acc -= inc * cwnd;
	ccs->cc_cwnd = (uint32_t)MIN(cwnd + inc, TCP_CC_CWND_MAX);
}

static void
tcp_cubic_ack(struct tcp_ccstate *ccs, const struct tcp_cc_ack *ack)
{
	struct tcp_cubic_state *cs = &ccs->cc_u.cubic;
	uint32_t acked = ack->ca_acked;
	uint64_t t;

	if (!ack->ca_cwnd_limited)
		return;
	if (tcp_cc_in_slowstart(ccs)) {
		acked = tcp_hystart_slowstart(&cs->cs_hystart, ccs, ack);
		if (acked == 0)
			return;
	}
	if (!cs->cs_in_epoch)
		tcp_cubic_begin(ccs, ack->ca_now);
	t = ack->ca_now > cs->cs_epoch_start ?
	    ack->ca_now - cs->cs_epoch_start : 0;
	tcp_cubic_grow_west(ccs, acked);
	/* 4.3: below Reno's estimate, be as fast as Reno would be. */
	if (tcp_cubic_w(cs, ccs->cc_mss, t) < cs->cs_w_est) {
		ccs->cc_cwnd = MAX(ccs->cc_cwnd, cs->cs_w_est);
		return;
	}
	tcp_cubic_grow_cubic(ccs, t, ack->ca_srtt, acked);
}

/* 4.6: ssthresh = max(flight * beta_cubic, 2 * SMSS). */
static uint32_t
tcp_cubic_ssthresh(const struct tcp_ccstate *ccs, uint32_t flight)
{
	uint64_t s = (uint64_t)flight * CUBIC_BETA_NUM / CUBIC_BETA_DEN;

	return (uint32_t)MAX(s, 2 * ccs->cc_mss);
}

/*
 * 4.6, 4.7: remember where the loss happened (with fast convergence: a
 * window that did not get back to the last W_max leaves room for others
 * by aiming lower) and reduce by beta_cubic.
 */
static void
tcp_cubic_congestion(struct tcp_ccstate *ccs, uint32_t flight)
{
	struct tcp_cubic_state *cs = &ccs->cc_u.cubic;
	uint32_t cwnd = ccs->cc_cwnd;

	if (cwnd < cs->cs_w_max)
		cs->cs_w_max = (uint32_t)((uint64_t)cwnd * CUBIC_FC_NUM /
		    CUBIC_FC_DEN);
	else
		cs->cs_w_max = cwnd;
	cs->cs_cwnd_prior = cwnd;
	cs->cs_in_epoch = false;
	cs->cs_after_rto = false;
	ccs->cc_ssthresh = tcp_cubic_ssthresh(ccs, flight);
	ccs->cc_cwnd = ccs->cc_ssthresh;
}

/* 4.8: Reno's loss window, CUBIC's ssthresh; the next stage starts at K = 0. */
static void
tcp_cubic_rto(struct tcp_ccstate *ccs, uint32_t flight)
{
	struct tcp_cubic_state *cs = &ccs->cc_u.cubic;

	cs->cs_cwnd_prior = ccs->cc_cwnd;
	cs->cs_in_epoch = false;
	cs->cs_after_rto = true;
	ccs->cc_ssthresh = tcp_cubic_ssthresh(ccs, flight);
	ccs->cc_cwnd = ccs->cc_mss;
}

static void
tcp_cubic_recovery_exit(struct tcp_ccstate *ccs, uint32_t flight)
{
	tcp_cc_deflate(ccs, flight);
}

/*
 * 5.8: time spent idle is not time on the curve, so the stage's start
 * moves forward by it (as Linux does); then RFC 5681 4.1's restart window.
 */
static void
tcp_cubic_idle(struct tcp_ccstate *ccs, uint64_t idle, uint64_t rto)
{
	struct tcp_cubic_state *cs = &ccs->cc_u.cubic;

	if (cs->cs_in_epoch)
		cs->cs_epoch_start += idle;
	tcp_cc_restart_window(ccs, idle, rto);
}

static struct tcp_cc_ops tcp_cubic_ops = {
	.cc_name = "cubic",
	.cc_init = tcp_cubic_init,
	.cc_ack = tcp_cubic_ack,
	.cc_congestion = tcp_cubic_congestion,
	.cc_rto = tcp_cubic_rto,
	.cc_recovery_exit = tcp_cubic_recovery_exit,
	.cc_idle = tcp_cubic_idle,
};

static int
tcp_cubic_modinit(void)
{
	return tcp_cc_register(&tcp_cubic_ops);
}

static void
tcp_cubic_modfini(void)
{
	tcp_cc_unregister(&tcp_cubic_ops);
}

/* Before the protocols (NET_PROTO), so TCP's own init may look it up. */
RUMP_COMPONENT(tcp_cubic_component, "tcp_cubic", RUMP_COMPONENT_NET,
    tcp_cubic_modinit, tcp_cubic_modfini);
