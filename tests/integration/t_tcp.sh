#!/bin/sh
# TCP of the rump stack against the host's nc and curl through taps whose
# rump side injects faults in both directions (drops, duplicates,
# reordering, corruption): data each way arrives byte-exact, the losses
# are repaired by retransmission, and a closed port refuses.
#
#	namespace NS:	rtap0 198.18.0.1/24 <-> rump_httpd virt0 198.18.0.2:8080
#			rtap1 198.18.1.1/24 <-> rump_nc    virt0 198.18.1.2
#
# TCP_LOSSY_BYTES sets the size sent each way (default 8 MiB).
# shellcheck disable=SC2317 # test functions are called through run_test
. "$(dirname "$0")/lib.sh"

require_root_and_tun
require_cmd curl nc timeout cmp
require_tcp
make_ns NS
BYTES=${TCP_LOSSY_BYTES:-8388608}
FAULTS="drop=1%,dup=1%,reorder=5%,corrupt=0.1%,dir=both,seed=7"
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

taps_up() {
	mkdir -p "$ROOT" || return 1
	head -c "$BYTES" /dev/urandom >"$ROOT/data.bin" || return 1
	start_bg "$NS" httpd "$BIN/rump_httpd" --if virt0,tap=rtap0 \
	    --addr virt0,198.18.0.2/24 --fault "virt0,$FAULTS" --port 8080 \
	    --root "$ROOT" -q || return 1
	wait_for_line httpd '^rump_httpd: serving ' 10 || return 1
	wait_link "$NS" rtap0 5 || return 1
	host_addr "$NS" rtap0 198.18.0.1/24 || return 1
	make_tap "$NS" rtap1 && host_addr "$NS" rtap1 198.18.1.1/24
}

host_to_rump_through_faults() {
	start_bg "$NS" recv sh -c "exec '$BIN/rump_nc' --if virt0,tap=rtap1 \
	    --addr virt0,198.18.1.2/24 --fault 'virt0,$FAULTS' -v -l 5001 \
	    >'$WORKDIR/got-in.bin'" || return 1
	wait_for_line recv 'listening on TCP port' 10 || return 1
	check "the host sends $BYTES bytes through the faults" \
	    ip netns exec "$NS" sh -c "nc -N 198.18.1.2 5001 <'$ROOT/data.bin'" ||
	    return 1
	wait_gone recv 60 || return 1
	check "rump_nc received them byte-exact" \
	    cmp "$ROOT/data.bin" "$WORKDIR/got-in.bin"
}

rump_to_host_through_faults() {
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
run_test host_to_rump_through_faults host_to_rump_through_faults
run_test rump_to_host_through_faults rump_to_host_through_faults
run_test closed_port_refuses closed_port_refuses
finish
