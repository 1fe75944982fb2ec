/*
 * Writes the seed corpus of the packet-input fuzzer into a directory: one
 * small input per path of the stack worth starting from (ARP, echo, UDP
 * to a socket and to a closed port, broadcasts, fragments in order, out
 * of order, overlapping and timing out, forwarding with ARP resolution,
 * fragmentation and time exceeded, options, ICMP errors for our
 * sockets, raw protocols, packets to ourselves, the mbuf layouts, and TCP:
 * handshakes, data in and out of order, SACK, FIN, RST, window probes,
 * every option and odd flags).
 *
 * The seeds are generated, not committed: they follow the harness's setup
 * (fuzz_input.h) when it changes, and the repository holds no binaries.
 * Checksums are left to the harness's fix-ups (FZ_FIX*), which the seeds
 * ask for, so what libFuzzer derives from them keeps passing them.
 *
 * Usage: fuzz_seeds DIR
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"

#define MAXINPUT	16384

static const uint8_t mac0[6] = FZ_MAC0, mac1[6] = FZ_MAC1;
static const uint8_t peer0[6] = FZ_NMAC0, peer1[6] = FZ_NMAC1;
static const uint8_t stranger[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

#define A0	FZ_ADDR0
#define A1	FZ_ADDR1
#define H0	FZ_HOST0	/* a host on fz0 ARP knows */
#define H2	0xc6120003u	/* 198.18.0.3, one it does not */
#define B0	0xc61200ffu	/* fz0's broadcast */
#define FAR	0x08080808u	/* through the gateway */
#define NOWHERE	0xc0000201u	/* 192.0.2.1: no route */

struct input {
	uint8_t buf[MAXINPUT];
	size_t len;
};

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint8_t *
record(struct input *in, int flags, int param, size_t len)
{
	uint8_t *r = in->buf + in->len;
	size_t body = flags & FZ_CMD ? 0 : len;

	if (in->len + FZ_HDRLEN + body > sizeof(in->buf)) {
		fprintf(stderr, "fuzz_seeds: a seed outgrew its buffer\n");
		exit(1);
	}
	r[0] = (uint8_t)flags;
	r[1] = (uint8_t)param;
	put16(r + 2, (unsigned)len);
	in->len += FZ_HDRLEN + body;
	return r + FZ_HDRLEN;
}

static void
command(struct input *in, int cmd, unsigned arg)
{
	(void)record(in, FZ_CMD | cmd, 0, arg);
}

static void
ether(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], unsigned type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, type);
}

static void
arp(struct input *in, int flags, const uint8_t edst[6], unsigned op,
    const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
	uint8_t *f = record(in, flags, 0, 42), *a = f + 14;

	ether(f, edst, sha, 0x0806);
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	put32(a + 14, spa);
	memcpy(a + 18, tha, 6);
	put32(a + 24, tpa);
}

/*
 * An IPv4 packet in a frame: a header of hlen bytes (options from opt),
 * then plen bytes of payload; returns the payload to fill in.
 */
static uint8_t *
ipv4(struct input *in, int flags, int param, const uint8_t edst[6],
    const uint8_t esrc[6], uint32_t src, uint32_t dst, unsigned proto,
    unsigned ttl, unsigned id, unsigned off, const uint8_t *opt, int hlen,
    int plen)
{
	uint8_t *f = record(in, flags | FZ_FIXALL, param,
	    (size_t)(14 + hlen + plen)), *ip = f + 14;

	ether(f, edst, esrc, 0x0800);
	memset(ip, 0, (size_t)(hlen + plen));
	ip[0] = (uint8_t)(0x40 | hlen / 4);
	put16(ip + 2, (unsigned)(hlen + plen));
	put16(ip + 4, id);
	put16(ip + 6, off);
	ip[8] = (uint8_t)ttl;
	ip[9] = (uint8_t)proto;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	if (hlen > 20)
		memcpy(ip + 20, opt, (size_t)(hlen - 20));
	for (int i = 0; i < plen; i++)
		ip[hlen + i] = (uint8_t)(i * 7 + 1);
	return ip + hlen;
}

