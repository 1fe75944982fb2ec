# Helpers of the integration tests, sourced by each tests/integration/t_*.sh.
# POSIX sh (the scripts run under dash).
#
# The tests run the real thing: the rump tools on tap devices inside network
# namespaces this script creates, with the host's ping, nc and tcpdump as
# peers, and everything they start and create is removed on every way out
# (success, failure, a signal, an error in a step).
#
# A script does:
#
#	. "$(dirname "$0")/lib.sh"
#	require_root_and_tun		# else "[  SKIPPED ]" and exit 0
#	make_ns NS			# $NS: a new namespace
#	start_bg "$NS" server "$BIN/rump_server" ...	# $LAST_PID
#	wait_for_line server 'rump_server: up:' 10
#	run_test name function		# cmocka-style RUN / OK / FAILED lines
#	finish				# the summary; exit status = failures
#
# and in a test function, each step as
#
#	check "what should happen" command args... || return 1
#
# Environment: RUMP_TEST_BUILD, the build directory (tests/run.sh sets it;
# default: build/ next to tests/); KEEP_LOGS=1 keeps the work directory.

TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}
if [ -z "${RUMP_TEST_BUILD:-}" ]; then
	RUMP_TEST_BUILD=$(cd "$(dirname "$0")/../../build" 2>/dev/null && pwd) ||
	    RUMP_TEST_BUILD=build
fi
BIN=$RUMP_TEST_BUILD/bin
HELPERS=$RUMP_TEST_BUILD/tests/integration
# Seconds a single step may take before it counts as failed.
STEP_TIMEOUT=${STEP_TIMEOUT:-60}

_lib_ns=""		# namespaces made here, to delete
_lib_pids=""		# processes started here, to end
_lib_step=""		# the step running now
_lib_nsseq=0
_lib_run=0
_lib_failed=0
_lib_failed_names=""
_lib_cleaned=0
WORKDIR=""

# ---- cleanup -----------------------------------------------------------

# Ends pid: SIGTERM, up to 5 seconds of grace, then SIGKILL.
_lib_end() {
	kill -TERM "$1" 2>/dev/null || return 0
	_i=0
	while kill -0 "$1" 2>/dev/null && [ "$_i" -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

_lib_cleanup() {
	[ "$_lib_cleaned" = 1 ] && return 0
	_lib_cleaned=1
	set +e
	[ -n "$_lib_step" ] && _lib_end "$_lib_step"
	for _p in $_lib_pids; do
		_lib_end "$_p"
	done
	for _n in $_lib_ns; do
		# Whatever still runs in a namespace of ours was started by us.
		for _p in $(ip netns pids "$_n" 2>/dev/null); do
			kill -KILL "$_p" 2>/dev/null
		done
		ip netns del "$_n" 2>/dev/null ||
		    echo "$TEST_NAME: could not delete namespace $_n" >&2
	done
	if [ -n "$WORKDIR" ] && [ -d "$WORKDIR" ]; then
		if [ "$_lib_failed" -gt 0 ] || [ "${KEEP_LOGS:-0}" = 1 ]; then
			echo "$TEST_NAME: logs kept in $WORKDIR" >&2
		else
			rm -rf "$WORKDIR"
		fi
	fi
}

_lib_interrupted() {
	echo "[  FAILED  ] $TEST_NAME: interrupted by $1"
	exit "$2"
}

trap _lib_cleanup EXIT
trap '_lib_interrupted SIGHUP 129' HUP
trap '_lib_interrupted SIGINT 130' INT
trap '_lib_interrupted SIGTERM 143' TERM

# ---- requirements ------------------------------------------------------

# The whole script is skipped: said in cmocka's words, counted by run.sh.
skip() {
	echo "[  SKIPPED ] $TEST_NAME: $*"
	echo "[  SKIPPED ] 1 test(s), listed below:"
	echo "[  SKIPPED ] $TEST_NAME"
	exit 0
}

# Root, /dev/net/tun and network namespaces, or the script is skipped.
require_root_and_tun() {
	if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] ||
	    ! command -v ip >/dev/null 2>&1; then
		skip "needs root and /dev/net/tun"
	fi
	_probe="rumpt-probe-$$"
	ip netns add "$_probe" 2>/dev/null ||
	    skip "needs root and /dev/net/tun (cannot create a network namespace)"
	ip netns del "$_probe"
	WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/rump-$TEST_NAME.XXXXXX") ||
	    { echo "$TEST_NAME: mktemp failed" >&2; exit 1; }
	for _t in rump_server rump_ping rump_nc; do
		if [ ! -x "$BIN/$_t" ]; then
			echo "[  FAILED  ] $TEST_NAME: $BIN/$_t is not built (make tools)"
			exit 1
		fi
	done
}

# Host commands a script needs; skipped (not failed) without them.
require_cmd() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 || skip "needs $_c"
	done
}

