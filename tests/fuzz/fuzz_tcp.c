/*
 * TCP in the packet-input fuzzer: the listener and the connections each
 * input starts with (fuzz_input.h), the relative sequence numbers of the
 * FZ_FIXL4SUM fix-up, and the oracles of TCP.
 *
 * Set-up.  The harness plays the peer FZ_TCPPEER: it sends the SYN (ISN
 * FZ_TCPISN, every option), takes the stack's ISN and TSval from the
 * SYN-ACK as it is transmitted, sends the ACK and accepts.  Then it puts
 * connection FZ_TCP_EST's application to writing, has the peer close
 * FZ_TCP_CLOSEWAIT and the application shut FZ_TCP_FINWAIT2 down for
 * writing (its FIN acknowledged).  The sequence space of the peer wraps
 * 4 KiB into the stream.  At the end of the input every connection is
 * read to the end, aborted (RST), and the listener closed with whatever
 * its queues hold; the harness's reset then runs every timer, so the
 * memory check finds any PCB, socket or mbuf left.
 *
 * Oracles.
 *
 * The stream read.  Whatever the application reads from connection k at
 * stream offset i must be a byte some segment of the input carried for
 * offset i of connection k.  The shadow keeps, per offset, the byte the
 * first such segment carried, and whether a later one carried a
 * different byte there.  Overlapping segments with different bytes are
 * legal input, and which copy TCP keeps depends on what was queued when
 * (the first copy queued wins in order; out of order, a later segment's
 * bytes may be dropped or the queued ones trimmed), so for such offsets
 * only "some segment carried a byte here" is asserted; for every other
 * offset the byte must be exactly the one sent.  What the shadow records
 * is a superset of what TCP accepted (a segment the stack drops is noted
 * all the same: the harness does not know the verdict), which keeps the
 * assertions sound.  Offsets count from the peer's ISN + 1 modulo 2^32,
 * +1 for data on a SYN.  Reads cannot pass FZ_BUDGET bytes (no input
 * hands in more), so the shadow holds that much.  A TCP fragment to us
 * could reassemble into a segment the shadow did not see: after one, the
 * stream is not checked for the rest of the input.
 *
 * Segments sent.  Every TCP segment the stack transmits from our
 * addresses (those from elsewhere are forwarded: the input's; after a TCP
 * packet from our address to be forwarded, none is checked) has a correct
 * checksum, a data offset within the segment, options whose lengths fit
 * (and are right for the kinds we know), no SYN with FIN or RST, no data
 * on a RST; data sent on FZ_TCP_EST is the application's, at its offset
 * (within FZ_TCPSEND bytes, FZ_TCPBYTE each).
 */
#include "rumpkern/endian.h"
#include "rumpkern/uio.h"
#include "rumpnet/if.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "net/if_ether.h"
#include "netinet/in_var.h"
#include "netinet/ip_var.h"
#include "netinet/tcp.h"
#include "fuzz_input.h"
#include "fuzz_harness.h"

#define FZ_SHADOW	(256 * 1024)	/* FZ_BUDGET: no read goes further */

enum fz_shadow_state { FZ_UNSENT, FZ_SENT, FZ_CONFLICT };

struct fz_conn {
	struct socket *so;
	bool have_iss;
	uint32_t iss;		/* the stack's ISN, from its SYN-ACK */
	uint32_t tsval;		/* the TSval of its SYN-ACK */
	uint32_t nread;		/* stream offset the application read to */
	uint8_t shadow[FZ_SHADOW];
	uint8_t state[FZ_SHADOW];
	uint32_t shadow_end;	/* offsets beyond are all FZ_UNSENT */
};

static struct fz_conn fz_conns[FZ_TCPCONNS];
static struct socket *fz_listener;
static bool fz_unshadowed;	/* a TCP fragment came in: no stream oracle */
static bool fz_spoofed;		/* TCP from our address to be forwarded came */

static bool
fz_ours(uint32_t a)
{
	return a == FZ_ADDR0 || a == FZ_ADDR1;
}

