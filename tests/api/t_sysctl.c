/*
 * The sysctl system call: tunables read and set by name, nodes listed,
 * counters, and the tables the network tools read.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apitest.h"
#include "tcptest.h"

#include <rump/rump_netinfo.h>
#include <rump/rump_sysctl.h>

#define assert_fails(call, e) do {					\
	errno = 0;							\
	assert_int_equal((call), -1);					\
	assert_int_equal(errno, (e));					\
} while (0)

static int
get_int(const char *name)
{
	size_t len = sizeof(int);
	int v = -1;

	assert_int_equal(rump_sys_sysctl(name, &v, &len, NULL, 0), 0);
	assert_int_equal(len, sizeof(int));
	return v;
}

static void
set_int(const char *name, int v)
{
	assert_int_equal(rump_sys_sysctl(name, NULL, NULL, &v, sizeof(v)), 0);
}

/* The whole value of name in a malloc'd buffer, its length in *lenp. */
static void *
get_all(const char *name, size_t *lenp)
{
	size_t len = 0;
	void *buf;

	assert_int_equal(rump_sys_sysctl(name, NULL, &len, NULL, 0), 0);
	buf = malloc(len + 1);
	assert_non_null(buf);
	assert_int_equal(rump_sys_sysctl(name, buf, &len, NULL, 0), 0);
	*lenp = len;
	return buf;
}

static bool
listed(const char *node, const char *name)
{
	size_t len;
	struct rump_sysctl_entry *e = get_all(node, &len);
	bool found = false;

	assert_int_equal(len % sizeof(*e), 0);
	for (size_t i = 0; i < len / sizeof(*e); i++)
		if (strcmp(e[i].rse_name, name) == 0)
			found = true;
	free(e);
	return found;
}

static void
forwarding_is_read_and_set_as_an_int(void **state)
{
	(void)state;
	assert_int_equal(get_int("net.inet.ip.forwarding"), 0);
	set_int("net.inet.ip.forwarding", 1);
	assert_int_equal(get_int("net.inet.ip.forwarding"), 1);
	set_int("net.inet.ip.forwarding", 0);
	assert_int_equal(get_int("net.inet.ip.forwarding"), 0);
}

static void
setting_returns_the_previous_value_when_asked(void **state)
{
	int old = -1, v = 1;
	size_t len = sizeof(old);

	(void)state;
	assert_int_equal(rump_sys_sysctl("net.inet.ip.forwarding", &old, &len,
	    &v, sizeof(v)), 0);
	assert_int_equal(old, 0);
	set_int("net.inet.ip.forwarding", 0);
}

static void
a_null_buffer_returns_the_length_and_a_short_one_enomem(void **state)
{
	size_t len = 0;
	char small[2];

	(void)state;
	assert_int_equal(rump_sys_sysctl("net.inet.tcp.congestion_control",
	    NULL, &len, NULL, 0), 0);
	assert_int_equal(len, strlen("cubic") + 1);
	len = sizeof(small);
	assert_fails(rump_sys_sysctl("net.inet.tcp.congestion_control", small,
	    &len, NULL, 0), ENOMEM);
	assert_int_equal(len, strlen("cubic") + 1);
}

static void
unknown_and_overlong_names_are_refused(void **state)
{
	char name[RUMP_SYSCTL_NAMEMAX + 8];
	size_t len = 0;

	(void)state;
	assert_fails(rump_sys_sysctl("net.inet.nosuch", NULL, &len, NULL, 0),
	    ENOENT);
	assert_fails(rump_sys_sysctl("kern.counters.nosuch.thing", NULL, &len,
	    NULL, 0), ENOENT);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_fails(rump_sys_sysctl(name, NULL, &len, NULL, 0), ENAMETOOLONG);
	assert_fails(rump_sys_sysctl(NULL, NULL, &len, NULL, 0), EFAULT);
}

