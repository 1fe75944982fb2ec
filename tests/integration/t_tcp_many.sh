#!/bin/sh
# Many connections and floods against the rump stack's TCP from the host:
# 1,000 concurrent connections, each exchanging data and closing, through
# a listen backlog they overflow, leave no socket, PCB, mbuf or kernel
# memory behind once TIME-WAIT drained (RUMP_TCP_MSL_MS shortens it), and
# a connection after the overflow is served; a flood of 10,000 SYNs from
# spoofed sources in 198.18.0.0/15 leaves rump_nc answering new
# connections.
#
#	namespace NS:	rtap1 198.18.1.1/24 <-> tcpcheck echo  virt0 198.18.1.2
#			rtap2 198.18.2.1/24 <-> rump_nc --echo virt0 198.18.2.2
# shellcheck disable=SC2317 # test functions are called through run_test
. "$(dirname "$0")/lib.sh"

require_root_and_tun
require_helper tcpmany synflood rump/tcpcheck
require_tcp
make_ns NS
# shellcheck disable=SC2034 # read by the steps of lib.sh
STEP_TIMEOUT=180
NCONN=1000

# counter_at_least NAME COUNTER MIN: the counter NAME printed is >= MIN.
counter_at_least() {
	_v=$(sed -n "s/^$2 \([0-9]*\)\$/\1/p" "$WORKDIR/$1.log")
	[ "${_v:-0}" -ge "$3" ] && return 0
	echo "  FAILED: $1's $2 is '${_v:-0}', expected at least $3; its log:" >&2
	sed 's/^/    | /' "$WORKDIR/$1.log" >&2
	return 1
}

# wait_exit NAME SECONDS: until NAME's process ends; its status in $_rc.
# shellcheck disable=SC2154 # _p is set by the eval
wait_exit() {
	eval "_p=\${$1_pid:-}"
	_i=0
	while kill -0 "$_p" 2>/dev/null; do
		_i=$((_i + 1))
		if [ "$_i" -gt $(($2 * 10)) ]; then
			echo "  $1 did not end in $2 s; its log:" >&2
			sed 's/^/    /' "$WORKDIR/$1.log" >&2
			return 1
		fi
		sleep 0.1
	done
	wait "$_p"
	_rc=$?
}

taps_up() {
	make_tap "$NS" rtap1 && host_addr "$NS" rtap1 198.18.1.1/24 &&
	    make_tap "$NS" rtap2 && host_addr "$NS" rtap2 198.18.2.1/24
}

thousand_connections_leave_nothing_behind() {
	# A first connection sets the baseline; NCONN overflow the backlog
	# of 64; one more after them: NCONN + 2 connections.
	start_bg "$NS" many env RUMP_TCP_MSL_MS=200 "$HELPERS/rump/tcpcheck" \
	    --if virt0,tap=rtap1 --addr virt0,198.18.1.2/24 \
	    echo 7 $((NCONN + 2)) 64 3000 || return 1
	wait_for_line many 'listening on port 7' 10 || return 1
	check_output "a first connection is served" "^ok: 1 connections" \
	    ip netns exec "$NS" "$HELPERS/tcpmany" -w 198.18.1.2 7 1 3000 ||
	    return 1
	wait_for_line many 'baseline taken' 30 || return 1
	check_output "$NCONN concurrent connections exchange data and close" \
	    "^ok: $NCONN connections" ip netns exec "$NS" \
	    "$HELPERS/tcpmany" -w 198.18.1.2 7 "$NCONN" 3000 || return 1
	check_output "a connection after the backlog overflowed is served" \
	    "^ok: 1 connections" ip netns exec "$NS" \
	    "$HELPERS/tcpmany" -w 198.18.1.2 7 1 3000 || return 1
	wait_exit many 150 || return 1
	[ "$_rc" = 0 ] || {
		echo "  tcpcheck echo exited $_rc; its log:" >&2
		sed 's/^/    | /' "$WORKDIR/many.log" >&2
		return 1
	}
	check_file "nothing is left of the connections" '^tcpcheck: clean: ' \
	    "$WORKDIR/many.log" || return 1
	counter_at_least many tcp.timewait "$NCONN" &&
	    counter_at_least many tcp.syncookiesent 1
}

syn_flood_leaves_the_server_answering() {
	start_bg "$NS" flooded "$BIN/rump_nc" --if virt0,tap=rtap2 \
	    --addr virt0,198.18.2.2/24 --route default,198.18.2.1 \
	    -v -l --echo 7 || return 1
	wait_for_line flooded 'listening on TCP port' 10 || return 1
	check_output "10,000 spoofed SYNs are sent" "^sent 10000 SYNs" \
	    ip netns exec "$NS" "$HELPERS/synflood" 198.18.2.2 7 10000 ||
	    return 1
	check_output "new connections are still served" "^ok: 20 connections" \
	    ip netns exec "$NS" "$HELPERS/tcpmany" 198.18.2.2 7 20 10000 ||
	    return 1
	stop_bg flooded || { echo "  rump_nc did not end cleanly" >&2; return 1; }
	counter_at_least flooded tcp.syncookiesent 1
}

run_test taps_up taps_up
run_test thousand_connections_leave_nothing_behind thousand_connections_leave_nothing_behind
run_test syn_flood_leaves_the_server_answering syn_flood_leaves_the_server_answering
finish
