/*
 * TCP's private interface: the connection block (tcpcb), the parsed form
 * of a received segment, timers, counters and the calls between the TCP
 * files.  Everything here runs under softnet_lock.
 *
 * A connection is a socket, its inpcb (addresses, ports, hash tables) and
 * a tcpcb hanging off inp_ppcb.  The tcpcb lives as long as the inpcb:
 * tcp_close() frees both, and the socket when no file refers to it.
 */
#ifndef NETINET_TCP_VAR_H
#define NETINET_TCP_VAR_H

#include "rumpkern/callout.h"
#include "rumpkern/config.h"
#include "rumpkern/ktime.h"
#include "rumpkern/queue.h"
#include "rumpnet/domain.h"
#include "netinet/ip.h"
#include "netinet/ip_var.h"
#include "netinet/tcp.h"
#include "netinet/tcp_cc.h"
#include "netinet/tcp_fsm.h"
#include "netinet/tcp_rack.h"
#include "netinet/tcp_rtt.h"
#include "netinet/tcp_sack.h"
#include "netinet/tcp_seq.h"

struct inpcb;
struct mbuf;
struct socket;

/*
 * A received segment, parsed once by tcp_input: header fields in host
 * order, the options found, and where the data is.
 */
struct tcp_opts {
	unsigned to_flags;
	uint16_t to_mss;
	uint8_t to_wscale;
	uint32_t to_tsval, to_tsecr;
	int to_nsacks;
	struct { tcp_seq start, end; } to_sacks[TCP_MAXSACKBLKS];
};
#define TOF_MSS		0x01
#define TOF_SCALE	0x02
#define TOF_SACKPERM	0x04
#define TOF_TS		0x08
#define TOF_SACK	0x10

struct tcp_seg {
	tcp_seq seq, ack;
	uint32_t win;			/* unscaled, as on the wire */
	uint8_t flags;
	int len;			/* data bytes (SYN and FIN not counted) */
	struct tcp_opts opts;
};

/* One out-of-order segment held for reassembly (RFC 9293 3.10.7.4). */
struct tcp_qent {
	TAILQ_ENTRY(tcp_qent) tq_link;
	tcp_seq tq_seq;
	int tq_len;
	struct mbuf *tq_m;		/* data only */
};
TAILQ_HEAD(tcp_qhead, tcp_qent);

/* Timers: deadlines in nanoseconds of tcp_now(); 0 when off. */
enum tcp_timer {
	TCPT_REXMT,			/* retransmission (RFC 6298) */
	TCPT_PERSIST,			/* zero-window probe (RFC 9293 3.8.6.1) */
	TCPT_KEEP,			/* keepalive, or connection-setup limit */
	TCPT_DELACK,			/* delayed ACK (RFC 9293 3.8.6.3) */
	TCPT_2MSL,			/* TIME_WAIT and FIN_WAIT_2 limit */
	TCPT_TLP,			/* tail loss probe (RFC 8985 7.2) */
	TCPT_RACK,			/* RACK reordering window (RFC 8985 6.2) */
	TCPT_NTIMERS
};

struct tcpcb {
	struct inpcb *t_inpcb;
	int t_state;
	unsigned t_flags;

	/*
	 * Where the last segment's data ended in the send buffer, so that
	 * the next one is found from there (m_copym_pos); moved back by
	 * what an ACK drops from the buffer (tcp_ack.c).
	 */
	struct mbufpos t_sndpos;

