/*
 * The tools' interface options: every malformed option gives its own
 * message and fails; good ones parse into the right structure; the apply
 * step makes the right kernel calls in the right order and turns each
 * errno into its message.  The kernel's configuration calls are link-time
 * mocks here: this program links no kernel.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rump/rump_netconfig.h>

#include "netopts.h"
#include "toolutil.h"

/* ---- mocks of the kernel's configuration calls -------------------------- */

static char calls[4096];		/* one line per call, in order */
static const char *fail_call;		/* the call that fails, or NULL */
static int fail_rc;

static int
record(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int
record(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	strncat(calls, line, sizeof(calls) - strlen(calls) - 2);
	strcat(calls, "\n");
	if (fail_call != NULL && strncmp(line, fail_call, strlen(fail_call)) == 0)
		return fail_rc;
	return 0;
}

int
rump_netconfig_ifcreate(const char *ifname, const char *params)
{
	return record("ifcreate %s %s", ifname, params);
}

int
rump_netconfig_ifup(const char *ifname)
{
	return record("ifup %s", ifname);
}

int
rump_netconfig_iffault(const char *ifname, const char *spec)
{
	return record("iffault %s %s", ifname, spec);
}

int
rump_netconfig_pcap_start(const char *ifname, const char *path)
{
	return record("pcap_start %s %s", ifname, path);
}

int
rump_netconfig_pcap_stop(const char *ifname)
{
	return record("pcap_stop %s", ifname);
}

int
rump_netconfig_ipv4_ifaddr(const char *ifname, const char *cidr)
{
	return record("ipv4_ifaddr %s %s", ifname, cidr);
}

int
rump_netconfig_ipv4_route_add(const char *dst, const char *gw,
    const char *ifname)
{
	return record("ipv4_route_add %s %s %s", dst, gw, ifname ? ifname : "-");
}

int
rump_netconfig_ipv4_forwarding(int on)
{
	return record("ipv4_forwarding %d", on);
}

static int
reset(void **state)
{
	(void)state;
	calls[0] = '\0';
	fail_call = NULL;
	fail_rc = 0;
	return 0;
}

/* ---- helpers ----------------------------------------------------------- */

struct opt {
	int code;
	const char *arg;
};

#define IF	NETOPT_IF
#define ADDR	NETOPT_ADDR
#define ROUTE	NETOPT_ROUTE
#define PCAP	NETOPT_PCAP
#define FAULT	NETOPT_FAULT
#define FWD	NETOPT_FORWARD

/* Parses opts (ended by code 0) and checks them; 0 or -1. */
static int
parse_all(struct netopts *no, const struct opt *opts)
{
	netopts_init(no);
	for (; opts->code != 0; opts++)
		if (netopts_parse(no, opts->code, opts->arg) != 0)
			return -1;
	return netopts_check(no);
}

/* One option alone (after a --if virt0 so that names resolve) fails with msg. */
static void
bad1(int code, const char *arg, const char *msg)
{
	struct netopts no;
	struct opt opts[] = {
		{ IF, "virt0,tap=tap0" }, { ADDR, "virt0,198.18.0.2/24" },
		{ IF, "virt1,tap=tap1" }, { ADDR, "virt1,198.18.1.2/24" },
		{ code, arg }, { 0, NULL },
	};

	if (parse_all(&no, opts) != -1)
		fail_msg("%s accepted, expected: %s", arg, msg);
	assert_string_equal(no.err, msg);
}

#define A4(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* ---- good inputs ------------------------------------------------------- */

static void
if_minimal(void **state)
{
	struct netopts no;
	const struct opt opts[] = { { IF, "virt0,tap=tap0" }, { 0, NULL } };

	(void)state;
	assert_int_equal(parse_all(&no, opts), 0);
	assert_int_equal(no.nifs, 1);
	assert_string_equal(no.ifs[0].name, "virt0");
	assert_string_equal(no.ifs[0].tap, "tap0");
	assert_string_equal(no.ifs[0].params, "tap=tap0");
	assert_false(no.ifs[0].has_mac);
	assert_int_equal(no.ifs[0].mtu, 0);
	assert_string_equal(no.err, "");
}

static void
if_all_options(void **state)
{
	struct netopts no;
	const struct opt opts[] = {
		{ IF, "virt12,mtu=9000,mac=02:AB:cd:00:00:42,tap=rump-t_1.x" },
		{ 0, NULL },
	};
	const uint8_t mac[6] = { 0x02, 0xab, 0xcd, 0x00, 0x00, 0x42 };

	(void)state;
	assert_int_equal(parse_all(&no, opts), 0);
	assert_string_equal(no.ifs[0].name, "virt12");
	assert_string_equal(no.ifs[0].tap, "rump-t_1.x");
	/* The driver gets the options exactly as given. */
	assert_string_equal(no.ifs[0].params,
	    "mtu=9000,mac=02:AB:cd:00:00:42,tap=rump-t_1.x");
	assert_true(no.ifs[0].has_mac);
	assert_memory_equal(no.ifs[0].mac, mac, 6);
	assert_int_equal(no.ifs[0].mtu, 9000);
}

static void
mtu_bounds(void **state)
{
	struct netopts no;
	const struct opt lo[] = { { IF, "virt0,tap=t,mtu=68" }, { 0, NULL } };
	const struct opt hi[] = { { IF, "virt0,tap=t,mtu=65535" }, { 0, NULL } };

	(void)state;
	assert_int_equal(parse_all(&no, lo), 0);
	assert_int_equal(no.ifs[0].mtu, 68);
	assert_int_equal(parse_all(&no, hi), 0);
	assert_int_equal(no.ifs[0].mtu, 65535);
}

static void
busypoll_is_microseconds_passed_through(void **state)
{
	struct netopts no;
	const struct opt ok[] = {
		{ IF, "virt0,tap=t,busypoll=1000000" }, { 0, NULL } };

	(void)state;
	assert_int_equal(parse_all(&no, ok), 0);
	assert_string_equal(no.ifs[0].params, "tap=t,busypoll=1000000");
	bad1(IF, "virt2,tap=t,busypoll=-1", "--if virt2: bad busypoll '-1': "
	    "expected microseconds from 0 to 10000000");
	bad1(IF, "virt2,tap=t,busypoll=10000001", "--if virt2: bad busypoll "
	    "'10000001': expected microseconds from 0 to 10000000");
	bad1(IF, "virt2,tap=t,busypoll=1,busypoll=2", "--if virt2: busypoll= "
	    "given twice");
}

static void
offload_is_on_or_off_passed_through(void **state)
{
	struct netopts no;
	const struct opt ok[] = {
		{ IF, "virt0,tap=t,offload=off" }, { 0, NULL } };

	(void)state;
	assert_int_equal(parse_all(&no, ok), 0);
	assert_string_equal(no.ifs[0].params, "tap=t,offload=off");
	bad1(IF, "virt2,tap=t,offload=1", "--if virt2: bad offload '1': "
	    "expected on or off");
	bad1(IF, "virt2,tap=t,offload=on,offload=off", "--if virt2: offload= "
	    "given twice");
}

static void
everything_in_any_order(void **state)
{
	struct netopts no;
	const struct opt opts[] = {
		{ ROUTE, "default,198.18.0.1" },
		{ ADDR, "virt1,198.18.1.2/24" },
		{ PCAP, "virt0,/tmp/a,b.pcap" },
		{ FAULT, "virt1,drop=1%,seed=7" },
		{ IF, "virt0,tap=tap0,mac=02:00:00:00:00:01" },
		{ ADDR, "virt0,198.18.0.2/24" },
		{ ADDR, "virt0,198.18.5.9/32" },
		{ IF, "virt1,tap=tap1" },
		{ ROUTE, "198.18.8.0/22,198.18.1.1" },
		{ FWD, NULL },
		{ 0, NULL },
	};
	char desc[512];

	(void)state;
	assert_int_equal(parse_all(&no, opts), 0);
	assert_int_equal(no.nifs, 2);
	assert_int_equal(no.naddrs, 3);
	assert_string_equal(no.addrs[0].ifname, "virt1");
	assert_int_equal(no.addrs[0].ifidx, 1);
	assert_int_equal(no.addrs[0].addr, A4(198, 18, 1, 2));
	assert_int_equal(no.addrs[0].plen, 24);
	assert_int_equal(no.addrs[1].ifidx, 0);
	assert_int_equal(no.addrs[2].addr, A4(198, 18, 5, 9));
	assert_int_equal(no.addrs[2].plen, 32);
	assert_int_equal(no.nroutes, 2);
	assert_true(no.routes[0].isdefault);
	assert_int_equal(no.routes[0].gw, A4(198, 18, 0, 1));
	assert_false(no.routes[1].isdefault);
	assert_int_equal(no.routes[1].dst, A4(198, 18, 8, 0));
	assert_int_equal(no.routes[1].plen, 22);
	assert_int_equal(no.routes[1].gw, A4(198, 18, 1, 1));
	assert_int_equal(no.npcaps, 1);
	assert_int_equal(no.pcaps[0].ifidx, 0);
	/* Everything after the name is the file, commas included. */
	assert_string_equal(no.pcaps[0].path, "/tmp/a,b.pcap");
	assert_int_equal(no.nfaults, 1);
	assert_int_equal(no.faults[0].ifidx, 1);
	assert_string_equal(no.faults[0].spec, "drop=1%,seed=7");
	assert_true(no.forward);

	netopts_describe(&no, desc, sizeof(desc));
	assert_string_equal(desc,
	    "virt0 198.18.0.2/24 198.18.5.9/32 tap=tap0 mac=02:00:00:00:00:01 "
	    "pcap=/tmp/a,b.pcap; "
	    "virt1 198.18.1.2/24 tap=tap1 fault=drop=1%,seed=7; "
	    "default via 198.18.0.1; 198.18.8.0/22 via 198.18.1.1; forwarding");
}

static void
fault_specs(void **state)
{
	static const char *const good[] = {
		"virt0,drop=1%",
		"virt0,drop=0.01,dup=0.5%,reorder=1%,corrupt=0.1%,seed=42,dir=both",
		"virt0,dir=in",
		"virt0,dir=out,drop=.5",
		"virt0,drop=100%,dup=1,reorder=0,corrupt=0%",
		"virt0,seed=18446744073709551615",
		"virt0,none",
		"virt0,",
	};
	struct netopts no;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct opt opts[] = {
			{ IF, "virt0,tap=t" }, { FAULT, good[i] }, { 0, NULL },
		};

		if (parse_all(&no, opts) != 0)
			fail_msg("%s refused: %s", good[i], no.err);
		assert_string_equal(no.faults[0].spec, strchr(good[i], ',') + 1);
	}
}

