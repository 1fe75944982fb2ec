#!/bin/sh
# The sockin flavours of the tools on the host's own loopback, as an
# ordinary user (nobody, when run as root): no tap, no namespace, no
# privilege.  rump_httpd-sockin serves a 256 MiB file byte-exact to curl;
# rump_nc-sockin and the host's nc exchange data both ways; 1,000
# concurrent connections to rump_nc-sockin --echo leave no host socket,
# control block or kernel memory behind; every interface option is
# refused by both tools.
# Ports are random high ones on 127.0.0.1.
# SOCKIN_TEST_BYTES sets the file size (default 256 MiB).
set -u
: "${RUMP_TEST_BUILD:?run through tests/run.sh}"
BIN=$RUMP_TEST_BUILD/bin
BIG=${SOCKIN_TEST_BYTES:-268435456}
tmp=$(mktemp -d /tmp/rumpsockin.XXXXXX)
chmod 755 "$tmp"
pids=""
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	wait
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
run=0 failed=0 failures=""

check() {
	name=$1
	shift
	run=$((run + 1))
	echo "[ RUN      ] $name"
	if "$@" >"$tmp/out" 2>&1; then
		echo "[       OK ] $name"
	else
		cat "$tmp/out"
		echo "[  FAILED  ] $name"
		failed=$((failed + 1))
		failures="$failures $name"
	fi
}

# asuser cmd... &: runs a command in the background as an ordinary user.
# Only ever started with &: the exec makes the background subshell the
# program itself, so $! is its pid and a kill reaches it.
asuser() {
	if [ "$(id -u)" -eq 0 ]; then
		exec setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
	else
		exec "$@"
	fi
}

# asuser_timeout SECS cmd...: asuser, ended after SECS seconds.  timeout
# runs as the caller: run as nobody it could not start a program in a
# build directory closed to nobody (a clone under a mode-700 directory,
# as CI makes), which setpriv started as the caller does.
asuser_timeout() {
	_secs=$1
	shift
	if [ "$(id -u)" -eq 0 ]; then
		timeout "$_secs" setpriv --reuid=nobody --regid=nogroup \
		    --clear-groups "$@"
	else
		timeout "$_secs" "$@"
	fi
}

. "$(dirname "$0")/hostwait.sh"

# wait_listen PORT: until the host has a TCP listener on 127.0.0.1:PORT.
wait_listen() {
	_i=0
	until ss -ltnH "sport = :$1" | grep -q .; do
		_i=$((_i + 1))
		[ "$_i" -gt 100 ] && { echo "nothing listens on $1"; return 1; }
		sleep 0.1
	done
}

httpd_serves_a_big_file_byte_exact() {
	mkdir -p "$tmp/www" && head -c "$BIG" /dev/urandom >"$tmp/www/big" &&
	    chmod -R a+rX "$tmp/www" || return 1
	port=$(randport)
	asuser "$BIN/rump_httpd-sockin" --port "$port" --bind 127.0.0.1 \
	    --root "$tmp/www" -q >"$tmp/httpd.log" 2>&1 &
	pids="$pids $!"
	wait_for "$tmp/httpd.log" "serving" 10 || return 1
	timeout 300 curl -sS -o "$tmp/got" "http://127.0.0.1:$port/big" ||
	    return 1
	cmp "$tmp/got" "$tmp/www/big"
}

nc_sockin_sends_to_the_hosts_nc() {
	head -c 8388608 /dev/urandom >"$tmp/data" && chmod a+r "$tmp/data" ||
	    return 1
	port=$(randport)
	nc -d -l 127.0.0.1 "$port" >"$tmp/recv" &
	ncpid=$!
	pids="$pids $ncpid"
	wait_listen "$port" || return 1
	asuser_timeout 60 "$BIN/rump_nc-sockin" 127.0.0.1 "$port" \
	    <"$tmp/data" || return 1
	wait "$ncpid" || return 1
	cmp "$tmp/recv" "$tmp/data"
}

