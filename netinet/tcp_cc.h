/*
 * TCP congestion control behind an ops table.
 *
 * Each connection embeds a struct tcp_ccstate: the congestion window and
 * slow-start threshold in bytes, the sender's MSS, the algorithm's ops and
 * its private state.  TCP calls the tcp_cc_* wrappers below at the events of
 * RFC 5681; the algorithm decides what they do to cwnd and ssthresh.  The
 * module never reads a clock: every hook that needs the time is handed it,
 * in microseconds, so tests drive it exactly.  Nothing here locks: the
 * state belongs to its connection and is touched under the network lock.
 *
 * Algorithms register under Linux's names ("reno", "cubic") when the kernel
 * boots, at component level NET, before any protocol.  TCP_CONGESTION
 * looks one up by name; new connections take the system default
 * (TCP_CC_DEFAULT in config.h, "cubic") unless tcp_cc_setdefault() changed
 * it.
 *
 * Recovery: at a congestion event (three duplicate ACKs, or loss found by
 * SACK) the algorithm sets ssthresh and cwnd = ssthresh.  A sender doing
 * NewReno without SACK (RFC 6582 3.2) inflates cwnd itself by 3 MSS and by
 * one MSS per further duplicate ACK; one doing SACK recovery (RFC 6675)
 * sends while pipe < cwnd.  When the recovery point is acknowledged,
 * tcp_cc_recovery_exit() deflates the window.  Window growth (tcp_cc_ack)
 * only happens for ACKs of new data outside recovery.
 */
#ifndef NETINET_TCP_CC_H
#define NETINET_TCP_CC_H

#include "rumpkern/kern.h"

/* Longest algorithm name with its NUL, as Linux's TCP_CA_NAME_MAX. */
#define TCP_CA_NAME_MAX		16

/* No window grows past the largest a peer can offer (65535 << 14). */
#define TCP_CC_CWND_MAX		(65535U << 14)

/* ssthresh before the first congestion event: "arbitrarily high". */
#define TCP_INFINITE_SSTHRESH	0x7fffffffU

/* NewReno's private state. */
struct tcp_reno_state {
	/* Bytes acknowledged in congestion avoidance not yet turned into
	 * window (RFC 5681 3.1, byte counting): one MSS per cwnd acked. */
	uint32_t rs_bytes_acked;
};

/* HyStart++ (RFC 9406), for the first slow start of a connection. */
enum tcp_hystart_phase {
	TCP_HYSTART_SS,		/* standard slow start, watching the RTT */
	TCP_HYSTART_CSS,	/* conservative slow start after an RTT rise */
	TCP_HYSTART_DONE,	/* left for congestion avoidance */
};

struct tcp_hystart {
	uint32_t hs_window_end;	/* the round ends once this is acked */
	uint32_t hs_last_min;	/* lastRoundMinRTT, us; UINT32_MAX: none */
	uint32_t hs_cur_min;	/* currentRoundMinRTT, us */
	uint32_t hs_css_baseline; /* cssBaselineMinRtt, us */
	uint32_t hs_samples;	/* rttSampleCount this round */
	uint32_t hs_css_rounds;	/* rounds spent in CSS */
	enum tcp_hystart_phase hs_phase;
	bool hs_started;	/* a round is being timed */
};

/* CUBIC's private state (RFC 9438); windows in bytes, times in microseconds. */
struct tcp_cubic_state {
	struct tcp_hystart cs_hystart;
	uint64_t cs_epoch_start;	/* start of this avoidance stage */
	uint64_t cs_k_us;		/* K: time to get back to W_max (4.2) */
	uint32_t cs_w_max;		/* window just before the last reduction */
	uint32_t cs_cwnd_epoch;		/* cwnd when the stage began */
	uint32_t cs_cwnd_prior;		/* cwnd when ssthresh was last set (4.3) */
	uint32_t cs_w_est;		/* the Reno-friendly estimate (4.3) */
	uint64_t cs_est_acc;		/* remainder of W_est growth, scaled */
	uint64_t cs_cubic_acc;		/* remainder of cubic growth, scaled */
	bool cs_in_epoch;		/* a stage is running (epoch_start valid) */
	bool cs_after_rto;		/* next stage: K = 0, W_max = cwnd (4.8) */
};

