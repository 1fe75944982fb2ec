/*
 * frameflood: writes malformed Ethernet frames into a network interface,
 * the host's side of a tap that a rump stack reads, and says which of the
 * stack's counters each of them must move.  A plain host program (no rump
 * kernel), the host's side of tests/integration/t_malformed.sh.
 *
 *	frameflood [-e] [-i RUMPIF] [-w WINDOW] IFNAME DST_MAC SRC_IP DST_IP
 *	    COUNT SEED
 *
 * IFNAME is the host's side of the tap; DST_MAC, DST_IP the rump stack's
 * MAC and IPv4 address on it; SRC_IP an address of the host on the same
 * link (the stack must have resolved it: ping it first, the stack learns
 * the host's MAC from the host's ARP request).  COUNT frames are built
 * from a splitmix64 generator seeded with SEED, so that a run repeats
 * exactly, cycling through the kinds of kinds[] (Ethernet, ARP, the IPv4
 * header, UDP, ICMP, fragments); each kind is built so that the stack
 * drops the frame at one known place, and the program adds up what each
 * frame must do to the stack's counters ("kstat" names as rump_server -v
 * prints them, the interface's under RUMPIF, default virt0).  Where it
 * changes nothing to that, a frame goes to the broadcast MAC instead of
 * the stack's, and an IPv4 packet gets link-level padding after it.  A
 * kind that sends several frames (fragments of one datagram) sends them
 * one after the other, and its datagram dies or completes with its last
 * frame: nothing is left waiting in the reassembly queue for a timeout.
 *
 * The frames go out through an AF_PACKET socket bound to IFNAME, past the
 * queueing discipline (PACKET_QDISC_BYPASS), so the host kernel hands them
 * to the tap's reader as they are: no padding, no checksum fixing.  A tap
 * drops what its reader leaves unread beyond its queue (500 frames)
 * without telling the sender, so the program keeps at most WINDOW
 * (default 128) frames unread, watching the tap's tx_packets in sysfs, and
 * at the end checks that the tap dropped none (tx_dropped): the counts
 * printed are then exact.
 *
 * It prints a table, one line per kind: its name, the frames sent and the
 * counters they move ("name=increment", or why the kind was skipped).
 * With -e it also prints, for every counter of a fixed list of drop and
 * input counters, "expect NAME VALUE": what the frames add to it (0 for
 * most).  "icmp.error+icmp.ratelimited" is a sum: the stack answers a bad
 * IP option with an ICMP parameter problem, at most icmp_errppslimit a
 * second, and counts the rest as rate limited.  Legitimate traffic (the
 * host's ARP and pings) moves IF.ipackets, arp.in.packets, ip.total and
 * ip.delivered too; the caller allows for it.
 *
 * Exit status: 0 every frame was sent and read from the tap; 1 the tap
 * dropped frames or its reader stopped reading them (the counts are then
 * void); 2 bad arguments or a local error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROG		"frameflood"
#define ETHER_HDR	14
#define ARP_LEN		28	/* an Ethernet/IPv4 ARP packet */
#define IP_HDR		20
#define UDP_HDR		8
#define ICMP_HDR	8
#define ICMP_MAXTYPE	18	/* the stack's: above it, icmp.badtype */
#define IP_MF		0x2000
#define FRAME_MAX	9018
/*
 * The stack receives into a 2048-byte cluster, less 2 bytes of alignment,
 * for an MTU of 1500: a longer frame is truncated and dropped as too big.
 * One oversized frame in four is one byte too long.
 */
#define RUMP_RXBUF	2046
#define OVERSIZE_MIN	(RUMP_RXBUF + 1)
#define OVERSIZE_MAX	3014
/* Data in a fragment that may carry options, within a 1500-byte MTU. */
#define FRAG_DATA	1440
/* Seconds without the tap's reader taking a frame before giving up. */
#define STALL_SECONDS	30

/* ---- the counters ------------------------------------------------------ */

/*
 * Every counter the table and -e speak of; "IF." is the rump interface.
 * Counters of transmission are left out: drop.hwerr, for one, counts the
 * stack's announcements written before the host's side of the tap was up
 * (EIO), which the frames have nothing to do with.
 */
#define COUNTERS(X) \
	X(IF_IPACKETS, "IF.ipackets") \
	X(IF_IERRORS, "IF.ierrors") \
	X(IF_DROP_DOWN, "IF.drop.down") \
	X(IF_DROP_SHORT, "IF.drop.short") \
	X(IF_DROP_NOTFORUS, "IF.drop.notforus") \
	X(IF_DROP_NOPROTO, "IF.drop.noproto") \
	X(IF_DROP_TOOBIG, "IF.drop.toobig") \
	X(IF_DROP_NOBUFS, "IF.drop.nobufs") \
	X(IF_DROP_FAULT, "IF.drop.fault") \
	X(ETHER_IN_LLC, "ether.in.llc") \
	X(ETHER_IN_UNKNOWN, "ether.in.unknown") \
	X(ETHER_IN_PROMISC, "ether.in.promisc") \
	X(ARP_IN_PACKETS, "arp.in.packets") \
	X(ARP_DROP_SHORT, "arp.drop.short") \
	X(ARP_DROP_NOBUFS, "arp.drop.nobufs") \
	X(ARP_DROP_BADHRD, "arp.drop.badhrd") \
	X(ARP_DROP_BADPRO, "arp.drop.badpro") \
	X(ARP_DROP_BADLEN, "arp.drop.badlen") \
	X(ARP_DROP_BADOP, "arp.drop.badop") \
	X(ARP_DROP_BADSHA, "arp.drop.badsha") \
	X(ARP_DROP_BADSPA, "arp.drop.badspa") \
	X(ARP_DROP_LOOP, "arp.drop.loop") \
	X(ARP_DROP_DUPADDR, "arp.drop.dupaddr") \
	X(ARP_DROP_HOLDFULL, "arp.drop.holdfull") \
	X(ARP_DROP_TIMEOUT, "arp.drop.timeout") \
	X(ARP_DROP_NOMEM, "arp.drop.nomem") \
	X(ARP_DROP_CACHEFULL, "arp.drop.cachefull") \
	X(IP_TOTAL, "ip.total") \
	X(IP_TOOSMALL, "ip.toosmall") \
	X(IP_BADVERS, "ip.badvers") \
	X(IP_BADHLEN, "ip.badhlen") \
	X(IP_BADSUM, "ip.badsum") \
	X(IP_BADLEN, "ip.badlen") \
	X(IP_BADADDR, "ip.badaddr") \
	X(IP_BADOPTIONS, "ip.badoptions") \
	X(IP_NOBUFS, "ip.nobufs") \
	X(IP_NOTMEMBER, "ip.notmember") \
	X(IP_DELIVERED, "ip.delivered") \
	X(IP_NOPROTO, "ip.noproto") \
	X(IP_CANTFORWARD, "ip.cantforward") \
	X(IP_FORWARD, "ip.forward") \
	X(IP_TTLEXCEEDED, "ip.ttlexceeded") \
	X(IP_FRAGMENTS, "ip.fragments") \
	X(IP_FRAGDROPPED, "ip.fragdropped") \
	X(IP_FRAGBAD, "ip.fragbad") \
	X(IP_FRAGDUP, "ip.fragdup") \
	X(IP_FRAGOVERLAP, "ip.fragoverlap") \
	X(IP_FRAGOVERFLOW, "ip.fragoverflow") \
	X(IP_FRAGTIMEOUT, "ip.fragtimeout") \
	X(IP_REASSEMBLED, "ip.reassembled") \
	X(IP_TOOLONG, "ip.toolong") \
	X(UDP_IPACKETS, "udp.ipackets") \
	X(UDP_HDROPS, "udp.hdrops") \
	X(UDP_BADLEN, "udp.badlen") \
	X(UDP_BADSUM, "udp.badsum") \
	X(UDP_NOPORT, "udp.noport") \
	X(UDP_NOPORTBCAST, "udp.noportbcast") \
	X(UDP_FULLSOCK, "udp.fullsock") \
	X(UDP_DELIVERED, "udp.delivered") \
	X(ICMP_TOOSHORT, "icmp.tooshort") \
	X(ICMP_CHECKSUM, "icmp.checksum") \
	X(ICMP_BADTYPE, "icmp.badtype") \
	X(ICMP_BADCODE, "icmp.badcode") \
	X(ICMP_BADLEN, "icmp.badlen") \
	X(ICMP_BMCASTECHO, "icmp.bmcastecho") \
	X(ICMP_BADADDR, "icmp.badaddr") \
	X(ICMP_NOBUFS, "icmp.nobufs") \
	X(ICMP_OLDICMP, "icmp.oldicmp") \
	X(ICMP_SUPPRESSED, "icmp.suppressed") \
	X(ICMP_IN_UNREACH, "icmp.in.unreach") \
	X(ICMP_IN_TIMXCEED, "icmp.in.timxceed") \
	X(ICMP_IN_PARAMPROB, "icmp.in.paramprob") \
	X(ICMP_ERROR_OR_LIMITED, "icmp.error+icmp.ratelimited") \
	X(RAW_NOPROTO, "raw.noproto") \
	X(RAW_DELIVERED, "raw.delivered")

