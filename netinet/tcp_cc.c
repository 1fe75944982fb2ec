/*
 * The congestion-control registry, the per-connection wrappers that are the
 * one way into an algorithm, and the pieces of RFC 5681 the algorithms
 * share (initial window, slow start, deflation, restart window).
 */
#include "rumpkern/kern.h"
#include "rumpkern/config.h"
#include "netinet/tcp_cc.h"

/*
 * Algorithms register while the kernel boots and leave when it shuts down,
 * before and after any connection exists: the list needs no lock.  The
 * default is read and written under the network lock.
 */
static LIST_HEAD(, tcp_cc_ops) tcp_cc_list = LIST_HEAD_INITIALIZER(tcp_cc_list);
static const struct tcp_cc_ops *tcp_cc_default_ops;

const struct tcp_cc_ops *
tcp_cc_lookup(const char *name)
{
	struct tcp_cc_ops *ops;

	LIST_FOREACH(ops, &tcp_cc_list, cc_list) {
		if (strcmp(ops->cc_name, name) == 0)
			return ops;
	}
	return NULL;
}

int
tcp_cc_register(struct tcp_cc_ops *ops)
{
	KASSERT(strlen(ops->cc_name) < TCP_CA_NAME_MAX);
	if (tcp_cc_lookup(ops->cc_name) != NULL)
		return EEXIST;
	LIST_INSERT_HEAD(&tcp_cc_list, ops, cc_list);
	return 0;
}

void
tcp_cc_unregister(struct tcp_cc_ops *ops)
{
	if (tcp_cc_default_ops == ops)
		tcp_cc_default_ops = NULL;
	LIST_REMOVE(ops, cc_list);
}

const struct tcp_cc_ops *
tcp_cc_default(void)
{
	const struct tcp_cc_ops *ops = tcp_cc_default_ops;

	if (ops == NULL)
		ops = tcp_cc_lookup(TCP_CC_DEFAULT);
	KASSERTMSG(ops != NULL, "tcp_cc: default \"%s\" not registered",
	    TCP_CC_DEFAULT);
	return ops;
}

int
tcp_cc_setdefault(const char *name)
{
	const struct tcp_cc_ops *ops = tcp_cc_lookup(name);

	if (ops == NULL)
		return ENOENT;
	tcp_cc_default_ops = ops;
	return 0;
}

void
tcp_cc_foreach(void (*fn)(const struct tcp_cc_ops *, void *), void *arg)
{
	struct tcp_cc_ops *ops;

	LIST_FOREACH(ops, &tcp_cc_list, cc_list)
		fn(ops, arg);
}

/* ---- per-connection wrappers ---- */

void
tcp_cc_init(struct tcp_ccstate *ccs, const struct tcp_cc_ops *ops,
    uint32_t mss)
{
	KASSERT(mss > 0);
	memset(ccs, 0, sizeof(*ccs));
	ccs->cc_ops = ops != NULL ? ops : tcp_cc_default();
	ccs->cc_mss = mss;
	ccs->cc_cwnd = tcp_cc_initial_window(mss);
	ccs->cc_ssthresh = TCP_INFINITE_SSTHRESH;
	ccs->cc_ops->cc_init(ccs);
}

void
tcp_cc_switch(struct tcp_ccstate *ccs, const struct tcp_cc_ops *ops)
{
	ccs->cc_ops = ops;
	ccs->cc_can_undo = false;
	ops->cc_init(ccs);
}

void
tcp_cc_setmss(struct tcp_ccstate *ccs, uint32_t mss)
{
	KASSERT(mss > 0);
	ccs->cc_mss = mss;
}

void
tcp_cc_ack(struct tcp_ccstate *ccs, const struct tcp_cc_ack *ack)
{
	ccs->cc_ops->cc_ack(ccs, ack);
	if (ccs->cc_cwnd > TCP_CC_CWND_MAX)
		ccs->cc_cwnd = TCP_CC_CWND_MAX;
}

/* Keeps what a reduction is about to change, for tcp_cc_undo(). */
static void
tcp_cc_remember(struct tcp_ccstate *ccs)
{
	ccs->cc_prior_cwnd = ccs->cc_cwnd;
	ccs->cc_prior_ssthresh = ccs->cc_ssthresh;
	ccs->cc_prior_u = ccs->cc_u;
	ccs->cc_can_undo = true;
}

void
tcp_cc_congestion(struct tcp_ccstate *ccs, uint32_t flight)
{
	tcp_cc_remember(ccs);
	ccs->cc_ops->cc_congestion(ccs, flight);
}

void
tcp_cc_rto(struct tcp_ccstate *ccs, uint32_t flight)
{
	tcp_cc_remember(ccs);
	ccs->cc_ops->cc_rto(ccs, flight);
}

void
tcp_cc_recovery_exit(struct tcp_ccstate *ccs, uint32_t flight)
{
	ccs->cc_ops->cc_recovery_exit(ccs, flight);
}

void
tcp_cc_idle(struct tcp_ccstate *ccs, uint64_t idle, uint64_t rto)
{
	ccs->cc_ops->cc_idle(ccs, idle, rto);
}

bool
tcp_cc_undo(struct tcp_ccstate *ccs)
{
	if (!ccs->cc_can_undo)
		return false;
	ccs->cc_cwnd = MAX(ccs->cc_cwnd, ccs->cc_prior_cwnd);
	ccs->cc_ssthresh = MAX(ccs->cc_ssthresh, ccs->cc_prior_ssthresh);
	ccs->cc_u = ccs->cc_prior_u;
	ccs->cc_can_undo = false;
	return true;
}

/* ---- shared by the algorithms ---- */

uint32_t
tcp_cc_initial_window(uint32_t mss)
{
	return MIN((uint64_t)TCP_INIT_CWND * mss, TCP_CC_CWND_MAX);
}

uint32_t
tcp_cc_slowstart(struct tcp_ccstate *ccs, uint32_t acked)
{
	uint32_t room = ccs->cc_ssthresh - ccs->cc_cwnd;
	/* RFC 3465 2.2: at most L = 2 SMSS per ACK. */
	uint32_t inc = MIN(acked, 2 * ccs->cc_mss);

	KASSERT(tcp_cc_in_slowstart(ccs));
	if (inc < room) {
		ccs->cc_cwnd += inc;
		return 0;
	}
	/* ssthresh reached: what the ACK covered beyond it is avoidance's. */
	ccs->cc_cwnd = ccs->cc_ssthresh;
	return acked - room;
}

void
tcp_cc_deflate(struct tcp_ccstate *ccs, uint32_t flight)
{
	uint64_t w = (uint64_t)MAX(flight, ccs->cc_mss) + ccs->cc_mss;

	ccs->cc_cwnd = (uint32_t)MIN(w, ccs->cc_ssthresh);
}

bool
tcp_cc_restart_window(struct tcp_ccstate *ccs, uint64_t idle, uint64_t rto)
{
	uint32_t rw = MIN(tcp_cc_initial_window(ccs->cc_mss), ccs->cc_cwnd);

	if (idle <= rto)
		return false;
	ccs->cc_cwnd = rw;
	return true;
}
