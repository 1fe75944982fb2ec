#!/bin/sh
# Forwarding: one rump_server with two interfaces and --forward joins two
# namespaces, and answers a packet whose TTL runs out with ICMP time
# exceeded.
#
#	namespace A			namespace R		namespace B
#	rta 198.18.0.1/24 <-> rump_server virt0 198.18.0.2
#			      rump_server virt1 198.18.1.2 <-> rtb 198.18.1.1/24
#
# rump_server runs in R and creates both taps there; they then move to A
# and B (a tap keeps its file descriptor across namespaces).
# shellcheck disable=SC2317 # test functions are called through run_test
. "$(dirname "$0")/lib.sh"

require_root_and_tun
require_cmd ping timeout
make_ns R
make_ns A
make_ns B

router_up() {
	start_bg "$R" router "$BIN/rump_server" \
	    --if virt0,tap=rta --addr virt0,198.18.0.2/24 \
	    --if virt1,tap=rtb --addr virt1,198.18.1.2/24 --forward || return 1
	wait_for_line router '^rump_server: up:' 10 || return 1
	check_file "the up line says forwarding" 'forwarding' \
	    "$WORKDIR/router.log" || return 1
	wait_link "$R" rta 5 && wait_link "$R" rtb 5 || return 1
	ip -n "$R" link set rta netns "$A" && ip -n "$R" link set rtb netns "$B" ||
	    return 1
	host_addr "$A" rta 198.18.0.1/24 &&
	    ip -n "$A" route add 198.18.1.0/24 via 198.18.0.2 &&
	    host_addr "$B" rtb 198.18.1.1/24 &&
	    ip -n "$B" route add 198.18.0.0/24 via 198.18.1.2
}

a_pings_router() {
	check_output "A reaches the router's near side" \
	    '^3 packets transmitted, 3 received, 0% packet loss' \
	    ip netns exec "$A" ping -c 3 -i 0.2 -W 2 198.18.0.2
}

a_pings_b() {
	check_output "A reaches B through the rump router" \
	    '^5 packets transmitted, 5 received, 0% packet loss' \
	    ip netns exec "$A" ping -c 5 -i 0.2 -W 2 198.18.1.1 || return 1
	# One hop: the reply left B with TTL 64 and crossed the rump router.
	step_output | grep -q 'icmp_seq=1 ttl=63 ' || {
		echo "  FAILED: replies did not come with ttl=63:" >&2
		step_output | sed 's/^/    | /' >&2
		return 1
	}
}

b_pings_a_big() {
	check_output "B reaches A with 3000-byte pings (fragments forwarded)" \
	    '^3 packets transmitted, 3 received, 0% packet loss' \
	    ip netns exec "$B" ping -c 3 -i 0.2 -W 2 -s 3000 198.18.0.1
}

ttl_exceeded() {
	check_status "a ping with TTL 1 is not answered" 1 \
	    ip netns exec "$A" ping -c 1 -t 1 -W 2 198.18.1.1 || return 1
	step_output | grep -q '^From 198.18.0.2 icmp_seq=1 Time to live exceeded' || {
		echo "  FAILED: no 'Time to live exceeded' from the rump hop:" >&2
		step_output | sed 's/^/    | /' >&2
		return 1
	}
}

run_test router_up router_up
run_test a_pings_router a_pings_router
run_test a_pings_b a_pings_b
run_test b_pings_a_big b_pings_a_big
run_test ttl_exceeded ttl_exceeded
finish
