/*
 * virtN interfaces (virtif/if_virt.c) through the public interface: the
 * clone parameters ("tap=,mac=,mtu=,busypoll=,offload="), each refusal of
 * a bad one, a tap that cannot be had, and frames from the host side that
 * the receive thread must drop and count.
 *
 * Tests that need a tap run in a network namespace of this process's own
 * (unshare before the kernel boots; the namespace and its taps go when
 * the process does) and are skipped, saying so, without root or
 * /dev/net/tun.  The host side sends with a packet socket bound to the tap.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <net/ethernet.h>
#include <netpacket/packet.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "apitest.h"
#include "threadstate.h"

#include <rump/rump_netconfig.h>

#define VIRT	"virt0"
#define TAP	"covtap0"

static bool have_tap;

#define SKIP_WITHOUT_TAP() do {						\
	if (!have_tap) {						\
		print_message("skipped: needs root and /dev/net/tun\n");\
		skip();							\
	}								\
} while (0)

/* Waits (up to ten seconds) until counter name is at least want. */
static void
wait_counter(const char *name, uint64_t want)
{
	const struct timespec ms = { 0, 1000000 };
	uint64_t v = 0;

	for (int i = 0; i < 10000; i++) {
		assert_int_equal(rump_kstat_get(name, &v), 0);
		if (v >= want)
			return;
		nanosleep(&ms, NULL);
	}
	fail_msg("%s stayed at %llu, below %llu", name, (unsigned long long)v,
	    (unsigned long long)want);
}

static uint64_t
counter(const char *name)
{
	uint64_t v;

	assert_int_equal(rump_kstat_get(name, &v), 0);
	return v;
}

/* Host side: the tap up, with MTU mtu. */
static void
host_tap_up(int mtu)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, TAP);
	ifr.ifr_mtu = mtu;
	assert_int_equal(ioctl(s, SIOCSIFMTU, &ifr), 0);
	assert_int_equal(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	assert_int_equal(ioctl(s, SIOCSIFFLAGS, &ifr), 0);
	close(s);
}

static int
host_tap_mtu(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, TAP);
	assert_int_equal(ioctl(s, SIOCGIFMTU, &ifr), 0);
	close(s);
	return ifr.ifr_mtu;
}

/*
 * Host side: sends a broadcast frame of len bytes (an ethertype nobody
 * speaks, IEEE 802's local experimental one) out of the tap, into virt0.
 */
static void
host_send(int len)
{
	static unsigned char frame[9000];
	struct sockaddr_ll sll;
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	assert_true(len >= 60 && len <= (int)sizeof(frame));
	memset(frame, 0xff, 6);
	memcpy(frame + 6, "\x02\x00\x00\x00\x00\x09", 6);
	frame[12] = 0x88;
	frame[13] = 0xb5;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(TAP);
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	assert_true(sll.sll_ifindex > 0);
	assert_int_equal(sendto(s, frame, (size_t)len, 0,
	    (struct sockaddr *)&sll, sizeof(sll)), len);
	close(s);
}

/* New interfaces of this namespace without IPv6 (if the host has it). */
static void
no_ipv6(void)
{
	FILE *f = fopen("/proc/sys/net/ipv6/conf/default/disable_ipv6", "w");

	if (f != NULL) {
		fputs("1\n", f);
		fclose(f);
	}
}

/* rump side: virt0's MTU and MAC, through the interface ioctls. */
static struct ifreq
virt_ifreq(unsigned long cmd)
{
	struct ifreq ifr;
	int s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(s >= 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, VIRT);
	assert_int_equal(rump_sys_ioctl(s, cmd, &ifr), 0);
	rump_sys_close(s);
	return ifr;
}

