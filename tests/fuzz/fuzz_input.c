/*
 * A coverage-guided fuzzer (libFuzzer) of the packet input path: Ethernet,
 * ARP, IPv4 with reassembly and forwarding, ICMP, UDP and raw IP.
 *
 * The kernel boots once (LLVMFuzzerInitialize) with two fake Ethernet
 * interfaces: fz0 (198.18.0.2/24) and fz1 (198.18.1.2/24, a smaller MTU so
 * that forwarding from fz0 must fragment), routes (8.0.0.0/8 through
 * 198.18.1.1 on fz1 with a smaller MTU still, a reject route and a reject
 * host route; nothing else is reachable), three neighbours ARP knows,
 * forwarding on, a UDP socket
 * bound to *:7, one
 * connected from fz1's address (ICMP errors reach it), and raw sockets for
 * ICMP and for protocol 253, so that every delivery path runs (with small
 * receive buffers, so that full ones are reached as well); and at each
 * input's start, TCP connections in several states (fuzz_tcp.c).  Each
 * input is split into records (fuzz_input.h): frames handed to if_input()
 * of either interface, and commands: let time pass, pad the next frame
 * into a large one, send the last one again, read from a connection.
 *
 * Determinism.  The kernel's monotonic clock is the harness's
 * (-Wl,--wrap=rumpuser_clock_gettime): it stands still but for clock
 * commands, which advance it and run every callout then due (ARP's
 * retransmissions and expiries, reassembly timeouts) before the next
 * record, through the callout thread as always.  Timed waits end when the
 * clock passes their deadline, not after host time
 * (-Wl,--wrap=rumpuser_cv_timedwait).  After each input the harness waits
 * for the loopback softint (a packet we send to ourselves), drains the
 * sockets, detaches both interfaces (which purges ARP, reassembly and the
 * routes), lets an hour pass so every timer has run, and attaches them
 * again: every input starts from the same state, and a crash reproduces
 * from its input alone.  Then kernel memory in use must be what it was
 * after the first such reset: a packet left behind shows up there.
 *
 * Oracles beyond the sanitizers and the kernel's assertions: every frame
 * the stack transmits is a valid mbuf chain from the interface's MAC;
 * every IPv4 packet in one has a consistent header (version, lengths,
 * checksum, a fragment within 65535 bytes) and a source that names one
 * host; every ARP packet is well formed and speaks for the interface;
 * what raw sockets read is whole, consistent datagrams.
 *
 * Fault injection (FZ_FAILALLOC) fails one mbuf allocation; the loopback
 * softint may take that failure instead when the frame made us send to
 * ourselves, the one place where a run may differ from the next.
 */
#include "rump/rumpuser.h"
#include "rump/rumpkern_if_pub.h"
#include "rumpkern/kern.h"
#include "rumpkern/rump_private.h"
#include "rumpkern/callout.h"
#include "rumpkern/condvar.h"
#include "rumpkern/endian.h"
#include "rumpkern/ktime.h"
#include "rumpkern/mutex.h"
#include "rumpkern/softint.h"
#include "rumpkern/uio.h"
#include "rumpnet/if.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "net/if_ether.h"
#include "net/route.h"
#include "netinet/in_var.h"
#include "netinet/ip_icmp.h"
#include "netinet/ip_var.h"
#include "fuzz_input.h"
#include "fuzz_harness.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_MAXFRAME	65535
#define FZ_MAXPIECES	64	/* FZ_SPLIT: small mbufs, then clusters */
#define FZ_RESET_MS	(3600 * 1000)	/* beyond every timer of the stack */
#define FZ_BUDGET	(256 * 1024)	/* frame bytes per input, at most */
#define FZ_RCVBUF	8192		/* each socket's receive buffer */

void
fz_fail(const char *what)
{
	panic("fuzz: %s", what);
}

/* ---- the clock ---- */