/* The connection a segment between port and the peer's pport belongs to. */
static struct fz_conn *
fz_conn_of(uint32_t addr, unsigned port, uint32_t peer, unsigned pport)
{
	if (addr != FZ_ADDR0 || port != FZ_TCPPORT || peer != FZ_TCPPEER ||
	    pport < FZ_TCPPEERPORT || pport >= FZ_TCPPEERPORT + FZ_TCPCONNS)
		return NULL;
	return &fz_conns[pport - FZ_TCPPEERPORT];
}

/* The TCP checksum of a segment of tlen bytes at t in IPv4 packet ip. */
static uint16_t
fz_tcp_cksum(const uint8_t *ip, const uint8_t *t, int tlen)
{
	uint32_t ps = (uint32_t)be16dec(ip + 12) + be16dec(ip + 14) +
	    be16dec(ip + 16) + be16dec(ip + 18) + IPPROTO_TCP + (uint32_t)tlen;

	return fz_cksum(t, tlen, ps);
}

/* SACK blocks acknowledge the stack's data: relative to its ISN too. */
static void
fz_sack_fixup(const struct fz_conn *c, uint8_t *t, int thlen)
{
	uint8_t *o = t + sizeof(struct tcphdr);
	int len = thlen - (int)sizeof(struct tcphdr);

	while (len >= 2 && o[0] != TCPOPT_EOL) {
		int olen = o[0] == TCPOPT_NOP ? 1 : o[1];

		if (olen < 1 || olen > len)
			return;
		if (o[0] == TCPOPT_SACK)
			for (int i = 2; i + 4 <= olen; i += 4)
				be32enc(o + i, be32dec(o + i) + c->iss);
		o += olen;
		len -= olen;
	}
}

void
fz_tcp_fixup(uint8_t *ip, int hlen, int tlen)
{
	uint8_t *t = ip + hlen;
	int seglen = tlen - hlen;
	struct fz_conn *c;

	if (seglen < (int)sizeof(struct tcphdr))
		return;
	c = fz_conn_of(be32dec(ip + 16), be16dec(t + 2), be32dec(ip + 12),
	    be16dec(t));
	if (c != NULL && c->have_iss) {
		be32enc(t + 4, be32dec(t + 4) + FZ_TCPISN);
		be32enc(t + 8, be32dec(t + 8) + c->iss);
		fz_sack_fixup(c, t, MIN((t[12] >> 4) << 2, seglen));
	}
	t[16] = t[17] = 0;
	be16enc(t + 16, fz_tcp_cksum(ip, t, seglen));
}

/* Records the bytes of a segment at stream offset off (mod 2^32). */
static void
fz_shadow_note(struct fz_conn *c, uint32_t off, const uint8_t *p, int len)
{
	for (int i = 0; i < len; i++, off++) {
		if (off >= FZ_SHADOW)
			continue;
		if (c->state[off] == FZ_UNSENT) {
			c->state[off] = FZ_SENT;
			c->shadow[off] = p[i];
		} else if (c->shadow[off] != p[i])
			c->state[off] = FZ_CONFLICT;
		c->shadow_end = MAX(c->shadow_end, off + 1);
	}
}

void
fz_tcp_note_in(const uint8_t *f, int len)
{
	const uint8_t *ip = f + ETHER_HDR_LEN, *t;
	int hlen, tlen, thlen;
	struct fz_conn *c;
	uint32_t off;

	if (len < ETHER_HDR_LEN + (int)sizeof(struct ip) ||
	    be16dec(f + 12) != ETHERTYPE_IP || ip[9] != IPPROTO_TCP)
		return;
	hlen = (ip[0] & 0x0f) << 2;
	tlen = MIN(be16dec(ip + 2), len - ETHER_HDR_LEN);
	if (fz_ours(be32dec(ip + 12)) && !fz_ours(be32dec(ip + 16)))
		fz_spoofed = true;
	if (be16dec(ip + 6) & (IP_MF | IP_OFFMASK)) {
		fz_unshadowed = true;
		return;
	}
	if (hlen < (int)sizeof(struct ip) ||
	    tlen < hlen + (int)sizeof(struct tcphdr))
		return;
	t = ip + hlen;
	thlen = (t[12] >> 4) << 2;
	c = fz_conn_of(be32dec(ip + 16), be16dec(t + 2), be32dec(ip + 12),
	    be16dec(t));
	if (c == NULL || thlen < (int)sizeof(struct tcphdr) ||
	    hlen + thlen > tlen)
		return;
	off = be32dec(t + 4) - FZ_TCPISN - 1 + ((t[13] & TH_SYN) ? 1 : 0);
	fz_shadow_note(c, off, t + thlen, tlen - hlen - thlen);
}

