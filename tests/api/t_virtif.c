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
#include <net/if.h>
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
