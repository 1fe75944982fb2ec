/*
 * A TCP peer for kernel-internal tests of TCP: it crafts segments from
 * remote:RPORT to local:LPORT, injects them through a fake IP interface
 * (fip0, local 198.18.0.1/24, both ends in the 198.18.0.0/15
 * benchmarking range, RFC 2544) and reads back and parses what TCP sends.
 * TCP's clock is the test's (tp_now, nanoseconds), and timers run when
 * the test calls tcp_timer_expire after moving it: no sleeps, no races.
 *
 * Include after ktest.h.  Call from inside KTEST_ENTER().
 */
#ifndef TESTS_TCP_PEER_H
#define TESTS_TCP_PEER_H

#include "fake_ip.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"

#define LPORT	8000
#define RPORT	5555
#define PEER_ISS	1000u

static uint64_t tp_now = 1000000000ULL;

static uint64_t
tp_clock(void)
{
	return tp_now;
}

struct tpeer {
	struct fake_ip fi;
	struct in_addr local, remote;
	in_port_t rport;		/* the peer's port */
	in_port_t lport;		/* TCP's port it sends to */
	tcp_seq seq;			/* the peer's next sequence number */
	tcp_seq ack;			/* what it acknowledges of ours */
	uint16_t win;
	bool ts;			/* it sends timestamps */
	uint32_t tsval;
	uint32_t tsecr;			/* the timestamp it echoes */
	/* Between tpeer_batch_begin and _end: frames held for one batch. */
	bool batching;
	struct mbuf *batch, **batchtail;
};

/* A segment TCP sent, parsed. */
struct tseg {
	struct in_addr dst;
	in_port_t sport, dport;
	uint8_t flags;
	tcp_seq seq, ack;
	uint16_t win;
	int len;
	struct tcp_opts opts;
	uint8_t data[65536];
};

static inline void
tpeer_init(struct tpeer *p)
{
	memset(p, 0, sizeof(*p));
	p->local = fi_ip(198, 18, 0, 1);
	p->remote = fi_ip(198, 18, 0, 2);
	p->rport = RPORT;
	p->lport = LPORT;
	p->seq = PEER_ISS;
	p->win = 65535;
	fi_attach(&p->fi, "fip0", p->local, 24);
	tcp_clock = tp_clock;
}

static inline void
tpeer_fini(struct tpeer *p)
{
	fi_detach(&p->fi);
	tcp_clock = getnsuptime;
}

/*
 * Injects a segment: flags, seq, ack, window, options (olen a multiple
 * of 4) and data; the timestamp option is added when p->ts.
 */
static inline void
tpeer_inject(struct tpeer *p, uint8_t flags, tcp_seq seq, tcp_seq ack,
    const uint8_t *opts, int olen, const void *data, int dlen)
{
	static uint8_t pkt[20 + 60 + 4096], tcp[12 + 60 + 4096];
	int thlen, tlen;

	memset(tcp, 0, sizeof(tcp));
	if (p->ts) {
		uint8_t *o = tcp + 12 + 20 + olen;

		o[0] = TCPOPT_NOP;
		o[1] = TCPOPT_NOP;
		o[2] = TCPOPT_TIMESTAMP;
		o[3] = TCPOLEN_TIMESTAMP;
		be32enc(o + 4, p->tsval);
		be32enc(o + 8, p->tsecr);
	}
	thlen = 20 + olen + (p->ts ? 12 : 0);
	tlen = thlen + dlen;
	assert_true(dlen <= 4096 && thlen <= 60);
	/* The pseudo header (RFC 9293 3.1), then the segment. */
	memcpy(tcp, &p->remote, 4);
	memcpy(tcp + 4, &p->local, 4);
	tcp[9] = IPPROTO_TCP;
	be16enc(tcp + 10, (uint16_t)tlen);
	be16enc(tcp + 12, p->rport);
	be16enc(tcp + 14, p->lport);
	be32enc(tcp + 16, seq);
	be32enc(tcp + 20, ack);
	tcp[24] = (uint8_t)(thlen / 4 << 4);
	tcp[25] = flags;
	be16enc(tcp + 26, p->win);
	if (olen > 0)
		memcpy(tcp + 32, opts, olen);
	if (dlen > 0)
		memcpy(tcp + 12 + thlen, data, dlen);
	be16enc(tcp + 28, fi_cksum(tcp, 12 + tlen));
	tlen = fi_ipbuild(pkt, 20, p->remote, p->local, IPPROTO_TCP, 64, 1, 0,
	    tcp + 12, tlen);
	if (p->batching) {
		struct mbuf *m = m_devget(pkt, tlen, &p->fi.fi_if);

		assert_non_null(m);
		*p->batchtail = m;
		p->batchtail = &m->m_nextpkt;
		return;
	}
	fi_inject(&p->fi, pkt, tlen, 0);
}

/*
 * The segments injected until tpeer_batch_end reach the stack together,
 * in one if_input_batch, as a driver hands over what it read at once.
 */