static void
no_options(void **state)
{
	struct netopts no;
	const struct opt opts[] = { { 0, NULL } };
	char desc[64];

	(void)state;
	assert_int_equal(parse_all(&no, opts), 0);
	netopts_describe(&no, desc, sizeof(desc));
	assert_string_equal(desc, "");
}

static void
describe_truncates(void **state)
{
	struct netopts no;
	const struct opt opts[] = {
		{ IF, "virt0,tap=tap0" }, { ADDR, "virt0,198.18.0.2/24" },
		{ 0, NULL },
	};
	char desc[10];

	(void)state;
	assert_int_equal(parse_all(&no, opts), 0);
	netopts_describe(&no, desc, sizeof(desc));
	assert_string_equal(desc, "virt0 198");
}

/* ---- malformed inputs -------------------------------------------------- */

static void
bad_if(void **state)
{
	(void)state;
	bad1(IF, "", "--if: missing interface name in ''");
	bad1(IF, ",tap=t", "--if: missing interface name in ',tap=t'");
	bad1(IF, "virt2", "--if virt2: missing tap=TAP: expected "
	    "--if virt2,tap=TAP[,mac=XX:XX:XX:XX:XX:XX][,mtu=N]");
	bad1(IF, "virt2,", "--if virt2: missing tap=TAP: expected "
	    "--if virt2,tap=TAP[,mac=XX:XX:XX:XX:XX:XX][,mtu=N]");
	bad1(IF, "virt2,mtu=1500", "--if virt2: missing tap=TAP: expected "
	    "--if virt2,tap=TAP[,mac=XX:XX:XX:XX:XX:XX][,mtu=N]");
	bad1(IF, "virt,tap=t", "--if: bad interface name 'virt': expected a "
	    "driver name and a unit number, like virt0");
	bad1(IF, "0,tap=t", "--if: bad interface name '0': expected a "
	    "driver name and a unit number, like virt0");
	bad1(IF, "Virt2,tap=t", "--if: bad interface name 'Virt2': expected a "
	    "driver name and a unit number, like virt0");
	bad1(IF, "virt2x,tap=t", "--if: bad interface name 'virt2x': expected "
	    "a driver name and a unit number, like virt0");
	bad1(IF, "virt 2,tap=t", "--if: bad interface name 'virt 2': expected "
	    "a driver name and a unit number, like virt0");
	bad1(IF, "averylongname123,tap=t", "--if: interface name "
	    "'averylongname123' is too long (at most 15 characters)");
	bad1(IF, "virt0,tap=t", "--if virt0: interface given twice");
	bad1(IF, "virt2,tap=tap1", "--if virt2: tap tap1 is already used by "
	    "virt1");
	bad1(IF, "virt2,tap=", "--if virt2: empty tap name in tap=");
	bad1(IF, "virt2,tap=a/b", "--if virt2: tap name 'a/b' contains '/'; "
	    "use letters, digits, '-', '_' or '.'");
	bad1(IF, "virt2,tap=a b", "--if virt2: tap name 'a b' contains '?'; "
	    "use letters, digits, '-', '_' or '.'");
	bad1(IF, "virt2,tap=tap%d", "--if virt2: tap name 'tap%d' contains "
	    "'%'; use letters, digits, '-', '_' or '.'");
	bad1(IF, "virt2,tap=..", "--if virt2: '..' is not a valid tap name");
	bad1(IF, "virt2,tap=0123456789abcdef", "--if virt2: tap name "
	    "'0123456789abcdef' is too long (at most 15 characters)");
	bad1(IF, "virt2,tap=a,tap=b", "--if virt2: tap= given twice");
	bad1(IF, "virt2,tap=t,foo=1", "--if virt2: unknown option 'foo' "
	    "(known: tap, mac, mtu, busypoll, offload)");
	bad1(IF, "virt2,tap=t,mtu", "--if virt2: option 'mtu' needs a value "
	    "(tap=TAP, mac=XX:XX:XX:XX:XX:XX, mtu=N, busypoll=USEC or "
	    "offload=on|off)");
	bad1(IF, "virt2,tap=t,,mtu=1500", "--if virt2: empty option in "
	    "'tap=t,,mtu=1500'");
	bad1(IF, "virt2,tap=t,", "--if virt2: empty option in 'tap=t,'");
}