# A host helper built from tests/integration/*.c.
require_helper() {
	for _h in "$@"; do
		if [ ! -x "$HELPERS/$_h" ]; then
			echo "[  FAILED  ] $TEST_NAME: $HELPERS/$_h is not built (make tests)"
			exit 1
		fi
	done
}

# The rump kernel's TCP, or the script is skipped (said, never passed):
# rump_nc connecting to a closed port on the rump kernel's own loopback
# fails with "Connection refused" when there is TCP, and at once with
# EPROTONOSUPPORT when there is none.
require_tcp() {
	_out=$(timeout 20 "$BIN/rump_nc" --source 1 127.0.0.1 9 2>&1)
	case "$_out" in
	*"Protocol not supported"*) skip "no TCP in this build ($_out)" ;;
	esac
}

# wait_tcp_port NS PORT SECONDS: until a host socket in NS listens on PORT.
wait_tcp_port() {
	_i=0
	while ! ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q .; do
		_i=$((_i + 1))
		if [ "$_i" -gt $(($3 * 10)) ]; then
			echo "  nothing listens on TCP port $2 after $3 s" >&2
			return 1
		fi
		sleep 0.1
	done
}

# ---- namespaces, taps, processes ---------------------------------------

# make_ns VAR: creates a namespace with loopback up; its name goes in $VAR.
make_ns() {
	_lib_nsseq=$((_lib_nsseq + 1))
	_n="rumpt-$TEST_NAME-$$-$_lib_nsseq"
	ip netns add "$_n" || { echo "$TEST_NAME: cannot create namespace $_n" >&2; exit 1; }
	_lib_ns="$_lib_ns $_n"
	ip -n "$_n" link set lo up
	# IPv4 tests: no IPv6 chatter (router solicitations, MLD) on the taps.
	# Written through /proc so no sysctl(8) is needed, and read back: a
	# test counting frames must not run with the host's chatter in them.
	ip netns exec "$_n" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 &&
	    echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6' 2>/dev/null
	if [ "$(ip netns exec "$_n" cat /proc/sys/net/ipv6/conf/default/disable_ipv6 \
	    2>/dev/null)" != 1 ] && [ -e /proc/sys/net/ipv6 ]; then
		echo "$TEST_NAME: cannot turn IPv6 off in namespace $_n" >&2
		exit 1
	fi
	eval "$1=\$_n"
}

# make_tap NS TAP: a persistent tap device, for a tool that must find the
# host's side configured before it starts (rump_ping, rump_nc).
make_tap() {
	ip -n "$1" tuntap add dev "$2" mode tap
}

# host_addr NS DEV A.B.C.D/LEN: the host's side of a tap.
host_addr() {
	ip -n "$1" addr add "$3" dev "$2" && ip -n "$1" link set "$2" up
}

# wait_link NS DEV SECONDS: until DEV exists in NS (a tool creates it).
wait_link() {
	_i=0
	while ! ip -n "$1" link show "$2" >/dev/null 2>&1; do
		_i=$((_i + 1))
		if [ "$_i" -gt $(($3 * 10)) ]; then
			echo "  $2 did not appear in $3 s" >&2
			return 1
		fi
		sleep 0.1
	done
}

# wait_udp_port NS PORT SECONDS: until a host socket in NS listens on PORT.
wait_udp_port() {
	_i=0
	while ! ip netns exec "$1" ss -Hlun "sport = :$2" 2>/dev/null | grep -q .; do
		_i=$((_i + 1))
		if [ "$_i" -gt $(($3 * 10)) ]; then
			echo "  nothing listens on UDP port $2 after $3 s" >&2
			return 1
		fi
		sleep 0.1
	done
}

# start_bg NS NAME command args...: runs the command in NS in the
# background, output in $WORKDIR/NAME.log; its pid goes in $LAST_PID and
# NAME_pid.  ip netns exec execs the command, so the pid is the command's.
# The log is emptied first: the background shell truncates it only when it
# gets to run, and a wait_for_line before then would find an earlier run's
# line in it.
start_bg() {
	_ns=$1
	_name=$2
	shift 2
	: >"$WORKDIR/$_name.log" || return 1
	ip netns exec "$_ns" "$@" >"$WORKDIR/$_name.log" 2>&1 </dev/null &
	LAST_PID=$!
	_lib_pids="$_lib_pids $LAST_PID"
	eval "${_name}_pid=\$LAST_PID"
}

# stop_bg NAME: SIGTERM, then waits; returns the exit status (or 124 if
# it had to be killed).
stop_bg() {
	eval "_p=\${$1_pid:-}"
	[ -n "$_p" ] || return 1
	kill -TERM "$_p" 2>/dev/null
	_i=0
	while kill -0 "$_p" 2>/dev/null; do
		_i=$((_i + 1))
		if [ "$_i" -gt 100 ]; then
			kill -KILL "$_p" 2>/dev/null
			wait "$_p" 2>/dev/null
			return 124
		fi
		sleep 0.1
	done
	wait "$_p"
}