static void
a_node_lists_the_leaves_under_it(void **state)
{
	(void)state;
	assert_true(listed("net.inet.tcp", "net.inet.tcp.congestion_control"));
	assert_false(listed("net.inet.tcp", "net.inet.ip.forwarding"));
	assert_true(listed("", "net.inet.ip.forwarding"));
	assert_true(listed("", "kern.counters.udp.opackets") ||
	    listed("", "kern.counters.ip.total"));
	assert_true(listed("kern.counters.arp", "kern.counters.arp.in.packets"));
	assert_false(listed("kern.counters.arp", "kern.counters.ip.badsum"));
}

static void
setting_needs_root_a_writable_leaf_and_a_value_in_range(void **state)
{
	int v = 1;

	(void)state;
	assert_fails(rump_sys_sysctl("kern.counters.arp.in.packets", NULL,
	    NULL, &v, sizeof(v)), EPERM);
	assert_fails(rump_sys_sysctl("net.inet", NULL, NULL, &v, sizeof(v)),
	    EISDIR);
	v = 2;
	assert_fails(rump_sys_sysctl("net.inet.ip.forwarding", NULL, NULL, &v,
	    sizeof(v)), EINVAL);
	assert_fails(rump_sys_sysctl("net.inet.ip.forwarding", NULL, NULL, &v,
	    1), EINVAL);
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_int_equal(rump_sys_setuid(1000), 0);
	v = 1;
	assert_fails(rump_sys_sysctl("net.inet.ip.forwarding", NULL, NULL, &v,
	    sizeof(v)), EPERM);
	assert_int_equal(get_int("net.inet.ip.forwarding"), 0);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
}

static void
the_default_congestion_control_is_set_by_name(void **state)
{
	char name[16];
	socklen_t len = sizeof(name);
	int s;

	(void)state;
	assert_int_equal(rump_sys_sysctl("net.inet.tcp.congestion_control",
	    NULL, NULL, "reno", 4), 0);
	s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	assert_int_equal(rump_sys_getsockopt(s, IPPROTO_TCP, TCP_CONGESTION,
	    name, &len), 0);
	assert_string_equal(name, "reno");
	rump_sys_close(s);
	assert_fails(rump_sys_sysctl("net.inet.tcp.congestion_control", NULL,
	    NULL, "nosuch", 7), ENOENT);
	assert_int_equal(rump_sys_sysctl("net.inet.tcp.congestion_control",
	    NULL, NULL, "cubic", 6), 0);
}

static void
a_string_is_set_with_or_without_its_nul_and_not_too_long(void **state)
{
	char name[16];
	size_t len = sizeof(name);

	(void)state;
	assert_int_equal(rump_sys_sysctl("net.inet.tcp.congestion_control",
	    NULL, NULL, "reno", 5), 0);
	assert_int_equal(rump_sys_sysctl("net.inet.tcp.congestion_control",
	    name, &len, NULL, 0), 0);
	assert_string_equal(name, "reno");
	assert_fails(rump_sys_sysctl("net.inet.tcp.congestion_control", NULL,
	    NULL, "a-name-far-too-long-for-it", 27), EINVAL);
	assert_fails(rump_sys_sysctl("net.inet.tcp.congestion_control", NULL,
	    NULL, "", 0), EINVAL);
	assert_fails(rump_sys_sysctl("net.inet.tcp.congestion_control", NULL,
	    NULL, "re\0o", 4), EINVAL);
	assert_int_equal(rump_sys_sysctl("net.inet.tcp.congestion_control",
	    NULL, NULL, "cubic", 5), 0);
}

static void
a_tunable_refuses_values_out_of_its_range(void **state)
{
	int old = get_int("net.inet.arp.maxtries"), v = 101;

	(void)state;
	assert_fails(rump_sys_sysctl("net.inet.arp.maxtries", NULL, NULL, &v,
	    sizeof(v)), EINVAL);
	v = -1;
	assert_fails(rump_sys_sysctl("net.inet.arp.maxtries", NULL, NULL, &v,
	    sizeof(v)), EINVAL);
	set_int("net.inet.arp.maxtries", 5);
	assert_int_equal(get_int("net.inet.arp.maxtries"), 5);
	set_int("net.inet.arp.maxtries", old);
}