/* The bytes the application read at the connection's offset. */
static void
fz_stream_check(struct fz_conn *c, const uint8_t *p, int len)
{
	for (int i = 0; i < len; i++, c->nread++) {
		if (fz_unshadowed)
			continue;
		if (c->nread >= FZ_SHADOW || c->state[c->nread] == FZ_UNSENT)
			fz_fail("TCP delivered a byte no segment carried");
		if (c->state[c->nread] == FZ_SENT &&
		    c->shadow[c->nread] != p[i])
			fz_fail("TCP delivered a byte other than the one sent");
	}
}

/* Reads at most n bytes (n < 0: all there is) and checks them. */
static void
fz_conn_read(struct fz_conn *c, int n)
{
	static uint8_t buf[4096];

	for (int i = 0; i < 1000 && n != 0; i++) {
		size_t want = n < 0 ? sizeof(buf) : MIN(sizeof(buf), (size_t)n);
		struct iovec iov = { buf, want };
		struct uio uio;
		int flags = 0, error, got;

		if (uio_setup(&uio, &iov, 1, UIO_READ) != 0)
			fz_fail("uio_setup");
		error = soreceive(c->so, NULL, NULL, &uio, NULL, &flags, true,
		    NULL);
		got = (int)(want - uio.uio_resid);
		fz_stream_check(c, buf, got);
		if (error == EWOULDBLOCK || (error == 0 && got == 0))
			return;
		if (n > 0)
			n -= got;
	}
}

void
fz_tcp_read(int k, int n)
{
	if (fz_conns[k].so != NULL)
		fz_conn_read(&fz_conns[k], n);
}

/* ---- what the stack sends ---- */

/* RFC 9293 3.2: each option's length fits, and is right for its kind. */
static void
fz_check_options(const uint8_t *o, int len)
{
	static const uint8_t fixed[] = {
		[TCPOPT_MAXSEG] = 4, [TCPOPT_WINDOW] = 3,
		[TCPOPT_SACK_PERMITTED] = 2, [TCPOPT_TIMESTAMP] = 10,
	};

	while (len > 0 && o[0] != TCPOPT_EOL) {
		int olen;

		if (o[0] == TCPOPT_NOP) {
			o++;
			len--;
			continue;
		}
		if (len < 2 || (olen = o[1]) < 2 || olen > len)
			fz_fail("sent a TCP option beyond the header");
		if (o[0] < sizeof(fixed) && fixed[o[0]] != 0 &&
		    olen != fixed[o[0]])
			fz_fail("sent a TCP option of the wrong length");
		if (o[0] == TCPOPT_SACK && (olen - 2) % 8 != 0)
			fz_fail("sent a SACK option of partial blocks");
		o += olen;
		len -= olen;
	}
}

/* Takes the stack's ISN and TSval from the SYN-ACK of a connection. */
static void
fz_note_synack(struct fz_conn *c, const uint8_t *t, int thlen)
{
	const uint8_t *o = t + sizeof(struct tcphdr);
	int len = thlen - (int)sizeof(struct tcphdr);

	c->have_iss = true;
	c->iss = be32dec(t + 4);
	while (len >= 2 && o[0] != TCPOPT_EOL) {
		if (o[0] == TCPOPT_NOP) {
			o++;
			len--;
			continue;
		}
		if (o[0] == TCPOPT_TIMESTAMP && o[1] == 10)
			c->tsval = be32dec(o + 2);
		len -= o[1];
		o += o[1];
	}
}

