/*
 * Selective acknowledgements: what a receiver reports (RFC 2018 4, D-SACK
 * of RFC 2883) and the sender's scoreboard for SACK-based loss recovery
 * (RFC 6675), each in bounded memory.
 *
 * Ranges are half-open [start, end) of 32-bit sequence numbers compared
 * modulo 2^32 (tcp_seq.h); they never hold struct tcpcb, the caller passes
 * snd_una, snd_max or rcv_nxt.  RFC 6675 counts octets inclusively (HighRxt
 * is "the highest octet retransmitted"); here every such mark is kept as
 * the sequence number one past it, noted at each field.
 *
 * How TCP drives them.  Receiver: each segment queued out of order,
 * tcp_sackrcv_add(); each duplicate, tcp_sackrcv_duplicate(); rcv_nxt
 * advanced, tcp_sackrcv_advance(); each ACK sent, tcp_sackrcv_fill() with
 * TCP_SACK_BLOCKS_FIT(the option space left).  Sender (RFC 6675 5): each
 * acceptable ACK, tcp_sackboard_update() (a D-SACK in the result is
 * counted, and may undo a reduction); out of recovery, DupThresh
 * duplicate ACKs or tcp_sackboard_islost(snd_una) start it: the
 * congestion event (tcp_cc_congestion), the segment at snd_una resent,
 * tcp_sackboard_enter_recovery(); in recovery, while cwnd - pipe is at
 * least an MSS, tcp_sackboard_nextseg(), send it, tcp_sackboard_sent();
 * snd_una reaching sb_recovery_point ends it (tcp_sackboard_exit_recovery,
 * tcp_cc_recovery_exit); a timeout, tcp_sackboard_reset().
 */
#ifndef NETINET_TCP_SACK_H
#define NETINET_TCP_SACK_H

#include "rumpkern/kern.h"

/* One SACK block, as on the wire (RFC 2018 3) but in host order. */
struct tcp_sackblk {
	uint32_t sb_start;	/* first sequence number */
	uint32_t sb_end;	/* one past the last */
};

/*
 * Blocks that fit in option space bytes: each takes 8, and the option's
 * kind and length with two NOPs for alignment take 4 (RFC 2018 3): 4 in
 * an empty 40-byte option area, 3 beside timestamps.
 */
#define TCP_SACK_BLOCKS_FIT(space)	((space) < 12 ? 0 : ((space) - 4) / 8)
/* The most an option can carry. */
#define TCP_SACK_MAXOPT		4

/* ---- receiver ---- */

/* Blocks the receiver remembers; the oldest is forgotten beyond this. */
#define TCP_SACKRCV_MAX		8

/*
 * The receiver's list (RFC 2018 4): the out-of-order data it holds above
 * rcv_nxt, as disjoint blocks, the one most recently changed first, plus
 * at most one D-SACK block (RFC 2883) to go out first in the next ACK only.
 */
struct tcp_sackrcv {
	struct tcp_sackblk sr_blocks[TCP_SACKRCV_MAX];
	unsigned sr_n;
	struct tcp_sackblk sr_dsack;
	bool sr_have_dsack;
};

void tcp_sackrcv_init(struct tcp_sackrcv *sr);
/*
 * Data [start, end) above rcv_nxt was queued out of order.  It merges
 * with the blocks it touches or overlaps and the result moves to the
 * front (RFC 2018 4: the first block reports the segment that triggered
 * the ACK).
 */
void tcp_sackrcv_add(struct tcp_sackrcv *sr, uint32_t start, uint32_t end);
/*
 * A segment [start, end) arrived that was already received, below rcv_nxt
 * or inside queued data: the next ACK reports it first as a D-SACK
 * (RFC 2883 4), and a queued block holding it is reported second.  Only
 * the part already held is reported: the caller passes that part.
 */
void tcp_sackrcv_duplicate(struct tcp_sackrcv *sr, uint32_t rcv_nxt,
    uint32_t start, uint32_t end);
/* rcv_nxt advanced: blocks at or below it are gone, one it cuts is trimmed. */
void tcp_sackrcv_advance(struct tcp_sackrcv *sr, uint32_t rcv_nxt);
/*
 * Fills out with the blocks for the next ACK, at most max of them: the
 * D-SACK block first (then forgotten: it is reported once), then the most
 * recent blocks.  Returns how many.
 */