static void
a_table_too_large_for_the_buffer_is_enomem_with_its_length(void **state)
{
	struct rump_ifinfo one;
	size_t len = sizeof(one) - 1, need = 0;

	(void)state;
	assert_int_equal(rump_sys_sysctl("net.interfaces", NULL, &need, NULL,
	    0), 0);
	assert_fails(rump_sys_sysctl("net.interfaces", &one, &len, NULL, 0),
	    ENOMEM);
	assert_int_equal(len, need);
	assert_fails(rump_sys_sysctl("net.interfaces", &one, NULL, NULL, 0),
	    EFAULT);
}

static void
the_tcp_send_buffer_default_applies_to_new_sockets(void **state)
{
	int old = get_int("net.inet.tcp.sendspace"), v = 0, s;
	socklen_t len = sizeof(v);

	(void)state;
	set_int("net.inet.tcp.sendspace", 65536);
	s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	assert_int_equal(rump_sys_getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v,
	    &len), 0);
	assert_int_equal(v, 65536);
	rump_sys_close(s);
	set_int("net.inet.tcp.sendspace", old);
}

static void
the_udp_receive_buffer_default_applies_to_new_sockets(void **state)
{
	int old = get_int("net.inet.udp.recvspace"), v = 0, s;
	socklen_t len = sizeof(v);

	(void)state;
	set_int("net.inet.udp.recvspace", 32768);
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	assert_int_equal(rump_sys_getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v,
	    &len), 0);
	assert_int_equal(v, 32768);
	rump_sys_close(s);
	set_int("net.inet.udp.recvspace", old);
}

static void
counters_read_as_kstat_gives_them(void **state)
{
	uint64_t v = 0, k = 1;
	size_t len = sizeof(v);

	(void)state;
	assert_int_equal(rump_sys_sysctl("kern.counters.arp.in.packets", &v,
	    &len, NULL, 0), 0);
	assert_int_equal(len, sizeof(v));
	assert_int_equal(rump_kstat_get("arp.in.packets", &k), 0);
	assert_int_equal(v, k);
}

static void
the_interface_table_counts_loopback_traffic(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(9) };
	struct rump_ifinfo *ifi;
	uint64_t before = 0;
	size_t len;
	int s;

	(void)state;
	ifi = get_all("net.interfaces", &len);
	assert_true(len >= sizeof(*ifi));
	assert_string_equal(ifi[0].ifi_name, "lo0");
	assert_true(ifi[0].ifi_flags & 0x1);		/* IFF_UP */
	assert_int_equal(ifi[0].ifi_hwtype, 772);
	before = ifi[0].ifi_opackets;
	free(ifi);
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(rump_sys_sendto(s, "x", 1, 0,
	    (struct sockaddr *)&sin, sizeof(sin)), 1);
	/* Received: nothing is left in flight on lo0 for the leak check. */
	assert_int_equal(rump_sys_recv(s, (char[1]){ 0 }, 1, 0), 1);
	rump_sys_close(s);
	ifi = get_all("net.interfaces", &len);
	assert_true(ifi[0].ifi_opackets > before);
	free(ifi);
}

static void
the_address_and_route_tables_show_loopback(void **state)
{
	struct rump_inaddrinfo *a;
	struct rump_rtinfo *rt;
	size_t len;
	bool found = false;

	(void)state;
	a = get_all("net.inet.addrs", &len);
	assert_int_equal(len % sizeof(*a), 0);
	for (size_t i = 0; i < len / sizeof(*a); i++)
		if (a[i].iai_addr == htonl(INADDR_LOOPBACK) &&
		    a[i].iai_netmask == htonl(0xff000000))
			found = true;
	assert_true(found);
	free(a);
	found = false;
	rt = get_all("net.inet.routes", &len);
	for (size_t i = 0; i < len / sizeof(*rt); i++)
		if (rt[i].rti_dst == htonl(0x7f000000) && rt[i].rti_plen == 8 &&
		    (rt[i].rti_flags & RUMP_RTF_CONNECTED) &&
		    strcmp(rt[i].rti_ifname, "lo0") == 0)
			found = true;
	assert_true(found);
	free(rt);
}