	/* Send sequence variables (RFC 9293 3.3.1). */
	tcp_seq snd_una, snd_nxt, snd_max, snd_wl1, snd_wl2, iss;
	uint32_t snd_wnd;		/* the peer's window, scaled */
	uint32_t max_sndwnd;		/* the largest it offered */
	/* Receive sequence variables. */
	tcp_seq rcv_nxt, rcv_adv, irs;
	uint32_t rcv_wnd;
	/* Window scaling (RFC 7323 2): shifts once agreed. */
	uint8_t snd_scale, rcv_scale, request_r_scale;
	/* Segment sizes: what we may send, what the peer may. */
	uint32_t t_maxseg;
	/*
	 * IFCAP_* the route's interface does for us, looked up once per
	 * tcp_output(): with IFCAP_CSUM and IFCAP_TSO4 a segment carries up
	 * to TCP_TSO_MAXLEN and the interface cuts it (tcp_output.c).
	 */
	int t_txoffload;
	uint32_t t_usermss;		/* TCP_MAXSEG, 0: none */
	uint64_t t_cookie_sent;		/* a listener: tcp_now() of its last SYN cookie */
	/* Timestamps (RFC 7323 3, 4 and 5). */
	uint32_t ts_recent;
	uint64_t ts_recent_age;		/* tcp_now() when it was stored */
	uint32_t ts_offset;		/* secret per address pair */
	tcp_seq last_ack_sent;

	/* Retransmission (RFC 6298). */
	struct tcp_rtt t_rtt;
	tcp_seq t_rtseq;		/* the segment being timed */
	uint64_t t_rtttime;		/* when it was sent (us); 0: none */
	bool t_rtt_rexmit;		/* it was retransmitted (Karn) */
	int t_rxtshift;			/* timeouts in a row */
	uint32_t t_rxt_tsval;		/* TF_EIFEL: tcp_tsnow() of the timeout's resend */
	tcp_seq t_frto_recover;		/* TF_FRTO1/2: SND.MAX at the timeout */
	uint32_t t_rexmits_total;

	/* Congestion control (RFC 5681, RFC 6582). */
	struct tcp_ccstate t_cc;
	tcp_seq snd_recover;		/* NewReno: end of the loss episode */
	int t_dupacks;
	uint64_t t_idle_since;		/* nothing outstanding since (us) */
	bool t_cwnd_limited;		/* the window limited the last send */

	/* SACK (RFC 2018, RFC 2883, RFC 6675). */
	struct tcp_sackrcv t_sackrcv;	/* what we report */
	struct tcp_sackboard t_sackboard;	/* what the peer reported */
	struct tcp_rack t_rack;		/* when each byte was sent (RFC 8985) */
	/* Tail loss probe (RFC 8985 7): TF_TLP while one is unanswered. */
	tcp_seq t_tlp_high;		/* SND.MAX when it was sent */
	bool t_tlp_rxt;			/* it was a retransmission */

	/* TF_INBATCH: owes a wakeup or an ACK at the batch's end (tcp_batch.c). */
	TAILQ_ENTRY(tcpcb) t_batch;

	/* Reassembly queue. */
	struct tcp_qhead t_segq;
	int t_segqlen;			/* bytes queued */
	tcp_seq t_finseq;		/* TF_FINQUEUED: where the FIN is */

	/* Timers: one callout armed for the earliest deadline. */
	uint64_t t_timer[TCPT_NTIMERS];
	callout_t t_callout;
	uint64_t t_callout_at;		/* its deadline, 0: not armed */
	int t_persist_shift;
	int t_keepprobes;		/* unanswered keepalives */
	uint32_t t_keepidle, t_keepintvl, t_keepcnt;	/* seconds, count */

	/* Receive-buffer auto-tuning (tcp_rcvtune in tcp_usrreq.c). */
	uint32_t t_rcvbuf_auto;		/* the size it set; 0: the user's own */
	tcp_seq t_rcvtune_seq;		/* bytes read up to here ... */
	uint64_t t_rcvtune_time;	/* ... when this was (ns) */

	/* Counters for TCP_INFO. */
	uint32_t t_unacked_segs;	/* full segments since our last ACK */
	int t_quickack;			/* data segments still ACKed at once */
	int t_softerror;		/* an ICMP error to report on timeout */
	unsigned t_challenge_acks;	/* RFC 5961: sent in this second */
	uint64_t t_challenge_since;
};