static void
echo(struct input *in, int flags, int param, uint32_t src, uint32_t dst,
    int datalen)
{
	uint8_t *icmp = ipv4(in, flags, param, mac0, peer0, src, dst, 1, 64,
	    1, 0, NULL, 20, 8 + datalen);

	icmp[0] = 8;		/* echo request */
	icmp[1] = 0;
	put16(icmp + 4, 0x4242);
	put16(icmp + 6, 1);
}

static void
udp(struct input *in, int flags, const uint8_t edst[6], uint32_t src,
    uint32_t dst, unsigned sport, unsigned dport, int datalen)
{
	uint8_t *u = ipv4(in, flags, 0, edst, peer0, src, dst, 17, 64, 2, 0,
	    NULL, 20, 8 + datalen);

	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (unsigned)(8 + datalen));
}

/* A fragment of a UDP datagram of total data bytes (header included). */
static void
udp_frag(struct input *in, unsigned id, int off, int len, int total,
    bool more)
{
	uint8_t *p = ipv4(in, 0, 0, mac0, peer0, H0, A0, 17, 64, id,
	    (unsigned)(off / 8) | (more ? 0x2000 : 0), NULL, 20, len);

	if (off == 0) {
		put16(p, 4000);
		put16(p + 2, FZ_UDPPORT);
		put16(p + 4, (unsigned)total);
		p[6] = p[7] = 0;	/* no checksum over a fragment */
	}
}

/*
 * A UDP datagram of 65535 bytes in fragments of 1480 data bytes, each a
 * header padded to its length (FZ_CMD_PAD); the last one ends at 65535
 * bytes plus extra.
 */
static void
big_datagram(struct input *in, unsigned id, int extra)
{
	int total = 65535 - 20 + extra;

	for (int off = 0; off < total; off += 1480) {
		int len = total - off < 1480 ? total - off : 1480;
		bool more = off + len < total;
		uint8_t *p;

		command(in, FZ_CMD_PAD, (unsigned)(14 + 20 + len));
		p = ipv4(in, 0, 0, mac0, peer0, H0, A0, 17, 64, id,
		    (unsigned)(off / 8) | (more ? 0x2000 : 0), NULL, 20,
		    off == 0 ? 8 : 0);
		if (off == 0) {
			put16(p, 4000);
			put16(p + 2, FZ_UDPPORT);
			put16(p + 4, (unsigned)(total > 65515 ? 0 : total));
			p[6] = p[7] = 0;
		}
	}
}

/* An ICMP error about a datagram our connected socket sent. */
static void
icmp_error_to_conn(struct input *in, unsigned type, unsigned code)
{
	uint8_t *icmp = ipv4(in, FZ_IF1, 0, mac1, peer1, FZ_GATEWAY, A1, 1,
	    64, 3, 0, NULL, 20, 8 + 28), *q = icmp + 8;

	icmp[0] = (uint8_t)type;
	icmp[1] = (uint8_t)code;
	if (type == 3 && code == 4)
		put16(icmp + 6, 1000);	/* next-hop MTU */
	q[0] = 0x45;
	put16(q + 2, 28 + 12);
	q[8] = 64;
	q[9] = 17;
	put32(q + 12, A1);
	put32(q + 16, FZ_CONNPEER);
	put16(q + 20, FZ_CONNPORT);
	put16(q + 22, FZ_PEERPORT);
	put16(q + 24, 20);
}