void
fz_tcp_check_out(const uint8_t *ip, int hlen, int len)
{
	const uint8_t *t = ip + hlen;
	int seglen = len - hlen, thlen, dlen, flags;
	struct fz_conn *c;

	/* What we forward is the input's; ours comes from our addresses. */
	if (!fz_ours(be32dec(ip + 12)) || fz_spoofed)
		return;
	if (seglen < (int)sizeof(struct tcphdr))
		fz_fail("sent a TCP segment shorter than its header");
	thlen = (t[12] >> 4) << 2;
	if (thlen < (int)sizeof(struct tcphdr) || thlen > seglen)
		fz_fail("sent a TCP segment with a bad data offset");
	if (fz_tcp_cksum(ip, t, seglen) != 0)
		fz_fail("sent a TCP segment with a wrong checksum");
	fz_check_options(t + sizeof(struct tcphdr),
	    thlen - (int)sizeof(struct tcphdr));
	flags = t[13];
	dlen = seglen - thlen;
	if ((flags & TH_SYN) && (flags & (TH_FIN | TH_RST)))
		fz_fail("sent a SYN with FIN or RST");
	if ((flags & TH_RST) && dlen > 0)
		fz_fail("sent a RST with data");
	c = fz_conn_of(be32dec(ip + 12), be16dec(t), be32dec(ip + 16),
	    be16dec(t + 2));
	if (c == NULL)
		return;
	if ((flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) && !c->have_iss)
		fz_note_synack(c, t, thlen);
	if (dlen > 0 && c == &fz_conns[FZ_TCP_EST] && c->have_iss &&
	    !(flags & TH_SYN)) {
		uint32_t off = be32dec(t + 4) - c->iss - 1;

		for (int i = 0; i < dlen; i++, off++)
			if (off >= FZ_TCPSEND || t[thlen + i] != FZ_TCPBYTE(off))
				fz_fail("sent bytes the application did not "
				    "write there");
	}
}

/* ---- the set-up ---- */

/* The peer sends a segment of connection k, with seq and ack absolute. */
static void
fz_peer_send(int k, int flags, uint32_t seq, uint32_t ack,
    const uint8_t *opt, int optlen)
{
	static const uint8_t mac0[] = FZ_MAC0, nmac0[] = FZ_NMAC0;
	uint8_t f[ETHER_HDR_LEN + 20 + 20 + 40];
	uint8_t *ip = f + ETHER_HDR_LEN, *t = ip + 20;
	int tlen = 20 + 20 + optlen;
	struct ifnet *ifp = fz_ifp(0);
	struct mbuf *m;

	memset(f, 0, sizeof(f));
	memcpy(f, mac0, ETHER_ADDR_LEN);
	memcpy(f + ETHER_ADDR_LEN, nmac0, ETHER_ADDR_LEN);
	be16enc(f + 12, ETHERTYPE_IP);
	ip[0] = 0x45;
	be16enc(ip + 2, (uint16_t)tlen);
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	be32enc(ip + 12, FZ_TCPPEER);
	be32enc(ip + 16, FZ_ADDR0);
	be16enc(ip + 10, fz_cksum(ip, 20, 0));
	be16enc(t, (uint16_t)(FZ_TCPPEERPORT + k));
	be16enc(t + 2, FZ_TCPPORT);
	be32enc(t + 4, seq);
	be32enc(t + 8, ack);
	t[12] = (uint8_t)((20 + optlen) / 4 << 4);
	t[13] = (uint8_t)flags;
	be16enc(t + 14, 65535);
	memcpy(t + 20, opt, (size_t)optlen);
	be16enc(t + 16, fz_tcp_cksum(ip, t, tlen - 20));
	if ((m = m_devget(f, ETHER_HDR_LEN + tlen, ifp)) == NULL)
		fz_fail("m_devget");
	if_input(ifp, m);
}

/* The three-way handshake of connection k; returns the accepted socket. */
static void
fz_handshake(int k)
{
	struct fz_conn *c = &fz_conns[k];
	uint8_t syn[] = {
		TCPOPT_MAXSEG, 4, FZ_TCPMSS >> 8, FZ_TCPMSS & 0xff,
		TCPOPT_NOP, TCPOPT_WINDOW, 3, FZ_TCPWSCALE,
		TCPOPT_SACK_PERMITTED, 2, TCPOPT_TIMESTAMP, 10,
		0, 0, 0, 1, 0, 0, 0, 0,
	};
	uint8_t ts[] = {
		TCPOPT_NOP, TCPOPT_NOP, TCPOPT_TIMESTAMP, 10,
		0, 0, 0, 1, 0, 0, 0, 0,
	};
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);

	fz_peer_send(k, TH_SYN, FZ_TCPISN, 0, syn, sizeof(syn));
	if (!c->have_iss)
		fz_fail("no SYN-ACK to the harness's SYN");
	be32enc(ts + 8, c->tsval);
	fz_peer_send(k, TH_ACK, FZ_TCPISN + 1, c->iss + 1, ts, sizeof(ts));
	if (soaccept(fz_listener, &c->so, &ss, &sslen, true) != 0)
		fz_fail("the handshake made no connection");
}