static inline void
tpeer_batch_begin(struct tpeer *p)
{
	p->batching = true;
	p->batch = NULL;
	p->batchtail = &p->batch;
}

static inline void
tpeer_batch_end(struct tpeer *p)
{
	p->batching = false;
	if_input_batch(&p->fi.fi_if, p->batch);
}

/* A segment at the peer's own sequence numbers; data advances p->seq. */
static inline void
tpeer_send(struct tpeer *p, uint8_t flags, const void *data, int dlen)
{
	tpeer_inject(p, flags, p->seq, p->ack, NULL, 0, data, dlen);
	p->seq += (tcp_seq)dlen + ((flags & (TH_SYN | TH_FIN)) != 0);
}

/* Takes the next segment TCP sent; false if there is none. */
static inline bool
tpeer_recv(struct tpeer *p, struct tseg *s)
{
	static uint8_t buf[FI_MAXPKT];
	struct mbuf *m = fi_dequeue(&p->fi, &s->dst);
	int len, hl, thlen;

	if (m == NULL)
		return false;
	len = fi_flatten(m, buf);
	m_freem(m);
	fi_check_ip(buf, len);
	hl = (buf[0] & 0x0f) * 4;
	assert_int_equal(buf[9], IPPROTO_TCP);
	{
		/* The checksum over the pseudo header and the segment. */
		static uint8_t ps[12 + FI_MAXPKT];

		memcpy(ps, buf + 12, 8);
		ps[8] = 0;
		ps[9] = IPPROTO_TCP;
		be16enc(ps + 10, (uint16_t)(len - hl));
		memcpy(ps + 12, buf + hl, len - hl);
		assert_int_equal(fi_cksum(ps, 12 + len - hl), 0);
	}
	s->sport = be16dec(buf + hl);
	s->dport = be16dec(buf + hl + 2);
	s->seq = be32dec(buf + hl + 4);
	s->ack = be32dec(buf + hl + 8);
	thlen = (buf[hl + 12] >> 4) * 4;
	s->flags = buf[hl + 13];
	s->win = be16dec(buf + hl + 14);
	assert_true(tcp_dooptions(buf + hl + 20, thlen - 20, &s->opts,
	    (s->flags & TH_SYN) != 0));
	s->len = len - hl - thlen;
	memcpy(s->data, buf + hl + thlen, s->len);
	return true;
}

/* Takes the next segment and checks it is there. */
static inline void
tpeer_expect(struct tpeer *p, struct tseg *s)
{
	assert_true(tpeer_recv(p, s));
}

/* Moves the clock on and runs tp's timers that are then due. */
static inline void
tpeer_advance(struct tcpcb *tp, uint64_t ns)
{
	tp_now += ns;
	NET_LOCK();
	(void)tcp_timer_expire(tp);
	NET_UNLOCK();
}

/* A listening socket on local:port. */
static inline struct socket *
tpeer_listen_port(struct tpeer *p, in_port_t port)
{
	struct sockaddr_in sin;
	struct socket *ls;

	assert_int_equal(socreate(AF_INET, &ls, SOCK_STREAM, 0), 0);
	sockaddr_in_init(&sin, p->local, htons(port));
	assert_int_equal(sobind(ls, (const struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(solisten(ls, 4), 0);
	return ls;
}

/* A listening socket on local:LPORT. */
static inline struct socket *
tpeer_listen(struct tpeer *p)
{
	return tpeer_listen_port(p, LPORT);
}

/*
 * The three-way handshake from the peer to listener ls, with the MSS
 * option (1460); returns the accepted socket.
 */
static inline struct socket *
tpeer_connect(struct tpeer *p, struct socket *ls)
{
	static const uint8_t mss[4] = { TCPOPT_MAXSEG, 4, 0x05, 0xb4 };
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct socket *so;
	struct tseg s;

	tpeer_inject(p, TH_SYN, p->seq, 0, mss, 4, NULL, 0);
	p->seq++;
	tpeer_expect(p, &s);
	assert_int_equal(s.flags, TH_SYN | TH_ACK);
	assert_int_equal(s.ack, p->seq);
	p->ack = s.seq + 1;
	tpeer_send(p, TH_ACK, NULL, 0);
	assert_int_equal(soaccept(ls, &so, &ss, &sslen, true), 0);
	return so;
}

/* The socket's tcpcb. */
static inline struct tcpcb *
tpeer_tcb(struct socket *so)
{
	return sototcpcb(so);
}

/* Frees a connection at once (RST), and the socket. */
static inline void
tpeer_abort(struct tpeer *p, struct socket *so)
{
	struct linger lg = { 1, 0 };
	struct sockopt sopt = {
		.sopt_level = SOL_SOCKET, .sopt_name = SO_LINGER,
		.sopt_data = &lg, .sopt_size = sizeof(lg),
	};

	assert_int_equal(sosetopt(so, &sopt), 0);
	assert_int_equal(soclose(so), 0);
	fi_flush(&p->fi);
}

#endif