/* t_flags */
#define TF_ACKNOW	0x0001	/* send an ACK at once */
#define TF_DELACK	0x0002	/* an ACK is owed, delayed */
#define TF_NODELAY	0x0004	/* TCP_NODELAY: no Nagle */
#define TF_CORK		0x0008	/* TCP_CORK: only full segments */
#define TF_SENTFIN	0x0010	/* our FIN is in the sequence space */
#define TF_REQ_SCALE	0x0020	/* we asked for window scaling */
#define TF_RCVD_SCALE	0x0040	/* the peer agreed */
#define TF_REQ_TSTMP	0x0080	/* we asked for timestamps */
#define TF_RCVD_TSTMP	0x0100	/* the peer agreed */
#define TF_FASTRECOVERY	0x0200	/* in NewReno fast recovery */
#define TF_DEAD		0x0400	/* closed; the callout must not touch it */
#define TF_SHUTWR	0x1000	/* the user shut down sending */
#define TF_SYNCOOKIE	0x2000	/* made from a SYN cookie */
#define TF_WAKESOR	0x4000	/* data was appended: wake the reader (at the batch's end) */
#define TF_INTIMER	0x8000	/* the callout is running tcp_timer_expire */
#define TF_FORCE	0x10000	/* persist: send one byte into a zero window */
#define TF_FINQUEUED	0x20000	/* a FIN came beyond RCV.NXT */
#define TF_REQ_SACK	0x40000	/* we offered SACK */
#define TF_SACK_PERMIT	0x80000	/* both sides agreed on SACK */
#define TF_TLP		0x100000	/* a tail loss probe is unanswered */
#define TF_RTOEPISODE	0x200000	/* SND.UNA has not passed a timeout's SND.MAX */
#define TF_EIFEL	0x400000	/* the next ACK of new data may show the timeout spurious */
#define TF_INBATCH	0x800000	/* on the list of tcp_batch.c */
#define TF_ACKBATCH	0x1000000	/* an ACK is owed at the end of the input batch */
#define TF_FRTO1	0x2000000	/* F-RTO: the first ACK after a timeout decides ... */
#define TF_FRTO2	0x4000000	/* ... and, after two new segments, the second */

/* What a state's handler in tcp_input tells its caller to do next. */
enum tcp_verdict {
	TV_DONE,		/* handled; tp may be gone */
	TV_DROP,		/* drop the segment silently */
	TV_DROPACK,		/* drop it, send an ACK */
	TV_DROPRST,		/* drop it, answer with RST (3.10.7.1) */
	TV_OUTPUT,		/* processed: run tcp_output */
	TV_AGAIN,		/* a connection was made for it: look again */
};

/* A received segment with the headers it came in, for answers to it. */
struct tcp_in {
	struct ip ip;
	struct tcphdr th;
	struct tcp_seg seg;
	struct mbuf *m;			/* the data only, or NULL once taken */
};

#define intotcpcb(inp)	((struct tcpcb *)(inp)->inp_ppcb)
#define sototcpcb(so)	(sotoinpcb(so) != NULL ? \
	intotcpcb(sotoinpcb(so)) : (struct tcpcb *)NULL)

/*
 * Counters, registered as kstat group "tcp" ("tcp.rcvbadsum", ...); each
 * reason to drop a segment has its own.
 */