static void
bad_mac(void **state)
{
	static const char *const malformed[] = {
		"02:00:00:00:00", "02:00:00:00:00:0g", "02-00-00-00-00-01",
		"2:0:0:0:0:1", "02:00:00:00:00:001", "", "020000000001",
	};
	char arg[64], msg[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		snprintf(arg, sizeof(arg), "virt2,tap=t,mac=%s", malformed[i]);
		snprintf(msg, sizeof(msg), "--if virt2: malformed MAC '%s': "
		    "expected six two-digit hex bytes like 02:00:00:00:00:01",
		    malformed[i]);
		bad1(IF, arg, msg);
	}
	bad1(IF, "virt2,tap=t,mac=01:00:5e:00:00:01", "--if virt2: MAC "
	    "01:00:5e:00:00:01 is a multicast address (the low bit of the "
	    "first byte is set); use one like 02:00:00:00:00:01");
	bad1(IF, "virt2,tap=t,mac=ff:ff:ff:ff:ff:ff", "--if virt2: MAC "
	    "ff:ff:ff:ff:ff:ff is a multicast address (the low bit of the "
	    "first byte is set); use one like 02:00:00:00:00:01");
	bad1(IF, "virt2,tap=t,mac=00:00:00:00:00:00", "--if virt2: MAC "
	    "00:00:00:00:00:00 is not a usable address");
	bad1(IF, "virt2,tap=t,mac=02:00:00:00:00:01,mac=02:00:00:00:00:02",
	    "--if virt2: mac= given twice");
}