/* Nanoseconds of the host's monotonic clock as the kernel sees them. */
static uint64_t fz_clock_ns = 1000 * NSEC_PER_SEC;

int __real_rumpuser_clock_gettime(enum rumpuser_clock clk, int64_t *sec,
    long *nsec);
int __wrap_rumpuser_clock_gettime(enum rumpuser_clock clk, int64_t *sec,
    long *nsec);
int __wrap_rumpuser_cv_timedwait(struct rumpuser_cv *cv,
    struct rumpuser_mtx *mtx, int64_t sec, long nsec);

int
__wrap_rumpuser_clock_gettime(enum rumpuser_clock clk, int64_t *sec,
    long *nsec)
{
	uint64_t ns;

	if (clk != RUMPUSER_CLOCK_MONO)
		return __real_rumpuser_clock_gettime(clk, sec, nsec);
	ns = __atomic_load_n(&fz_clock_ns, __ATOMIC_ACQUIRE);
	*sec = (int64_t)(ns / NSEC_PER_SEC);
	*nsec = (long)(ns % NSEC_PER_SEC);
	return 0;
}

/*
 * The condition variables timed waits have used, with their mutexes, so
 * that advancing the clock can wake them.  Few: the callout thread's.
 */
#define FZ_MAXWAITERS	16
static struct {
	struct rumpuser_cv *cv;
	struct rumpuser_mtx *mtx;
} fz_waiters[FZ_MAXWAITERS];
static unsigned fz_nwaiters;
static int fz_waiters_lock;

static void
fz_waiter_note(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	unsigned n = __atomic_load_n(&fz_nwaiters, __ATOMIC_ACQUIRE);

	for (unsigned i = 0; i < n; i++)
		if (fz_waiters[i].cv == cv && fz_waiters[i].mtx == mtx)
			return;
	while (__atomic_exchange_n(&fz_waiters_lock, 1, __ATOMIC_ACQUIRE))
		continue;
	n = fz_nwaiters;
	for (unsigned i = 0; i < n; i++)
		if (fz_waiters[i].cv == cv && fz_waiters[i].mtx == mtx)
			goto out;
	if (n == FZ_MAXWAITERS)
		fz_fail("too many timed waiters");
	fz_waiters[n].cv = cv;
	fz_waiters[n].mtx = mtx;
	__atomic_store_n(&fz_nwaiters, n + 1, __ATOMIC_RELEASE);
out:
	__atomic_store_n(&fz_waiters_lock, 0, __ATOMIC_RELEASE);
}

/*
 * A timed wait on the harness's clock: it ends when woken, or when the
 * clock has passed the deadline (fz_clock_advance wakes it then).  The
 * caller holds mtx, which fz_clock_advance takes to wake it, so no wakeup
 * comes between the check and the wait.  Any wakeup returns: the kernel's
 * waiters check their condition again.
 */
