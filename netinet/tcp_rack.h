/*
 * RACK (RFC 8985 6): loss detection by time.  A segment is lost when a
 * segment sent after it was delivered (ACKed or SACKed) and more than
 * the RTT of that delivery plus a reordering window has passed since it
 * was sent.  So a lost retransmission, or a loss with too few segments
 * after it for three duplicate ACKs, is found in about one round trip,
 * not by the retransmission timer.
 *
 * Like tcp_sack.c this module knows no struct tcpcb, lock or clock:
 * sequence numbers are compared modulo 2^32, times are microseconds the
 * caller passes.  It keeps when each byte of [snd_una, snd_max) was last
 * sent, in bounded memory: a log of at most TCP_RACK_LOGMAX runs, each
 * the bytes up to re_end from where the previous run ends, sent at
 * re_xmit.  When the log is full, neighbouring runs merge and keep the
 * later time, so a byte may seem sent later than it was, never earlier:
 * loss is found a little late, never early.
 *
 * How TCP drives it (tcp_sackrecov.c): each segment sent,
 * tcp_rack_sent(); each ACK of a SACK connection, tcp_rack_delivered()
 * for the range the cumulative ACK newly covers and for each SACK block,
 * then tcp_rack_prune() and tcp_rack_detect(), whose lost marks go to the
 * scoreboard (tcp_sackboard_rack_lost); a wait it returns arms the RACK
 * timer, whose expiry runs tcp_rack_detect() again.
 */
#ifndef NETINET_TCP_RACK_H
#define NETINET_TCP_RACK_H

#include "rumpkern/kern.h"
#include "netinet/tcp_sack.h"

/* Runs the send log keeps; when full, neighbouring ones merge. */
#define TCP_RACK_LOGMAX		32
/* Recoveries a grown reordering window lasts (RFC 8985 6.2 step 4). */
#define TCP_RACK_REO_PERSIST	16

struct tcp_rack_run {
	uint32_t re_end;	/* one past its last byte */
	bool re_rxt;		/* retransmitted at re_xmit */
	bool re_merged;		/* made of runs sent at different times */
	uint64_t re_xmit;	/* when it was last sent (us) */
};

struct tcp_rack {
	struct tcp_rack_run rk_log[TCP_RACK_LOGMAX];
	unsigned rk_n;
	uint32_t rk_una;	/* where the first run starts */
	/* The most recently sent segment delivered (RFC 8985 6.1). */
	uint64_t rk_xmit;	/* RACK.xmit_ts; 0: none yet */
	uint32_t rk_end;	/* RACK.end_seq */
	uint64_t rk_rtt;	/* RACK.rtt (us) */
	/*
	 * RACK.min_RTT (us; 0: none yet), from runs sent at one instant and
	 * never retransmitted: exact, where timestamps count milliseconds.
	 */
	uint64_t rk_min_rtt;
	bool rk_reord;		/* RACK.reordering_seen */
	/* RFC 8985 6.2 step 4: the window grows with D-SACK rounds. */
	unsigned rk_reo_mult;	/* RACK.reo_wnd_mult */
	unsigned rk_reo_persist;	/* recoveries until it is reset */
	uint32_t rk_dsack_round;	/* RACK.dsack_round: SND.MAX then */
	bool rk_dsack_round_set;
	uint64_t rk_merges;	/* runs merged for room (a counter) */
};

/* What tcp_rack_detect found. */
struct tcp_rack_verdict {
	bool rv_lost;		/* some unSACKed data is lost */
	uint32_t rv_lost_end;	/* one past the highest lost byte */
	bool rv_rxt_lost;	/* a retransmission among them */
	uint32_t rv_rxt_start;	/* where the lowest lost retransmission starts */
	uint64_t rv_wait;	/* us until more may be lost; 0: none */
};

void tcp_rack_init(struct tcp_rack *rk, uint32_t snd_una);
/*
 * [start, end) was sent at now: new data if start is where the log ends,
 * else a retransmission (which may run on into new data).
 */
void tcp_rack_sent(struct tcp_rack *rk, uint32_t start, uint32_t end,
    uint64_t now);
/*
 * [start, end) was delivered at now (RFC 8985 6.2 steps 2 and 3): the
 * most recently sent run it touches becomes RACK.xmit_ts, unless it was
 * retransmitted less than the minimum RTT ago (that delivery may be the
 * original's).  cumack: the range is what the cumulative ACK newly
 * covers, and sb the scoreboard before this ACK; an original sent below
 * the highest SACKed byte arriving now is reordering.
 */
void tcp_rack_delivered(struct tcp_rack *rk, uint32_t start, uint32_t end,
    uint64_t now, const struct tcp_sackboard *cumack);
/*
 * A D-SACK arrived (RFC 8985 6.2 step 4): once per round trip the
 * reordering window grows by a quarter of the minimum RTT, and stays so
 * for 16 recoveries.
 */
void tcp_rack_dsack(struct tcp_rack *rk, uint32_t snd_una, uint32_t snd_max);
/* A recovery episode ended: counts down to the window's reset. */
void tcp_rack_recovery_done(struct tcp_rack *rk);
/* The cumulative ACK reached snd_una: runs below it are gone. */
void tcp_rack_prune(struct tcp_rack *rk, uint32_t snd_una);
/*
 * RFC 8985 6.2 step 4: the reordering window.  Zero when no reordering
 * was seen and recovery is under way or DupThresh segments are SACKed;
 * else reo_wnd_mult quarters of the minimum RTT, at most srtt (or the
 * minimum RTT, if srtt is below it).
 */
uint64_t tcp_rack_reo_wnd(const struct tcp_rack *rk, bool in_recovery,
    uint32_t sacked, uint32_t mss, uint64_t srtt);
/*
 * RFC 8985 6.2 step 5: every run not wholly SACKed, sent before
 * RACK.xmit_ts, and sent more than RACK.rtt + reo_wnd ago is lost; for
 * one sent before it but not that long ago, rv_wait says when to look
 * again.
 */
void tcp_rack_detect(const struct tcp_rack *rk,
    const struct tcp_sackboard *sb, uint64_t now, uint64_t reo_wnd,
    struct tcp_rack_verdict *v);

#endif