/* The algorithms' private state. */
union tcp_cc_priv {
	struct tcp_reno_state reno;
	struct tcp_cubic_state cubic;
};

struct tcp_ccstate;

/* What an ACK of new data tells the algorithm. */
struct tcp_cc_ack {
	uint32_t ca_acked;	/* bytes newly acknowledged */
	uint64_t ca_now;	/* the time, microseconds */
	uint32_t ca_srtt;	/* smoothed RTT, microseconds; 0: none yet */
	/*
	 * Whether the window limited sending when this data left: the
	 * window only grows when it was used (RFC 7661; RFC 9438 5.8), so an
	 * application-limited sender does not build up a window it never
	 * tested.
	 */
	bool ca_cwnd_limited;
	/*
	 * For HyStart++: the RTT sample this ACK gave (us; 0: none), its
	 * acknowledgement number, and snd_nxt when it arrived, which marks
	 * the end of the next round.  Left zero, HyStart++ never acts and
	 * the first slow start runs to the first loss, as RFC 5681's.
	 */
	uint32_t ca_rtt;
	uint32_t ca_ack;
	uint32_t ca_snd_nxt;
};

/*
 * An algorithm.  Every hook is required; TCP reaches them only through
 * the tcp_cc_* wrappers.  "flight" is the FlightSize of RFC 5681: bytes
 * sent and not yet cumulatively acknowledged.
 */
struct tcp_cc_ops {
	const char *cc_name;
	/* A new connection, or one switching to this algorithm: set up
	 * the private state. */
	void (*cc_init)(struct tcp_ccstate *);
	/* New data acknowledged outside recovery: grow the window. */
	void (*cc_ack)(struct tcp_ccstate *, const struct tcp_cc_ack *);
	/* Loss found by duplicate ACKs or SACK: set ssthresh and cwnd. */
	void (*cc_congestion)(struct tcp_ccstate *, uint32_t flight);
	/* The retransmission timer expired (first expiry of a loss). */
	void (*cc_rto)(struct tcp_ccstate *, uint32_t flight);
	/* The recovery point was acknowledged. */
	void (*cc_recovery_exit)(struct tcp_ccstate *, uint32_t flight);
	/* Sending resumes after nothing was in flight for idle
	 * microseconds; rto is the current retransmission timeout. */
	void (*cc_idle)(struct tcp_ccstate *, uint64_t idle, uint64_t rto);
	LIST_ENTRY(tcp_cc_ops) cc_list;	/* the registry's, not the algorithm's */
};

struct tcp_ccstate {
	const struct tcp_cc_ops *cc_ops;
	uint32_t cc_cwnd;	/* congestion window, bytes */
	uint32_t cc_ssthresh;	/* slow-start threshold, bytes */
	uint32_t cc_mss;	/* sender MSS (SMSS of RFC 5681), bytes */
	/* What the last reduction took away, for tcp_cc_undo(). */
	uint32_t cc_prior_cwnd;
	uint32_t cc_prior_ssthresh;
	union tcp_cc_priv cc_prior_u;
	bool cc_can_undo;
	union tcp_cc_priv cc_u;
};

/* ---- registry ---- */

/* Adds an algorithm (at boot); EEXIST if its name is taken. */
int tcp_cc_register(struct tcp_cc_ops *ops);
/* Removes it (at shutdown); the default falls back to TCP_CC_DEFAULT. */
void tcp_cc_unregister(struct tcp_cc_ops *ops);
/* The algorithm of that name, or NULL. */
const struct tcp_cc_ops *tcp_cc_lookup(const char *name);
/* The system default, which new connections take. */
const struct tcp_cc_ops *tcp_cc_default(void);
/* Makes the named algorithm the default; ENOENT if there is none. */
int tcp_cc_setdefault(const char *name);
/* Calls fn for every registered algorithm (for listing them). */
void tcp_cc_foreach(void (*fn)(const struct tcp_cc_ops *, void *), void *arg);

/* ---- per-connection wrappers ---- */

/*
 * Sets a connection up with ops (NULL: the default) and its MSS:
 * cwnd becomes the initial window, ssthresh TCP_INFINITE_SSTHRESH.
 */
void tcp_cc_init(struct tcp_ccstate *ccs, const struct tcp_cc_ops *ops,
    uint32_t mss);