#define X_ENUM(id, name) C_##id,
#define X_NAME(id, name) name,
enum counter { COUNTERS(X_ENUM) NCOUNTERS };
static const char *const counter_name[NCOUNTERS] = { COUNTERS(X_NAME) };

/* ---- the state of a run ------------------------------------------------ */

struct kind;

static struct {
	int fd;				/* the AF_PACKET socket */
	int txfd, dropfd;		/* sysfs statistics of the interface */
	const char *ifname;
	const char *rumpif;
	uint8_t dmac[6];		/* the stack's */
	uint8_t smac[6];		/* the host interface's */
	uint32_t src, dst;		/* network order */
	int mtu;
	uint64_t rng;
	uint16_t ipid;
	unsigned long window;
	unsigned long sent;		/* frames sent */
	unsigned long long tx0, drop0;	/* the statistics at the start */
	unsigned long long txseen;	/* tx_packets - tx0, last read */
	struct kind *cur;		/* the kind sending now */
	unsigned long long expect[NCOUNTERS];
} ff;

static uint8_t frame[FRAME_MAX];

static void __attribute__((format(printf, 1, 2), noreturn))
fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: " PROG " [-e] [-i RUMPIF] [-w WINDOW] IFNAME DST_MAC SRC_IP "
	    "DST_IP COUNT SEED\n"
	    "  IFNAME   the host's side of the tap the rump stack reads\n"
	    "  DST_MAC  the rump stack's MAC, DST_IP its IPv4 address\n"
	    "  SRC_IP   the host's IPv4 address on the same link\n"
	    "  COUNT    frames to send (1 to 10000000), SEED the generator's\n"
	    "  -e       print the expected increment of every counter\n"
	    "  -i       the rump interface's name in counter names (virt0)\n"
	    "  -w       frames sent and not yet read from the tap, at most "
	    "(128)\n");
	exit(2);
}

