#!/bin/sh
# UDP between the host and rump stacks: the host's nc and udpprobe against
# rump_server --udp-echo (and against a closed port, which must answer with
# ICMP port unreachable), rump_nc against the host's nc, and the host
# against rump_nc -l -e.
#
# udpprobe (tests/integration/udpprobe.c) is the host's side wherever the
# outcome matters: a connected UDP socket reports ICMP port unreachable as
# ECONNREFUSED, so "refused" is checked exactly, whatever nc does.
#
#	namespace NS:	rtap0 198.18.0.1/24 <-> rump_server virt0 198.18.0.2
#			rtap1 198.18.1.1/24 <-> rump_nc     virt0 198.18.1.2
# shellcheck disable=SC2317 # test functions are called through run_test
. "$(dirname "$0")/lib.sh"

require_root_and_tun
require_cmd nc timeout
require_helper udpprobe
make_ns NS
UDPPROBE=$HELPERS/udpprobe
RUMP_IF1="--if virt0,tap=rtap1 --addr virt0,198.18.1.2/24"

server_up() {
	start_rump_server "$NS" server rtap0 198.18.0.1/24 \
	    --if virt0,tap=rtap0 --addr virt0,198.18.0.2/24 --udp-echo 7 ||
	    return 1
	check_file "the up line names the echo port" 'udp-echo 7' \
	    "$WORKDIR/server.log" || return 1
	make_tap "$NS" rtap1 && host_addr "$NS" rtap1 198.18.1.1/24
}

host_nc_echo() {
	echo hello-rump >"$WORKDIR/in.txt"
	check_output "the host's nc -u gets its line back" '^hello-rump$' \
	    ip netns exec "$NS" nc -u -w 1 198.18.0.2 7 <"$WORKDIR/in.txt"
}

host_probe_echo() {
	check_output "a datagram comes back unchanged" '^echo: 5 bytes$' \
	    ip netns exec "$NS" "$UDPPROBE" 198.18.0.2 7 hello || return 1
	check_output "an 8000-byte datagram (fragments) comes back" \
	    '^echo: 8000 bytes$' \
	    ip netns exec "$NS" "$UDPPROBE" -s 8000 198.18.0.2 7 || return 1
	check_output "an empty datagram comes back" '^echo: 0 bytes$' \
	    ip netns exec "$NS" "$UDPPROBE" -s 0 198.18.0.2 7
}

closed_port_unreachable() {
	check_status "a closed rump port answers with port unreachable" 3 \
	    ip netns exec "$NS" "$UDPPROBE" -n 1 -t 2000 198.18.0.2 9 x
}

rump_nc_to_host() {
	start_bg "$NS" hostnc nc -d -u -l 7777 || return 1
	wait_udp_port "$NS" 7777 5 || return 1
	echo from-rump >"$WORKDIR/in.txt"
	# The host's side of the tap gets a working queue only when Linux's
	# linkwatch notices the carrier (up to a second later): the first ARP
	# reply may be lost, and ARP asks again after a second.  Stay long
	# enough for that.
	# shellcheck disable=SC2086
	check "rump_nc sends a line to the host's nc" \
	    ip netns exec "$NS" "$BIN/rump_nc" $RUMP_IF1 -u -q 3 \
	    198.18.1.1 7777 <"$WORKDIR/in.txt" || return 1
	wait_for_line hostnc '^from-rump$' 5
}

rump_nc_refused() {
	echo x >"$WORKDIR/in.txt"
	# shellcheck disable=SC2086
	check_status "rump_nc to a closed host port fails" 1 \
	    ip netns exec "$NS" "$BIN/rump_nc" $RUMP_IF1 -u -q 2 \
	    198.18.1.1 9 <"$WORKDIR/in.txt" || return 1
	step_output | grep -q 'Connection refused' || {
		echo "  FAILED: rump_nc did not report 'Connection refused':" >&2
		step_output | sed 's/^/    | /' >&2
		return 1
	}
}

rump_nc_echo_server() {
	# shellcheck disable=SC2086
	start_bg "$NS" ncecho "$BIN/rump_nc" $RUMP_IF1 -u -l -p 8 -e -v ||
	    return 1
	wait_for_line ncecho 'listening on UDP port 8' 10 || return 1
	check_output "rump_nc -l -e echoes" '^echo: 11 bytes$' \
	    ip netns exec "$NS" "$UDPPROBE" 198.18.1.2 8 hello-again || return 1
	stop_bg ncecho
	_rc=$?
	if [ "$_rc" != 0 ]; then
		echo "  FAILED: rump_nc -l -e exited $_rc after SIGTERM, not 0" >&2
		return 1
	fi
}

run_test server_up server_up
run_test host_nc_echo host_nc_echo
run_test host_probe_echo host_probe_echo
run_test closed_port_unreachable closed_port_unreachable
run_test rump_nc_to_host rump_nc_to_host
run_test rump_nc_refused rump_nc_refused
run_test rump_nc_echo_server rump_nc_echo_server
finish
