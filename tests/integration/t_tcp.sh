#!/bin/sh
# TCP of the rump stack against the host through taps whose rump side
# injects faults in both directions (drops, duplicates, reordering,
# corruption): 64 MiB each way arrive byte-exact, at 1% and at 5% drop,
# the losses repaired by SACK recovery and retransmission (the rump
# kernel's counters say so); curl fetches from rump_httpd through the
# faults; a closed port refuses.
#
#	namespace NS:	rtap0 198.18.0.1/24 <-> rump_httpd virt0 198.18.0.2:8080
#			rtapA 198.18.A.1/24 <-> rump_nc -l  virt0 198.18.A.2 (host sends)
#			rtapB 198.18.B.1/24 <-> rump_nc --source virt0 198.18.B.2
#	(A, B: 1, 2 at 1% drops; 3, 4 at 5%)
#
# Both directions of both fault sets run at once, on taps of their own.
# TCP_LOSSY_BYTES sets the size sent each way (default 64 MiB).
# shellcheck disable=SC2317 # test functions are called through run_test
. "$(dirname "$0")/lib.sh"

require_root_and_tun
require_cmd curl nc timeout cmp
require_helper tcpstream
require_tcp
make_ns NS
STREAM=$HELPERS/tcpstream
BYTES=${TCP_LOSSY_BYTES:-67108864}
FAULTS="dup=1%,reorder=5%,corrupt=0.1%,dir=both"
ROOT=$WORKDIR/www
# shellcheck disable=SC2034 # read by the steps of lib.sh
STEP_TIMEOUT=300

# wait_gone NAME SECONDS: until NAME's process ends; 0 if it exited 0.
# shellcheck disable=SC2154 # _p is set by the eval
wait_gone() {
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
}

# counter_at_least NAME COUNTER MIN: the counter rump tool NAME printed at
# its exit (-v) is at least MIN.
counter_at_least() {
	_v=$(sed -n "s/^$2 \([0-9]*\)\$/\1/p" "$WORKDIR/$1.log")
	[ "${_v:-0}" -ge "$3" ] && return 0
	echo "  FAILED: $1's $2 is '${_v:-0}', expected at least $3; its log:" >&2
	sed 's/^/    | /' "$WORKDIR/$1.log" >&2
	return 1
}

taps_up() {
	mkdir -p "$ROOT" || return 1
	head -c "$BYTES" /dev/urandom >"$ROOT/data.bin" || return 1
	start_bg "$NS" httpd "$BIN/rump_httpd" --if virt0,tap=rtap0 \
	    --addr virt0,198.18.0.2/24 \
	    --fault "virt0,drop=1%,$FAULTS,seed=7" --port 8080 \
	    --root "$ROOT" -q || return 1
	wait_for_line httpd '^rump_httpd: serving ' 10 || return 1
	wait_link "$NS" rtap0 5 || return 1
	host_addr "$NS" rtap0 198.18.0.1/24
}

# start_both_ways TAG DROP SEED A B: BYTES from the host into rump_nc -l
# (recvTAG, on rtapA, writing them to a file) and from rump_nc --source
# (sourceTAG, on rtapB) into the host's tcpstream check (hostinTAG), both
# through DROP drops and the other faults; started, not waited for.
start_both_ways() {
	_f="virt0,drop=$2,$FAULTS,seed=$3"
	make_tap "$NS" "rtap$4" && host_addr "$NS" "rtap$4" "198.18.$4.1/24" &&
	    make_tap "$NS" "rtap$5" && host_addr "$NS" "rtap$5" "198.18.$5.1/24" ||
	    return 1
	start_bg "$NS" "recv$1" sh -c "exec '$BIN/rump_nc' --if virt0,tap=rtap$4 \
	    --addr virt0,198.18.$4.2/24 --fault '$_f' -v -l 5001 \
	    >'$WORKDIR/got-$1.bin'" || return 1
	wait_for_line "recv$1" 'listening on TCP port' 10 || return 1
	start_bg "$NS" "hostin$1" sh -c "nc -l -N 198.18.$5.1 500$5 </dev/null |
	    '$STREAM' check $BYTES" || return 1
	wait_tcp_port "$NS" "500$5" 5 || return 1
	start_bg "$NS" "source$1" "$BIN/rump_nc" --if "virt0,tap=rtap$5" \
	    --addr "virt0,198.18.$5.2/24" --fault "$_f" -v --source "$BYTES" \
	    "198.18.$5.1" "500$5" || return 1
	start_bg "$NS" "hostout$1" sh -c "nc -N 198.18.$4.2 5001 <'$ROOT/data.bin'"
}

# check_both_ways TAG: what start_both_ways TAG started ended well.
check_both_ways() {
	wait_gone "hostout$1" 300 || { echo "  the host's nc failed" >&2; return 1; }
	wait_gone "recv$1" 60 || { echo "  rump_nc -l failed" >&2; return 1; }
	check "rump_nc -l received the host's $BYTES bytes byte-exact" \
	    cmp "$ROOT/data.bin" "$WORKDIR/got-$1.bin" || return 1
	rm -f "$WORKDIR/got-$1.bin"
	wait_gone "source$1" 300 || { echo "  rump_nc --source failed" >&2; return 1; }
	wait_gone "hostin$1" 30 || return 1
	check_file "the host got rump_nc's $BYTES bytes byte-exact" \
	    "^ok: $BYTES bytes" "$WORKDIR/hostin$1.log" || return 1
	# The receiver saw the faults: segments out of order and duplicated.
	counter_at_least "recv$1" tcp.rcvoopack 1 &&
	    counter_at_least "recv$1" tcp.rcvduppack 1 || return 1
	# The sender repaired its losses with SACK and retransmissions.
	counter_at_least "source$1" tcp.sackrecoveries 1 &&
	    counter_at_least "source$1" tcp.sackrexmit 1 &&
	    counter_at_least "source$1" tcp.sndrexmitpack 1
}

# Both fault sets at once: the 5% one is the slow one.
one_and_five_percent_drops_both_ways_at_once() {
	start_both_ways 1 1% 7 1 2 && start_both_ways 5 5% 11 3 4 || return 1
	check_both_ways 1 && check_both_ways 5
}

curl_fetches_from_httpd_through_faults() {
	check "curl fetches $BYTES bytes from rump_httpd through the faults" \
	    ip netns exec "$NS" curl -sS -m 240 -o "$WORKDIR/got-out.bin" \
	    http://198.18.0.2:8080/data.bin || return 1
	check "curl got them byte-exact" \
	    cmp "$ROOT/data.bin" "$WORKDIR/got-out.bin"
}

closed_port_refuses() {
	check_status "the host's connection to a closed rump port is refused" 1 \
	    ip netns exec "$NS" nc -z -w 5 198.18.0.2 9
}

run_test taps_up taps_up
run_test one_and_five_percent_drops_both_ways_at_once \
    one_and_five_percent_drops_both_ways_at_once
run_test curl_fetches_from_httpd_through_faults curl_fetches_from_httpd_through_faults
run_test closed_port_refuses closed_port_refuses
finish