/* splitmix64 */
static uint64_t
rnd(void)
{
	uint64_t z = (ff.rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [lo, hi]. */
static unsigned
rrange(unsigned lo, unsigned hi)
{
	return lo + (unsigned)(rnd() % ((uint64_t)hi - lo + 1));
}

static void
rfill(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rnd();
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32n(uint8_t *p, uint32_t nv)		/* already in network order */
{
	memcpy(p, &nv, 4);
}

/* The sum of RFC 1071 over p, added to sum (not folded). */
static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	return sum;
}

static unsigned
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/*
 * A checksum field that is wrong whatever the data: any value but the
 * right one and, one's complement having two zeros, its other form.
 * xor 0x1111 can give neither.
 */
static unsigned
badsum(unsigned good)
{
	return good ^ 0x1111;
}

/* The same for UDP, where 0 is no checksum at all (RFC 768). */
static unsigned
badsum_udp(unsigned good)
{
	return badsum(good) != 0 ? badsum(good) : good ^ 0x2222;
}

/* ---- sending ----------------------------------------------------------- */

static unsigned long long
readstat(int fd, const char *what)
{
	char buf[64];
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		fail("cannot read the %s of %s: %s", what, ff.ifname,
		    n < 0 ? strerror(errno) : "empty");
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Waits until at most `left` frames sent are still unread from the tap.
 * Exits with 1 if the reader takes none for STALL_SECONDS.
 */
static void
wait_unread(unsigned long left)
{
	double since = now();
	unsigned long long last = ff.txseen;

	for (;;) {
		ff.txseen = readstat(ff.txfd, "tx_packets") - ff.tx0;
		if (ff.txseen + left >= ff.sent)
			return;
		if (ff.txseen != last) {
			last = ff.txseen;
			since = now();
		} else if (now() - since > STALL_SECONDS) {
			printf(PROG ": the tap's reader stopped: %llu of %lu "
			    "frames read\n", ff.txseen, ff.sent);
			exit(1);
		}
		usleep(200);
	}
}

/*
 * Sends frame[0..len).  Returns 0, or the errno of a frame the host
 * refuses to send (EINVAL, EMSGSIZE): the caller skips that kind.
 */
static int
xmit(size_t len)
{
	if (ff.txseen < ff.sent && ff.sent - ff.txseen >= ff.window)
		wait_unread(ff.window - 1);
	for (;;) {
		if (send(ff.fd, frame, len, 0) == (ssize_t)len)
			break;
		if (errno == EINVAL || errno == EMSGSIZE)
			return errno;
		if (errno == EINTR)
			continue;
		if (errno == ENOBUFS || errno == EAGAIN) {
			/* Not queued: the device was busy. */
			usleep(1000);
			continue;
		}
		fail("send on %s: %s", ff.ifname, strerror(errno));
	}
	ff.sent++;
	return 0;
}

/* Like xmit, for frames the host must take. */
static void
xmit_ok(size_t len)
{
	int error = xmit(len);

	if (error != 0)
		fail("the host refused a %zu-byte frame: %s", len,
		    strerror(error));
}

/* ---- the kinds --------------------------------------------------------- */

/*
 * A kind builds and sends one instance (one frame, or the fragments of a
 * datagram) with at most `room` frames and says what each does to the
 * counters.  Returns the frames sent; 0 if it needs more room than that;
 * -1 if the host refused the frame (kind->skipped says why).
 */
struct kind {
	const char *name;
	int (*send)(int room);
	unsigned every;			/* sends at one turn in `every` */
	unsigned turn;
	const char *skipped;
	unsigned long frames;
	unsigned long long moved[NCOUNTERS];
};

static void
count(enum counter c, unsigned long long n)
{
	ff.expect[c] += n;
	ff.cur->moved[c] += n;
}

/* An Ethernet header to dst; returns where its payload goes. */
static uint8_t *
eth(const uint8_t dst[6], unsigned type)
{
	memcpy(frame, dst, 6);
	memcpy(frame + 6, ff.smac, 6);
	put16(frame + 12, type);
	return frame + ETHER_HDR;
}

static const uint8_t etherbroadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/*
 * The stack's MAC or, one frame in four, the broadcast address: the
 * frames the stack drops on the way in are dropped the same way.
 */
static const uint8_t *
lldst(void)
{
	return rnd() % 4 == 0 ? etherbroadcast : ff.dmac;
}

/*
 * Sends an IPv4 packet of len bytes (Ethernet header included) with, one
 * time in four, up to 32 bytes of link-level padding after it, which the
 * stack must trim.
 */
static void
xmit_pad(size_t len)
{
	size_t pad = 0;

	if (rnd() % 4 == 0) {
		pad = rrange(1, 32);
		if (len + pad > (size_t)ff.mtu + ETHER_HDR)
			pad = 0;
		rfill(frame + len, pad);
	}
	xmit_ok(len + pad);
}

/*
 * Options that pass: NOPs, sometimes ended early by an EOL after which
 * anything may follow.
 */
static void
good_options(uint8_t *o, unsigned olen)
{
	memset(o, 1, olen);			/* IPOPT_NOP */
	if (olen > 0 && (rnd() & 1)) {
		unsigned eol = rrange(0, olen - 1);

		o[eol] = 0;			/* IPOPT_EOL */
		rfill(o + eol + 1, olen - eol - 1);
	}
}

/* An IPv4 header with a right checksum at p. */
static void
ip4(uint8_t *p, unsigned hlen, unsigned len, unsigned off, unsigned proto,
    uint32_t src, uint32_t dst)
{
	p[0] = (uint8_t)(0x40 | hlen >> 2);
	p[1] = 0;
	put16(p + 2, len);
	put16(p + 4, ff.ipid++);
	put16(p + 6, off);
	p[8] = (uint8_t)rrange(1, 255);
	p[9] = (uint8_t)proto;
	put16(p + 10, 0);
	put32n(p + 12, src);
	put32n(p + 16, dst);
	/* Options, if any, are the caller's: written before or after. */
	put16(p + 10, fold(sum16(0, p, hlen)));
}

static void
ip4_resum(uint8_t *p)
{
	unsigned hlen = (p[0] & 0x0f) * 4u;

	put16(p + 10, 0);
	put16(p + 10, fold(sum16(0, p, hlen)));
}

/* An IPv4 packet to the stack from the host, hlen 20: its payload. */
static uint8_t *
ipframe(unsigned paylen, unsigned proto)
{
	uint8_t *p = eth(lldst(), ETHERTYPE_IP);

	ip4(p, IP_HDR, IP_HDR + paylen, 0, proto, ff.src, ff.dst);
	return p + IP_HDR;
}

/* Counts a frame the stack takes into IPv4 input. */
static void
count_ip(void)
{
	count(C_IF_IPACKETS, 1);
	count(C_IP_TOTAL, 1);
}

static void
count_arp(enum counter drop)
{
	count(C_IF_IPACKETS, 1);
	count(C_ARP_IN_PACKETS, 1);
	count(drop, 1);
}

/* -- Ethernet -- */

/* Shorter than an Ethernet header.  The host refuses these (EINVAL). */
static int
k_eth_runt(int room)
{
	size_t len = rrange(1, ETHER_HDR - 1);
	int error;

	(void)room;
	rfill(frame, len);
	memcpy(frame, ff.dmac, len < 6 ? len : 6);
	if ((error = xmit(len)) != 0) {
		ff.cur->skipped = error == EINVAL ?
		    "the host refuses frames shorter than 14 bytes (EINVAL)" :
		    "the host refuses frames shorter than 14 bytes";
		return -1;
	}
	count(C_IF_IPACKETS, 1);
	count(C_IF_DROP_SHORT, 1);
	return 1;
}

/* Unicast to another MAC, with anything as payload. */
static int
k_eth_notforus(int room)
{
	uint8_t other[6];
	size_t len = rrange(ETHER_HDR, 1514);

	(void)room;
	memcpy(other, ff.dmac, 6);
	other[5] ^= (uint8_t)rrange(1, 255);
	other[0] &= 0xfe;
	eth(other, rnd() & 1 ? ETHERTYPE_IP : ETHERTYPE_ARP);
	rfill(frame + ETHER_HDR, len - ETHER_HDR);
	xmit_ok(len);
	count(C_IF_IPACKETS, 1);
	count(C_IF_DROP_NOTFORUS, 1);
	return 1;
}

/* An IEEE 802.3 length where the ethertype goes. */
static int
k_eth_llc(int room)
{
	size_t len = rrange(ETHER_HDR, 200);

	(void)room;
	eth(lldst(), rrange(0, 0x05ff));
	rfill(frame + ETHER_HDR, len - ETHER_HDR);
	xmit_ok(len);
	count(C_IF_IPACKETS, 1);
	count(C_ETHER_IN_LLC, 1);
	count(C_IF_DROP_NOPROTO, 1);
	return 1;
}

/* An ethertype nobody registered (the stack has IPv4 and ARP). */
static int
k_eth_unknown(int room)
{
	size_t len = rrange(ETHER_HDR, 200);
	unsigned type;

	(void)room;
	do
		type = rrange(0x0600, 0xffff);
	while (type == ETHERTYPE_IP || type == ETHERTYPE_ARP);
	eth(lldst(), type);
	rfill(frame + ETHER_HDR, len - ETHER_HDR);
	xmit_ok(len);
	count(C_IF_IPACKETS, 1);
	count(C_ETHER_IN_UNKNOWN, 1);
	count(C_IF_DROP_NOPROTO, 1);
	return 1;
}

/*
 * Longer than the stack's receive buffer: the driver sees it truncated
 * and drops it before if_input (ierrors and drop.toobig, not ipackets).
 * Needs a host MTU above 1500 (the host sends nothing longer).
 */
static int
k_eth_oversize(int room)
{
	size_t max = (size_t)ff.mtu + ETHER_HDR, len;
	uint8_t *p;

	(void)room;
	if (max < OVERSIZE_MIN) {
		ff.cur->skipped = "the interface's MTU is below 2033";
		return -1;
	}
	if (max > OVERSIZE_MAX)
		max = OVERSIZE_MAX;
	len = rnd() % 4 == 0 ? OVERSIZE_MIN : rrange(OVERSIZE_MIN, (unsigned)max);
	p = ipframe((unsigned)(len - ETHER_HDR - IP_HDR), IPPROTO_UDP);
	rfill(p, len - ETHER_HDR - IP_HDR);
	xmit_ok(len);
	count(C_IF_IERRORS, 1);
	count(C_IF_DROP_TOOBIG, 1);
	return 1;
}

/* -- ARP: an Ethernet/IPv4 packet; unicast to the stack -- */

static uint8_t *
arp(unsigned hrd, unsigned pro, unsigned hln, unsigned pln, unsigned op)
{
	uint8_t *p = eth(lldst(), ETHERTYPE_ARP);

	put16(p, hrd);
	put16(p + 2, pro);
	p[4] = (uint8_t)hln;
	p[5] = (uint8_t)pln;
	put16(p + 6, op);
	rfill(p + 8, ARP_LEN - 8);	/* sha, spa, tha, tpa */
	return p;
}

/* Sends an ARP packet, sometimes with trailing padding as from a wire. */
static void
arp_send(void)
{
	size_t len = ETHER_HDR + ARP_LEN;

	if (rnd() & 1) {
		len += rrange(1, 18);
		rfill(frame + ETHER_HDR + ARP_LEN, len - ETHER_HDR - ARP_LEN);
	}
	xmit_ok(len);
}

/* A sender MAC that passes: unicast, not zero, not the stack's. */
static void
good_sha(uint8_t *sha)
{
	do {
		rfill(sha, 6);
		sha[0] &= 0xfe;
	} while (memcmp(sha, ff.dmac, 6) == 0 ||
	    memcmp(sha, "\0\0\0\0\0\0", 6) == 0);
}

static unsigned
arp_op(void)
{
	return rnd() & 1 ? 1 : 2;	/* request or reply */
}

static int
k_arp_short(int room)
{
	size_t plen = rrange(0, ARP_LEN - 1);

	(void)room;
	eth(lldst(), ETHERTYPE_ARP);
	rfill(frame + ETHER_HDR, plen);
	if (plen >= 8) {
		/* A plausible beginning. */
		put16(frame + ETHER_HDR, 1);
		put16(frame + ETHER_HDR + 2, ETHERTYPE_IP);
		frame[ETHER_HDR + 4] = 6;
		frame[ETHER_HDR + 5] = 4;
	}
	xmit_ok(ETHER_HDR + plen);
	count_arp(C_ARP_DROP_SHORT);
	return 1;
}

static int
k_arp_badhrd(int room)
{
	unsigned hrd;

	(void)room;
	do
		hrd = rrange(0, 0xffff);
	while (hrd == 1);
	arp(hrd, ETHERTYPE_IP, 6, 4, arp_op());
	arp_send();
	count_arp(C_ARP_DROP_BADHRD);
	return 1;
}

static int
k_arp_badpro(int room)
{
	unsigned pro;

	(void)room;
	do
		pro = rrange(0, 0xffff);
	while (pro == ETHERTYPE_IP);
	arp(1, pro, 6, 4, arp_op());
	arp_send();
	count_arp(C_ARP_DROP_BADPRO);
	return 1;
}

static int
k_arp_badlen(int room)
{
	unsigned hln, pln;

	(void)room;
	do {
		hln = rrange(0, 255);
		pln = rnd() & 1 ? 4 : rrange(0, 255);
	} while (hln == 6 && pln == 4);
	arp(1, ETHERTYPE_IP, hln, pln, arp_op());
	arp_send();
	count_arp(C_ARP_DROP_BADLEN);
	return 1;
}

static int
k_arp_badop(int room)
{
	unsigned op;

	(void)room;
	do
		op = rrange(0, 0xffff);
	while (op == 1 || op == 2);
	arp(1, ETHERTYPE_IP, 6, 4, op);
	arp_send();
	count_arp(C_ARP_DROP_BADOP);
	return 1;
}

/* A sender MAC that is broadcast, multicast or zero. */
static int
k_arp_badsha(int room)
{
	uint8_t *p;

	(void)room;
	p = arp(1, ETHERTYPE_IP, 6, 4, arp_op());
	switch (rrange(0, 2)) {
	case 0:
		memset(p + 8, 0xff, 6);
		break;
	case 1:
		p[8] |= 0x01;		/* the group bit */
		break;
	default:
		memset(p + 8, 0, 6);
		break;
	}
	arp_send();
	count_arp(C_ARP_DROP_BADSHA);
	return 1;
}

/* The stack's own MAC as sender: its packet back through a loop. */
static int
k_arp_loop(int room)
{
	uint8_t *p;

	(void)room;
	p = arp(1, ETHERTYPE_IP, 6, 4, arp_op());
	memcpy(p + 8, ff.dmac, 6);
	arp_send();
	count_arp(C_ARP_DROP_LOOP);
	return 1;
}

/*
 * A sender IP no station has: multicast, class E (the limited broadcast
 * too), loopback, or this network (0/8; 0.0.0.0 only in a reply: in a
 * request it is an RFC 5227 probe).
 */
static int
k_arp_badspa(int room)
{
	unsigned op = arp_op();
	uint32_t spa;
	uint8_t *p;

	(void)room;
	p = arp(1, ETHERTYPE_IP, 6, 4, op);
	good_sha(p + 8);
	switch (rrange(0, 3)) {
	case 0:
		spa = rrange(0xe0000000u, 0xefffffffu);
		break;
	case 1:
		spa = rrange(0xf0000000u, 0xffffffffu);
		break;
	case 2:
		spa = rrange(0x7f000000u, 0x7fffffffu);
		break;
	default:
		spa = rrange(op == 1 ? 1 : 0, 0x00ffffffu);
		break;
	}
	put32n(p + 14, htonl(spa));
	arp_send();
	count_arp(C_ARP_DROP_BADSPA);
	return 1;
}

/*
 * The stack's own address as sender: a conflict (RFC 5227).  The stack
 * drops it, says so on its console and defends its address with an
 * announcement at most once in 10 s.
 */
static int
k_arp_dupaddr(int room)
{
	uint8_t *p;

	(void)room;
	p = arp(1, ETHERTYPE_IP, 6, 4, arp_op());
	good_sha(p + 8);
	put32n(p + 14, ff.dst);
	arp_send();
	count_arp(C_ARP_DROP_DUPADDR);
	return 1;
}

/* -- IPv4 header -- */

/* Fewer than 20 bytes. */
static int
k_ip_toosmall(int room)
{
	size_t plen = rrange(0, IP_HDR - 1);

	(void)room;
	eth(lldst(), ETHERTYPE_IP);
	rfill(frame + ETHER_HDR, plen);
	if (plen > 0)
		frame[ETHER_HDR] = 0x45;
	xmit_ok(ETHER_HDR + plen);
	count_ip();
	count(C_IP_TOOSMALL, 1);
	return 1;
}

static int
k_ip_badvers(int room)
{
	unsigned plen = rrange(IP_HDR, 200), v;
	uint8_t *p;

	(void)room;
	do
		v = rrange(0, 15);
	while (v == 4);
	p = ipframe(plen - IP_HDR, IPPROTO_UDP);
	rfill(p, plen - IP_HDR);
	p -= IP_HDR;
	p[0] = (uint8_t)(v << 4 | (p[0] & 0x0f));
	ip4_resum(p);
	xmit_ok(ETHER_HDR + plen);
	count_ip();
	count(C_IP_BADVERS, 1);
	return 1;
}

/* A header length below 20 bytes, or beyond the packet. */
static int
k_ip_badhlen(int room)
{
	unsigned hl, plen;
	uint8_t *p;

	(void)room;
	if (rnd() & 1) {
		hl = rrange(0, 4);
		plen = rrange(IP_HDR, 100);
	} else {
		hl = rrange(6, 15);
		plen = rrange(IP_HDR, hl * 4 - 1);
	}
	p = eth(lldst(), ETHERTYPE_IP);
	ip4(p, IP_HDR, plen, 0, IPPROTO_UDP, ff.src, ff.dst);
	rfill(p + IP_HDR, plen - IP_HDR);
	p[0] = (uint8_t)(0x40 | hl);
	xmit_ok(ETHER_HDR + plen);
	count_ip();
	count(C_IP_BADHLEN, 1);
	return 1;
}

static int
k_ip_badsum(int room)
{
	unsigned paylen = rrange(0, 1480);
	uint8_t *p;

	(void)room;
	p = ipframe(paylen, rrange(0, 255));
	rfill(p, paylen);
	p -= IP_HDR;
	put16(p + 10, badsum((unsigned)p[10] << 8 | p[11]));
	xmit_pad(ETHER_HDR + IP_HDR + paylen);
	count_ip();
	count(C_IP_BADSUM, 1);
	return 1;
}

/* A total length below the header's, or beyond the frame. */
static int
k_ip_badlen(int room)
{
	unsigned paylen = rrange(0, 1480);
	uint8_t *p;

	(void)room;
	p = ipframe(paylen, IPPROTO_UDP);
	rfill(p, paylen);
	p -= IP_HDR;
	if (rnd() & 1)
		put16(p + 2, rrange(0, IP_HDR - 1));
	else
		put16(p + 2, rrange(IP_HDR + paylen + 1, 0xffff));
	ip4_resum(p);
	xmit_ok(ETHER_HDR + IP_HDR + paylen);
	count_ip();
	count(C_IP_BADLEN, 1);
	return 1;
}

/*
 * Martians: from a multicast, class E, limited broadcast or loopback
 * address, or to 0.0.0.0, class E or loopback.
 */
static int
k_ip_badaddr(int room)
{
	unsigned paylen = rrange(0, 200);
	uint32_t src = ff.src, dst = ff.dst;
	uint8_t *p;

	(void)room;
	switch (rrange(0, 5)) {
	case 0:
		src = htonl(rrange(0xe0000000u, 0xefffffffu));
		break;
	case 1:
		src = htonl(rrange(0xf0000000u, 0xffffffffu));
		break;
	case 2:
		src = htonl(rrange(0x7f000000u, 0x7fffffffu));
		break;
	case 3:
		dst = 0;
		break;
	case 4:
		dst = htonl(rrange(0xf0000000u, 0xfffffffeu));
		break;
	default:
		dst = htonl(rrange(0x7f000000u, 0x7fffffffu));
		break;
	}
	p = eth(lldst(), ETHERTYPE_IP);
	ip4(p, IP_HDR, IP_HDR + paylen, 0, IPPROTO_UDP, src, dst);
	rfill(p + IP_HDR, paylen);
	xmit_pad(ETHER_HDR + IP_HDR + paylen);
	count_ip();
	count(C_IP_BADADDR, 1);
	return 1;
}

/*
 * An option that does not fit: NOPs, then an option with a length of 0
 * or 1, longer than the header's rest, or no room for its length.  The
 * stack answers with an ICMP parameter problem (rate limited), but not
 * to a link-level broadcast.
 */
static int
k_ip_badoptions(int room)
{
	unsigned hlen = rrange(6, 15) * 4, olen = hlen - IP_HDR;
	unsigned pos = rrange(0, olen - 1), paylen = rrange(0, 200);
	bool bcast = rnd() % 4 == 0;
	uint8_t *p, *o;

	(void)room;
	p = eth(bcast ? etherbroadcast : ff.dmac, ETHERTYPE_IP);
	o = p + IP_HDR;
	memset(o, 1, pos);			/* IPOPT_NOP */
	rfill(o + pos, olen - pos);
	o[pos] = (uint8_t)rrange(2, 255);	/* neither EOL nor NOP */
	if (pos + 1 < olen) {
		if (rnd() & 1)
			o[pos + 1] = (uint8_t)rrange(0, 1);
		else
			o[pos + 1] = (uint8_t)rrange(olen - pos + 1, 255);
	}
	ip4(p, hlen, hlen + paylen, 0, IPPROTO_UDP, ff.src, ff.dst);
	rfill(p + hlen, paylen);
	xmit_pad(ETHER_HDR + hlen + paylen);
	count_ip();
	count(C_IP_BADOPTIONS, 1);
	count(bcast ? C_ICMP_SUPPRESSED : C_ICMP_ERROR_OR_LIMITED, 1);
	return 1;
}

/* To a multicast group (the stack joins none). */
static int
k_ip_notmember(int room)
{
	unsigned paylen = rrange(0, 200);
	uint8_t *p;

	(void)room;
	p = eth(lldst(), ETHERTYPE_IP);
	ip4(p, IP_HDR, IP_HDR + paylen, 0, IPPROTO_UDP, ff.src,
	    htonl(rrange(0xe0000000u, 0xefffffffu)));
	rfill(p + IP_HDR, paylen);
	xmit_pad(ETHER_HDR + IP_HDR + paylen);
	count_ip();
	count(C_IP_NOTMEMBER, 1);
	return 1;
}

/* To the host itself through the stack, which does not forward. */
static int
k_ip_cantforward(int room)
{
	unsigned paylen = rrange(0, 200);
	uint8_t *p;

	(void)room;
	p = eth(lldst(), ETHERTYPE_IP);
	ip4(p, IP_HDR, IP_HDR + paylen, 0, rrange(0, 255), ff.src, ff.src);
	rfill(p + IP_HDR, paylen);
	xmit_pad(ETHER_HDR + IP_HDR + paylen);
	count_ip();
	count(C_IP_CANTFORWARD, 1);
	return 1;
}

/* -- UDP and ICMP in a good IPv4 packet -- */

/* Counts a frame that IPv4 delivers to its protocol. */
static void
count_delivered(void)
{
	count_ip();
	count(C_IP_DELIVERED, 1);
}

static unsigned
udp_sum(const uint8_t *udp, unsigned ulen)
{
	uint32_t s = 0;
	unsigned v;

	s = sum16(s, (const uint8_t *)&ff.src, 4);
	s = sum16(s, (const uint8_t *)&ff.dst, 4);
	s += IPPROTO_UDP + ulen;
	s = sum16(s, udp, ulen);
	v = fold(s);
	return v == 0 ? 0xffff : v;
}

static int
k_udp_short(int room)
{
	unsigned paylen = rrange(0, UDP_HDR - 1);

	(void)room;
	rfill(ipframe(paylen, IPPROTO_UDP), paylen);
	xmit_pad(ETHER_HDR + IP_HDR + paylen);
	count_delivered();
	count(C_UDP_IPACKETS, 1);
	count(C_UDP_HDROPS, 1);
	return 1;
}

static int
k_udp_badlen(int room)
{
	unsigned paylen = rrange(UDP_HDR, 1480);
	uint8_t *u;

	(void)room;
	u = ipframe(paylen, IPPROTO_UDP);
	rfill(u, paylen);
	if (rnd() & 1)
		put16(u + 4, rrange(0, UDP_HDR - 1));
	else
		put16(u + 4, rrange(paylen + 1, 0xffff));
	xmit_pad(ETHER_HDR + IP_HDR + paylen);
	count_delivered();
	count(C_UDP_IPACKETS, 1);
	count(C_UDP_BADLEN, 1);
	return 1;
}

/* A wrong checksum (the UDP length may be below the IP payload's). */
static int
k_udp_badsum(int room)
{
	unsigned paylen = rrange(UDP_HDR, 1480), ulen = paylen;
	uint8_t *u;

	(void)room;
	if (rnd() % 4 == 0)
		ulen = rrange(UDP_HDR, paylen);
	u = ipframe(paylen, IPPROTO_UDP);
	rfill(u, paylen);
	put16(u + 4, ulen);
	put16(u + 6, 0);
	put16(u + 6, badsum_udp(udp_sum(u, ulen)));
	xmit_pad(ETHER_HDR + IP_HDR + paylen);
	count_delivered();
	count(C_UDP_IPACKETS, 1);
	count(C_UDP_BADSUM, 1);
	return 1;
}

static int
k_icmp_short(int room)
{
	unsigned paylen = rrange(0, ICMP_HDR - 1);

	(void)room;
	rfill(ipframe(paylen, IPPROTO_ICMP), paylen);
	xmit_pad(ETHER_HDR + IP_HDR + paylen);
	count_delivered();
	count(C_ICMP_TOOSHORT, 1);
	return 1;
}

static int
k_icmp_badsum(int room)
{
	unsigned paylen = rrange(ICMP_HDR, 1480);
	uint8_t *c;

	(void)room;
	c = ipframe(paylen, IPPROTO_ICMP);
	rfill(c, paylen);
	put16(c + 2, 0);
	put16(c + 2, badsum(fold(sum16(0, c, paylen))));
	xmit_pad(ETHER_HDR + IP_HDR + paylen);
	count_delivered();
	count(C_ICMP_CHECKSUM, 1);
	return 1;
}

/* An ICMP message with a right checksum: type, code, then body[len]. */
static uint8_t *
icmp_msg(unsigned type, unsigned code, unsigned len)
{
	uint8_t *c = ipframe(len, IPPROTO_ICMP);

	rfill(c, len);
	c[0] = (uint8_t)type;
	c[1] = (uint8_t)code;
	return c;
}

static void
icmp_send(uint8_t *c, unsigned len)
{
	put16(c + 2, 0);
	put16(c + 2, fold(sum16(0, c, len)));
	xmit_pad(ETHER_HDR + IP_HDR + len);
}

/*
 * A destination unreachable whose quote cannot be read: shorter than an
 * IP header and 8 bytes, not IPv4, a header length below 20 bytes, or
 * less than the header it declares and 8 bytes.
 */
static int
k_icmp_badquote(int room)
{
	unsigned len, ihl;
	uint8_t *c;

	(void)room;
	switch (rrange(0, 3)) {
	case 0:
		len = rrange(ICMP_HDR, ICMP_HDR + IP_HDR + 8 - 1);
		c = icmp_msg(3, rrange(0, 5), len);
		break;
	case 1:
		len = rrange(ICMP_HDR + IP_HDR + 8, 200);
		c = icmp_msg(3, rrange(0, 5), len);
		do
			c[ICMP_HDR] = (uint8_t)rnd();
		while (c[ICMP_HDR] >> 4 == 4);
		break;
	case 2:
		len = rrange(ICMP_HDR + IP_HDR + 8, 200);
		c = icmp_msg(3, rrange(0, 5), len);
		c[ICMP_HDR] = (uint8_t)(0x40 | rrange(0, 4));
		break;
	default:
		ihl = rrange(6, 15);
		len = rrange(ICMP_HDR + IP_HDR + 8, ICMP_HDR + ihl * 4 + 8 - 1);
		c = icmp_msg(3, rrange(0, 5), len);
		c[ICMP_HDR] = (uint8_t)(0x40 | ihl);
		break;
	}
	icmp_send(c, len);
	count_delivered();
	count(C_ICMP_IN_UNREACH, 1);
	count(C_ICMP_BADLEN, 1);
	return 1;
}

/* A destination unreachable with a code that does not exist. */
static int
k_icmp_badcode(int room)
{
	unsigned len = rrange(ICMP_HDR + IP_HDR + 8, 200);
	uint8_t *c;

	(void)room;
	c = icmp_msg(3, rrange(16, 255), len);
	c[ICMP_HDR] = 0x45;		/* a quote that reads */
	icmp_send(c, len);
	count_delivered();
	count(C_ICMP_IN_UNREACH, 1);
	count(C_ICMP_BADCODE, 1);
	return 1;
}

static int
k_icmp_badtype(int room)
{
	unsigned len = rrange(ICMP_HDR, 200);

	(void)room;
	icmp_send(icmp_msg(rrange(ICMP_MAXTYPE + 1, 255), rrange(0, 255), len),
	    len);
	count_delivered();
	count(C_ICMP_BADTYPE, 1);
	return 1;
}

/*
 * A well-formed error (unreachable, time exceeded, parameter problem)
 * about a datagram no socket of the stack sent, quoting a header with
 * options or without: read, passed to the quoted protocol, which finds
 * no one to tell.  Only icmp.in.TYPE counts it.
 */
static int
k_icmp_stray_error(int room)
{
	unsigned ihl = rnd() & 1 ? 5 : rrange(6, 15), type, code;
	unsigned len = rrange(ICMP_HDR + ihl * 4 + 8, ICMP_HDR + ihl * 4 + 200);
	uint8_t *c, *q;
	enum counter in;

	(void)room;
	switch (rrange(0, 2)) {
	case 0:
		type = 3;
		code = rrange(0, 15);
		in = C_ICMP_IN_UNREACH;
		break;
	case 1:
		type = 11;
		code = rrange(0, 1);
		in = C_ICMP_IN_TIMXCEED;
		break;
	default:
		type = 12;
		code = rrange(0, 2);
		in = C_ICMP_IN_PARAMPROB;
		break;
	}
	c = icmp_msg(type, code, len);
	q = c + ICMP_HDR;
	good_options(q + IP_HDR, ihl * 4 - IP_HDR);
	ip4(q, ihl * 4, rrange(ihl * 4 + 8, 0xffff), 0,
	    rnd() & 1 ? IPPROTO_UDP : rrange(0, 255), ff.dst,
	    rnd() & 1 ? ff.src : (uint32_t)rnd());
	icmp_send(c, len);
	count_delivered();
	count(in, 1);
	return 1;
}

/* -- Fragments: UDP datagrams to the stack, each with its own id -- */

/*
 * Sends a fragment of datagram `id` with a header of hlen bytes: data
 * [off, off + len), MF or not.
 */
static void
frag_h(uint16_t id, unsigned off, unsigned len, bool mf, const uint8_t *data,
    unsigned hlen)
{
	uint8_t *p = eth(lldst(), ETHERTYPE_IP);

	good_options(p + IP_HDR, hlen - IP_HDR);
	ff.ipid = id;
	ip4(p, hlen, hlen + len, (mf ? IP_MF : 0) | off / 8, IPPROTO_UDP,
	    ff.src, ff.dst);
	if (data != NULL)
		memcpy(p + hlen, data, len);
	else
		rfill(p + hlen, len);
	xmit_pad(ETHER_HDR + hlen + len);
	count_ip();
	count(C_IP_FRAGMENTS, 1);
}

static void
frag(uint16_t id, unsigned off, unsigned len, bool mf, const uint8_t *data)
{
	frag_h(id, off, len, mf, data, IP_HDR);
}

static uint16_t
new_id(void)
{
	return ff.ipid++;
}

/* An 8-byte-aligned length in [lo, hi] (multiples of 8 themselves). */
static unsigned
r8(unsigned lo, unsigned hi)
{
	return rrange(lo / 8, hi / 8) * 8;
}

/*
 * A fragment that cannot be: not the last and not a multiple of 8 bytes
 * long, or empty.  Dropped alone (nothing is held for its datagram).
 */
static int
k_frag_bad(int room)
{
	uint16_t id = new_id();

	(void)room;
	if (rnd() & 1) {
		unsigned len;

		do
			len = rrange(1, 1480);
		while (len % 8 == 0);
		frag(id, r8(0, 8000), len, true, NULL);
	} else if (rnd() & 1)
		frag(id, r8(0, 8000), 0, true, NULL);
	else
		frag(id, r8(8, 8000), 0, false, NULL);
	count(C_IP_FRAGDROPPED, 1);
	count(C_IP_FRAGBAD, 1);
	return 1;
}

/* One fragment reaching beyond 65535 bytes. */
static int
k_frag_toolong(int room)
{
	unsigned len = r8(8, 1480), min = (65535 - IP_HDR - len) / 8 + 1;
	uint16_t id = new_id();

	(void)room;
	frag(id, rrange(min, 8191) * 8, len, rnd() & 1, NULL);
	count(C_IP_FRAGDROPPED, 1);
	count(C_IP_FRAGBAD, 1);
	count(C_IP_TOOLONG, 1);
	return 1;
}

/*
 * The ping of death: a first fragment, then one whose end lies beyond
 * 65535 bytes, which drops both.
 */
static int
k_frag_pod(int room)
{
	unsigned len = r8(8, 1480), len2 = r8(8, 1480);
	unsigned min = (65535 - IP_HDR - len2) / 8 + 1;
	uint16_t id = new_id();

	if (room < 2)
		return 0;
	frag(id, 0, len, true, NULL);
	frag(id, rrange(min, 8191) * 8, len2, rnd() & 1, NULL);
	count(C_IP_FRAGDROPPED, 2);
	count(C_IP_FRAGBAD, 2);
	count(C_IP_TOOLONG, 1);
	return 2;
}

/*
 * A second fragment that overlaps the first (from either side, inside
 * it or around it) but is not the same range: both go (RFC 5722's rule).
 */
static void
overlapping(unsigned *off, unsigned *len, unsigned aoff, unsigned alen)
{
	unsigned end;

	do {
		*off = r8(aoff >= 1472 ? aoff - 1472 : 0, aoff + alen - 8);
		end = r8(*off > aoff ? *off + 8 : aoff + 8, *off + 1480);
		*len = end - *off;
	} while (*off == aoff && *len == alen);
}

static int
k_frag_overlap(int room)
{
	unsigned aoff = r8(0, 4000), alen = r8(8, 1480), boff, blen;
	uint16_t id = new_id();

	if (room < 2)
		return 0;
	overlapping(&boff, &blen, aoff, alen);
	frag(id, aoff, alen, true, NULL);
	frag(id, boff, blen, true, NULL);
	count(C_IP_FRAGDROPPED, 2);
	count(C_IP_FRAGOVERLAP, 2);
	return 2;
}

/*
 * A fragment, its exact duplicate (dropped alone), then an overlapping
 * one (which drops the first with it).
 */
static int
k_frag_dup_overlap(int room)
{
	static uint8_t data[1480];
	unsigned aoff = r8(0, 4000), alen = r8(8, 1480), boff, blen;
	uint16_t id = new_id();

	if (room < 3)
		return 0;
	rfill(data, alen);
	overlapping(&boff, &blen, aoff, alen);
	frag(id, aoff, alen, true, data);
	frag(id, aoff, alen, true, data);
	frag(id, boff, blen, true, NULL);
	count(C_IP_FRAGDROPPED, 3);
	count(C_IP_FRAGDUP, 1);
	count(C_IP_FRAGOVERLAP, 2);
	return 3;
}

/*
 * Fragments that disagree on the datagram's length: one beyond the end a
 * last fragment set, a last fragment ending before data already held, or
 * two last fragments with different ends.  Both go.
 */
static int
k_frag_badend(int room)
{
	unsigned aoff, alen, boff, blen, end;
	uint16_t id = new_id();

	if (room < 2)
		return 0;
	switch (rrange(0, 2)) {
	case 0:
		/* A last fragment sets the end; B reaches beyond it. */
		aoff = r8(8, 4000);
		alen = rrange(1, 1480);
		end = aoff + alen;
		boff = r8(end > 1472 ? end - 1472 : 0, end + 800);
		blen = r8(boff + 8 > end ? 8 : (end - boff + 8) / 8 * 8, 1480);
		frag(id, aoff, alen, false, NULL);
		frag(id, boff, blen, true, NULL);
		break;
	case 1:
		/* A reaches to end; a last fragment B ends before it. */
		aoff = r8(0, 4000);
		alen = r8(16, 1480);
		end = aoff + alen;
		boff = r8(8, end - 8);
		blen = rrange(1, end - boff - 1 < 1480 ? end - boff - 1 : 1480);
		frag(id, aoff, alen, true, NULL);
		frag(id, boff, blen, false, NULL);
		break;
	default:
		/* Two last fragments, two ends. */
		aoff = r8(8, 4000);
		alen = rrange(1, 1480);
		do {
			boff = r8(8, 4000);
			blen = rrange(1, 1480);
		} while (boff + blen == aoff + alen);
		frag(id, aoff, alen, false, NULL);
		frag(id, boff, blen, false, NULL);
		break;
	}
	count(C_IP_FRAGDROPPED, 2);
	count(C_IP_FRAGBAD, 2);
	return 2;
}

/*
 * A UDP datagram in 2 to 4 fragments, sent in any order, some with
 * options, whose checksum is wrong: reassembled, delivered, then dropped
 * by UDP.
 */
static int
k_frag_udp_badsum(int room)
{
	static uint8_t dgram[3000];
	unsigned n = rrange(2, 4), ulen, cut[5], order[4];
	uint16_t id;

	if ((unsigned)room < n)
		n = (unsigned)room;
	if (n < 2)
		return 0;
	id = new_id();
	ulen = rrange(8 * n, n * FRAG_DATA < sizeof(dgram) ? n * FRAG_DATA :
	    (unsigned)sizeof(dgram));
	rfill(dgram, ulen);
	put16(dgram + 4, ulen);
	put16(dgram + 6, 0);
	put16(dgram + 6, badsum_udp(udp_sum(dgram, ulen)));
	/* Cuts at distinct multiples of 8, no piece above FRAG_DATA. */
	cut[0] = 0;
	cut[n] = ulen;
	for (;;) {
		bool ok = true;

		for (unsigned i = 1; i < n; i++)
			cut[i] = r8(8, ulen - 1);
		for (unsigned i = 1; i < n; i++)	/* sort */
			for (unsigned j = i; j > 1 && cut[j - 1] > cut[j]; j--) {
				unsigned t = cut[j];

				cut[j] = cut[j - 1];
				cut[j - 1] = t;
			}
		for (unsigned i = 0; i < n; i++)
			if (cut[i + 1] <= cut[i] ||
			    cut[i + 1] - cut[i] > FRAG_DATA)
				ok = false;
		if (ok)
			break;
	}
	for (unsigned i = 0; i < n; i++)
		order[i] = i;
	for (unsigned i = n - 1; i > 0; i--) {
		unsigned j = rrange(0, i), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned k = order[i];

		frag_h(id, cut[k], cut[k + 1] - cut[k], k + 1 < n,
		    dgram + cut[k], rnd() % 4 == 0 ? rrange(6, 15) * 4 : IP_HDR);
	}
	count(C_IP_REASSEMBLED, 1);
	count(C_IP_DELIVERED, 1);
	count(C_UDP_IPACKETS, 1);
	count(C_UDP_BADSUM, 1);
	return (int)n;
}

/*
 * A datagram whose fragments each fit in 65535 bytes, but whose first
 * fragment's options make the whole longer: it goes when complete.  46
 * frames in any order; sent once in FRAG_OPTLONG_EVERY turns.
 */
#define FRAG_OPTLONG_EVERY	20
static int
k_frag_optlong(int room)
{
	static unsigned order[64];
	unsigned hlen = rrange(6, 15) * 4, dlen, n;
	uint16_t id;

	dlen = rrange(65536 - hlen, 65535 - IP_HDR);
	n = (dlen + FRAG_DATA - 1) / FRAG_DATA;
	if ((unsigned)room < n)
		return 0;
	id = new_id();
	for (unsigned i = 0; i < n; i++)
		order[i] = i;
	for (unsigned i = n - 1; i > 0; i--) {
		unsigned j = rrange(0, i), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned k = order[i], off = k * FRAG_DATA;

		frag_h(id, off, k + 1 < n ? FRAG_DATA : dlen - off, k + 1 < n, NULL,
		    k == 0 ? hlen : IP_HDR);
	}
	count(C_IP_FRAGDROPPED, n);
	count(C_IP_FRAGBAD, n);
	count(C_IP_TOOLONG, 1);
	return (int)n;
}

#define KIND(name) { #name, k_##name, 1, 0, NULL, 0, { 0 } }
#define KIND_EVERY(name, every) { #name, k_##name, every, 0, NULL, 0, { 0 } }
static struct kind kinds[] = {
	KIND(eth_runt),
	KIND(eth_notforus),
	KIND(eth_llc),
	KIND(eth_unknown),
	KIND(eth_oversize),
	KIND(arp_short),
	KIND(arp_badhrd),
	KIND(arp_badpro),
	KIND(arp_badlen),
	KIND(arp_badop),
	KIND(arp_badsha),
	KIND(arp_loop),
	KIND(arp_badspa),
	KIND(arp_dupaddr),
	KIND(ip_toosmall),
	KIND(ip_badvers),
	KIND(ip_badhlen),
	KIND(ip_badsum),
	KIND(ip_badlen),
	KIND(ip_badaddr),
	KIND(ip_badoptions),
	KIND(ip_notmember),
	KIND(ip_cantforward),
	KIND(udp_short),
	KIND(udp_badlen),
	KIND(udp_badsum),
	KIND(icmp_short),
	KIND(icmp_badsum),
	KIND(icmp_badquote),
	KIND(icmp_badcode),
	KIND(icmp_badtype),
	KIND(icmp_stray_error),
	KIND(frag_bad),
	KIND(frag_toolong),
	KIND(frag_pod),
	KIND(frag_overlap),
	KIND(frag_dup_overlap),
	KIND(frag_badend),
	KIND(frag_udp_badsum),
	KIND_EVERY(frag_optlong, FRAG_OPTLONG_EVERY),
};
#define NKINDS	(sizeof(kinds) / sizeof(kinds[0]))

/* ---- setting up -------------------------------------------------------- */

static unsigned long long
number(const char *s, unsigned long long min, unsigned long long max)
{
	unsigned long long v;
	char *end;

	if (*s == '\0' || *s == '-')
		usage();
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

static void
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
	    &b[4], &b[5], &tail) != 6)
		usage();
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	if (mac[0] & 1)
		fail("%s is not a unicast MAC", s);
}

static int
openstat(const char *name)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s",
	    ff.ifname, name);
	if ((fd = open(path, O_RDONLY)) < 0)
		fail("%s: %s", path, strerror(errno));
	return fd;
}