the_hosts_nc_sends_to_nc_sockin() {
	port=$(randport)
	: >"$tmp/recv2" && chmod a+w "$tmp/recv2" || return 1
	asuser "$BIN/rump_nc-sockin" -v -l --bind 127.0.0.1 "$port" \
	    </dev/null >"$tmp/recv2" 2>"$tmp/ncl.log" &
	rncpid=$!
	pids="$pids $rncpid"
	wait_for "$tmp/ncl.log" "listening on TCP port" 10 || return 1
	timeout 60 nc -N 127.0.0.1 "$port" <"$tmp/data" || return 1
	wait "$rncpid" || return 1
	cmp "$tmp/recv2" "$tmp/data"
}

# host_fds PID: how many descriptors the host process PID has open.
host_fds() {
	ls "/proc/$1/fd" | wc -l
}

# wait_fds PID N SECONDS: until PID has N descriptors open.
wait_fds() {
	_i=0
	until [ "$(host_fds "$1")" -eq "$2" ]; do
		_i=$((_i + 1))
		if [ "$_i" -gt $(($3 * 10)) ]; then
			echo "$(host_fds "$1") host descriptors open, $2 before"
			ls -l "/proc/$1/fd"
			return 1
		fi
		sleep 0.1
	done
}

thousand_connections_to_nc_sockin_leave_nothing_behind() {
	port=$(randport)
	asuser "$BIN/rump_nc-sockin" -v -l --echo --bind 127.0.0.1 "$port" \
	    </dev/null >/dev/null 2>"$tmp/echo.log" &
	echopid=$!
	pids="$pids $echopid"
	wait_for "$tmp/echo.log" "listening on TCP port" 10 || return 1
	fds=$(host_fds "$echopid")
	timeout 120 "$RUMP_TEST_BUILD/tests/integration/tcpmany" 127.0.0.1 \
	    "$port" 1000 3000 || return 1
	# Every host socket of the connections is closed.
	wait_fds "$echopid" "$fds" 30 || return 1
	kill -TERM "$echopid" && wait "$echopid" || return 1
	grep -v ": echoed \|: connected" "$tmp/echo.log"
	# No control block and no kernel memory is left at the end.
	if grep -q '^sockin\.pcbs \|rump_fini\|^kmem:' "$tmp/echo.log"; then
		echo "rump_nc-sockin left something behind"
		return 1
	fi
	[ "$(grep -c ': echoed 3000 bytes' "$tmp/echo.log")" -eq 1000 ]
}

# refused TOOL ARGS...: TOOL exits with status 2 and says why, unstarted.
refused() {
	_tool=$1
	shift
	"$BIN/$_tool" "$@" </dev/null >/dev/null 2>"$tmp/err"
	_rc=$?
	cat "$tmp/err"
	[ "$_rc" -eq 2 ] || { echo "$_tool $*: exit $_rc, not 2"; return 1; }
	grep -q "do not apply: this program uses the host's own network" \
	    "$tmp/err"
}

# Each interface option, well formed, to each sockin tool.
every_interface_option_is_refused_by_both_tools() {
	for _opt in "--if virt0,tap=rtap9" "--addr virt0,198.18.0.1/24" \
	    "--route default,198.18.0.254" "--pcap virt0,$tmp/x.pcap" \
	    "--fault virt0,drop=1%" "--forward"; do
		# shellcheck disable=SC2086
		refused rump_nc-sockin $_opt 127.0.0.1 9 || return 1
		# shellcheck disable=SC2086
		refused rump_httpd-sockin $_opt --port 9 --root "$tmp" ||
		    return 1
	done
	[ ! -e "$tmp/x.pcap" ]
}

echo "[==========] Running t_sockin."
check httpd_serves_a_big_file_byte_exact httpd_serves_a_big_file_byte_exact
check nc_sockin_sends_to_the_hosts_nc nc_sockin_sends_to_the_hosts_nc
check the_hosts_nc_sends_to_nc_sockin the_hosts_nc_sends_to_nc_sockin
check thousand_connections_to_nc_sockin_leave_nothing_behind \
    thousand_connections_to_nc_sockin_leave_nothing_behind
check every_interface_option_is_refused_by_both_tools \
    every_interface_option_is_refused_by_both_tools
echo "[==========] $run test(s) run."
echo "[  PASSED  ] $((run - failed)) test(s)."
if [ "$failed" -ne 0 ]; then
	echo "[  FAILED  ] $failed test(s), listed below:"
	for f in $failures; do
		echo "[  FAILED  ] $f"
	done
	exit 1
fi