int
__wrap_rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
    int64_t sec, long nsec)
{
	uint64_t deadline = __atomic_load_n(&fz_clock_ns, __ATOMIC_ACQUIRE) +
	    (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;

	fz_waiter_note(cv, mtx);
	if (__atomic_load_n(&fz_clock_ns, __ATOMIC_ACQUIRE) >= deadline)
		return ETIMEDOUT;
	rumpuser_cv_wait(cv, mtx);
	return __atomic_load_n(&fz_clock_ns, __ATOMIC_ACQUIRE) >= deadline ?
	    ETIMEDOUT : 0;
}

/* Moves the clock on and wakes every timed waiter.  Without a CPU. */
static void
fz_clock_advance(uint64_t ns)
{
	unsigned n;

	__atomic_add_fetch(&fz_clock_ns, ns, __ATOMIC_ACQ_REL);
	n = __atomic_load_n(&fz_nwaiters, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < n; i++) {
		rumpuser_mutex_enter(fz_waiters[i].mtx);
		rumpuser_cv_broadcast(fz_waiters[i].cv);
		rumpuser_mutex_exit(fz_waiters[i].mtx);
	}
}

/* ---- waiting for the kernel's threads ---- */

static kmutex_t fz_lock;
static kcondvar_t fz_cv;
static bool fz_done;
static callout_t fz_callout;
static struct softint *fz_softint;

static void
fz_signal(void *arg)
{
	(void)arg;
	mutex_enter(&fz_lock);
	fz_done = true;
	cv_broadcast(&fz_cv);
	mutex_exit(&fz_lock);
}

static void
fz_wait(void)
{
	mutex_enter(&fz_lock);
	while (!fz_done)
		cv_wait(&fz_cv, &fz_lock);
	fz_done = false;
	mutex_exit(&fz_lock);
}

/*
 * Waits until lo0 has delivered what we sent ourselves: softints run
 * highest level first, so this lowest-level one runs when no network
 * softint is pending, including those the loopback's own input caused.
 */
static void
fz_loopback_sync(void)
{
	softint_schedule(fz_softint);
	fz_wait();
}

static uint64_t
fz_lo_sent(void)
{
	uint64_t n;

	NET_LOCK();
	n = lo0ifp->if_stats.opackets;
	NET_UNLOCK();
	return n;
}

/*
 * Lets ms milliseconds pass and runs every callout due by then: ours is
 * due at that very tick and was scheduled last, so it runs after them.
 */
static void
fz_clock_run(unsigned ms)
{
	int ticks = mstohz(ms);
	uint64_t lo = fz_lo_sent();

	if (ticks < 1)
		ticks = 1;
	callout_reset(&fz_callout, ticks, fz_signal, NULL);
	rump_unschedule();
	fz_clock_advance((uint64_t)ticks * NSEC_PER_TICK);
	rump_schedule();
	fz_wait();
	if (fz_lo_sent() != lo)
		fz_loopback_sync();
}

/* ---- the interfaces ---- */

struct fz_if {
	struct ifnet fi_if;
	const char *fi_name;
	uint8_t fi_mac[ETHER_ADDR_LEN];
	struct in_addr fi_addr;
	int fi_mtu;
};

static struct fz_if fz_ifs[2] = {
	{ .fi_name = "fz0", .fi_mac = FZ_MAC0, .fi_mtu = ETHERMTU },
	{ .fi_name = "fz1", .fi_mac = FZ_MAC1, .fi_mtu = FZ_MTU1 },
};

uint16_t
fz_cksum(const uint8_t *p, int len, uint32_t sum)
{
	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len == 1)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static bool
fz_martian_src(uint32_t a)
{
	for (int i = 0; i < 2; i++)
		if ((a | 0xff) == (ntohl(fz_ifs[i].fi_addr.s_addr) | 0xff) &&
		    (a & 0xff) == 0xff)
			return true;
	return a == 0 || (a >> 28) >= 0xe || (a >> 24) == 127;
}

/* An IPv4 packet the stack sends must be well formed. */
static void
fz_check_ip(const uint8_t *ip, int len)
{
	int hlen;

	if (len < (int)sizeof(struct ip))
		fz_fail("sent an IPv4 packet shorter than its header");
	hlen = (ip[0] & 0x0f) << 2;
	if (ip[0] >> 4 != IPVERSION || hlen < (int)sizeof(struct ip) ||
	    hlen > len)
		fz_fail("sent an IPv4 packet with a bad version or IHL");
	if (be16dec(ip + 2) != len)
		fz_fail("sent an IPv4 packet whose ip_len is not its length");
	if (fz_cksum(ip, hlen, 0) != 0)
		fz_fail("sent an IPv4 packet with a wrong header checksum");
	/* RFC 791: a fragment lies within a datagram of 65535 bytes. */
	if (((be16dec(ip + 6) & IP_OFFMASK) << 3) + len > IP_MAXPACKET)
		fz_fail("sent an IPv4 fragment beyond 65535 bytes");
	/*
	 * RFC 1122 3.2.1.3: a source is one host: not 0.0.0.0, a broadcast
	 * (limited, or directed to a subnet of ours), multicast, class E or
	 * loopback.  Neither ours nor forwarded.
	 */
	if (fz_martian_src(be32dec(ip + 12)))
		fz_fail("sent an IPv4 packet from a martian source");
	if (ip[9] == IPPROTO_TCP && (be16dec(ip + 6) & (IP_MF | IP_OFFMASK)) == 0)
		fz_tcp_check_out(ip, hlen, len);
}

/* An ARP packet the stack sends is an Ethernet/IPv4 one of ifp's. */
static void
fz_check_arp(const struct fz_if *fi, const uint8_t *a, int len)
{
	uint32_t spa;

	if (len < 28 || be16dec(a) != 1 || be16dec(a + 2) != ETHERTYPE_IP ||
	    a[4] != ETHER_ADDR_LEN || a[5] != 4 ||
	    (be16dec(a + 6) != 1 && be16dec(a + 6) != 2))
		fz_fail("sent a malformed ARP packet");
	if (memcmp(a + 8, fi->fi_mac, ETHER_ADDR_LEN) != 0)
		fz_fail("sent an ARP packet with another's hardware address");
	spa = be32dec(a + 14);
	if (spa != 0 && spa != ntohl(fi->fi_addr.s_addr))
		fz_fail("sent an ARP packet with another's protocol address");
}

/* Transmit: checks the frame, reads every byte of it, and frees it. */
static int
fz_transmit(struct ifnet *ifp, struct mbuf *m)
{
	static uint8_t buf[FZ_MAXFRAME + ETHER_HDR_LEN];
	int len;

	const struct fz_if *fi = container_of(ifp, struct fz_if, fi_if);

	NET_ASSERT_LOCKED();
	if (!m_check(m))
		fz_fail("sent a bad mbuf chain");
	len = m->m_pkthdr.len;
	if (len < ETHER_HDR_LEN || len > (int)sizeof(buf))
		fz_fail("sent a frame of impossible length");
	m_copydata(m, 0, len, buf);
	if (memcmp(buf + ETHER_ADDR_LEN, fi->fi_mac, ETHER_ADDR_LEN) != 0)
		fz_fail("sent a frame from another's MAC address");
	if (be16dec(buf + 12) == ETHERTYPE_IP)
		fz_check_ip(buf + ETHER_HDR_LEN, len - ETHER_HDR_LEN);
	else if (be16dec(buf + 12) == ETHERTYPE_ARP)
		fz_check_arp(fi, buf + ETHER_HDR_LEN, len - ETHER_HDR_LEN);
	else
		fz_fail("sent a frame of an unknown ethertype");
	m_freem(m);
	return 0;
}

static const struct if_driverops fz_driverops = {
	.ifd_transmit = fz_transmit,
};

/* Adds the route to prefix/plen: through gateway, or a reject one on ifp. */
static void
fz_route(uint32_t prefix, int plen, uint32_t gateway, struct ifnet *ifp,
    int mtu)
{
	struct sockaddr_in dst, gw;
	struct rt_addinfo info;

	sockaddr_in_init(&dst, (struct in_addr){ htonl(prefix) }, 0);
	sockaddr_in_init(&gw, (struct in_addr){ htonl(gateway) }, 0);
	memset(&info, 0, sizeof(info));
	info.dst = (const struct sockaddr *)&dst;
	info.plen = plen;
	if (gateway != 0)
		info.gateway = (const struct sockaddr *)&gw;
	else {
		info.ifp = ifp;
		info.flags = RTF_REJECT;
	}
	info.mtu = mtu;
	NET_LOCK();
	if (rt_add(&info, NULL) != 0)
		fz_fail("adding a route");
	NET_UNLOCK();
}

/* The neighbour addr (mac) asks fi for its MAC, and so becomes known. */
static void
fz_neighbour(struct fz_if *fi, const uint8_t mac[ETHER_ADDR_LEN],
    uint32_t addr)
{
	uint8_t f[ETHER_HDR_LEN + 28];
	uint8_t *a = f + ETHER_HDR_LEN;
	struct mbuf *m;

	memset(f, 0, sizeof(f));
	memcpy(f, etherbroadcastaddr, ETHER_ADDR_LEN);
	memcpy(f + ETHER_ADDR_LEN, mac, ETHER_ADDR_LEN);
	be16enc(f + 12, ETHERTYPE_ARP);
	be16enc(a, 1);
	be16enc(a + 2, ETHERTYPE_IP);
	a[4] = ETHER_ADDR_LEN;
	a[5] = 4;
	be16enc(a + 6, 1);
	memcpy(a + 8, mac, ETHER_ADDR_LEN);
	be32enc(a + 14, addr);
	memcpy(a + 24, &fi->fi_addr, 4);
	if ((m = m_devget(f, sizeof(f), &fi->fi_if)) == NULL)
		fz_fail("m_devget");
	if_input(&fi->fi_if, m);
}

static void
fz_attach(void)
{
	static const uint8_t nmac0[] = FZ_NMAC0, nmac1[] = FZ_NMAC1;

	for (int i = 0; i < 2; i++) {
		struct fz_if *fi = &fz_ifs[i];

		if_init_ifnet(&fi->fi_if, fi->fi_name);
		fi->fi_if.if_drv = &fz_driverops;
		ether_ifattach(&fi->fi_if, fi->fi_mac);
		if (if_attach(&fi->fi_if) != 0)
			fz_fail("if_attach");
		NET_LOCK();
		if (if_setmtu(&fi->fi_if, fi->fi_mtu) != 0 ||
		    in_addr_add(&fi->fi_if, fi->fi_addr, 24) != 0)
			fz_fail("configuring an interface");
		NET_UNLOCK();
	}
	fz_route(FZ_ROUTED, FZ_ROUTED_PLEN, FZ_GATEWAY, NULL, FZ_ROUTED_MTU);
	fz_route(FZ_REJECT, FZ_REJECT_PLEN, 0, &fz_ifs[1].fi_if, 0);
	fz_route(FZ_REJECTHOST, 32, 0, &fz_ifs[1].fi_if, 0);
	fz_neighbour(&fz_ifs[0], nmac0, FZ_HOST0);
	fz_neighbour(&fz_ifs[1], nmac1, FZ_GATEWAY);
	fz_neighbour(&fz_ifs[1], nmac1, FZ_CONNPEER);
}

struct ifnet *
fz_ifp(int i)
{
	return &fz_ifs[i].fi_if;
}

static void
fz_detach(void)
{
	for (int i = 0; i < 2; i++) {
		if_detach(&fz_ifs[i].fi_if);
		ether_ifdetach(&fz_ifs[i].fi_if);
	}
}

/* ---- the sockets ---- */

static struct socket *fz_socks[4];

/*
 * A socket whose receive buffer holds FZ_RCVBUF bytes: a few datagrams
 * fill it, so that the drops of a full socket are reached too.
 */
static struct socket *
fz_socket(int type, int proto, struct in_addr laddr, in_port_t lport)
{
	struct sockaddr_in sin;
	struct sockopt sopt;
	struct socket *so;
	int rcvbuf = FZ_RCVBUF;

	if (socreate(AF_INET, &so, type, proto) != 0)
		fz_fail("socreate");
	memset(&sopt, 0, sizeof(sopt));
	sopt.sopt_dir = SOPT_SET;
	sopt.sopt_level = SOL_SOCKET;
	sopt.sopt_name = SO_RCVBUF;
	sopt.sopt_data = &rcvbuf;
	sopt.sopt_size = sizeof(rcvbuf);
	if (sosetopt(so, &sopt) != 0)
		fz_fail("sosetopt");
	if (lport != 0) {
		sockaddr_in_init(&sin, laddr, htons(lport));
		if (sobind(so, (const struct sockaddr *)&sin, sizeof(sin)) != 0)
			fz_fail("sobind");
	}
	return so;
}

static void
fz_sockets(void)
{
	struct in_addr any = { INADDR_ANY };
	struct sockaddr_in peer;

	fz_socks[0] = fz_socket(SOCK_DGRAM, 0, any, FZ_UDPPORT);
	fz_socks[1] = fz_socket(SOCK_DGRAM, 0, fz_ifs[1].fi_addr, FZ_CONNPORT);
	sockaddr_in_init(&peer, (struct in_addr){ htonl(FZ_CONNPEER) },
	    htons(FZ_PEERPORT));
	if (soconnect(fz_socks[1], (const struct sockaddr *)&peer,
	    sizeof(peer), true) != 0)
		fz_fail("soconnect");
	fz_socks[2] = fz_socket(SOCK_RAW, IPPROTO_ICMP, any, 0);
	fz_socks[3] = fz_socket(SOCK_RAW, FZ_RAWPROTO, any, 0);
}

/*
 * What a raw socket of protocol proto delivers is a whole datagram as it
 * was received or reassembled: a consistent header, no fragment, and for
 * ICMP the checksum input verified (nothing wrote into the copy).
 */
static void
fz_check_raw(const uint8_t *ip, int len, int proto)
{
	int hlen;

	if (len < (int)sizeof(struct ip))
		fz_fail("a raw socket read less than an IPv4 header");
	hlen = (ip[0] & 0x0f) << 2;
	if (ip[0] >> 4 != IPVERSION || hlen < (int)sizeof(struct ip) ||
	    hlen > len || be16dec(ip + 2) != len || ip[9] != proto ||
	    fz_cksum(ip, hlen, 0) != 0)
		fz_fail("a raw socket read a bad IPv4 header");
	if (be16dec(ip + 6) & (IP_MF | IP_OFFMASK))
		fz_fail("a raw socket read a fragment");
	if (proto == IPPROTO_ICMP && fz_cksum(ip + hlen, len - hlen, 0) != 0)
		fz_fail("a raw socket read ICMP with a wrong checksum");
}

/*
 * Reads everything a socket holds, and its pending error; checks what a
 * raw socket (of protocol rawproto, else 0) reads.
 */
static void
fz_drain(struct socket *so, int rawproto)
{
	static uint8_t buf[FZ_MAXFRAME + 1];

	for (int i = 0; i < 100000; i++) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		struct iovec iov = { buf, sizeof(buf) };
		struct uio uio;
		int flags = 0, error;

		if (uio_setup(&uio, &iov, 1, UIO_READ) != 0)
			fz_fail("uio_setup");
		error = soreceive(so, &from, &fromlen, &uio, NULL, &flags, true,
		    NULL);
		if (error == EWOULDBLOCK)
			return;
		if (error == 0 && rawproto != 0)
			fz_check_raw(buf, (int)(sizeof(buf) - uio.uio_resid),
			    rawproto);
	}
	fz_fail("a socket does not run dry");
}