static void
bad_parameters_are_refused_and_create_nothing(void **state)
{
	static const char *const bad[] = {
		"tap",					/* no value */
		"tap=",
		"tap=a-name-longer-than-ifnamsiz",
		"mac=02:00:00:00:00",
		"mac=01:00:5e:00:00:01",		/* multicast */
		"mtu=67",
		"mtu=9001",
		"mtu=15x",
		"busypoll=soon",
		"busypoll=10000001",			/* over 10 s */
		"offload=maybe",
		"colour=blue",
		"tap=" TAP ",,mtu=1500",		/* an empty one */
		/* Longer than the 127 bytes a parameter string may have. */
		"tap=" TAP ",mtu=1500,mtu=1500,mtu=1500,mtu=1500,mtu=1500,"
		"mtu=1500,mtu=1500,mtu=1500,mtu=1500,mtu=1500,mtu=1500,"
		"mtu=1500,mtu=1500,mtu=1500",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(rump_netconfig_ifcreate(VIRT, bad[i]), EINVAL);
	assert_int_equal(rump_netconfig_ifdestroy(VIRT), ENXIO);
	assert_int_equal(if_nametoindex(TAP), 0);
}

static void
a_device_that_is_not_a_tap_fails_the_creation(void **state)
{
	(void)state;
	SKIP_WITHOUT_TAP();
	/* lo exists in every namespace and is no tap: TUNSETIFF refuses it. */
	assert_int_equal(rump_netconfig_ifcreate(VIRT, "tap=lo"), EINVAL);
	assert_int_equal(rump_netconfig_ifdestroy(VIRT), ENXIO);
}

static void
mac_and_mtu_parameters_set_the_interface_and_the_tap(void **state)
{
	static const unsigned char mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
	struct ifreq ifr;

	(void)state;
	SKIP_WITHOUT_TAP();
	assert_int_equal(rump_netconfig_ifcreate(VIRT, "tap=" TAP
	    ",mac=02:00:5e:10:00:01,mtu=1400,offload=on"), 0);
	ifr = virt_ifreq(SIOCGIFMTU);
	assert_int_equal(ifr.ifr_mtu, 1400);
	ifr = virt_ifreq(SIOCGIFHWADDR);
	assert_memory_equal(ifr.ifr_hwaddr.sa_data, mac, sizeof(mac));
	assert_int_equal(host_tap_mtu(), 1400);
	assert_int_equal(rump_netconfig_ifdestroy(VIRT), 0);
	/* The tap was ours: it goes with the interface. */
	assert_int_equal(if_nametoindex(TAP), 0);
}

static void
without_parameters_the_tap_is_named_after_the_unit(void **state)
{
	(void)state;
	SKIP_WITHOUT_TAP();
	assert_int_equal(rump_netconfig_ifcreate("virt3", NULL), 0);
	assert_int_not_equal(if_nametoindex("tap3"), 0);
	assert_int_equal(rump_netconfig_ifdestroy("virt3"), 0);
	assert_int_equal(if_nametoindex("tap3"), 0);
}

static void
a_frame_longer_than_the_mtu_is_dropped_as_too_big(void **state)
{
	uint64_t toobig;

	(void)state;
	SKIP_WITHOUT_TAP();
	/* Without offloads the receive buffers hold a frame of the MTU. */
	assert_int_equal(rump_netconfig_ifcreate(VIRT, "tap=" TAP
	    ",offload=off"), 0);
	toobig = counter(VIRT ".drop.toobig");
	host_tap_up(4000);
	host_send(3000);
	wait_counter(VIRT ".drop.toobig", toobig + 1);
	assert_int_equal(counter(VIRT ".ierrors"), toobig + 1);
	assert_int_equal(rump_netconfig_ifdestroy(VIRT), 0);
}

static void
a_receiver_that_busy_polls_takes_frames_as_they_come(void **state)
{
	uint64_t down;

	(void)state;
	SKIP_WITHOUT_TAP();
	/* A jumbo MTU without offloads: buffers of several clusters. */
	assert_int_equal(rump_netconfig_ifcreate(VIRT, "tap=" TAP
	    ",mtu=9000,offload=off,busypoll=200"), 0);
	host_tap_up(9000);
	/* virt0 is down: what arrives is counted there and dropped. */
	down = counter(VIRT ".drop.down");
	host_send(8000);
	wait_counter(VIRT ".drop.down", down + 1);
	host_send(60);
	wait_counter(VIRT ".drop.down", down + 2);
	assert_int_equal(counter(VIRT ".drop.down"), down + 2);
	assert_int_equal(counter(VIRT ".drop.toobig"), 0);
	assert_int_equal(rump_netconfig_ifdestroy(VIRT), 0);
}

/* Threads of this process, kernel threads among them. */
static int
task_count(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/task");
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/*
 * The host deleting the tap under virt0 ends its receive thread (the tap
 * is gone for good); destroying virt0 afterwards still works.
 */
static void
a_tap_the_host_deletes_ends_the_receive_thread(void **state)
{
	const struct timespec ms = { 0, 1000000 };
	int n;

	(void)state;
	SKIP_WITHOUT_TAP();
	assert_int_equal(rump_netconfig_ifcreate(VIRT, "tap=" TAP), 0);
	wait_other_threads_asleep();
	n = task_count();
	assert_int_equal(system("ip link delete " TAP), 0);
	for (int i = 0; i < 10000 && task_count() != n - 1; i++)
		nanosleep(&ms, NULL);
	assert_int_equal(task_count(), n - 1);
	assert_int_equal(rump_netconfig_ifdestroy(VIRT), 0);
}

/* The Internet checksum of len bytes. */
static uint16_t
cksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

#define NFRAG	40			/* more pieces than a frame is sent in */
#define ECHOLEN	(NFRAG * 8)		/* the ICMP message */

/*
 * An echo request in NFRAG fragments of 8 bytes each reassembles into a
 * chain of as many buffers, and the reply is that chain: more pieces
 * than virt0 gathers into one write, so it is copied into one buffer and
 * must reach the host side whole.
 */
static void
a_reply_of_many_pieces_reaches_the_tap_whole(void **state)
{
	static _Alignas(struct icmp) uint8_t echo[ECHOLEN];
	static uint8_t frame[64], reply[2048];
	struct sockaddr_ll sll;
	struct ifreq ifr;
	struct icmp *icp = (struct icmp *)(void *)echo;
	struct timeval tv = { .tv_sec = 10 };
	uint8_t host_mac[6];
	int s, h, len;

	(void)state;
	SKIP_WITHOUT_TAP();
	assert_int_equal(rump_netconfig_ifcreate(VIRT, "tap=" TAP
	    ",offload=off"), 0);
	/* The host side first: virt0 announces its address when it gets it. */
	host_tap_up(1500);
	assert_int_equal(system("ip addr add 198.18.0.1/24 dev " TAP), 0);
	assert_int_equal(rump_netconfig_ipv4_ifaddr(VIRT, "198.18.0.2/24"), 0);
	h = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(h >= 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, TAP);
	assert_int_equal(ioctl(h, SIOCGIFHWADDR, &ifr), 0);
	memcpy(host_mac, ifr.ifr_hwaddr.sa_data, 6);
	close(h);
	ifr = virt_ifreq(SIOCGIFHWADDR);

	/* The host side listens for IPv4 frames from virt0. */
	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_IP));
	assert_true(s >= 0);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = (int)if_nametoindex(TAP);
	assert_int_equal(bind(s, (struct sockaddr *)&sll, sizeof(sll)), 0);
	assert_int_equal(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);

	for (int i = 0; i < ECHOLEN; i++)
		echo[i] = (uint8_t)(i * 7);
	icp->icmp_type = ICMP_ECHO;
	icp->icmp_code = 0;
	icp->icmp_cksum = 0;
	icp->icmp_id = htons(0x4321);
	icp->icmp_seq = htons(1);
	icp->icmp_cksum = cksum(echo, ECHOLEN);
	for (int i = 0; i < NFRAG; i++) {
		struct ip ip;

		memcpy(frame, ifr.ifr_hwaddr.sa_data, 6);
		memcpy(frame + 6, host_mac, 6);
		frame[12] = 0x08;
		frame[13] = 0x00;
		/* Built aligned: in the frame it starts 14 bytes in. */
		memset(&ip, 0, sizeof(ip));
		ip.ip_v = 4;
		ip.ip_hl = 5;
		ip.ip_len = htons(20 + 8);
		ip.ip_id = htons(0x1234);
		ip.ip_off = htons((uint16_t)(i | (i < NFRAG - 1 ? IP_MF : 0)));
		ip.ip_ttl = 64;
		ip.ip_p = IPPROTO_ICMP;
		ip.ip_src.s_addr = inet_addr("198.18.0.1");
		ip.ip_dst.s_addr = inet_addr("198.18.0.2");
		ip.ip_sum = cksum(&ip, 20);
		memcpy(frame + 14, &ip, sizeof(ip));
		memcpy(frame + 34, echo + 8 * i, 8);
		sll.sll_halen = 6;
		memcpy(sll.sll_addr, ifr.ifr_hwaddr.sa_data, 6);
		assert_int_equal(sendto(s, frame, 60, 0, (struct sockaddr *)&sll,
		    sizeof(sll)), 60);
	}
	/* The reply, after virt0 asked the host's address with ARP. */
	for (;;) {
		static uint8_t msg[ECHOLEN];
		struct icmp r;

		len = (int)recv(s, reply, sizeof(reply), 0);
		assert_true(len > 0);
		if (len < 14 + 20 + ECHOLEN || reply[14 + 9] != IPPROTO_ICMP ||
		    memcmp(reply + 6, ifr.ifr_hwaddr.sa_data, 6) != 0)
			continue;
		memcpy(msg, reply + 14 + 20, ECHOLEN);
		memcpy(&r, msg, ICMP_MINLEN);
		if (r.icmp_type != ICMP_ECHOREPLY)
			continue;
		assert_int_equal(len, 14 + 20 + ECHOLEN);
		assert_int_equal(ntohs(r.icmp_id), 0x4321);
		assert_int_equal(cksum(msg, ECHOLEN), 0);
		assert_memory_equal(msg + 8, echo + 8, ECHOLEN - 8);
		break;
	}
	close(s);
	assert_int_equal(counter(VIRT ".txq.errors"), 0);
	assert_int_equal(rump_netconfig_ifdestroy(VIRT), 0);
}

