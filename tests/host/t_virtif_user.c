/*
 * The host half of virtif on a real tap device, inside a network namespace
 * this test creates and always deletes (group teardown, atexit, and the
 * watchdog).  Linux's own stack on the host side of the tap is the peer:
 * it answers ARP and pings out through the tap.  Only 198.18.0.0/15
 * addresses are used, and no frame leaves the namespace.
 *
 * Needs root and /dev/net/tun; without them every test is skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "threadstate.h"
#include "virtif/virtif_user.h"

#define TAP0		"rvtap0"	/* up, host side 198.18.0.1/24 */
#define TAP1		"rvtap1"	/* left down */
#define TAP2		"rvtap2"
#define TAP3		"rvtap3"
#define TAP4		"rvtap4"
#define TAP5		"rvtap5"	/* offloads, host side 198.18.5.1/24 */
#define NBUF		16
#define BUFLEN		2048
#define WATCHDOG_SEC	20

static char ns_name[64];
static bool ns_made;
static const char *skip_reason;
static struct virtif_user *tap0;

static const uint8_t host_ip[4] = { 198, 18, 0, 1 };
static const uint8_t peer_ip[4] = { 198, 18, 0, 2 };	/* made up */
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

#define NEED_NETNS() do {						\
	if (skip_reason != NULL) {					\
		print_message("skipped: %s\n", skip_reason);		\
		skip();							\
	}								\
	alarm(WATCHDOG_SEC);						\
} while (0)