/*
 * TCP_CONGESTION on a live connection: the new algorithm starts from the
 * current cwnd and ssthresh with fresh private state.
 */
void tcp_cc_switch(struct tcp_ccstate *ccs, const struct tcp_cc_ops *ops);
/* The MSS changed (negotiated, or path MTU): windows stay in bytes. */
void tcp_cc_setmss(struct tcp_ccstate *ccs, uint32_t mss);

void tcp_cc_ack(struct tcp_ccstate *ccs, const struct tcp_cc_ack *ack);
/* These two remember the state they reduce, for tcp_cc_undo(). */
void tcp_cc_congestion(struct tcp_ccstate *ccs, uint32_t flight);
void tcp_cc_rto(struct tcp_ccstate *ccs, uint32_t flight);
void tcp_cc_recovery_exit(struct tcp_ccstate *ccs, uint32_t flight);
void tcp_cc_idle(struct tcp_ccstate *ccs, uint64_t idle, uint64_t rto);
/*
 * The last reduction was spurious (D-SACK showed every retransmission of
 * the episode was unneeded, RFC 3708; or timestamps, RFC 5682): restore
 * cwnd, ssthresh and the algorithm's state as they were before it, keeping
 * any larger values since.  False if there is nothing to undo.
 */
bool tcp_cc_undo(struct tcp_ccstate *ccs);

/* Whether cwnd is below ssthresh, so slow start applies (RFC 5681 3.1). */
static inline bool
tcp_cc_in_slowstart(const struct tcp_ccstate *ccs)
{
	return ccs->cc_cwnd < ccs->cc_ssthresh;
}

/* ---- shared by the algorithms (tcp_cc.c) ---- */

/* The initial window: TCP_INIT_CWND segments (RFC 6928; as Linux). */
uint32_t tcp_cc_initial_window(uint32_t mss);
/*
 * Slow start with appropriate byte counting (RFC 3465, L = 2): cwnd grows
 * by the bytes acked, at most 2 MSS per ACK, and not past ssthresh.
 * Returns the acked bytes left over once cwnd reached ssthresh.
 */
uint32_t tcp_cc_slowstart(struct tcp_ccstate *ccs, uint32_t acked);
/*
 * Slow start with HyStart++ (RFC 9406) while ssthresh has its initial
 * value: an RTT rise within a round moves to conservative slow start
 * (a quarter of the growth), which ends in congestion avoidance
 * (ssthresh = cwnd) after CSS_ROUNDS rounds, or goes back to slow start
 * if the RTT falls again.  Later slow starts are RFC 5681's.  Returns
 * what tcp_cc_slowstart() returns.
 */
void tcp_hystart_init(struct tcp_hystart *hs);
uint32_t tcp_hystart_slowstart(struct tcp_hystart *hs,
    struct tcp_ccstate *ccs, const struct tcp_cc_ack *ack);
/*
 * RFC 6582 3.2 step 3, option 1: cwnd = min(ssthresh, max(flight, MSS)
 * + MSS), so the ACK that ends recovery does not release a burst.
 */
void tcp_cc_deflate(struct tcp_ccstate *ccs, uint32_t flight);
/* RFC 5681 4.1: after an idle period longer than an RTO, cwnd is at
 * most the restart window, min(IW, cwnd).  True if it applied. */
bool tcp_cc_restart_window(struct tcp_ccstate *ccs, uint64_t idle,
    uint64_t rto);


/* ---- CUBIC's curve (tcp_cubic.c), exposed for its tests ---- */

/* The integer cube root: the largest y with y^3 <= x. */
uint64_t tcp_cubic_cbrt(uint64_t x);
/*
 * K of RFC 9438 4.2 in microseconds (to the millisecond): the time the
 * curve takes from cwnd_epoch back to w_max, cbrt((W_max - cwnd_epoch) / C)
 * with C = 0.4 segments per s^3; 0 when cwnd_epoch >= w_max.
 */
uint64_t tcp_cubic_k(uint32_t w_max, uint32_t cwnd_epoch, uint32_t mss);
/* W_cubic(t) of RFC 9438 4.2 in bytes, t microseconds into the stage. */
uint32_t tcp_cubic_w(const struct tcp_cubic_state *cs, uint32_t mss,
    uint64_t t);

#endif
