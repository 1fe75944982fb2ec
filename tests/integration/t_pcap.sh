#!/bin/sh
# Packet capture: rump_server --pcap writes every frame of its interface to
# a pcap file that tcpdump reads, complete after SIGTERM: the ARP exchange
# and each ICMP echo request and reply.
#
#	namespace NS:	rtap0 198.18.0.1/24 <-> rump_server virt0 198.18.0.2
#			    --pcap virt0,$WORKDIR/virt0.pcap
# shellcheck disable=SC2317 # test functions are called through run_test
. "$(dirname "$0")/lib.sh"

require_root_and_tun
require_cmd ping tcpdump timeout
make_ns NS

server_up() {
	start_rump_server "$NS" server rtap0 198.18.0.1/24 \
	    --if virt0,tap=rtap0 --addr virt0,198.18.0.2/24 \
	    --pcap "virt0,$WORKDIR/virt0.pcap"
}

ping_then_stop() {
	check_output "three pings answered" \
	    '^3 packets transmitted, 3 received, 0% packet loss' \
	    ip netns exec "$NS" ping -c 3 -i 0.2 -W 2 198.18.0.2 || return 1
	stop_bg server
	_rc=$?
	if [ "$_rc" != 0 ]; then
		echo "  FAILED: rump_server exited $_rc after SIGTERM, not 0:" >&2
		sed 's/^/    | /' "$WORKDIR/server.log" >&2
		return 1
	fi
	check_file "rump_server said it was shutting down" \
	    'SIGTERM, shutting down' "$WORKDIR/server.log"
}

# The number of lines of tcpdump's reading of the capture matching REGEX.
count() {
	tcpdump -n -r "$WORKDIR/virt0.pcap" 2>/dev/null | grep -Ec -- "$1"
}

capture_has_echoes() {
	check "tcpdump reads the capture" \
	    tcpdump -n -r "$WORKDIR/virt0.pcap" || return 1
	_req=$(count '198\.18\.0\.1 > 198\.18\.0\.2: ICMP echo request, id [0-9]+, seq [123], length 64')
	_rep=$(count '198\.18\.0\.2 > 198\.18\.0\.1: ICMP echo reply, id [0-9]+, seq [123], length 64')
	if [ "$_req" != 3 ] || [ "$_rep" != 3 ]; then
		echo "  FAILED: expected 3 echo requests and 3 replies, found" \
		    "$_req and $_rep:" >&2
		tcpdump -n -r "$WORKDIR/virt0.pcap" 2>&1 | sed 's/^/    | /' >&2
		return 1
	fi
}

capture_has_arp() {
	_who=$(count 'ARP, Request who-has 198\.18\.0\.2 tell 198\.18\.0\.1')
	_is=$(count 'ARP, Reply 198\.18\.0\.2 is-at ')
	if [ "$_who" -lt 1 ] || [ "$_is" -lt 1 ]; then
		echo "  FAILED: no ARP request for 198.18.0.2 and its reply in" \
		    "the capture:" >&2
		tcpdump -n -r "$WORKDIR/virt0.pcap" 2>&1 | sed 's/^/    | /' >&2
		return 1
	fi
}

run_test server_up server_up
run_test ping_then_stop ping_then_stop
run_test capture_has_echoes capture_has_echoes
run_test capture_has_arp capture_has_arp
finish