struct tcpstat {
	uint64_t tcps_rcvtotal;		/* segments received */
	uint64_t tcps_rcvshort;		/* shorter than the header */
	uint64_t tcps_rcvbadoff;	/* data offset wrong */
	uint64_t tcps_rcvbadsum;	/* checksum wrong */
	uint64_t tcps_rcvbadopt;	/* malformed options */
	uint64_t tcps_rcvnobufs;	/* no mbuf to pull the header into */
	uint64_t tcps_rcvbcast;		/* to a broadcast or multicast */
	uint64_t tcps_noport;		/* no socket: answered with RST */
	uint64_t tcps_rcvpack;		/* in-order data segments */
	uint64_t tcps_rcvbyte;		/* in-order data bytes */
	uint64_t tcps_rcvoopack;	/* out-of-order segments queued */
	uint64_t tcps_rcvoobyte;
	uint64_t tcps_rcvduppack;	/* wholly duplicate data segments */
	uint64_t tcps_rcvpartduppack;	/* partly duplicate */
	uint64_t tcps_rcvafterwin;	/* beyond the window: ACK sent */
	uint64_t tcps_rcvoutwin;	/* unacceptable (3.10.7.4): ACK sent */
	uint64_t tcps_rcvacktoomuch;	/* ACK for data not sent */
	uint64_t tcps_rcvackold;	/* ACK too old (RFC 5961 5.2) */
	uint64_t tcps_rcvdupack;	/* duplicate ACKs */
	uint64_t tcps_rcvackpack;	/* ACKs of new data */
	uint64_t tcps_rcvackbyte;
	uint64_t tcps_rcvwinupd;	/* pure window updates */
	uint64_t tcps_rcvafterclose;	/* data after the socket closed: RST */
	uint64_t tcps_pawsdrop;		/* PAWS rejected (RFC 7323 5) */
	uint64_t tcps_rcvrst;		/* acceptable RSTs */
	uint64_t tcps_rcvbadrst;	/* RSTs out of window: dropped */
	uint64_t tcps_challengeack;	/* RFC 5961 challenge ACKs sent */
	uint64_t tcps_challengelimit;	/* challenge ACKs held back */
	uint64_t tcps_badsyn;		/* SYN in a synchronized state */
	uint64_t tcps_listendrop;	/* SYN refused: queue full */
	uint64_t tcps_syncookiesent;	/* SYN-ACKs with a cookie */
	uint64_t tcps_syncookierecv;	/* connections made from a cookie */
	uint64_t tcps_syncookiebad;	/* ACKs with a wrong cookie */
	uint64_t tcps_connattempt;	/* connect() calls */
	uint64_t tcps_accepts;		/* connections accepted */
	uint64_t tcps_connects;		/* connections established */
	uint64_t tcps_drops;		/* established connections dropped */
	uint64_t tcps_conndrops;	/* embryonic connections dropped */
	uint64_t tcps_closed;		/* connections freed */
	uint64_t tcps_sndtotal;		/* segments sent */
	uint64_t tcps_sndpack;		/* data segments */
	uint64_t tcps_sndbyte;
	uint64_t tcps_sndrexmitpack;	/* retransmitted segments */
	uint64_t tcps_sndrexmitbyte;
	uint64_t tcps_sndacks;		/* pure ACKs */
	uint64_t tcps_delack;		/* ACKs delayed */
	uint64_t tcps_sndrst;		/* RSTs sent */
	uint64_t tcps_sndprobe;		/* window probes */
	uint64_t tcps_sndwinup;		/* window updates */
	uint64_t tcps_sndnobufs;	/* not sent: no mbuf */
	uint64_t tcps_rexmttimeo;	/* retransmission timeouts */
	uint64_t tcps_timeoutdrop;	/* dropped after too many */
	uint64_t tcps_persisttimeo;	/* persist timer expiries */
	uint64_t tcps_keeptimeo;	/* keepalive timer expiries */
	uint64_t tcps_keepprobe;	/* keepalives sent */
	uint64_t tcps_keepdrops;	/* dropped: keepalives unanswered */
	uint64_t tcps_fastrexmit;	/* fast retransmits */
	uint64_t tcps_recoveries;	/* fast recovery episodes */
	uint64_t tcps_rttupdated;	/* RTT samples */
	uint64_t tcps_reassfull;	/* out-of-order dropped: queue full */
	uint64_t tcps_timewait;		/* connections in TIME_WAIT */
	uint64_t tcps_twreuse;		/* TIME_WAIT ended by a new SYN */
	uint64_t tcps_twfinagain;	/* FINs again in TIME_WAIT: ACKed, 2 MSL restarted */
	uint64_t tcps_twrstdrop;	/* RSTs in TIME_WAIT ignored (RFC 1337) */
	uint64_t tcps_twsyndrop;	/* SYNs in TIME_WAIT that may be old: dropped */
	uint64_t tcps_sackrecoveries;	/* SACK-based recovery episodes */
	uint64_t tcps_sackrexmit;	/* segments resent by SACK recovery */
	uint64_t tcps_sackrxtlost;	/* retransmissions found lost by SACKs */
	uint64_t tcps_rcvdsack;		/* D-SACK blocks received */
	uint64_t tcps_racklost;		/* RACK found more data lost */
	uint64_t tcps_racktimeo;	/* RACK reordering timer expiries */
	uint64_t tcps_tlpprobes;	/* tail loss probes sent */
	uint64_t tcps_tlprecovered;	/* losses a probe repaired */
	uint64_t tcps_spuriousrto;	/* timeouts found spurious and undone (RFC 3522) */
	uint64_t tcps_rcvbufgrown;	/* receive buffers grown by auto-tuning */
	uint64_t tcps_pcbs;		/* connection blocks now (a gauge) */
};
extern struct tcpstat tcpstat;

