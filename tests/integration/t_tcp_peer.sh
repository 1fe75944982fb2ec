#!/bin/sh
# The rump stack's TCP facing the host's over a tap, in the cases where a
# peer misbehaves or goes away: an idle keepalive connection to a peer that
# vanished ends with ETIMEDOUT; a zero window is probed and the transfer
# resumes, byte-exact, when the reader drains; an abortive close (SO_LINGER
# 0) resets the peer, both ways; a connection to a closed port is refused,
# both ways.  The rump side is tests/integration/rump/tcpcheck, the host's
# tests/integration/tcppeer.
#
#	namespace NS:	rtap1 198.18.1.1/24 <-> tcpcheck virt0 198.18.1.2
#			(each test starts its own tcpcheck on rtap1)
# shellcheck disable=SC2317 # test functions are called through run_test
. "$(dirname "$0")/lib.sh"

require_root_and_tun
require_helper tcppeer rump/tcpcheck
require_tcp
make_ns NS
PEER=$HELPERS/tcppeer
RUMP="$HELPERS/rump/tcpcheck --if virt0,tap=rtap1 --addr virt0,198.18.1.2/24"

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

# exited_ok NAME SECONDS: NAME ends in time with status 0.
exited_ok() {
	wait_exit "$1" "$2" || return 1
	[ "$_rc" = 0 ] && return 0
	echo "  FAILED: $1 exited $_rc; its log:" >&2
	sed 's/^/    | /' "$WORKDIR/$1.log" >&2
	return 1
}

tap_up() {
	make_tap "$NS" rtap1 && host_addr "$NS" rtap1 198.18.1.1/24
}

keepalive_to_a_vanished_peer_times_out() {
	start_bg "$NS" holder "$PEER" hold 6001 || return 1
	wait_for_line holder 'listening on port' 5 || return 1
	# shellcheck disable=SC2086
	start_bg "$NS" ka $RUMP keepalive 198.18.1.1 6001 || return 1
	wait_for_line ka 'connected, keepalive on' 10 || return 1
	# The host forgets its address: the probes find nobody to answer.
	ip -n "$NS" addr del 198.18.1.1/24 dev rtap1 || return 1
	exited_ok ka 30 || return 1
	ip -n "$NS" addr add 198.18.1.1/24 dev rtap1 || return 1
	check_file "recv failed with ETIMEDOUT" 'recv: Connection timed out' \
	    "$WORKDIR/ka.log" &&
	    check_file "keepalive probes were sent" '^tcp\.keepprobe [1-9]' \
	    "$WORKDIR/ka.log" &&
	    check_file "keepalive dropped it" '^tcp\.keepdrops 1$' \
	    "$WORKDIR/ka.log"
}

a_zero_window_is_probed_and_resumes() {
	start_bg "$NS" reader "$PEER" slowread 6002 4194304 || return 1
	wait_for_line reader 'listening on port' 5 || return 1
	# shellcheck disable=SC2086
	start_bg "$NS" writer $RUMP zerowin 198.18.1.1 6002 4194304 || return 1
	wait_for_line writer 'probing the zero window' 30 || return 1
	kill -USR1 "$reader_pid" || return 1
	exited_ok writer 60 && exited_ok reader 10 || return 1
	check_file "the reader got every byte" '^ok: 4194304 bytes' \
	    "$WORKDIR/reader.log" &&
	    check_file "the persist timer sent probes" \
	    '^tcp\.persisttimeo ([2-9]|[1-9][0-9])' "$WORKDIR/writer.log"
}

an_abortive_close_resets_the_host() {
	start_bg "$NS" victim "$PEER" expectreset 6003 || return 1
	wait_for_line victim 'listening on port' 5 || return 1
	# shellcheck disable=SC2086
	check "the rump side closes with SO_LINGER 0" \
	    ip netns exec "$NS" $RUMP abort 198.18.1.1 6003 || return 1
	exited_ok victim 10 &&
	    check_file "the host's read failed with ECONNRESET" \
	    'read: Connection reset by peer' "$WORKDIR/victim.log"
}

the_hosts_abortive_close_resets_the_rump_side() {
	# shellcheck disable=SC2086
	start_bg "$NS" rvictim $RUMP reset 6004 || return 1
	wait_for_line rvictim 'listening on port 6004' 10 || return 1
	check "the host closes with SO_LINGER 0" \
	    ip netns exec "$NS" "$PEER" abort 198.18.1.2 6004 || return 1
	exited_ok rvictim 10 &&
	    check_file "the rump side's recv failed with ECONNRESET" \
	    'recv: Connection reset by peer' "$WORKDIR/rvictim.log"
}

connecting_to_a_closed_host_port_is_refused() {
	# shellcheck disable=SC2086
	check "the rump side's connect gets ECONNREFUSED" \
	    ip netns exec "$NS" $RUMP refused 198.18.1.1 6005 &&
	    step_output | grep -q 'connect: Connection refused'
}

connecting_to_a_closed_rump_port_is_refused() {
	# shellcheck disable=SC2086
	start_bg "$NS" closed $RUMP reset 6006 || return 1
	wait_for_line closed 'listening on port 6006' 10 || return 1
	check "the host's connect gets ECONNREFUSED" \
	    ip netns exec "$NS" "$PEER" refused 198.18.1.2 6007 &&
	    step_output | grep -q 'connect: Connection refused'
}

run_test tap_up tap_up
run_test keepalive_to_a_vanished_peer_times_out keepalive_to_a_vanished_peer_times_out
run_test a_zero_window_is_probed_and_resumes a_zero_window_is_probed_and_resumes
run_test an_abortive_close_resets_the_host an_abortive_close_resets_the_host
run_test the_hosts_abortive_close_resets_the_rump_side the_hosts_abortive_close_resets_the_rump_side
run_test connecting_to_a_closed_host_port_is_refused connecting_to_a_closed_host_port_is_refused
run_test connecting_to_a_closed_rump_port_is_refused connecting_to_a_closed_rump_port_is_refused
finish