/* Runs a command (argv NULL-terminated) with stdout silenced; its exit status. */
static int
run(const char *arg0, ...)
{
	const char *argv[32];
	va_list ap;
	int n = 0, status;
	pid_t pid;

	argv[n++] = arg0;
	va_start(ap, arg0);
	while (n < 31 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;

	pid = fork();
	if (pid == -1)
		return -1;
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		if (devnull != -1)
			dup2(devnull, STDOUT_FILENO);
		execvp(arg0, (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
delete_netns(void)
{
	if (!ns_made)
		return;
	ns_made = false;
	run("ip", "netns", "del", ns_name, NULL);
}

/* A test that hangs in a receive is failed, and the namespace still goes. */
static void
watchdog(int sig)
{
	static const char msg[] = "t_virtif_user: watchdog expired, a test hung\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	delete_netns();
	_exit(1);
}

static int
setup(void **state)
{
	struct stat before, after;
	char path[128];
	int fd;

	(void)state;
	if (geteuid() != 0) {
		skip_reason = "needs root and /dev/net/tun (not root)";
		return 0;
	}
	if (access("/dev/net/tun", F_OK) != 0) {
		skip_reason = "needs root and /dev/net/tun (no /dev/net/tun)";
		return 0;
	}
	if (run("ip", "-V", NULL) != 0) {
		skip_reason = "needs ip(8) from iproute2";
		return 0;
	}
	signal(SIGALRM, watchdog);
	alarm(WATCHDOG_SEC);
	atexit(delete_netns);
	snprintf(ns_name, sizeof(ns_name), "rumptest-virtif-%d", (int)getpid());
	if (run("ip", "netns", "add", ns_name, NULL) != 0) {
		print_error("cannot create network namespace %s\n", ns_name);
		return -1;
	}
	ns_made = true;

	/*
	 * Everything from here on (threads, forked commands, the taps) lives
	 * in the namespace; make sure the switch happened.
	 */
	snprintf(path, sizeof(path), "/var/run/netns/%s", ns_name);
	if (stat("/proc/thread-self/ns/net", &before) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (setns(fd, CLONE_NEWNET) == -1) {
		print_error("setns %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (stat("/proc/thread-self/ns/net", &after) == -1 ||
	    after.st_ino == before.st_ino)
		return -1;

	/* No IPv6 chatter on the taps: the tests expect ARP and IPv4 only. */
	run("ip", "netns", "exec", ns_name, "sysctl", "-q", "-w",
	    "net.ipv6.conf.default.disable_ipv6=1", NULL);

	if (virtif_user_open(TAP0, 0, 0, &tap0) != 0)
		return -1;
	if (run("ip", "-n", ns_name, "link", "set", TAP0, "up", NULL) != 0 ||
	    run("ip", "-n", ns_name, "addr", "add", "198.18.0.1/24", "dev", TAP0,
	    NULL) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	alarm(0);
	if (tap0 != NULL) {
		virtif_user_close(tap0);
		tap0 = NULL;
	}
	delete_netns();
	return 0;
}

/* ---- frames --------------------------------------------------------------- */

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* An ARP request "who has tpa, tell spa" from sha, split in header and body. */
struct arpframe {
	uint8_t eh[14];
	uint8_t arp[28];
};

static void
make_arp_request(struct arpframe *f, const uint8_t sha[6], const uint8_t spa[4],
    const uint8_t tpa[4])
{
	static const uint8_t body[8] = { 0, 1, 0x08, 0, 6, 4, 0, 1 };

	memset(f->eh, 0xff, 6);
	memcpy(f->eh + 6, sha, 6);
	f->eh[12] = 0x08;
	f->eh[13] = 0x06;
	memcpy(f->arp, body, 8);
	memcpy(f->arp + 8, sha, 6);
	memcpy(f->arp + 14, spa, 4);
	memset(f->arp + 18, 0, 6);
	memcpy(f->arp + 24, tpa, 4);
}

/* Whether f is an ARP reply from the host, telling pa it is host_ip. */
static bool
is_arp_reply(const uint8_t *f, size_t len, const uint8_t ha[6],
    const uint8_t pa[4])
{
	if (len < 42 || memcmp(f, ha, 6) != 0 || get16(f + 12) != 0x0806)
		return false;
	return get16(f + 14 + 6) == 2 && memcmp(f + 14 + 14, host_ip, 4) == 0 &&
	    memcmp(f + 14 + 18, ha, 6) == 0 && memcmp(f + 14 + 24, pa, 4) == 0;
}

/* Whether f is an ICMP echo request to peer_ip. */
static bool
is_ping_to_peer(const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + 14;
	size_t hl;

	if (len < 14 + 20 || get16(f + 12) != 0x0800)
		return false;
	hl = (size_t)(ip[0] & 0x0f) * 4;
	if (ip[9] != 1 || hl < 20 || len < 14 + hl + 8)
		return false;
	return memcmp(ip + 16, peer_ip, 4) == 0 && ip[hl] == 8;
}

struct rxbufs {
	struct virtif_user_frame f[NBUF];
	uint8_t buf[NBUF][BUFLEN];
};

static void
rxbufs_init(struct rxbufs *rx, size_t buflen)
{
	memset(rx->f, 0, sizeof(rx->f));
	for (int i = 0; i < NBUF; i++) {
		rx->f[i].vf_buf = rx->buf[i];
		rx->f[i].vf_buflen = buflen;
		rx->f[i].vf_len = 0;
		rx->f[i].vf_truncated = -1;
	}
}

/*
 * Receives until an ARP reply to each (ha[i], pa[i]) was seen; the watchdog
 * bounds the wait.
 */
static void
wait_arp_replies(struct virtif_user *vu, int nwant, const uint8_t (*ha)[6],
    const uint8_t (*pa)[4])
{
	static struct rxbufs rx;
	bool seen[4] = { false };
	int nseen = 0;
	size_t n;

	assert_true(nwant <= 4);
	rxbufs_init(&rx, BUFLEN);
	while (nseen < nwant) {
		assert_int_equal(virtif_user_recv(vu, rx.f, NBUF, &n), 0);
		assert_true(n >= 1 && n <= NBUF);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(rx.f[i].vf_truncated, 0);
			for (int w = 0; w < nwant; w++) {
				if (!seen[w] && is_arp_reply(rx.buf[i],
				    rx.f[i].vf_len, ha[w], pa[w])) {
					seen[w] = true;
					nseen++;
				}
			}
		}
	}
}

/* ---- tests ---------------------------------------------------------------- */

static void
open_reports_name_and_creation(void **state)
{
	(void)state;
	NEED_NETNS();
	assert_string_equal(virtif_user_name(tap0), TAP0);
	assert_int_equal(virtif_user_created(tap0), 1);
	assert_true(if_nametoindex(TAP0) != 0);
}

static void
arp_request_gets_reply(void **state)
{
	struct arpframe req;
	struct virtif_user_seg segs[2];

	(void)state;
	NEED_NETNS();
	make_arp_request(&req, peer_mac, peer_ip, host_ip);
	/* Gathered from two pieces, as the kernel's mbuf chains are. */
	segs[0] = (struct virtif_user_seg){ req.eh, sizeof(req.eh) };
	segs[1] = (struct virtif_user_seg){ req.arp, sizeof(req.arp) };
	assert_int_equal(virtif_user_send(tap0, segs, 2), 0);
	wait_arp_replies(tap0, 1, &peer_mac, &peer_ip);
}

static void
recv_drains_a_batch(void **state)
{
	static struct rxbufs rx;
	size_t n, pings = 0;

	(void)state;
	NEED_NETNS();
	/* The host sends to the made-up peer without asking ARP first. */
	assert_int_equal(run("ip", "-n", ns_name, "neigh", "replace", "198.18.0.2",
	    "lladdr", "02:00:00:00:00:02", "dev", TAP0, "nud", "permanent", NULL), 0);
	/* Three echo requests queue in the tap; nobody answers (exit 1). */
	assert_int_equal(run("ip", "netns", "exec", ns_name, "ping", "-q", "-c", "3",
	    "-i", "0.01", "-W", "1", "198.18.0.2", NULL), 1);

	rxbufs_init(&rx, BUFLEN);
	assert_int_equal(virtif_user_recv(tap0, rx.f, NBUF, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (is_ping_to_peer(rx.buf[i], rx.f[i].vf_len))
			pings++;
	print_message("one receive returned %zu frames, %zu of them pings\n",
	    n, pings);
	assert_int_equal(pings, 3);
	assert_true(n > 1);
}

static void
send_refuses_a_runt_an_empty_frame_and_too_many_segments(void **state)
{
	static const uint8_t mac3[6] = { 0x02, 0, 0, 0, 0, 0x03 };
	static const uint8_t ip3[4] = { 198, 18, 0, 3 };
	static const uint8_t runt[5] = { 1, 2, 3, 4, 5 };
	struct arpframe req;
	struct virtif_user_seg seg = { &req, sizeof(req) };
	struct virtif_user_seg sr = { runt, sizeof(runt) };

	(void)state;
	NEED_NETNS();
	make_arp_request(&req, mac3, ip3, host_ip);
	assert_int_equal(virtif_user_send(tap0, &sr, 1), EINVAL);
	assert_int_equal(virtif_user_send(tap0, NULL, 0), EINVAL);
	assert_int_equal(virtif_user_send(tap0, &seg, VIRTIF_USER_MAXSEGS + 1),
	    EINVAL);
	assert_int_equal(virtif_user_send(tap0, &seg, -1), EINVAL);
	/* The tap still takes a good one. */
	assert_int_equal(virtif_user_send(tap0, &seg, 1), 0);
	wait_arp_replies(tap0, 1, &mac3, &ip3);
}

static void
truncated_frame_is_flagged(void **state)
{
	static const uint8_t mac5[6] = { 0x02, 0, 0, 0, 0, 0x05 };
	static const uint8_t ip5[4] = { 198, 18, 0, 5 };
	static struct rxbufs rx;
	struct arpframe req;
	struct virtif_user_seg seg = { &req, sizeof(req) };
	size_t n;

	(void)state;
	NEED_NETNS();
	make_arp_request(&req, mac5, ip5, host_ip);
	assert_int_equal(virtif_user_send(tap0, &seg, 1), 0);
	/* The 42-byte reply does not fit in 20 bytes. */
	rxbufs_init(&rx, 20);
	for (;;) {
		assert_int_equal(virtif_user_recv(tap0, rx.f, NBUF, &n), 0);
		for (size_t i = 0; i < n; i++) {
			if (memcmp(rx.buf[i], mac5, 6) != 0)
				continue;
			assert_int_equal(rx.f[i].vf_truncated, 1);
			assert_int_equal(rx.f[i].vf_len, 20);
			assert_int_equal(get16(rx.buf[i] + 12), 0x0806);
			return;
		}
	}
}

static void
send_on_down_tap_is_eio(void **state)
{
	struct virtif_user *vu;
	struct arpframe req;
	struct virtif_user_seg seg = { &req, sizeof(req) };

	(void)state;
	NEED_NETNS();
	assert_int_equal(virtif_user_open(TAP1, 0, 0, &vu), 0);
	make_arp_request(&req, peer_mac, peer_ip, host_ip);
	assert_int_equal(virtif_user_send(vu, &seg, 1), EIO);
	virtif_user_close(vu);
}

/*
 * With offloads, a header goes before every frame both ways, and a frame
 * is received across the buffers it continues into.
 */
static void
a_tap_with_offloads_passes_a_header_with_each_frame(void **state)
{
	static const uint8_t ip5[4] = { 198, 18, 5, 1 };
	static uint8_t hdr[VIRTIF_USER_VNETLEN], rxhdr[VIRTIF_USER_VNETLEN];
	static uint8_t head[20], rest[2][1024];
	struct virtif_user_seg more[2] = {
		{ rest[0], sizeof(rest[0]) }, { rest[1], sizeof(rest[1]) },
	};
	struct virtif_user_frame f;
	struct virtif_user_seg segs[3];
	struct virtif_user *vu;
	struct arpframe req;
	uint8_t frame[sizeof(head) + sizeof(rest[0])];
	size_t n;
	bool replied = false;

	(void)state;
	NEED_NETNS();
	assert_int_equal(virtif_user_open(TAP5, 0, VIRTIF_USER_OFFLOAD, &vu), 0);
	assert_int_equal(run("ip", "-n", ns_name, "link", "set", TAP5, "up",
	    NULL), 0);
	assert_int_equal(run("ip", "-n", ns_name, "addr", "add",
	    "198.18.5.1/24", "dev", TAP5, NULL), 0);
	make_arp_request(&req, peer_mac, peer_ip, ip5);
	segs[0] = (struct virtif_user_seg){ hdr, sizeof(hdr) };
	segs[1] = (struct virtif_user_seg){ req.eh, sizeof(req.eh) };
	segs[2] = (struct virtif_user_seg){ req.arp, sizeof(req.arp) };
	assert_int_equal(virtif_user_send(vu, segs, 3), 0);
	while (!replied) {
		memset(&f, 0, sizeof(f));
		memset(rxhdr, 0xee, sizeof(rxhdr));
		f.vf_buf = head;
		f.vf_buflen = sizeof(head);
		f.vf_more = more;
		f.vf_nmore = 2;
		f.vf_vnet = rxhdr;
		assert_int_equal(virtif_user_recv(vu, &f, 1, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(f.vf_truncated, 0);
		/* A plain frame: no offload asked of us. */
		assert_int_equal(rxhdr[0], 0);
		assert_int_equal(rxhdr[1], 0);
		memcpy(frame, head, sizeof(head));
		memcpy(frame + sizeof(head), rest[0], sizeof(rest[0]));
		replied = f.vf_len >= 42 && memcmp(frame, peer_mac, 6) == 0 &&
		    get16(frame + 12) == 0x0806 && get16(frame + 20) == 2 &&
		    memcmp(frame + 28, ip5, 4) == 0;
	}
	virtif_user_close(vu);
}

struct receiver {
	pid_t tid;
	struct virtif_user *vu;
	atomic_int result;		/* -1 while blocked */
};

static void *
receive_one(void *arg)
{
	struct receiver *r = arg;
	static struct rxbufs rx;
	size_t n;

	__atomic_store_n(&r->tid, thread_self_id(), __ATOMIC_RELEASE);
	rxbufs_init(&rx, BUFLEN);
	atomic_store(&r->result, virtif_user_recv(r->vu, rx.f, NBUF, &n));
	return NULL;
}

static void
shutdown_wakes_receiver(void **state)
{
	struct virtif_user_frame f = { 0 };
	struct receiver r;
	pthread_t t;
	uint8_t buf[64];
	size_t n;

	(void)state;
	NEED_NETNS();
	/* A tap that is down gets no traffic: the receiver blocks. */
	assert_int_equal(virtif_user_open(TAP1, 0, 0, &r.vu), 0);
	atomic_init(&r.result, -1);
	r.tid = 0;
	assert_int_equal(pthread_create(&t, NULL, receive_one, &r), 0);
	wait_thread_asleep(&r.tid);
	assert_int_equal(atomic_load(&r.result), -1);
	virtif_user_shutdown(r.vu);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(atomic_load(&r.result), ECANCELED);

	/* Shut down is shut down: at once, however often it is asked. */
	virtif_user_shutdown(r.vu);
	f.vf_buf = buf;
	f.vf_buflen = sizeof(buf);
	assert_int_equal(virtif_user_recv(r.vu, &f, 1, &n), ECANCELED);
	assert_int_equal(n, 0);
	virtif_user_close(r.vu);
	/* Created by open, gone with close. */
	assert_int_equal(if_nametoindex(TAP1), 0);
}

static int
host_mtu(const char *name)
{
	struct ifreq ifr;
	int s, mtu = -1;

	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFMTU, &ifr) == 0)
		mtu = ifr.ifr_mtu;
	close(s);
	return mtu;
}

static void
open_variants(void **state)
{
	struct virtif_user *vu, *vu2;
	char buf[64];

	(void)state;
	NEED_NETNS();
	/* A new tap with an MTU; a second open of it finds it busy. */
	assert_int_equal(virtif_user_open(TAP2, 1400, 0, &vu), 0);
	assert_int_equal(virtif_user_created(vu), 1);
	assert_int_equal(host_mtu(TAP2), 1400);
	assert_int_equal(virtif_user_open(TAP2, 0, 0, &vu2), EBUSY);
	virtif_user_close(vu);
	assert_int_equal(if_nametoindex(TAP2), 0);

	/* An existing persistent tap is attached to and left behind. */
	assert_int_equal(run("ip", "-n", ns_name, "tuntap", "add", "dev", TAP3,
	    "mode", "tap", NULL), 0);
	assert_int_equal(virtif_user_open(TAP3, 0, 0, &vu), 0);
	assert_int_equal(virtif_user_created(vu), 0);
	virtif_user_close(vu);
	assert_true(if_nametoindex(TAP3) != 0);
	assert_int_equal(run("ip", "-n", ns_name, "tuntap", "del", "dev", TAP3,
	    "mode", "tap", NULL), 0);

	/* Linux picks a name. */
	assert_int_equal(virtif_user_open(NULL, 0, 0, &vu), 0);
	assert_int_equal(virtif_user_created(vu), 1);
	assert_memory_equal(virtif_user_name(vu), "tap", 3);
	snprintf(buf, sizeof(buf), "%s", virtif_user_name(vu));
	assert_true(if_nametoindex(buf) != 0);
	virtif_user_close(vu);
	assert_int_equal(if_nametoindex(buf), 0);

	/* Too long a name; an interface that is not a tap; a bad MTU; flags. */
	assert_int_equal(virtif_user_open("rvtap0123456789x", 0, 0, &vu), EINVAL);
	assert_int_equal(virtif_user_open(TAP2, 0, 0x100, &vu), EINVAL);
	assert_int_equal(virtif_user_open("lo", 0, 0, &vu), EINVAL);
	assert_int_equal(virtif_user_open(TAP2, 10, 0, &vu), EINVAL);
	assert_int_equal(virtif_user_open(TAP2, -1, 0, &vu), EINVAL);
	assert_int_equal(if_nametoindex(TAP2), 0);
}

/* The lowest descriptor free now. */
static int
lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	close(fd);
	return fd;
}

/*
 * Out of descriptors at each of the three open takes (the tap, the
 * eventfd, the socket that sets the MTU): EMFILE, and nothing left open
 * or created.
 */
static void
open_out_of_descriptors_is_emfile_and_leaves_nothing(void **state)
{
	struct rlimit old, rl;
	struct virtif_user *vu;

	(void)state;
	NEED_NETNS();
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	for (int k = 0; k < 3; k++) {
		int fd = lowest_free_fd(), error;

		rl = old;
		rl.rlim_cur = (rlim_t)(fd + k);
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
		error = virtif_user_open(TAP2, 1400, 0, &vu);
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
		assert_int_equal(error, EMFILE);
		assert_int_equal(lowest_free_fd(), fd);
		assert_int_equal(if_nametoindex(TAP2), 0);
	}
}

static void
recv_refuses_no_slots_and_a_slot_of_too_many_pieces(void **state)
{
	static uint8_t buf[BUFLEN];
	struct virtif_user_seg more[VIRTIF_USER_RXMORE + 1];
	struct virtif_user_frame f = {
		.vf_buf = buf,
		.vf_buflen = sizeof(buf),
		.vf_more = more,
		.vf_nmore = VIRTIF_USER_RXMORE + 1,
	};
	struct virtif_user *vu;
	size_t n = 99;

	(void)state;
	NEED_NETNS();
	memset(more, 0, sizeof(more));
	assert_int_equal(virtif_user_open(TAP2, 0, 0, &vu), 0);
	assert_int_equal(virtif_user_recv(vu, &f, 0, &n), EINVAL);
	assert_int_equal(n, 0);
	assert_int_equal(virtif_user_recv(vu, &f, 1, &n), EINVAL);
	f.vf_nmore = -1;
	assert_int_equal(virtif_user_recv(vu, &f, 1, &n), EINVAL);
	assert_int_equal(n, 0);
	virtif_user_close(vu);
}

/* Runs in a child: what open says without CAP_NET_ADMIN, then as nobody. */
static int
open_unprivileged(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	struct virtif_user *vu;

	if (syscall(SYS_capget, &hdr, data) == -1)
		return 10;
	data[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
	data[CAP_NET_ADMIN / 32].permitted &= ~(1u << (CAP_NET_ADMIN % 32));
	if (syscall(SYS_capset, &hdr, data) == -1)
		return 11;
	/* Creating a tap needs CAP_NET_ADMIN. */
	if (virtif_user_open(TAP4, 0, 0, &vu) != EPERM)
		return 1;
	/* nobody cannot even open /dev/net/tun when it is 0600 (EACCES). */
	if (setresgid(65534, 65534, 65534) == -1 ||
	    setresuid(65534, 65534, 65534) == -1)
		return 12;
	if (virtif_user_open(TAP4, 0, 0, &vu) != EPERM)
		return 2;
	return 0;
}

static void
open_without_permission_is_eperm(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	NEED_NETNS();
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0)
		_exit(open_unprivileged());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(if_nametoindex(TAP4), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_reports_name_and_creation),
		cmocka_unit_test(arp_request_gets_reply),
		cmocka_unit_test(recv_drains_a_batch),
		cmocka_unit_test(send_refuses_a_runt_an_empty_frame_and_too_many_segments),
		cmocka_unit_test(truncated_frame_is_flagged),
		cmocka_unit_test(send_on_down_tap_is_eio),
		cmocka_unit_test(shutdown_wakes_receiver),
		cmocka_unit_test(a_tap_with_offloads_passes_a_header_with_each_frame),
		cmocka_unit_test(open_variants),
		cmocka_unit_test(open_out_of_descriptors_is_emfile_and_leaves_nothing),
		cmocka_unit_test(recv_refuses_no_slots_and_a_slot_of_too_many_pieces),
		cmocka_unit_test(open_without_permission_is_eperm),
	};

	return cmocka_run_group_tests_name("virtif host half", tests, setup,
	    teardown);
}