/* Tunables, initialised from config.h. */
extern uint32_t tcp_sendspace, tcp_recvspace;
extern uint32_t tcp_rcvbuf_max;		/* auto-tuning's ceiling */
extern unsigned tcp_msl_ms;		/* 2 * MSL is the TIME_WAIT time */
extern unsigned tcp_delack_ms;
extern unsigned tcp_syn_retries;	/* SYNs before connect gives up */
extern unsigned tcp_retries2;		/* RTOs before a connection is dropped */
extern unsigned tcp_challenge_limit;	/* challenge ACKs per second */

/* Microseconds, for the RTT and congestion modules. */
static inline uint64_t tcp_now_us(void);

/* The clock TCP reads: nanoseconds; tests replace it. */
extern uint64_t (*tcp_clock)(void);
static inline uint64_t tcp_now(void) { return tcp_clock(); }
/* The timestamp clock (RFC 7323 5.4): milliseconds. */
static inline uint32_t tcp_tsnow(void) { return (uint32_t)(tcp_now() / 1000000); }
static inline uint64_t tcp_now_us(void) { return tcp_now() / 1000; }

/*
 * The most data of one super-segment the interface cuts (TSO): with the
 * headers, within the 64 KiB packet a tap takes.
 */
#define TCP_TSO_MAXLEN	65000

/* Data bytes a full segment carries: the MSS less our options. */
static inline uint32_t
tcp_effmss(const struct tcpcb *tp)
{
	return tp->t_maxseg - ((tp->t_flags & TF_RCVD_TSTMP) ?
	    TCPOLEN_TIMESTAMP + 2 : 0);
}

/* tcp_subr.c */
extern struct inpcbtable tcbtable;
void tcp_init(void);
void tcp_fini(void);
struct tcpcb *tcp_newtcpcb(struct inpcb *inp);
/* Frees the connection (tcpcb, inpcb, and the socket if unreferenced). */
void tcp_close(struct tcpcb *tp);
/* Drops with an error for the user; sends RST if synchronized. */
void tcp_drop(struct tcpcb *tp, int error);
tcp_seq tcp_new_isn(const struct inpcb *inp);
uint32_t tcp_new_tsoffset(const struct inpcb *inp);
void tcp_isn_init(void);
/* A keyed hash of a connection's 4-tuple and extra (tcp_isn.c). */
uint32_t tcp_hash4(struct in_addr laddr, in_port_t lport,
    struct in_addr faddr, in_port_t fport, uint32_t extra);
struct ip_opts tcp_ipopts(const struct inpcb *inp);
void tcp_cksum(struct mbuf *m);
/* Leaves it to the interface: the pseudo-header sum, M_CSUM_PARTIAL. */
void tcp_cksum_partial(struct mbuf *m);
void tcp_mtudisc(struct tcpcb *tp, uint32_t mtu);
void tcp_ctlinput(enum prc_cmd cmd, const struct sockaddr *dst,
    const void *ip, int iplen, uint32_t arg);