static void
bad_mtu(void **state)
{
	static const char *const malformed[] = {
		"", "abc", "67", "65536", "-1", "1500x", "0x500", "+1500",
		"99999999999999999999", "1.5",
	};
	char arg[64], msg[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		snprintf(arg, sizeof(arg), "virt2,tap=t,mtu=%s", malformed[i]);
		snprintf(msg, sizeof(msg), "--if virt2: bad MTU '%s': expected "
		    "a number from 68 to 65535", malformed[i]);
		bad1(IF, arg, msg);
	}
	bad1(IF, "virt2,tap=t,mtu=1500,mtu=1400", "--if virt2: mtu= given "
	    "twice");
}

static void
too_many_interfaces(void **state)
{
	struct netopts no;
	char arg[32];
	int i;

	(void)state;
	netopts_init(&no);
	for (i = 0; i < NETOPTS_MAXIF; i++) {
		snprintf(arg, sizeof(arg), "virt%d,tap=t%d", i, i);
		assert_int_equal(netopts_parse(&no, IF, arg), 0);
	}
	assert_int_equal(netopts_parse(&no, IF, "virt99,tap=t99"), -1);
	assert_string_equal(no.err, "--if virt99: too many interfaces "
	    "(at most 8)");
}

static void
bad_addr(void **state)
{
	(void)state;
	bad1(ADDR, "virt0", "--addr: expected NAME,A.B.C.D/LEN, got 'virt0'");
	bad1(ADDR, "198.18.0.2/24", "--addr: expected NAME,A.B.C.D/LEN, got "
	    "'198.18.0.2/24'");
	bad1(ADDR, ",198.18.0.2/24", "--addr: missing interface name in "
	    "',198.18.0.2/24'");
	bad1(ADDR, "virt0,", "--addr virt0: malformed address '': expected "
	    "A.B.C.D with each part 0..255");
	bad1(ADDR, "virt0,198.18.0.3", "--addr virt0: missing prefix length "
	    "in '198.18.0.3': expected A.B.C.D/LEN, like 198.18.0.3/24");
	bad1(ADDR, "virt0,198.18.0.256/24", "--addr virt0: malformed address "
	    "'198.18.0.256': expected A.B.C.D with each part 0..255");
	bad1(ADDR, "virt0,198.18.0/24", "--addr virt0: malformed address "
	    "'198.18.0': expected A.B.C.D with each part 0..255");
	bad1(ADDR, "virt0,198.18.0.3.4/24", "--addr virt0: malformed address "
	    "'198.18.0.3.4': expected A.B.C.D with each part 0..255");
	bad1(ADDR, "virt0,198.018.0.3/24", "--addr virt0: malformed address "
	    "'198.018.0.3': expected A.B.C.D with each part 0..255");
	bad1(ADDR, "virt0,198.18.0.3 /24", "--addr virt0: malformed address "
	    "'198.18.0.3 ': expected A.B.C.D with each part 0..255");
	bad1(ADDR, "virt0,host.example/24", "--addr virt0: malformed address "
	    "'host.example': expected A.B.C.D with each part 0..255");
	bad1(ADDR, "virt0,198.18.0.3/33", "--addr virt0: bad prefix length "
	    "'33' in '198.18.0.3/33': expected 1..32");
	bad1(ADDR, "virt0,198.18.0.3/0", "--addr virt0: bad prefix length "
	    "'0' in '198.18.0.3/0': expected 1..32");
	bad1(ADDR, "virt0,198.18.0.3/", "--addr virt0: bad prefix length "
	    "'' in '198.18.0.3/': expected 1..32");
	bad1(ADDR, "virt0,198.18.0.3/-1", "--addr virt0: bad prefix length "
	    "'-1' in '198.18.0.3/-1': expected 1..32");
	bad1(ADDR, "virt0,198.18.0.3/24x", "--addr virt0: bad prefix length "
	    "'24x' in '198.18.0.3/24x': expected 1..32");
	bad1(ADDR, "virt0,198.18.0.0/24", "--addr virt0: 198.18.0.0/24 is "
	    "the network address of 198.18.0.0/24; use a host address");
	bad1(ADDR, "virt0,198.18.0.255/24", "--addr virt0: 198.18.0.255/24 is "
	    "the broadcast address of 198.18.0.0/24; use a host address");
	bad1(ADDR, "virt0,0.0.0.0/8", "--addr virt0: address 0.0.0.0 is not a "
	    "usable address");
	bad1(ADDR, "virt0,127.0.0.2/8", "--addr virt0: address 127.0.0.2 is a "
	    "loopback address");
	bad1(ADDR, "virt0,224.0.0.5/32", "--addr virt0: address 224.0.0.5 is "
	    "a multicast address");
	bad1(ADDR, "virt0,255.255.255.255/32", "--addr virt0: address "
	    "255.255.255.255 is a reserved or broadcast address");
	bad1(ADDR, "virt0,198.18.1.2/24", "--addr virt0: address 198.18.1.2 "
	    "is already given to virt1");
}