static const struct rump_sockinfo *
find_sock(const struct rump_sockinfo *si, size_t n, uint16_t lport,
    uint16_t fport)
{
	for (size_t i = 0; i < n; i++)
		if (si[i].si_lport == lport && si[i].si_fport == fport)
			return &si[i];
	return NULL;
}

static void
the_tcp_list_shows_a_listener_and_a_connection_with_queues(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(7777) };
	struct sockaddr_in csin;
	socklen_t clen = sizeof(csin);
	const struct rump_sockinfo *l, *c;
	struct rump_sockinfo *si;
	size_t len;
	int ls, cs, as;

	(void)state;
	ls = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(rump_sys_bind(ls, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(rump_sys_listen(ls, 5), 0);
	cs = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(rump_sys_connect(cs, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	as = rump_sys_accept(ls, NULL, NULL);
	assert_true(as >= 0);
	assert_int_equal(rump_sys_getsockname(cs, (struct sockaddr *)&csin,
	    &clen), 0);
	assert_int_equal(rump_sys_write(cs, "hello", 5), 5);
	/* The bytes are in the accepted socket's buffer once readable. */
	assert_int_equal(rump_sys_recv(as, (char[5]){ 0 }, 5, MSG_PEEK |
	    MSG_WAITALL), 5);

	si = get_all("net.inet.tcp.pcblist", &len);
	l = find_sock(si, len / sizeof(*si), htons(7777), 0);
	assert_non_null(l);
	assert_int_equal(l->si_state, 10);		/* TCP_LISTEN */
	assert_int_equal(l->si_sndq, 5);
	c = find_sock(si, len / sizeof(*si), htons(7777), csin.sin_port);
	assert_non_null(c);
	assert_int_equal(c->si_state, 1);		/* TCP_ESTABLISHED */
	assert_int_equal(c->si_proto, IPPROTO_TCP);
	assert_int_equal(c->si_rcvq, 5);
	assert_int_equal(c->si_faddr, htonl(INADDR_LOOPBACK));
	free(si);
	rump_sys_close(as);
	rump_sys_close(cs);
	rump_sys_close(ls);
	tcptest_wait_done();
}

static void
the_udp_list_shows_a_bound_socket(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_port = htons(7778) };
	struct rump_sockinfo *si;
	size_t len;
	int s;

	(void)state;
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	si = get_all("net.inet.udp.pcblist", &len);
	assert_non_null(find_sock(si, len / sizeof(*si), htons(7778), 0));
	assert_int_equal(find_sock(si, len / sizeof(*si), htons(7778),
	    0)->si_proto, IPPROTO_UDP);
	free(si);
	rump_sys_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(forwarding_is_read_and_set_as_an_int),
		leak_test(setting_returns_the_previous_value_when_asked),
		leak_test(a_null_buffer_returns_the_length_and_a_short_one_enomem),
		leak_test(unknown_and_overlong_names_are_refused),
		leak_test(a_node_lists_the_leaves_under_it),
		leak_test(setting_needs_root_a_writable_leaf_and_a_value_in_range),
		leak_test(the_default_congestion_control_is_set_by_name),
		leak_test(a_string_is_set_with_or_without_its_nul_and_not_too_long),
		leak_test(a_tunable_refuses_values_out_of_its_range),
		leak_test(a_table_too_large_for_the_buffer_is_enomem_with_its_length),
		leak_test(the_tcp_send_buffer_default_applies_to_new_sockets),
		leak_test(the_udp_receive_buffer_default_applies_to_new_sockets),
		leak_test(counters_read_as_kstat_gives_them),
		leak_test(the_interface_table_counts_loopback_traffic),
		leak_test(the_address_and_route_tables_show_loopback),
		leak_test(the_tcp_list_shows_a_listener_and_a_connection_with_queues),
		leak_test(the_udp_list_shows_a_bound_socket),
	};

	setenv("RUMP_TCP_MSL_MS", "5", 1);
	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