/* A segment without data, outside a connection's output. */
struct tcp_ctl {
	struct in_addr src, dst;
	in_port_t sport, dport;
	tcp_seq seq, ack;
	uint8_t flags;
	uint32_t win;			/* as it goes on the wire */
	uint8_t opts[TCP_MAXOLEN];
	int olen;
	struct ip_opts ipo;
};
void tcp_respond_raw(const struct tcp_ctl *c);
/*
 * Answers a segment (RST, ACK): addresses and ports from the IP and TCP
 * headers it answers, swapped.  tp, if not NULL, supplies window and
 * timestamps.
 */
void tcp_respond(struct tcpcb *tp, const struct ip *ip,
    const struct tcphdr *th, tcp_seq seq, tcp_seq ack, uint8_t flags);
/* A segment of tp's that its output would not send (keepalive probe). */
void tcp_send_ctl(struct tcpcb *tp, tcp_seq seq, tcp_seq ack, uint8_t flags);
/* The MSS for a connection to faddr: the route's MTU less 40. */
uint32_t tcp_mss_for(struct in_addr faddr);
void tcp_state_change(struct tcpcb *tp, int state);

/* tcp_timewait.c */
/* TIME-WAIT (RFC 9293 3.6.1): only the 2 MSL timer is left running. */
void tcp_enter_timewait(struct tcpcb *tp);
/* A segment for a connection in TIME-WAIT; TV_AGAIN: a new SYN ended it. */
enum tcp_verdict tcp_timewait_input(struct tcpcb *tp, struct tcp_in *ti);

/* tcp_options.c */
/* Parses options of olen bytes; false when they are malformed. */
bool tcp_dooptions(const uint8_t *cp, int olen, struct tcp_opts *to,
    bool syn);
/* Writes our options for a segment into buf (TCP_MAXOLEN); returns length. */
int tcp_addoptions(struct tcpcb *tp, uint8_t flags, uint8_t *buf);

/* tcp_input.c */
void tcp_input(struct mbuf *m, int off, int proto);
/* The receive window we advertise now, in bytes. */
uint32_t tcp_rcvwnd(const struct tcpcb *tp);
void tcp_sendseqinit(struct tcpcb *tp);
void tcp_rcvseqinit(struct tcpcb *tp, tcp_seq irs);
void tcp_syn_options(struct tcpcb *tp, const struct tcp_opts *to);
void tcp_trim_window(struct tcpcb *tp, struct tcp_in *ti);
/* PAWS (RFC 7323 5.3): the segment's timestamp is older than ts_recent. */
bool tcp_paws_reject(struct tcpcb *tp, const struct tcp_seg *seg);

/* tcp_ack.c: the ACK field (3.10.7.4, fifth check); TV_OUTPUT: go on. */
enum tcp_verdict tcp_input_ack(struct tcpcb *tp, struct tcp_in *ti);
/* An RTT sample from the ACK of a SYN or of data (RFC 6298, RFC 7323 4). */
void tcp_ack_rtt(struct tcpcb *tp, const struct tcp_seg *seg);
/* The handshake completed: ESTABLISHED, timers and windows for data. */
void tcp_established(struct tcpcb *tp);

/* tcp_rcv.c: text and FIN (3.10.7.4, seventh and eighth checks). */
enum tcp_verdict tcp_input_data(struct tcpcb *tp, struct tcp_in *ti);

/* tcp_syncookie.c (RFC 4987 3.6) */
void tcp_syncookie_send(struct socket *head, const struct ip *ip,
    const struct tcphdr *th, const struct tcp_seg *seg);
/*
 * An ACK to a listener: TV_AGAIN when it held a valid cookie and a
 * connection was made for it, TV_DROP when there was no room for one,
 * TV_DROPRST when it held no valid cookie.
 */
enum tcp_verdict tcp_syncookie_ack(struct socket *head,
    const struct tcp_in *ti);