static void
addr_without_if(void **state)
{
	(void)state;
	bad1(ADDR, "virt9,198.18.9.2/24",
	    "--addr: no interface virt9; create it with --if");
}

static void
addr_small_prefixes(void **state)
{
	struct netopts no;
	/* /31 and /32 have no network or broadcast address (RFC 3021). */
	const struct opt opts[] = {
		{ IF, "virt0,tap=t" }, { ADDR, "virt0,198.18.0.0/31" },
		{ ADDR, "virt0,198.18.7.255/32" }, { 0, NULL },
	};

	(void)state;
	assert_int_equal(parse_all(&no, opts), 0);
}

static void
bad_route(void **state)
{
	(void)state;
	bad1(ROUTE, "default", "--route: expected DEST,GW (DEST: default or "
	    "A.B.C.D/LEN), got 'default'");
	bad1(ROUTE, ",198.18.0.1", "--route: bad destination '': expected "
	    "default or A.B.C.D/LEN");
	bad1(ROUTE, "default,", "--route default: missing gateway: expected "
	    "default,GW");
	bad1(ROUTE, "defaults,198.18.0.1", "--route: bad destination "
	    "'defaults': expected default or A.B.C.D/LEN");
	bad1(ROUTE, "198.18.4.0,198.18.0.1", "--route: bad destination "
	    "'198.18.4.0': expected default or A.B.C.D/LEN");
	bad1(ROUTE, "198.18.4.1/24,198.18.0.1", "--route 198.18.4.1/24: "
	    "destination has host bits set; the network is 198.18.4.0/24");
	bad1(ROUTE, "198.18.4.0/33,198.18.0.1", "--route 198.18.4.0/33: bad "
	    "prefix length '33' in '198.18.4.0/33': expected 0..32");
	bad1(ROUTE, "198.18.4/24,198.18.0.1", "--route 198.18.4/24: malformed "
	    "destination '198.18.4': expected A.B.C.D with each part 0..255");
	bad1(ROUTE, "default,198.18.0.1/24", "--route default: gateway "
	    "'198.18.0.1/24' takes no prefix length");
	bad1(ROUTE, "default,198.18.0.300", "--route default: malformed "
	    "gateway '198.18.0.300': expected A.B.C.D with each part 0..255");
	bad1(ROUTE, "default,224.0.0.1", "--route default: gateway 224.0.0.1 "
	    "is a multicast address");
	bad1(ROUTE, "default,10.0.0.1", "--route default: gateway 10.0.0.1 is "
	    "not on the subnet of any --addr");
	bad1(ROUTE, "198.18.4.0/24,198.18.0.2", "--route 198.18.4.0/24: "
	    "gateway 198.18.0.2 is this host's own address (on virt0)");
}

static void
route_twice(void **state)
{
	struct netopts no;
	const struct opt opts[] = {
		{ IF, "virt0,tap=t" }, { ADDR, "virt0,198.18.0.2/24" },
		{ ROUTE, "default,198.18.0.1" }, { ROUTE, "default,198.18.0.3" },
		{ 0, NULL },
	};
	const struct opt opts2[] = {
		{ IF, "virt0,tap=t" }, { ADDR, "virt0,198.18.0.2/24" },
		{ ROUTE, "198.18.4.0/24,198.18.0.1" },
		{ ROUTE, "198.18.4.0/25,198.18.0.1" },
		{ ROUTE, "198.18.4.0/24,198.18.0.3" },
		{ 0, NULL },
	};

	(void)state;
	assert_int_equal(parse_all(&no, opts), -1);
	assert_string_equal(no.err, "--route default: route given twice");
	assert_int_equal(parse_all(&no, opts2), -1);
	assert_string_equal(no.err, "--route 198.18.4.0/24: route given twice");
}