static void
open_if(void)
{
	struct sockaddr_ll sll;
	struct ifreq ifr;
	int one = 1;

	ff.fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (ff.fd < 0)
		fail("AF_PACKET socket: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ff.ifname);
	if (ioctl(ff.fd, SIOCGIFINDEX, &ifr) != 0)
		fail("%s: %s", ff.ifname, strerror(errno));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifr.ifr_ifindex;
	sll.sll_protocol = 0;		/* send only */
	if (bind(ff.fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		fail("bind to %s: %s", ff.ifname, strerror(errno));
	if (setsockopt(ff.fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
	    sizeof(one)) != 0)
		fail("PACKET_QDISC_BYPASS: %s", strerror(errno));
	if (ioctl(ff.fd, SIOCGIFHWADDR, &ifr) != 0)
		fail("%s: SIOCGIFHWADDR: %s", ff.ifname, strerror(errno));
	memcpy(ff.smac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(ff.fd, SIOCGIFMTU, &ifr) != 0)
		fail("%s: SIOCGIFMTU: %s", ff.ifname, strerror(errno));
	ff.mtu = ifr.ifr_mtu;
	ff.txfd = openstat("tx_packets");
	ff.dropfd = openstat("tx_dropped");
}

/* ---- the report -------------------------------------------------------- */

static void
print_name(const char *name)
{
	if (strncmp(name, "IF.", 3) == 0)
		printf("%s.%s", ff.rumpif, name + 3);
	else
		printf("%s", name);
}

static void
report(bool expect)
{
	printf("%-18s %7s  %s\n", "kind", "frames", "counters");
	for (size_t k = 0; k < NKINDS; k++) {
		struct kind *kd = &kinds[k];

		printf("%-18s %7lu ", kd->name, kd->frames);
		if (kd->skipped != NULL) {
			printf(" skipped: %s\n", kd->skipped);
			continue;
		}
		for (int c = 0; c < NCOUNTERS; c++) {
			if (kd->moved[c] == 0)
				continue;
			putchar(' ');
			print_name(counter_name[c]);
			printf("=%llu", kd->moved[c]);
		}
		putchar('\n');
	}
	if (!expect)
		return;
	for (int c = 0; c < NCOUNTERS; c++) {
		printf("expect ");
		print_name(counter_name[c]);
		printf(" %llu\n", ff.expect[c]);
	}
}

int
main(int argc, char **argv)
{
	unsigned long count_want;
	unsigned long long drops;
	bool expect = false;
	size_t k = 0, misses = 0;
	int c;

	ff.rumpif = "virt0";
	ff.window = 128;
	while ((c = getopt(argc, argv, "ei:w:")) != -1) {
		switch (c) {
		case 'e':
			expect = true;
			break;
		case 'i':
			if (*optarg == '\0' || strlen(optarg) >= IFNAMSIZ)
				usage();
			ff.rumpif = optarg;
			break;
		case 'w':
			ff.window = (unsigned long)number(optarg, 1, 400);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 6)
		usage();
	ff.ifname = argv[optind];
	if (*ff.ifname == '\0' || strlen(ff.ifname) >= IFNAMSIZ ||
	    strchr(ff.ifname, '/') != NULL)
		usage();
	parse_mac(argv[optind + 1], ff.dmac);
	if (inet_pton(AF_INET, argv[optind + 2], &ff.src) != 1 ||
	    inet_pton(AF_INET, argv[optind + 3], &ff.dst) != 1)
		usage();
	count_want = (unsigned long)number(argv[optind + 4], 1, 10000000);
	ff.rng = number(argv[optind + 5], 0, ULLONG_MAX);
	ff.ipid = (uint16_t)rnd();

	open_if();
	ff.tx0 = readstat(ff.txfd, "tx_packets");
	ff.drop0 = readstat(ff.dropfd, "tx_dropped");

	while (ff.sent < count_want) {
		struct kind *kd = &kinds[k];
		int n;

		k = (k + 1) % NKINDS;
		if (kd->turn++ % kd->every != 0)
			continue;
		if (kd->skipped != NULL) {
			if (++misses > NKINDS)
				fail("every kind was skipped");
			continue;
		}
		ff.cur = kd;
		n = kd->send((int)(count_want - ff.sent));
		if (n <= 0) {
			if (++misses > NKINDS)
				fail("no kind fits");
			continue;
		}
		misses = 0;
		kd->frames += (unsigned long)n;
	}

	/* Every frame read by the stack, none dropped by the tap. */
	wait_unread(0);
	drops = readstat(ff.dropfd, "tx_dropped") - ff.drop0;
	printf(PROG ": %lu frames to %s (%s), seed %s: %llu read from the "
	    "tap, %llu dropped by it\n", ff.sent, ff.ifname, argv[optind + 1],
	    argv[optind + 5], ff.txseen, drops);
	report(expect);
	if (drops != 0) {
		printf(PROG ": the tap dropped frames: the counts above are "
		    "void\n");
		return 1;
	}
	return 0;
}