/* tcp_reass.c */
/* Queues or delivers seg; returns TH_FIN if a FIN became in order. */
int tcp_reass(struct tcpcb *tp, const struct tcp_seg *seg, struct mbuf *m);
void tcp_reass_flush(struct tcpcb *tp);

/* tcp_output.c */
int tcp_output(struct tcpcb *tp);
void tcp_setpersist(struct tcpcb *tp);

void tcp_retransmit_first(struct tcpcb *tp);
void tcp_output_range(struct tcpcb *tp, tcp_seq seq, uint32_t len);

/* tcp_sackrecov.c: SACK-based loss recovery (RFC 6675). */
/* Every acceptable ACK of a SACK connection, after SND.UNA moved. */
void tcp_sack_ack(struct tcpcb *tp, const struct tcp_seg *seg);
/* The retransmission timer expired: the scoreboard is forgotten. */
void tcp_sack_timeout(struct tcpcb *tp);
/* A segment [start, end) of tp was sent now (RACK's send times). */
void tcp_rack_note_sent(struct tcpcb *tp, tcp_seq start, tcp_seq end);
/* The RACK timer expired: look for losses again (RFC 8985 6.3). */
void tcp_rack_timeout(struct tcpcb *tp);

/* tcp_spurious.c: spurious timeouts (RFC 3522, RFC 5682, RFC 4015). */
/* The first timeout of a loss: its resend is about to go out. */
void tcp_spurious_rto_arm(struct tcpcb *tp);
/* TF_EIFEL and an ACK of new data: undoes the timeout if spurious. */
void tcp_spurious_rto_ack(struct tcpcb *tp, const struct tcp_seg *seg);
/* TF_FRTO1 or TF_FRTO2: an ACK of new data (SND.UNA moved) ... */
void tcp_frto_newack(struct tcpcb *tp);
/* ... or a duplicate ACK (RFC 5682 2.1). */
void tcp_frto_dupack(struct tcpcb *tp);

/* tcp_tlp.c: the tail loss probe (RFC 8985 7). */
/* New data went out, or an ACK moved SND.UNA: (re)arms the probe. */
void tcp_tlp_arm(struct tcpcb *tp);
/* The probe timer expired: sends the probe. */
void tcp_tlp_timeout(struct tcpcb *tp);
/* Every ACK of a SACK connection, after the scoreboard was updated. */
void tcp_tlp_ack(struct tcpcb *tp, const struct tcp_sack_result *res);

/* tcp_batch.c: owed at the end of a batch of input. */
/* Data was appended: the reader is woken at the batch's end. */
void tcp_batch_wakeup(struct tcpcb *tp);
/* In-order data wants an ACK: it goes at the batch's end. */
void tcp_batch_ack(struct tcpcb *tp);
/* tp is freed: nothing is owed any more. */
void tcp_batch_remove(struct tcpcb *tp);
/* Full segments an ACK waits for at most, within a batch. */
#define TCP_ACKBATCH_SEGS	16

/* tcp_timer.c */
void tcp_timer_callout(void *arg);
void tcp_timer_set(struct tcpcb *tp, enum tcp_timer t, uint64_t delay_ns);
void tcp_timer_clear(struct tcpcb *tp, enum tcp_timer t);
bool tcp_timer_isset(const struct tcpcb *tp, enum tcp_timer t);
/* Arms the connection's callout for its earliest deadline. */
void tcp_timer_arm(struct tcpcb *tp);
/* Runs every timer that is due at tcp_now(); false when tp was freed. */
bool tcp_timer_expire(struct tcpcb *tp);
/* The retransmission timeout with the current backoff. */
uint64_t tcp_rexmt_timeout(const struct tcpcb *tp);
/* Keepalive idle time of tp, nanoseconds. */
uint64_t tcp_keepidle_ns(const struct tcpcb *tp);

/* tcp_usrreq.c */
extern const struct pr_usrreqs tcp_usrreqs;
int tcp_ctloutput(int dir, struct socket *so, struct sockopt *sopt);

#endif