static void
bad_pcap(void **state)
{
	struct netopts no;
	const struct opt twice[] = {
		{ IF, "virt0,tap=t" }, { PCAP, "virt0,a.pcap" },
		{ PCAP, "virt0,b.pcap" }, { 0, NULL },
	};
	const struct opt samefile[] = {
		{ IF, "virt0,tap=t" }, { IF, "virt1,tap=u" },
		{ PCAP, "virt0,a.pcap" }, { PCAP, "virt1,a.pcap" }, { 0, NULL },
	};

	(void)state;
	bad1(PCAP, "virt0", "--pcap: expected NAME,FILE, got 'virt0'");
	bad1(PCAP, "virt0,", "--pcap virt0: missing file name: expected "
	    "--pcap virt0,FILE");
	bad1(PCAP, "virt7,x.pcap", "--pcap: no interface virt7; create it "
	    "with --if");
	assert_int_equal(parse_all(&no, twice), -1);
	assert_string_equal(no.err, "--pcap virt0: interface given twice");
	assert_int_equal(parse_all(&no, samefile), -1);
	assert_string_equal(no.err, "--pcap virt1: file a.pcap is already the "
	    "capture of virt0");
}

static void
bad_fault(void **state)
{
	(void)state;
	bad1(FAULT, "virt0", "--fault: expected NAME,SPEC, got 'virt0'");
	bad1(FAULT, "virt7,drop=1%", "--fault: no interface virt7; create it "
	    "with --if");
	bad1(FAULT, "virt0,drop=2", "--fault virt0: bad rate '2' for drop: "
	    "expected a fraction 0..1 or a percentage like 1%");
	bad1(FAULT, "virt0,dup=101%", "--fault virt0: bad rate '101%' for "
	    "dup: expected a fraction 0..1 or a percentage like 1%");
	bad1(FAULT, "virt0,reorder=%", "--fault virt0: bad rate '%' for "
	    "reorder: expected a fraction 0..1 or a percentage like 1%");
	bad1(FAULT, "virt0,corrupt=1e-3", "--fault virt0: bad rate '1e-3' for "
	    "corrupt: expected a fraction 0..1 or a percentage like 1%");
	bad1(FAULT, "virt0,drop=-1%", "--fault virt0: bad rate '-1%' for "
	    "drop: expected a fraction 0..1 or a percentage like 1%");
	bad1(FAULT, "virt0,drop=", "--fault virt0: bad rate '' for drop: "
	    "expected a fraction 0..1 or a percentage like 1%");
	bad1(FAULT, "virt0,drop", "--fault virt0: 'drop' needs a value "
	    "(KEY=VALUE)");
	bad1(FAULT, "virt0,loss=1%", "--fault virt0: unknown fault 'loss' "
	    "(known: drop, dup, reorder, corrupt, seed, dir)");
	bad1(FAULT, "virt0,drop=1%,drop=2%", "--fault virt0: drop= given "
	    "twice");
	bad1(FAULT, "virt0,drop=1%,,seed=1", "--fault virt0: empty item in "
	    "'drop=1%,,seed=1'");
	bad1(FAULT, "virt0,seed=-7", "--fault virt0: bad seed '-7': expected "
	    "a decimal number");
	bad1(FAULT, "virt0,seed=18446744073709551616", "--fault virt0: bad "
	    "seed '18446744073709551616': expected a decimal number");
	bad1(FAULT, "virt0,dir=sideways", "--fault virt0: bad direction "
	    "'sideways': expected in, out or both");
	bad1(FAULT, "virt0,none,drop=1%", "--fault virt0: 'none' needs a "
	    "value (KEY=VALUE)");
}

static void
forward_needs_two(void **state)
{
	struct netopts no;
	const struct opt opts[] = {
		{ IF, "virt0,tap=t" }, { FWD, NULL }, { 0, NULL },
	};

	(void)state;
	assert_int_equal(parse_all(&no, opts), -1);
	assert_string_equal(no.err,
	    "--forward: needs at least two interfaces (--if)");
}

static void
not_an_option(void **state)
{
	struct netopts no;

	(void)state;
	netopts_init(&no);
	assert_false(netopts_isopt('c'));
	assert_true(netopts_isopt(NETOPT_IF));
	assert_true(netopts_isopt(NETOPT_FORWARD));
	assert_int_equal(netopts_parse(&no, 'c', "x"), -1);
}

/* ---- the apply step ---------------------------------------------------- */

static const struct opt full[] = {
	{ IF, "virt0,tap=tap0,mtu=1400" }, { IF, "virt1,tap=tap1" },
	{ IF, "virt2,tap=tap2" },
	{ ADDR, "virt0,198.18.0.2/24" }, { ADDR, "virt1,198.18.1.2/24" },
	{ ROUTE, "default,198.18.0.1" }, { ROUTE, "198.18.4.0/24,198.18.1.1" },
	{ PCAP, "virt0,x.pcap" }, { PCAP, "virt1,y.pcap" },
	{ FAULT, "virt1,drop=1%" }, { FWD, NULL }, { 0, NULL },
};