/* ---- the input ---- */

static uint8_t fz_frame[FZ_MAXFRAME];

/* The fix-ups of an IPv4 packet in a frame (see fuzz_input.h). */
static void
fz_fixup(uint8_t *f, int len, int flags)
{
	uint8_t *ip = f + ETHER_HDR_LEN;
	int iplen = len - ETHER_HDR_LEN, hlen, tlen;

	if (len < ETHER_HDR_LEN + (int)sizeof(struct ip) ||
	    be16dec(f + 12) != ETHERTYPE_IP)
		return;
	hlen = (ip[0] & 0x0f) << 2;
	if (hlen < (int)sizeof(struct ip) || hlen > iplen)
		return;
	if (flags & FZ_FIXIPLEN)
		be16enc(ip + 2, (uint16_t)iplen);
	tlen = be16dec(ip + 2);
	if ((flags & FZ_FIXL4SUM) && tlen >= hlen && tlen <= iplen &&
	    (be16dec(ip + 6) & (IP_MF | IP_OFFMASK)) == 0) {
		uint8_t *t = ip + hlen;
		int plen = tlen - hlen;

		if (ip[9] == IPPROTO_ICMP && plen >= ICMP_MINLEN) {
			t[2] = t[3] = 0;
			be16enc(t + 2, fz_cksum(t, plen, 0));
		} else if (ip[9] == IPPROTO_UDP && plen >= 8 &&
		    be16dec(t + 4) >= 8 && be16dec(t + 4) <= plen) {
			int ulen = be16dec(t + 4);
			uint32_t ps = (uint32_t)be16dec(ip + 12) +
			    be16dec(ip + 14) + be16dec(ip + 16) +
			    be16dec(ip + 18) + IPPROTO_UDP + (uint32_t)ulen;
			uint16_t sum;

			t[6] = t[7] = 0;
			sum = fz_cksum(t, ulen, ps);
			be16enc(t + 6, sum == 0 ? 0xffff : sum);
		} else if (ip[9] == IPPROTO_TCP)
			fz_tcp_fixup(ip, hlen, tlen);
	}
	if (flags & FZ_FIXIPSUM) {
		ip[10] = ip[11] = 0;
		be16enc(ip + 10, fz_cksum(ip, hlen, 0));
	}
}