/*
 * The kernel boots with an interface nobody destroys: the component's
 * shutdown must destroy it (and close its tap), or rump_fini() fails with
 * its memory in use.
 */
#define LEFT	"virt9"
#define LEFTTAP	"covtap9"

static int
boot_with_one_left(void **state)
{
	int error = apitest_boot(state);

	if (error == 0 && have_tap) {
		error = rump_netconfig_ifcreate(LEFT, "tap=" LEFTTAP);
		/* Its receive thread takes its buffers before any test. */
		wait_other_threads_asleep();
	}
	return error;
}

static int
halt_with_one_left(void **state)
{
	int error = apitest_halt(state);

	if (have_tap && if_nametoindex(LEFTTAP) != 0) {
		fprintf(stderr, "%s outlived the kernel\n", LEFTTAP);
		exit(1);
	}
	return error;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(bad_parameters_are_refused_and_create_nothing),
		leak_test(a_device_that_is_not_a_tap_fails_the_creation),
		leak_test(mac_and_mtu_parameters_set_the_interface_and_the_tap),
		leak_test(without_parameters_the_tap_is_named_after_the_unit),
		leak_test(a_frame_longer_than_the_mtu_is_dropped_as_too_big),
		leak_test(a_receiver_that_busy_polls_takes_frames_as_they_come),
		leak_test(a_tap_the_host_deletes_ends_the_receive_thread),
		leak_test(a_reply_of_many_pieces_reaches_the_tap_whole),
	};

	/* A namespace of our own, before the kernel's threads exist. */
	have_tap = geteuid() == 0 && access("/dev/net/tun", R_OK | W_OK) == 0 &&
	    unshare(CLONE_NEWNET) == 0;
	/* No IPv6 chatter from the host side: only the tests' frames come. */
	if (have_tap)
		no_ipv6();
	return cmocka_run_group_tests(tests, boot_with_one_left,
	    halt_with_one_left);
}