unsigned tcp_sackrcv_fill(struct tcp_sackrcv *sr, struct tcp_sackblk *out,
    unsigned max);

/* ---- sender: the scoreboard (RFC 6675) ---- */

/* Disjoint SACKed ranges the sender remembers; more are refused. */
#define TCP_SACKBOARD_MAX	32
/* DupThresh of RFC 6675 2 (RFC 5681's three duplicate ACKs). */
#define TCP_SACK_DUPTHRESH	3

/*
 * What the sender knows the receiver holds above snd_una: sorted,
 * disjoint, non-adjacent ranges inside (snd_una, snd_max], plus the
 * marks of the current recovery.  Memory is fixed: a peer sending ever
 * more blocks only fills the TCP_SACKBOARD_MAX slots; a block that would
 * need another is ignored and counted (forgetting what was SACKed is
 * safe: that data is only retransmitted again).
 */
struct tcp_sackboard {
	struct tcp_sackblk sb_blocks[TCP_SACKBOARD_MAX];
	unsigned sb_n;
	uint32_t sb_una;	/* snd_una at the last update */
	uint32_t sb_highrxt;	/* one past HighRxt */
	uint32_t sb_rescuerxt;	/* one past RescueRxt, if defined */
	bool sb_rescue_defined;
	uint32_t sb_recovery_point; /* RecoveryPoint: snd_max at entry */
	bool sb_in_recovery;
	uint32_t sb_rxt_fence;	/* snd_max at the last retransmission */
	bool sb_rxt_fence_set;
	/* RACK (tcp_rack.h): unSACKed data below sb_rack_lost is lost. */
	uint32_t sb_rack_lost;
	bool sb_rack_lost_set;
	/* Counters the caller reads (and may publish). */
	uint64_t sb_dsacks;	/* D-SACK blocks received */
	uint64_t sb_bad_blocks;	/* blocks refused: empty, below snd_una,
				 * beyond snd_max */
	uint64_t sb_overflow;	/* blocks refused: no slot left */
};

/* What one ACK's SACK blocks told the scoreboard. */
struct tcp_sack_result {
	uint32_t sr_newly_sacked;	/* bytes SACKed for the first time */
	bool sr_dsack;			/* the first block was a D-SACK */
	struct tcp_sackblk sr_dsack_blk;	/* which, if so */
};

/* An empty board for a connection whose snd_una is iss + 1. */
void tcp_sackboard_init(struct tcp_sackboard *sb, uint32_t snd_una);
/*
 * An ACK arrived acknowledging up to snd_una (already advanced by the
 * caller) with n SACK blocks as they came.  The caller makes this call for
 * every acceptable ACK, with n = 0 when it carries no SACK option: the
 * board's view of snd_una is the last one passed here, and the queries
 * below work from it.  Ranges at or below snd_una are dropped first.  The
 * first block is a D-SACK (RFC 2883 4) if it starts below snd_una or lies
 * inside the second block: it is reported in res, counted, and not added.
 * Other blocks that are empty, start below snd_una or end beyond snd_max
 * are ignored and counted; the rest are merged in.
 */
void tcp_sackboard_update(struct tcp_sackboard *sb, uint32_t snd_una,
    uint32_t snd_max, const struct tcp_sackblk *blocks, unsigned n,
    struct tcp_sack_result *res);
/*
 * Whether the first of n blocks (n > 0) is a D-SACK (RFC 2883 4): it
 * lies below snd_una or inside the second block, and names data sent.
 */
bool tcp_sack_is_dsack(const struct tcp_sackblk *blocks, unsigned n,
    uint32_t snd_una, uint32_t snd_max);
/*
 * The retransmission timer expired: forget every SACK (RFC 2018 8, the
 * receiver may have reneged) and the recovery marks; counters stay.
 */
void tcp_sackboard_reset(struct tcp_sackboard *sb);
/* Bytes the scoreboard holds as SACKed. */
uint32_t tcp_sackboard_sacked(const struct tcp_sackboard *sb);
/* Whether seq was SACKed. */
bool tcp_sackboard_is_sacked(const struct tcp_sackboard *sb, uint32_t seq);
/* Whether all of [start, end) was SACKed. */
bool tcp_sackboard_covered(const struct tcp_sackboard *sb, uint32_t start,
    uint32_t end);