/* The frame as a chain of pieces of piece bytes, then of clusters. */
static struct mbuf *
fz_chain(const uint8_t *f, int len, int piece, struct ifnet *ifp)
{
	struct mbuf *m = m_gethdr(M_WAIT, MT_DATA), *n = m;
	int off = 0;

	m->m_pkthdr.rcvif = ifp;
	m->m_len = 0;
	for (int i = 0; off < len; i++) {
		int room = i < FZ_MAXPIECES ? piece : MCLBYTES;
		int c;

		if (i > 0) {
			struct mbuf *next = i < FZ_MAXPIECES ?
			    m_get(M_WAIT, MT_DATA) :
			    m_getcl(M_WAIT, MT_DATA, 0);

			n->m_next = next;
			n = next;
		}
		c = MIN(room, len - off);
		memcpy(mtod(n, uint8_t *), f + off, (size_t)c);
		n->m_len = c;
		off += c;
	}
	m->m_pkthdr.len = len;
	if (!m_check(m))
		fz_fail("built a bad chain");
	return m;
}

/* Hands the frame in fz_frame over, after its fix-ups. */
static void
fz_inject(int flags, int param, int len)
{
	struct ifnet *ifp = &fz_ifs[flags & FZ_IF1].fi_if;
	struct mbuf *m, *orig = NULL;

	fz_fixup(fz_frame, len, flags);
	fz_tcp_note_in(fz_frame, len);
	if (flags & FZ_SPLIT)
		m = fz_chain(fz_frame, len, MAX(1, MIN(param, MHLEN)), ifp);
	else if ((m = m_devget(fz_frame, len, ifp)) == NULL)
		fz_fail("m_devget");
	if (flags & FZ_SHARED) {
		orig = m;
		if ((m = m_copym(orig, 0, M_COPYALL, M_DONTWAIT)) == NULL)
			fz_fail("m_copym");
	}
	if (flags & FZ_FAILALLOC)
		mb_failnext((unsigned)MAX(param, 1));
	if_input(ifp, m);
	mb_failnext(0);
	m_freem(orig);
}