static void
apply_order(void **state)
{
	struct netopts no;

	(void)state;
	assert_int_equal(parse_all(&no, full), 0);
	assert_int_equal(netopts_apply(&no), 0);
	assert_string_equal(calls,
	    "ifcreate virt0 tap=tap0,mtu=1400\n"
	    "ifcreate virt1 tap=tap1\n"
	    "ifcreate virt2 tap=tap2\n"
	    "iffault virt1 drop=1%\n"
	    "pcap_start virt0 x.pcap\n"
	    "pcap_start virt1 y.pcap\n"
	    "ipv4_ifaddr virt0 198.18.0.2/24\n"
	    "ipv4_ifaddr virt1 198.18.1.2/24\n"
	    "ifup virt2\n"
	    "ipv4_route_add default 198.18.0.1 -\n"
	    "ipv4_route_add 198.18.4.0/24 198.18.1.1 -\n"
	    "ipv4_forwarding 1\n");
	calls[0] = '\0';
	netopts_stop(&no);
	assert_string_equal(calls, "pcap_stop virt0\npcap_stop virt1\n");
	/* Stopping twice stops nothing more. */
	calls[0] = '\0';
	netopts_stop(&no);
	assert_string_equal(calls, "");
}

/* The call named by prefix fails with rc: apply gives msg. */
static void
apply_fails(const char *prefix, int rc, const char *msg)
{
	struct netopts no;

	reset(NULL);
	fail_call = prefix;
	fail_rc = rc;
	assert_int_equal(parse_all(&no, full), 0);
	if (netopts_apply(&no) != -1)
		fail_msg("%s failing with %d was not reported", prefix, rc);
	assert_string_equal(no.err, msg);
}

static void
apply_errors(void **state)
{
	char msg[256];

	(void)state;
	apply_fails("ifcreate virt0", EPERM, "--if virt0: cannot open tap "
	    "tap0: needs root or CAP_NET_ADMIN");
	apply_fails("ifcreate virt1", EACCES, "--if virt1: cannot open tap "
	    "tap1: needs root or CAP_NET_ADMIN");
	apply_fails("ifcreate virt0", EEXIST, "--if virt0: interface virt0 "
	    "already exists");
	apply_fails("ifcreate virt0", ENXIO, "--if virt0: no such interface "
	    "driver 'virt'");
	apply_fails("ifcreate virt0", EBUSY, "--if virt0: tap tap0 is busy: "
	    "another process has it open");
	snprintf(msg, sizeof(msg), "--if virt0: cannot open /dev/net/tun (%s): "
	    "is the tun module loaded?", strerror(ENODEV));
	apply_fails("ifcreate virt0", ENODEV, msg);
	apply_fails("ifcreate virt0", EINVAL, "--if virt0: the virt driver "
	    "refused the options 'tap=tap0,mtu=1400' (or tap tap0 exists and "
	    "is not a tap device)");
	apply_fails("ifcreate virt0", ENOSYS, "--if: this program has no "
	    "interface support in its rump kernel (the call gave ENOSYS)");
	snprintf(msg, sizeof(msg), "--if virt0: cannot create the interface on "
	    "tap tap0: %s", strerror(ENOMEM));
	apply_fails("ifcreate virt0", ENOMEM, msg);
	apply_fails("iffault", EINVAL, "--fault virt1: the kernel refused "
	    "'drop=1%'");
	snprintf(msg, sizeof(msg), "--pcap virt1: cannot write y.pcap: %s",
	    strerror(EACCES));
	apply_fails("pcap_start virt1", EACCES, msg);
	apply_fails("pcap_start virt0", EBUSY, "--pcap virt0: a capture of "
	    "virt0 is already running");
	apply_fails("ipv4_ifaddr virt1", EEXIST, "--addr virt1: "
	    "198.18.1.2/24 is already configured");
	apply_fails("ipv4_ifaddr virt0", ENOSYS, "--addr: this program has no "
	    "IPv4 in its rump kernel (the call gave ENOSYS)");
	apply_fails("ipv4_route_add 198.18.4.0/24", ENETUNREACH, "--route "
	    "198.18.4.0/24: gateway 198.18.1.1 is not on the subnet of any "
	    "interface");
	apply_fails("ipv4_route_add default", EEXIST, "--route default: a "
	    "route to default exists already");
	snprintf(msg, sizeof(msg), "--if virt2: cannot bring the interface up: "
	    "%s", strerror(EIO));
	apply_fails("ifup virt2", EIO, msg);
	snprintf(msg, sizeof(msg), "--forward: cannot turn forwarding on: %s",
	    strerror(EPERM));
	apply_fails("ipv4_forwarding", EPERM, msg);
}

static void
apply_stops_at_first_error(void **state)
{
	struct netopts no;

	(void)state;
	fail_call = "pcap_start virt1";
	fail_rc = ENOENT;
	assert_int_equal(parse_all(&no, full), 0);
	assert_int_equal(netopts_apply(&no), -1);
	assert_string_equal(calls,
	    "ifcreate virt0 tap=tap0,mtu=1400\n"
	    "ifcreate virt1 tap=tap1\n"
	    "ifcreate virt2 tap=tap2\n"
	    "iffault virt1 drop=1%\n"
	    "pcap_start virt0 x.pcap\n"
	    "pcap_start virt1 y.pcap\n");
	/* Only the capture that started is stopped. */
	calls[0] = '\0';
	netopts_stop(&no);
	assert_string_equal(calls, "pcap_stop virt0\n");
}

/* ---- the shared parsers ------------------------------------------------ */