# wait_for_line NAME REGEX SECONDS: until NAME's log has a matching line;
# fails at once if the process ends first.
wait_for_line() {
	eval "_p=\${$1_pid:-}"
	_i=0
	while ! grep -Eq "$2" "$WORKDIR/$1.log" 2>/dev/null; do
		if [ -n "$_p" ] && ! kill -0 "$_p" 2>/dev/null; then
			echo "  $1 ended before printing /$2/; its log:" >&2
			sed 's/^/    /' "$WORKDIR/$1.log" >&2
			return 1
		fi
		_i=$((_i + 1))
		if [ "$_i" -gt $(($3 * 10)) ]; then
			echo "  $1 did not print /$2/ in $3 s; its log:" >&2
			sed 's/^/    /' "$WORKDIR/$1.log" >&2
			return 1
		fi
		sleep 0.1
	done
}

# start_rump_server NS NAME TAP HOST_CIDR args...: runs rump_server args...
# in NS, where it creates TAP; waits for its "up" line and for TAP; gives
# the host's side of TAP the address HOST_CIDR.
start_rump_server() {
	_rs_ns=$1
	_rs_name=$2
	_rs_tap=$3
	_rs_cidr=$4
	shift 4
	start_bg "$_rs_ns" "$_rs_name" "$BIN/rump_server" "$@"
	wait_for_line "$_rs_name" '^rump_server: up:' 10 || return 1
	wait_link "$_rs_ns" "$_rs_tap" 5 || return 1
	host_addr "$_rs_ns" "$_rs_tap" "$_rs_cidr"
}

# ---- steps and tests ---------------------------------------------------

# Runs a step's command (STEP_TIMEOUT at most) in the background and waits
# for it: a shell runs its traps only between foreground commands, but a
# signal interrupts wait at once, so a step never delays the cleanup.
# Output in $WORKDIR/step.out, exit status in $_rc.
_lib_runstep() {
	exec 9<&0
	timeout "$STEP_TIMEOUT" "$@" >"$WORKDIR/step.out" 2>&1 <&9 9<&- &
	_lib_step=$!
	wait "$_lib_step"
	_rc=$?
	_lib_step=""
	exec 9<&-
}

# check WHAT command args...: the command succeeds; on failure, says what
# should have happened and shows the command's output.
check() {
	_what=$1
	shift
	_lib_runstep "$@"
	[ "$_rc" = 0 ] && return 0
	_lib_step_failed "$_what" "exit status $_rc" "$@"
	return 1
}

# check_status WHAT STATUS command args...: the command exits with STATUS.
check_status() {
	_what=$1
	_want=$2
	shift 2
	_lib_runstep "$@"
	[ "$_rc" = "$_want" ] && return 0
	_lib_step_failed "$_what" "exit status $_rc, expected $_want" "$@"
	return 1
}

# check_output WHAT REGEX command args...: the command succeeds and prints
# a line matching REGEX (grep -E).
check_output() {
	_what=$1
	_re=$2
	shift 2
	_lib_runstep "$@"
	if [ "$_rc" != 0 ]; then
		_lib_step_failed "$_what" "exit status $_rc" "$@"
		return 1
	fi
	grep -Eq -- "$_re" "$WORKDIR/step.out" && return 0
	_lib_step_failed "$_what" "no line matches /$_re/" "$@"
	return 1
}

# check_file WHAT REGEX FILE: FILE has a line matching REGEX.
check_file() {
	grep -Eq -- "$2" "$3" 2>/dev/null && return 0
	echo "  FAILED: $1: no line of $3 matches /$2/:" >&2
	sed 's/^/    | /' "$3" >&2 2>/dev/null
	return 1
}

# The output of the last step, for further checks.
step_output() {
	cat "$WORKDIR/step.out"
}

_lib_step_failed() {
	_w=$1
	_why=$2
	shift 2
	echo "  FAILED: $_w ($_why)" >&2
	echo "    \$ $*" >&2
	sed 's/^/    | /' "$WORKDIR/step.out" >&2
}

# run_test NAME function: one test case, reported as cmocka does.
run_test() {
	_lib_run=$((_lib_run + 1))
	echo "[ RUN      ] $1"
	if "$2"; then
		echo "[       OK ] $1"
	else
		echo "[  FAILED  ] $1"
		_lib_failed=$((_lib_failed + 1))
		_lib_failed_names="$_lib_failed_names $1"
	fi
}

# The summary; the exit status is the number of failed tests.
finish() {
	echo "[==========] $_lib_run test(s) run."
	echo "[  PASSED  ] $((_lib_run - _lib_failed)) test(s)."
	if [ "$_lib_failed" -gt 0 ]; then
		echo "[  FAILED  ] $_lib_failed test(s), listed below:"
		for _t in $_lib_failed_names; do
			echo "[  FAILED  ] $_t"
		done
		echo
		echo " $_lib_failed FAILED TEST(S)"
	fi
	exit "$_lib_failed"
}

echo "[==========] Running $TEST_NAME."