/* Every input starts here: nothing held, every timer run. */
static void
fz_reset(void)
{
	fz_drain(fz_socks[0], 0);
	fz_drain(fz_socks[1], 0);
	fz_drain(fz_socks[2], IPPROTO_ICMP);
	fz_drain(fz_socks[3], FZ_RAWPROTO);
	fz_detach();
	fz_clock_run(FZ_RESET_MS);
	fz_attach();
}

static uint64_t fz_baseline;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (rump_init() != 0)
		fz_fail("rump_init");
	rump_schedule();
	mutex_init(&fz_lock, MUTEX_DEFAULT);
	cv_init(&fz_cv);
	callout_init(&fz_callout, 0);
	fz_softint = softint_establish(SOFTINT_BIO, fz_signal, NULL);
	fz_ifs[0].fi_addr.s_addr = htonl(FZ_ADDR0);
	fz_ifs[1].fi_addr.s_addr = htonl(FZ_ADDR1);
	ip_forwarding = true;
	fz_attach();
	fz_sockets();
	fz_reset();
	fz_baseline = rump_kmem_inuse();
	rump_unschedule();
	return 0;
}

/* The frame fz_inject sent last, as it came (before its fix-ups). */
static uint8_t fz_last[FZ_MAXFRAME];
static int fz_lastlen = -1, fz_lastflags, fz_lastparam;
/* Frame bytes an input may still hand in: padding and repeats cost too. */
static int fz_budget;