static void
decimal_parser(void **state)
{
	static const char *const badnum[] = {
		"", ".", "-1", "+1", "1e3", "0x10", "1.2.3", " 1", "1 ", "inf",
		"nan", "1,5",
	};
	double d;
	size_t i;

	(void)state;
	assert_int_equal(tool_parse_decimal("0.002", 0, 100, &d), 0);
	assert_true(d > 0.0019999 && d < 0.0020001);
	assert_int_equal(tool_parse_decimal("2", 0, 100, &d), 0);
	assert_true(d == 2.0);
	assert_int_equal(tool_parse_decimal(".5", 0, 100, &d), 0);
	assert_true(d == 0.5);
	assert_int_equal(tool_parse_decimal("5.", 0, 100, &d), 0);
	assert_true(d == 5.0);
	assert_int_equal(tool_parse_decimal("100.5", 0, 100, &d), -1);
	for (i = 0; i < sizeof(badnum) / sizeof(badnum[0]); i++)
		if (tool_parse_decimal(badnum[i], 0, 1e9, &d) == 0)
			fail_msg("'%s' accepted as a decimal", badnum[i]);
}

static void
integer_parsers(void **state)
{
	uint16_t port;
	uint64_t u;
	long l;

	(void)state;
	assert_int_equal(tool_parse_port("7", &port), 0);
	assert_int_equal(port, 7);
	assert_int_equal(tool_parse_port("65535", &port), 0);
	assert_int_equal(port, 65535);
	assert_int_equal(tool_parse_port("0", &port), -1);
	assert_int_equal(tool_parse_port("65536", &port), -1);
	assert_int_equal(tool_parse_port("-7", &port), -1);
	assert_int_equal(tool_parse_port("http", &port), -1);
	assert_int_equal(tool_parse_long("-3", -5, 5, &l), 0);
	assert_int_equal(l, -3);
	assert_int_equal(tool_parse_long("-6", -5, 5, &l), -1);
	assert_int_equal(tool_parse_long("-", -5, 5, &l), -1);
	assert_int_equal(tool_parse_u64("18446744073709551615", &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(tool_parse_u64("18446744073709551616", &u), -1);
}

static void
ipv4_parser(void **state)
{
	static const char *const badaddr[] = {
		"", "1", "1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4", "1..3.4",
		"1.2.3.4 ", "a.b.c.d", "1.2.3.-4", "1.2.3.4/8", "0x1.2.3.4",
		"1234.1.1.1",
	};
	char buf[16];
	uint32_t a;
	size_t i;

	(void)state;
	assert_int_equal(tool_parse_ipv4("198.18.0.1", &a), 0);
	assert_int_equal(a, A4(198, 18, 0, 1));
	assert_int_equal(tool_parse_ipv4("0.0.0.0", &a), 0);
	assert_int_equal(a, 0);
	assert_int_equal(tool_parse_ipv4("255.255.255.255", &a), 0);
	assert_int_equal(a, 0xffffffffu);
	assert_string_equal(tool_format_ipv4(A4(198, 18, 1, 254), buf),
	    "198.18.1.254");
	for (i = 0; i < sizeof(badaddr) / sizeof(badaddr[0]); i++)
		if (tool_parse_ipv4(badaddr[i], &a) == 0)
			fail_msg("'%s' accepted as an address", badaddr[i]);
	assert_int_equal(tool_prefix_mask(0), 0);
	assert_int_equal(tool_prefix_mask(24), 0xffffff00u);
	assert_int_equal(tool_prefix_mask(32), 0xffffffffu);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(if_minimal, reset),
		cmocka_unit_test_setup(if_all_options, reset),
		cmocka_unit_test_setup(mtu_bounds, reset),
		cmocka_unit_test_setup(busypoll_is_microseconds_passed_through, reset),
		cmocka_unit_test_setup(offload_is_on_or_off_passed_through, reset),
		cmocka_unit_test_setup(everything_in_any_order, reset),
		cmocka_unit_test_setup(fault_specs, reset),
		cmocka_unit_test_setup(no_options, reset),
		cmocka_unit_test_setup(describe_truncates, reset),
		cmocka_unit_test_setup(bad_if, reset),
		cmocka_unit_test_setup(bad_mac, reset),
		cmocka_unit_test_setup(bad_mtu, reset),
		cmocka_unit_test_setup(too_many_interfaces, reset),
		cmocka_unit_test_setup(bad_addr, reset),
		cmocka_unit_test_setup(addr_without_if, reset),
		cmocka_unit_test_setup(addr_small_prefixes, reset),
		cmocka_unit_test_setup(bad_route, reset),
		cmocka_unit_test_setup(route_twice, reset),
		cmocka_unit_test_setup(bad_pcap, reset),
		cmocka_unit_test_setup(bad_fault, reset),
		cmocka_unit_test_setup(forward_needs_two, reset),
		cmocka_unit_test_setup(not_an_option, reset),
		cmocka_unit_test_setup(apply_order, reset),
		cmocka_unit_test_setup(apply_errors, reset),
		cmocka_unit_test_setup(apply_stops_at_first_error, reset),
		cmocka_unit_test_setup(decimal_parser, reset),
		cmocka_unit_test_setup(integer_parsers, reset),
		cmocka_unit_test_setup(ipv4_parser, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