static void
write_seed(const char *dir, const char *name, const struct input *in)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "wb")) == NULL ||
	    fwrite(in->buf, 1, in->len, fp) != in->len || fclose(fp) != 0) {
		fprintf(stderr, "fuzz_seeds: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/*
 * A TCP segment from the peer's port sport to the listener's port, seq
 * and ack relative (the FZ_FIXL4SUM fix-up, fuzz_input.h), options and
 * datalen bytes of data, each a function of its stream offset so that
 * retransmissions carry the same bytes.
 */
static void
tcp(struct input *in, unsigned sport, uint32_t seq, uint32_t ack,
    unsigned flags, unsigned win, const uint8_t *opt, int optlen,
    int datalen)
{
	int thlen = 20 + (optlen + 3) / 4 * 4;
	uint8_t *t = ipv4(in, 0, 0, mac0, peer0, FZ_TCPPEER, A0, 6, 64, 9,
	    0x4000, NULL, 20, thlen + datalen);

	memset(t, 0, (size_t)thlen);
	put16(t, sport);
	put16(t + 2, FZ_TCPPORT);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = (uint8_t)(thlen / 4 << 4);
	t[13] = (uint8_t)flags;
	put16(t + 14, win);
	memcpy(t + 20, opt, (size_t)optlen);
	for (int i = 0; i < datalen; i++)
		t[thlen + i] = (uint8_t)((seq - 1 + (uint32_t)i) * 13 + 5);
}

#define EST	(FZ_TCPPEERPORT + FZ_TCP_EST)
#define CW	(FZ_TCPPEERPORT + FZ_TCP_CLOSEWAIT)
#define FW2	(FZ_TCPPEERPORT + FZ_TCP_FINWAIT2)
#define SYN	0x02
#define FIN	0x01
#define RST	0x04
#define PSH	0x08
#define ACK	0x10

/* The application of connection k reads up to n bytes. */
static void
tcp_read(struct input *in, int k, unsigned n)
{
	(void)record(in, FZ_CMD | FZ_CMD_READ, k, n);
}

/* Every TCP path worth starting from (FZ_TCP* in fuzz_input.h). */
static int
tcp_seeds(const char *dir)
{
	static const uint8_t synopt[] = {
		2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 9,
		0, 0, 0, 0,
	};
	static const uint8_t ts[] = { 1, 1, 8, 10, 0, 0, 0, 2, 0, 0, 0, 0 };
	/* A SACK block of the stack's bytes 1001-2000 (relative). */
	static const uint8_t sack[] = {
		1, 1, 5, 10, 0, 0, 0x03, 0xea, 0, 0, 0x07, 0xd2,
	};
	/* Every kind: known ones where they do not belong, unknown ones. */
	static const uint8_t every[] = {
		2, 4, 0x02, 0x00, 3, 3, 14, 4, 2, 8, 10, 0, 0, 0, 5, 0, 0, 0,
		0, 30, 4, 0xab, 0xcd, 5, 2, 1, 0,
	};
	static const uint8_t badlen[] = { 8, 1, 2, 0, 5, 7, 0, 0 };
	static const uint8_t pastend[] = { 1, 5, 40, 0 };
	struct input in;
	int n = 0;

#define SEED(body) do {							\
		char name[32];						\
		in.len = 0;						\
		body;							\
		snprintf(name, sizeof(name), "tcp-%03d", n++);		\
		write_seed(dir, name, &in);				\
	} while (0)

	/* Handshakes to the listener: more than its backlog. */
	SEED(tcp(&in, 41000, 100, 0, SYN, 65535, synopt, sizeof(synopt), 0);
	    tcp(&in, 41001, 100, 0, SYN, 65535, synopt, sizeof(synopt), 0);
	    tcp(&in, 41002, 100, 0, SYN, 65535, NULL, 0, 0);
	    command(&in, FZ_CMD_CLOCK, 3000));
	/* Data in order, read; with the sequence space wrapping. */
	SEED(tcp(&in, EST, 1, 1, ACK | PSH, 65535, NULL, 0, 100);
	    tcp_read(&in, 0, 50);
	    tcp(&in, EST, 101, 1, ACK, 65535, ts, sizeof(ts), 1000);
	    tcp(&in, EST, 1101, 1, ACK, 65535, ts, sizeof(ts), 1000);
	    tcp(&in, EST, 2101, 1, ACK, 65535, ts, sizeof(ts), 1000);
	    tcp(&in, EST, 3101, 1, ACK, 65535, ts, sizeof(ts), 1000);
	    tcp(&in, EST, 4101, 1, ACK, 65535, ts, sizeof(ts), 1000);
	    tcp_read(&in, 0, 65535));
	/* Out of order, overlapping, then the hole filled. */
	SEED(tcp(&in, EST, 201, 1, ACK, 65535, NULL, 0, 100);
	    tcp(&in, EST, 401, 1, ACK, 65535, NULL, 0, 100);
	    tcp(&in, EST, 151, 1, ACK, 65535, NULL, 0, 300);
	    tcp(&in, EST, 1, 1, ACK, 65535, NULL, 0, 200);
	    tcp_read(&in, 0, 65535));
	/* SACK of the stack's data, duplicate ACKs, all acknowledged. */
	SEED(tcp(&in, EST, 1, 1, ACK, 65535, sack, sizeof(sack), 0);
	    command(&in, FZ_CMD_REPEAT, 3);
	    command(&in, FZ_CMD_CLOCK, 300);
	    tcp(&in, EST, 1, 1 + FZ_TCPSEND, ACK, 65535, NULL, 0, 0));
	/* Retransmission timeouts of the stack's data. */
	SEED(command(&in, FZ_CMD_CLOCK, 1000); command(&in, FZ_CMD_CLOCK, 3000);
	    tcp(&in, EST, 1, 1001, ACK, 65535, NULL, 0, 0));
	/* FIN with data, on each connection. */
	SEED(tcp(&in, EST, 1, 1, ACK | FIN, 65535, NULL, 0, 10);
	    tcp_read(&in, 0, 100));
	SEED(tcp(&in, FW2, 1, 2, ACK | FIN, 65535, NULL, 0, 0);
	    command(&in, FZ_CMD_CLOCK, 60000);
	    tcp(&in, FW2, 5000, 0, SYN, 65535, synopt, sizeof(synopt), 0));
	SEED(tcp(&in, CW, 2, 1, ACK, 65535, NULL, 0, 0);
	    tcp(&in, CW, 2, 1, ACK, 65535, NULL, 0, 5));
	/* RST: at rcv_nxt, in the window elsewhere, on each connection. */
	SEED(tcp(&in, EST, 1, 0, RST, 0, NULL, 0, 0));
	SEED(tcp(&in, EST, 500, 0, RST, 0, NULL, 0, 0));
	SEED(tcp(&in, CW, 2, 0, RST | ACK, 0, NULL, 0, 0));
	SEED(tcp(&in, FW2, 1, 0, RST, 0, NULL, 0, 0));
	/* SYN on a connection, out of the window data, old ACKs. */
	SEED(tcp(&in, EST, 1, 1, SYN, 65535, NULL, 0, 0));
	SEED(tcp(&in, EST, 900000, 1, ACK, 65535, NULL, 0, 10));
	SEED(tcp(&in, EST, 1, 0x80000000u, ACK, 65535, NULL, 0, 0));
	/* Window probes: our receive window full; the peer's window zero. */
	SEED(for (int i = 0; i < 12; i++)
		tcp(&in, EST, 1 + (uint32_t)i * 1000, 1, ACK, 65535, NULL, 0,
		    1000);
	    tcp(&in, EST, 12001, 1, ACK, 65535, NULL, 0, 1);
	    tcp_read(&in, 0, 4000);
	    command(&in, FZ_CMD_CLOCK, 500));
	SEED(tcp(&in, EST, 1, 1001, ACK, 0, NULL, 0, 0);
	    command(&in, FZ_CMD_CLOCK, 1000); command(&in, FZ_CMD_CLOCK, 5000);
	    tcp(&in, EST, 1, 1001, ACK, 100, NULL, 0, 0));
	/* Options: every kind, bad lengths, past the header's end. */
	SEED(tcp(&in, EST, 1, 1, ACK, 65535, every, sizeof(every), 10));
	SEED(tcp(&in, EST, 1, 1, ACK, 65535, badlen, sizeof(badlen), 10));
	SEED(tcp(&in, EST, 1, 1, ACK, 65535, pastend, sizeof(pastend), 0));
	SEED(tcp(&in, 41003, 7, 0, SYN, 65535, badlen, sizeof(badlen), 0));
	/* Odd flag combinations. */
	SEED(tcp(&in, EST, 1, 1, SYN | FIN | RST | ACK | PSH | 0xe0, 65535,
	    NULL, 0, 4));
	SEED(tcp(&in, 41004, 7, 0, SYN | FIN, 65535, NULL, 0, 0));
	SEED(tcp(&in, 41005, 7, 0, 0, 65535, NULL, 0, 0));
#undef SEED
	return n;
}

int
main(int argc, char **argv)
{
	static const uint8_t zero[6];
	static const uint8_t rr[8] = { 1, 7, 7, 4, 0, 0, 0, 0 };
	static const uint8_t ts[12] = { 0x44, 12, 5, 0 };
	static const uint8_t lsrr[12] = { 0x83, 11, 4, 0xc6, 0x12, 0x01, 0x09 };
	struct input in;
	int n = 0;
	char name[32];
	const char *dir;

	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seeds DIR\n");
		return 2;
	}
	dir = argv[1];
#define SEED(body) do {							\
	memset(&in, 0, sizeof(in));					\
	body;								\
	snprintf(name, sizeof(name), "seed-%02d", n++);			\
	write_seed(dir, name, &in);					\
} while (0)

	/*
	 * ARP: a request for us, a reply for what we asked, a probe, a
	 * conflict, a neighbour that moved.
	 */
	SEED(arp(&in, 0, bcast, 1, stranger, H2, zero, A0));
	SEED(echo(&in, 0, 0, H2, A0, 16);
	    arp(&in, 0, mac0, 2, stranger, H2, mac0, A0));
	SEED(arp(&in, 0, bcast, 1, stranger, 0, zero, A0));
	SEED(arp(&in, 0, bcast, 1, stranger, A0, zero, A0));
	SEED(arp(&in, 0, bcast, 1, stranger, H0, zero, A0));
	/* Resolution that gives up: requests go out as time passes. */
	SEED(echo(&in, 0, 0, H2, A0, 8); command(&in, FZ_CMD_CLOCK, 1000);
	    command(&in, FZ_CMD_CLOCK, 1000); command(&in, FZ_CMD_CLOCK, 2000));
	/* A known neighbour expires (ARP keeps one 20 minutes). */
	SEED(command(&in, FZ_CMD_CLOCK, 65535); echo(&in, 0, 0, H0, A0, 8));
	/* Echo: to us, to a broadcast, large, options. */
	SEED(arp(&in, 0, bcast, 1, peer0, H0, zero, A0);
	    echo(&in, 0, 0, H0, A0, 56));
	SEED(echo(&in, 0, 0, H0, B0, 8));
	SEED(arp(&in, 0, bcast, 1, peer0, H0, zero, A0);
	    echo(&in, 0, 0, H0, A0, 1400));
	SEED(ipv4(&in, 0, 0, mac0, peer0, H0, A0, 1, 64, 9, 0, rr, 28, 8)[0] =
	    8);
	SEED(ipv4(&in, 0, 0, mac0, peer0, H0, A0, 1, 64, 9, 0, ts, 32, 8)[0] =
	    8);
	/* UDP: to the bound socket, a closed port, a broadcast. */
	SEED(udp(&in, 0, mac0, H0, A0, 4000, FZ_UDPPORT, 32));
	SEED(udp(&in, 0, mac0, H0, A0, 4000, 9, 32));
	SEED(udp(&in, 0, bcast, H0, 0xffffffffu, 68, FZ_UDPPORT, 32));
	/* Fragments: in order, out of order, overlapping, never completed. */
	SEED(udp_frag(&in, 100, 0, 24, 40, true);
	    udp_frag(&in, 100, 24, 16, 40, false));
	SEED(udp_frag(&in, 101, 24, 16, 40, false);
	    udp_frag(&in, 101, 0, 24, 40, true));
	SEED(udp_frag(&in, 102, 0, 24, 48, true);
	    udp_frag(&in, 102, 16, 32, 48, false));
	SEED(udp_frag(&in, 103, 0, 24, 48, true); command(&in, FZ_CMD_CLOCK, 31000));
	/* The largest datagram there is, and one byte more (ping of death). */
	SEED(big_datagram(&in, 104, 0));
	SEED(big_datagram(&in, 105, 1));
	/* More datagrams being reassembled than are kept. */
	SEED(udp_frag(&in, 106, 0, 24, 48, true);
	    command(&in, FZ_CMD_REPEAT, 250));
	/* More packets waiting for ARP than are held. */
	SEED(echo(&in, 0, 0, H0, FAR, 8); command(&in, FZ_CMD_REPEAT, 40));
	/* Forwarding: through the gateway once ARP answers; fragmenting. */
	SEED(echo(&in, 0, 0, H0, FAR, 64);
	    arp(&in, FZ_IF1, mac1, 2, peer1, FZ_GATEWAY, mac1, A1));
	SEED(arp(&in, FZ_IF1, bcast, 1, peer1, FZ_GATEWAY, zero, A1);
	    echo(&in, 0, 0, H0, FAR, 1400));
	SEED(echo(&in, 0, 0, H0, FAR, 8);
	    in.buf[FZ_HDRLEN + 14 + 8] = 1);	/* TTL 1: time exceeded */
	SEED(ipv4(&in, 0, 0, mac0, peer0, H0, FAR, 17, 64, 5, 0x4000, NULL,
	    20, 1400));		/* DF and too big for fz1 */
	/* Unreachable: no route, a reject route, a reject host route. */
	SEED(echo(&in, 0, 0, H0, NOWHERE, 8));
	SEED(echo(&in, 0, 0, H0, FZ_REJECT + 9, 8));
	SEED(echo(&in, 0, 0, H0, FZ_REJECTHOST, 8));
	SEED(ipv4(&in, 0, 0, mac0, peer0, H0, A0, 1, 64, 9, 0, lsrr, 32,
	    8)[0] = 8);
	/* ICMP errors about what our connected socket sent. */
	SEED(icmp_error_to_conn(&in, 3, 3));
	SEED(icmp_error_to_conn(&in, 3, 4));
	SEED(icmp_error_to_conn(&in, 11, 0));
	SEED(icmp_error_to_conn(&in, 12, 0));
	/* Raw: a protocol with a socket, one without. */
	SEED(ipv4(&in, 0, 0, mac0, peer0, H0, A0, FZ_RAWPROTO, 64, 7, 0, NULL,
	    20, 16));
	SEED(ipv4(&in, 0, 0, mac0, peer0, H0, A0, 254, 64, 7, 0, NULL, 20,
	    16));
	/* To a closed port from our own address: the error goes through lo0. */
	SEED(udp(&in, 0, mac0, A0, A0, 4000, 9, 8));
	/* The same echo in small mbufs, in shared storage, short of mbufs. */
	SEED(arp(&in, 0, bcast, 1, peer0, H0, zero, A0);
	    echo(&in, FZ_SPLIT, 7, H0, A0, 64));
	SEED(arp(&in, 0, bcast, 1, peer0, H0, zero, A0);
	    echo(&in, FZ_SHARED, 0, H0, A0, 1400));
	SEED(arp(&in, 0, bcast, 1, peer0, H0, zero, A0);
	    echo(&in, FZ_FAILALLOC, 1, H0, A0, 64));
#undef SEED
	n += tcp_seeds(dir);
	printf("fuzz_seeds: %d seeds in %s\n", n, dir);
	return 0;
}