static void
fz_setopt(struct socket *so, int name, void *val, size_t size)
{
	struct sockopt sopt;

	memset(&sopt, 0, sizeof(sopt));
	sopt.sopt_dir = SOPT_SET;
	sopt.sopt_level = SOL_SOCKET;
	sopt.sopt_name = name;
	sopt.sopt_data = val;
	sopt.sopt_size = size;
	if (sosetopt(so, &sopt) != 0)
		fz_fail("sosetopt");
}

/* The application of connection FZ_TCP_EST writes FZ_TCPSEND bytes. */
static void
fz_app_write(struct socket *so)
{
	static uint8_t buf[FZ_TCPSEND];
	struct iovec iov = { buf, sizeof(buf) };
	struct uio uio;

	for (int i = 0; i < FZ_TCPSEND; i++)
		buf[i] = FZ_TCPBYTE(i);
	if (uio_setup(&uio, &iov, 1, UIO_WRITE) != 0 ||
	    sosend(so, NULL, 0, &uio, NULL, NULL, 0, true) != 0 ||
	    uio.uio_resid != 0)
		fz_fail("the application's write");
}

void
fz_tcp_start(void)
{
	struct sockaddr_in sin;
	int rcvbuf = 8192;

	for (int k = 0; k < FZ_TCPCONNS; k++) {
		struct fz_conn *c = &fz_conns[k];

		memset(c->state, FZ_UNSENT, c->shadow_end);
		c->shadow_end = 0;
		c->have_iss = false;
		c->nread = 0;
	}
	fz_unshadowed = false;
	fz_spoofed = false;
	if (socreate(AF_INET, &fz_listener, SOCK_STREAM, 0) != 0)
		fz_fail("socreate");
	fz_setopt(fz_listener, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	sockaddr_in_init(&sin, (struct in_addr){ htonl(FZ_ADDR0) },
	    htons(FZ_TCPPORT));
	if (sobind(fz_listener, (const struct sockaddr *)&sin,
	    sizeof(sin)) != 0 || solisten(fz_listener, FZ_TCPBACKLOG) != 0)
		fz_fail("the listener");
	for (int k = 0; k < FZ_TCPCONNS; k++)
		fz_handshake(k);
	fz_app_write(fz_conns[FZ_TCP_EST].so);
	fz_peer_send(FZ_TCP_CLOSEWAIT, TH_FIN | TH_ACK, FZ_TCPISN + 1,
	    fz_conns[FZ_TCP_CLOSEWAIT].iss + 1, NULL, 0);
	if (soshutdown(fz_conns[FZ_TCP_FINWAIT2].so, SHUT_WR) != 0)
		fz_fail("soshutdown");
	fz_peer_send(FZ_TCP_FINWAIT2, TH_ACK, FZ_TCPISN + 1,
	    fz_conns[FZ_TCP_FINWAIT2].iss + 2, NULL, 0);
}

/* Frees a socket's connection at once (RST) and the socket. */
static void
fz_abort(struct socket *so)
{
	struct linger lg = { 1, 0 };

	fz_setopt(so, SO_LINGER, &lg, sizeof(lg));
	if (soclose(so) != 0)
		fz_fail("soclose");
}

void
fz_tcp_stop(void)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct socket *so;

	for (int k = 0; k < FZ_TCPCONNS; k++) {
		struct fz_conn *c = &fz_conns[k];

		fz_conn_read(c, -1);
		fz_abort(c->so);
		c->so = NULL;
	}
	while (soaccept(fz_listener, &so, &ss, &sslen, true) == 0) {
		fz_abort(so);
		sslen = sizeof(ss);
	}
	if (soclose(fz_listener) != 0)
		fz_fail("soclose");
	fz_listener = NULL;
}