static void
fz_frame_in(int flags, int param, int len)
{
	uint64_t lo = fz_lo_sent();

	if ((fz_budget -= len) < 0)
		return;
	memcpy(fz_last, fz_frame, (size_t)len);
	fz_lastlen = len;
	fz_lastflags = flags;
	fz_lastparam = param;
	fz_inject(flags, param, len);
	if (fz_lo_sent() != lo)
		fz_loopback_sync();
}

/* The previous frame again, n times, with the IPv4 id counting up. */
static void
fz_repeat(int n)
{
	uint8_t *id = fz_last + ETHER_HDR_LEN + 4;
	bool ipv4 = fz_lastlen >= ETHER_HDR_LEN + (int)sizeof(struct ip) &&
	    be16dec(fz_last + 12) == ETHERTYPE_IP;

	if (fz_lastlen < 0)
		return;
	for (int i = 0; i < MIN(n, FZ_MAXREPEAT); i++) {
		if (ipv4)
			be16enc(id, (uint16_t)(be16dec(id) + 1));
		memcpy(fz_frame, fz_last, (size_t)fz_lastlen);
		fz_frame_in(fz_lastflags, fz_lastparam, fz_lastlen);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t inuse;
	int pad = 0;

	rump_schedule();
	fz_lastlen = -1;
	fz_budget = FZ_BUDGET;
	fz_tcp_start();
	while (size >= FZ_HDRLEN) {
		int flags = data[0], param = data[1];
		int len = be16dec(data + 2), take;

		data += FZ_HDRLEN;
		size -= FZ_HDRLEN;
		if (flags & FZ_CMD) {
			switch (flags & FZ_CMD_MASK) {
			case FZ_CMD_CLOCK:
				fz_clock_run((unsigned)len);
				break;
			case FZ_CMD_PAD:
				pad = len;
				break;
			case FZ_CMD_REPEAT:
				fz_repeat(len);
				break;
			case FZ_CMD_READ:
				fz_tcp_read(param % FZ_TCPCONNS, len);
				break;
			}
			continue;
		}
		take = (int)MIN((size_t)len, size);
		memcpy(fz_frame, data, (size_t)take);
		data += take;
		size -= (size_t)take;
		if (pad > take) {
			memset(fz_frame + take, 0, (size_t)(pad - take));
			take = pad;
		}
		pad = 0;
		fz_frame_in(flags, param, take);
	}
	fz_tcp_stop();
	fz_reset();
	inuse = rump_kmem_inuse();
	if (inuse != fz_baseline) {
		rump_kmem_dump();
		panic("fuzz: kernel memory in use went from %llu to %llu bytes",
		    (unsigned long long)fz_baseline, (unsigned long long)inuse);
	}
	rump_unschedule();
	return 0;
}
