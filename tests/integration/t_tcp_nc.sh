#!/bin/sh
# TCP between the host and rump_nc: bulk data both ways (byte-exact, as
# the pattern of tests/integration/tcpstream.c and sha256), the pipe mode
# with its half-close at the end of input, -k, --echo with many
# connections at once, and a refused connection.
#
#	namespace NS:	rtap1 198.18.1.1/24 <-> rump_nc virt0 198.18.1.2
#
# TCP_TEST_BYTES sets the bulk size (default 1 GiB).
# shellcheck disable=SC2317 # test functions are called through run_test
. "$(dirname "$0")/lib.sh"

require_root_and_tun
require_cmd nc timeout sha256sum ss
require_helper tcpstream
require_tcp
make_ns NS
STREAM=$HELPERS/tcpstream
BIG=${TCP_TEST_BYTES:-1073741824}
RUMP_IF1="--if virt0,tap=rtap1 --addr virt0,198.18.1.2/24"
# shellcheck disable=SC2034 # read by the steps of lib.sh
STEP_TIMEOUT=600

tap_up() {
	make_tap "$NS" rtap1 && host_addr "$NS" rtap1 198.18.1.1/24
}

# start_nc NAME args...: rump_nc args in NS; waits until it listens.
start_nc() {
	_name=$1
	shift
	# shellcheck disable=SC2086
	start_bg "$NS" "$_name" "$BIN/rump_nc" $RUMP_IF1 -v "$@" || return 1
	wait_for_line "$_name" 'listening on TCP port' 10
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

host_sends_into_rump_sink() {
	start_nc sink -l --sink 5001 || return 1
	check "the host sends $BIG bytes into rump_nc --sink" \
	    ip netns exec "$NS" sh -c "'$STREAM' gen $BIG | nc -N 198.18.1.2 5001" ||
	    return 1
	wait_for_line sink "received $BIG bytes in" 60 || return 1
	wait_exit sink 10 && [ "$_rc" = 0 ] || return 1
	# -v: the kernel's counters at exit; TCP received at least that much,
	# in order (rcvbyte) or first out of order (rcvoobyte: a frame the
	# host dropped at the tap leaves a hole that later bytes wait behind).
	n=$(sed -n 's/^tcp\.rcvbyte \([0-9]*\)$/\1/p' "$WORKDIR/sink.log")
	o=$(sed -n 's/^tcp\.rcvoobyte \([0-9]*\)$/\1/p' "$WORKDIR/sink.log")
	[ $((${n:-0} + ${o:-0})) -ge "$BIG" ] ||
	    { echo "  tcp.rcvbyte + rcvoobyte is '$n + $o', not at least $BIG" >&2; return 1; }
}

host_sends_into_rump_file() {
	# shellcheck disable=SC2086
	start_bg "$NS" recv sh -c "exec '$BIN/rump_nc' $RUMP_IF1 -v -l 5002 \
	    >'$WORKDIR/recv.bin'" || return 1
	wait_for_line recv 'listening on TCP port' 10 || return 1
	check "the host sends $BIG bytes to rump_nc -l" \
	    ip netns exec "$NS" sh -c "'$STREAM' gen $BIG | nc -N 198.18.1.2 5002" ||
	    return 1
	wait_exit recv 60 || return 1
	[ "$_rc" = 0 ] || { echo "  rump_nc -l exited $_rc" >&2; return 1; }
	want=$("$STREAM" gen "$BIG" | sha256sum)
	got=$(sha256sum <"$WORKDIR/recv.bin")
	rm -f "$WORKDIR/recv.bin"
	[ "$want" = "$got" ] || { echo "  sha256 differs: $got, sent $want" >&2; return 1; }
}

rump_source_to_host_nc() {
	start_bg "$NS" hostnc sh -c "nc -l -N 5003 </dev/null | '$STREAM' check $BIG" ||
	    return 1
	wait_tcp_port "$NS" 5003 5 || return 1
	# shellcheck disable=SC2086
	check_output "rump_nc --source sends $BIG bytes" "sent $BIG bytes in" \
	    ip netns exec "$NS" "$BIN/rump_nc" $RUMP_IF1 --source "$BIG" \
	    198.18.1.1 5003 || return 1
	wait_exit hostnc 30 || return 1
	check_file "the host's nc got the pattern, byte-exact" "^ok: $BIG bytes" \
	    "$WORKDIR/hostnc.log"
}

both_ways_with_a_half_close() {
	"$STREAM" gen 3000000 >"$WORKDIR/a.bin"
	head -c 2000000 /dev/urandom >"$WORKDIR/b.bin"
	# rump_nc listens, the host's nc connects: a listening nc (OpenBSD's)
	# ends once the peer's FIN came and its buffers are empty for a
	# moment, with standard input still to send, and would cut the
	# stream it sends short.
	# shellcheck disable=SC2086
	start_bg "$NS" rumppipe sh -c "exec '$BIN/rump_nc' $RUMP_IF1 -v -l 5004 \
	    <'$WORKDIR/a.bin' >'$WORKDIR/a-got.bin'" || return 1
	wait_for_line rumppipe 'listening on TCP port' 10 || return 1
	check "the host's nc sends its input and receives until rump_nc closes" \
	    ip netns exec "$NS" sh -c "nc -N 198.18.1.2 5004 \
	    <'$WORKDIR/b.bin' >'$WORKDIR/b-got.bin'" || return 1
	wait_exit rumppipe 30 || return 1
	check "rump_nc ended when both directions had" test "$_rc" -eq 0 ||
	    return 1
	check "rump_nc got the host's standard input" \
	    cmp "$WORKDIR/b.bin" "$WORKDIR/a-got.bin" || return 1
	check "the host got rump_nc's standard input" \
	    cmp "$WORKDIR/a.bin" "$WORKDIR/b-got.bin"
}

keep_listening_with_k() {
	# shellcheck disable=SC2086
	start_bg "$NS" keep sh -c "exec '$BIN/rump_nc' $RUMP_IF1 -v -l -k 5006 \
	    >'$WORKDIR/keep.out'" || return 1
	wait_for_line keep 'listening on TCP port' 10 || return 1
	for w in one two three; do
		check "connection '$w' to rump_nc -l -k" ip netns exec "$NS" \
		    sh -c "echo $w | nc -N 198.18.1.2 5006" || return 1
	done
	# nc ends when both sides have shut down, which can be before rump_nc
	# has read the last line (its own side shuts at once: its stdin is
	# empty); wait for the line, not for nc, before stopping it.
	i=0
	while ! grep -qx three "$WORKDIR/keep.out" && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	stop_bg keep || { echo "  rump_nc -l -k did not end cleanly" >&2; return 1; }
	check "rump_nc -l -k took all three connections" \
	    test "$(tr '\n' ' ' <"$WORKDIR/keep.out")" = "one two three "
}

echo_many_connections() {
	start_nc echo -l --echo 5005 || return 1
	head -c 300000 /dev/urandom >"$WORKDIR/e.bin"
	i=0
	pids=""
	while [ $i -lt 50 ]; do
		ip netns exec "$NS" sh -c "nc -N 198.18.1.2 5005 <'$WORKDIR/e.bin' \
		    >'$WORKDIR/e.$i'" &
		pids="$pids $!"
		i=$((i + 1))
	done
	for p in $pids; do
		wait "$p" || { echo "  an echo client failed" >&2; return 1; }
	done
	i=0
	while [ $i -lt 50 ]; do
		cmp -s "$WORKDIR/e.bin" "$WORKDIR/e.$i" ||
		    { echo "  echo client $i got other bytes back" >&2; return 1; }
		i=$((i + 1))
	done
	stop_bg echo
}

connect_to_a_closed_port_is_refused() {
	# shellcheck disable=SC2086
	check_status "rump_nc to a closed host port fails" 1 \
	    ip netns exec "$NS" "$BIN/rump_nc" $RUMP_IF1 198.18.1.1 9 ||
	    return 1
	step_output | grep -q 'Connection refused' || {
		echo "  FAILED: rump_nc did not report 'Connection refused':" >&2
		step_output | sed 's/^/    | /' >&2
		return 1
	}
}

run_test tap_up tap_up
run_test host_sends_into_rump_sink host_sends_into_rump_sink
run_test host_sends_into_rump_file host_sends_into_rump_file
run_test rump_source_to_host_nc rump_source_to_host_nc
run_test both_ways_with_a_half_close both_ways_with_a_half_close
run_test keep_listening_with_k keep_listening_with_k
run_test echo_many_connections echo_many_connections
run_test connect_to_a_closed_port_is_refused connect_to_a_closed_port_is_refused
finish
