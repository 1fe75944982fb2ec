#!/bin/sh
# ICMP echo both ways between the host and a rump stack on a tap device:
# the host's ping against rump_server (a thousand at 2 ms, then sizes that
# need fragments), and rump_ping against the host.
#
#	namespace NS:	rtap0  198.18.0.1/24  <->  rump_server virt0 198.18.0.2
#			rtap1  198.18.1.1/24  <->  rump_ping   virt0 198.18.1.2
# shellcheck disable=SC2317 # test functions are called through run_test
. "$(dirname "$0")/lib.sh"

require_root_and_tun
require_cmd ping timeout
make_ns NS

server_up() {
	start_rump_server "$NS" server rtap0 198.18.0.1/24 \
	    --if virt0,tap=rtap0 --addr virt0,198.18.0.2/24
}

host_ping_thousand() {
	check_output "1000 pings at 2 ms intervals, none lost" \
	    '^1000 packets transmitted, 1000 received, 0% packet loss' \
	    ip netns exec "$NS" ping -q -c 1000 -i 0.002 -W 2 198.18.0.2
}

# One size: three requests, three replies of the right length.
host_ping_size() {
	check_output "ping -s $1 answered three times" \
	    '^3 packets transmitted, 3 received, 0% packet loss' \
	    ip netns exec "$NS" ping -c 3 -i 0.2 -W 2 -s "$1" 198.18.0.2 ||
	    return 1
	step_output | grep -q "^$(($1 + 8)) bytes from 198.18.0.2: icmp_seq=" ||
	    { echo "  FAILED: replies are not $(($1 + 8)) bytes long" >&2; return 1; }
}

host_ping_sizes() {
	# 1472: the largest unfragmented on a 1500-byte MTU; 1473: the
	# smallest that fragments; 8000: six fragments each way.
	for _s in 56 1472 1473 8000; do
		host_ping_size "$_s" || return 1
	done
}

rump_ping_host() {
	make_tap "$NS" rtap1 && host_addr "$NS" rtap1 198.18.1.1/24 || return 1
	check_output "rump_ping gets every reply from the host" \
	    '^3 packets transmitted, 3 received, 0% packet loss' \
	    ip netns exec "$NS" "$BIN/rump_ping" --if virt0,tap=rtap1 \
	    --addr virt0,198.18.1.2/24 -c 3 -i 0.2 198.18.1.1 || return 1
	step_output | grep -Eq '^64 bytes from 198.18.1.1: icmp_seq=1 ttl=64 time=' ||
	    { echo "  FAILED: no 'icmp_seq=1 ttl=64' reply line" >&2; return 1; }
	step_output | grep -Eq '^rtt min/avg/max/mdev = ' ||
	    { echo "  FAILED: no rtt line" >&2; return 1; }
}

rump_ping_absent() {
	# Exit status 1: no reply (2 would be an error of the tool).
	check_status "rump_ping to an absent host exits 1" 1 \
	    ip netns exec "$NS" "$BIN/rump_ping" --if virt0,tap=rtap1 \
	    --addr virt0,198.18.1.2/24 -c 2 -i 0.2 -W 1 198.18.1.99 || return 1
	step_output | grep -Eq '^2 packets transmitted, 0 received' ||
	    { echo "  FAILED: statistics do not say 0 received" >&2; return 1; }
}

rump_ping_big() {
	check_output "rump_ping -s 4000 (fragments both ways)" \
	    '^2 packets transmitted, 2 received, 0% packet loss' \
	    ip netns exec "$NS" "$BIN/rump_ping" --if virt0,tap=rtap1 \
	    --addr virt0,198.18.1.2/24 -c 2 -i 0.2 -s 4000 198.18.1.1
}

run_test server_up server_up
run_test host_ping_thousand host_ping_thousand
run_test host_ping_sizes host_ping_sizes
run_test rump_ping_host rump_ping_host
run_test rump_ping_absent rump_ping_absent
run_test rump_ping_big rump_ping_big
finish
