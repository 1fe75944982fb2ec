#!/bin/sh
# 10,000 malformed frames written into the tap of a rump stack: truncated
# headers, bad lengths, bad checksums, bad options, martian addresses,
# overlapping, inconsistent and oversized fragments, bogus ARP, unknown
# ethertypes, frames for another MAC, frames longer than the stack's
# receive buffer.  The stack answers ping before and after, does not
# crash, and its counters account for every frame: frameflood
# (tests/integration/frameflood.c) says which counter each frame must
# move, and after SIGTERM the counters rump_server -v prints must have
# moved by exactly that much, plus the test's own pings and ARP.  Under
# SANITIZE=1 rump_server runs with ASan and UBSan; their reports fail the
# test.
#
#	namespace NS:	rtap0 198.18.0.1/24 (MTU 3000) <-> rump_server virt0
#			    198.18.0.2, mac=02:00:00:00:00:42
#
# FLOOD_COUNT and FLOOD_SEED change the number of frames and the seed.
# shellcheck disable=SC2317 # test functions are called through run_test
. "$(dirname "$0")/lib.sh"

require_root_and_tun
require_cmd ping timeout awk
require_helper frameflood
make_ns NS
FLOOD=$HELPERS/frameflood
MAC=02:00:00:00:00:42
COUNT=${FLOOD_COUNT:-10000}
SEED=${FLOOD_SEED:-1}
PINGS=0		# echo requests the host sent (and the stack answered)

server_up() {
	start_rump_server "$NS" server rtap0 198.18.0.1/24 \
	    --if "virt0,tap=rtap0,mac=$MAC" --addr virt0,198.18.0.2/24 -v ||
	    return 1
	# The host sends frames up to its MTU only; the stack keeps 1500.
	ip -n "$NS" link set rtap0 mtu 3000
}

server_running() {
	# shellcheck disable=SC2154 # server_pid: set by start_bg
	kill -0 "$server_pid" 2>/dev/null && return 0
	echo "  FAILED: rump_server is gone; its log:" >&2
	server_messages
	return 1
}

pings() {
	check_output "the stack answers three pings" \
	    '^3 packets transmitted, 3 received, 0% packet loss' \
	    ip netns exec "$NS" ping -c 3 -i 0.2 -W 2 198.18.0.2 || return 1
	PINGS=$((PINGS + 3))
}

ping_before() {
	pings
}

flood() {
	check "frameflood sends $COUNT frames, all read from the tap" \
	    ip netns exec "$NS" "$FLOOD" -e rtap0 "$MAC" 198.18.0.1 \
	    198.18.0.2 "$COUNT" "$SEED" || return 1
	step_output >"$WORKDIR/flood.out"
	grep -v '^expect ' "$WORKDIR/flood.out" | sed 's/^/    /'
	server_running
}

ping_after() {
	server_running && pings
}

# A counter of the -v dump: "name value".
COUNTER_LINE='^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+ [0-9]+$'

# The server's log but its counters, for failures.
server_messages() {
	grep -Ev "$COUNTER_LINE" "$WORKDIR/server.log" | sed 's/^/    | /' >&2
}

# SIGTERM: rump_server prints its counters and exits 0, which it does
# only if rump_fini finds no kernel memory still in use (a leaked mbuf
# fails here); no sanitizer report, no panic.
stop_clean() {
	stop_bg server
	_rc=$?
	grep -E "$COUNTER_LINE" "$WORKDIR/server.log" >"$WORKDIR/counters.txt"
	if [ "$_rc" != 0 ]; then
		echo "  FAILED: rump_server exited $_rc after SIGTERM, not 0:" >&2
		server_messages
		return 1
	fi
	if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:|panic:' \
	    "$WORKDIR/server.log"; then
		echo "  FAILED: rump_server reported errors:" >&2
		server_messages
		return 1
	fi
	if ! grep -q '^virt0\.ipackets ' "$WORKDIR/counters.txt"; then
		echo "  FAILED: no counter dump in rump_server's log:" >&2
		server_messages
		return 1
	fi
}

# Every counter frameflood names moved by what it says, plus what the
# test's own traffic adds: the host's echo requests (ip.total,
# ip.delivered) and its ARP packets, all valid (arp.in.requests,
# arp.in.replies, arp.in.probes).  The flood has no valid echo request
# and no valid ARP packet, so those counters measure the test's traffic.
counters_exact() {
	if [ ! -s "$WORKDIR/counters.txt" ] || [ ! -s "$WORKDIR/flood.out" ]; then
		echo "  FAILED: no counters or no expectations to compare" >&2
		return 1
	fi
	awk -v pings="$PINGS" '
	function v(n) { return (n in c) ? c[n] : 0 }
	FNR == NR { c[$1] = $2; next }
	$1 != "expect" { next }
	{
		n = split($2, part, "+")
		got = 0
		for (i = 1; i <= n; i++)
			got += v(part[i])
		echo = v("icmp.in.echo")
		arp = v("arp.in.requests") + v("arp.in.replies") + v("arp.in.probes")
		legit = 0
		if ($2 == "ip.total" || $2 == "ip.delivered")
			legit = echo
		else if ($2 == "arp.in.packets")
			legit = arp
		else if ($2 == "virt0.ipackets")
			legit = echo + arp
		checked++
		if (got != $3 + legit) {
			printf "  FAILED: %s is %d, expected %d", $2, got, $3 >"/dev/stderr"
			if (legit)
				printf " + %d of the test'"'"'s own", legit >"/dev/stderr"
			printf "\n" >"/dev/stderr"
			bad++
		}
	}
	END {
		if (v("icmp.in.echo") != pings) {
			printf "  FAILED: icmp.in.echo is %d, the host sent %d " \
			    "echo requests\n", v("icmp.in.echo"), pings >"/dev/stderr"
			bad++
		}
		if (checked < 50) {
			printf "  FAILED: only %d expectations\n", checked >"/dev/stderr"
			bad++
		}
		exit bad != 0
	}' "$WORKDIR/counters.txt" "$WORKDIR/flood.out"
}

# Independently of frameflood's model: every frame the interface took in
# went to exactly one place (dropped by Ethernet, or into ARP or IPv4).
counted_once() {
	awk '
	function v(n) { return (n in c) ? c[n] : 0 }
	{ c[$1] = $2 }
	END {
		in_ = v("virt0.ipackets")
		out = v("virt0.drop.short") + v("virt0.drop.notforus") + \
		    v("virt0.drop.noproto") + v("arp.in.packets") + v("ip.total")
		if (in_ != out) {
			printf "  FAILED: virt0.ipackets is %d; drops, ARP and " \
			    "IPv4 took %d\n", in_, out >"/dev/stderr"
			exit 1
		}
	}' "$WORKDIR/counters.txt"
}

run_test server_up server_up
run_test ping_before ping_before
run_test flood flood
run_test ping_after ping_after
run_test stop_clean stop_clean
run_test counters_exact counters_exact
run_test counted_once counted_once
finish