/*
 * RACK's verdict (RFC 8985 6.2): the unSACKed data below end is lost
 * (lost false: none is).  IsLost, SetPipe and NextSeg count it lost.
 */
void tcp_sackboard_rack_lost(struct tcp_sackboard *sb, bool lost,
    uint32_t end);
/*
 * RACK found the retransmission at seq lost again: in recovery, HighRxt
 * goes back to it so that NextSeg sends it again.  False if it was not
 * below HighRxt.
 */
bool tcp_sackboard_rxt_again(struct tcp_sackboard *sb, uint32_t seq);
/*
 * IsLost (RFC 6675 4): true when DupThresh discontiguous SACKed ranges lie
 * above seq, or more than (DupThresh - 1) * mss bytes above it are SACKed,
 * or RACK said so.
 */
bool tcp_sackboard_islost(const struct tcp_sackboard *sb, uint32_t seq,
    uint32_t mss);
/*
 * SetPipe (RFC 6675 4): the bytes in [snd_una, snd_max) still thought in
 * the network: each unSACKed byte not lost, plus each retransmitted one
 * (below HighRxt, in recovery).
 */
uint32_t tcp_sackboard_pipe(const struct tcp_sackboard *sb, uint32_t snd_max,
    uint32_t mss);
/*
 * Entering loss recovery (RFC 6675 5 step 4): RecoveryPoint = snd_max;
 * the segment at snd_una of first_len bytes is retransmitted first, so
 * HighRxt and RescueRxt are its end.  The caller sends it itself, and
 * ends recovery when snd_una reaches RecoveryPoint (or at an RTO).
 */
void tcp_sackboard_enter_recovery(struct tcp_sackboard *sb,
    uint32_t snd_max, uint32_t first_len);
/* Recovery ended (RecoveryPoint acknowledged, or an RTO). */
void tcp_sackboard_exit_recovery(struct tcp_sackboard *sb);
/*
 * A retransmission was sent while snd_max was snd_max: data above it can
 * only have left after the retransmission.
 */
void tcp_sackboard_rxt_sent(struct tcp_sackboard *sb, uint32_t snd_max);
/*
 * Whether a retransmission of this recovery was lost too: more than
 * (DupThresh - 1) * mss bytes sent after the last retransmission are
 * SACKed, while retransmitted data below HighRxt is neither SACKed nor
 * acknowledged (the idea of RFC 8985, RACK, by sequence instead of time:
 * a later segment arrived, an earlier one did not).  Then HighRxt goes
 * back to snd_una, so that NextSeg sends the lost holes again, and true
 * is returned.  Without this only the retransmission timer finds such a
 * loss.
 */
bool tcp_sackboard_rxt_lost(struct tcp_sackboard *sb, uint32_t mss);

enum tcp_nextseg_kind {
	TCP_NEXTSEG_NONE,	/* rule 5: nothing to send */
	TCP_NEXTSEG_LOST,	/* rule 1: a lost segment, retransmitted */
	TCP_NEXTSEG_NEW,	/* rule 2: new data from snd_max */
	TCP_NEXTSEG_RXT,	/* rule 3: an unSACKed, not yet lost segment */
	TCP_NEXTSEG_RESCUE,	/* rule 4: the rescue retransmission */
};

struct tcp_nextseg {
	enum tcp_nextseg_kind ns_kind;
	uint32_t ns_seq;
	uint32_t ns_len;
};

/*
 * NextSeg (RFC 6675 4): what to send next in recovery.  new_avail is how
 * many bytes of new data the application has queued and the peer's window
 * admits beyond snd_max.  Segments are at most mss bytes and never cover
 * SACKed data.  The caller sends it and reports it with
 * tcp_sackboard_sent().
 */
void tcp_sackboard_nextseg(const struct tcp_sackboard *sb, uint32_t snd_max,
    uint32_t mss, uint32_t new_avail, struct tcp_nextseg *ns);
/*
 * The segment NextSeg returned was sent (RFC 6675 5 step C.3): a
 * retransmission moves HighRxt to its end; a rescue sets RescueRxt to
 * the RecoveryPoint and leaves HighRxt alone.
 */
void tcp_sackboard_sent(struct tcp_sackboard *sb, const struct tcp_nextseg *ns);

#endif
