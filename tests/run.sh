#!/bin/sh
# Runs every test program and script given, JOBS at a time (default: the
# number of CPUs; JOBS=1 runs them one after another), each printing its
# own cmocka summary, then prints the totals: programs, and tests passed,
# failed and skipped (a skipped test is never counted as passed).  Exits
# non-zero if any program failed.
#
# A program's output is captured and printed whole when it ends, in the
# order they end, between "=== PROGRAM" and its result with its wall
# time; the slowest ten are listed at the end: the suite has a time budget.
# Programs named in SERIAL (mk/tests.mk says which and why) run alone:
# each waits for every running program to end, and none starts beside it.
#
# Environment for the tests: RUMP_TEST_BUILD (the build directory).
# The sockin programs (tests/sockin/) need no privilege and prove it: run
# as root, they run as nobody.
# Run as root, every program has a network namespace of its own, with only
# its loopback up: programs running side by side cannot reach each other's
# loopback ports (a probe of a "closed" port finding another test's
# server), and nothing a test does reaches the host's own network.
set -u
: "${O:=build}"
: "${JOBS:=$(nproc 2>/dev/null || echo 1)}"
: "${SERIAL:=}"
case "$JOBS" in
'' | *[!0-9]* | 0) echo "run.sh: JOBS must be a positive number, not '$JOBS'" >&2
	exit 2 ;;
esac
RUMP_TEST_BUILD=$(cd "$O" && pwd)
export RUMP_TEST_BUILD
dir=$(mktemp -d /tmp/rumptest.XXXXXX) || exit 2
running=0

# A signal ends the programs still running (SIGTERM: the scripts clean
# up on it) and waits for them, then the runner.
_stop() {
	for _f in "$dir"/*.pid; do
		[ -e "$_f" ] || continue
		[ -e "${_f%.pid}.rc" ] || kill -TERM "$(cat "$_f")" 2>/dev/null
	done
	wait
	exit "$1"
}
trap 'rm -rf "$dir"' EXIT
trap '_stop 130' INT
trap '_stop 143' TERM
trap '_stop 129' HUP

# The jobs tell the runner they ended through a FIFO: one line each, the
# job's number (a write this short is atomic).
mkfifo "$dir/done" || exit 2
exec 3<>"$dir/done"

netns=""
if [ "$(id -u)" -eq 0 ]; then
	printf '#!/bin/sh\nip link set lo up || exit 2\nexec "$@"\n' \
	    >"$dir/lo-up" && chmod 755 "$dir/lo-up" || exit 2
	netns="unshare --net $dir/lo-up"
fi

# run_one N PROGRAM, itself run in the background: runs the program, output
# in N.out, its pid in N.pid (for _stop: the program is started in the
# background and waited for, so its pid is known), then its wall time in
# N.ms and exit status in N.rc, and tells the runner.
run_one() {
	_t0=$(date +%s%N)
	case "$2" in
	*.sh) $netns sh "$2" >"$dir/$1.out" 2>&1 3>&- </dev/null & ;;
	*/tests/sockin/*)
		if [ "$(id -u)" -eq 0 ]; then
			$netns setpriv --reuid=nobody --regid=nogroup \
			    --clear-groups "$2" >"$dir/$1.out" 2>&1 3>&- \
			    </dev/null &
		else
			"$2" >"$dir/$1.out" 2>&1 3>&- </dev/null &
		fi ;;
	*) $netns "$2" >"$dir/$1.out" 2>&1 3>&- </dev/null & ;;
	esac
	echo $! >"$dir/$1.pid"
	wait $!
	_rc=$?
	echo $((($(date +%s%N) - _t0) / 1000000)) >"$dir/$1.ms"
	echo "$_rc" >"$dir/$1.rc"
	echo "$1" >&3
}

npass=0 nfail=0 tpass=0 tfail=0 tskip=0
failed=""

# report N: prints program N's output and result, and counts them.
report() {
	_t=$(cat "$dir/$1.name")
	_ms=$(cat "$dir/$1.ms")
	_rc=$(cat "$dir/$1.rc")
	printf '%d.%03d %s\n' $((_ms / 1000)) $((_ms % 1000)) "$_t" >>"$dir/times"
	echo "=== $_t"
	cat "$dir/$1.out"
	# cmocka's summary lines, from every group the program ran.
	set -- $(awk '
	    /^\[  PASSED  \] [0-9]+ test/ { p += $4 }
	    /^\[  FAILED  \] [0-9]+ test/ { f += $4 }
	    /^\[  SKIPPED \] [0-9]+ test/ { s += $4 }
	    END { print p + 0, f + 0, s + 0 }' "$dir/$1.out")
	tpass=$((tpass + $1)) tfail=$((tfail + $2)) tskip=$((tskip + $3))
	if [ "$_rc" -eq 0 ]; then
		npass=$((npass + 1))
		echo "--- $_t: passed ($((_ms / 1000)) s)"
	else
		nfail=$((nfail + 1))
		failed="$failed $_t(exit $_rc)"
		echo "--- $_t: FAILED (exit $_rc, $((_ms / 1000)) s)"
	fi
}

# Waits for one running program to end and reports it.
reap() {
	read -r _n <&3
	report "$_n"
	running=$((running - 1))
}

is_serial() {
	for _s in $SERIAL; do
		case "$1" in
		*/"$_s" | "$_s") return 0 ;;
		esac
	done
	return 1
}

t0=$(date +%s)
n=0
for t in "$@"; do
	n=$((n + 1))
	echo "$t" >"$dir/$n.name"
	if is_serial "$t"; then
		while [ "$running" -gt 0 ]; do reap; done
		run_one "$n" "$t" &
		running=1
		reap
		continue
	fi
	[ "$running" -ge "$JOBS" ] && reap
	run_one "$n" "$t" &
	running=$((running + 1))
done
while [ "$running" -gt 0 ]; do reap; done
echo "==========================================="
echo "slowest programs (seconds):"
sort -rn "$dir/times" | head -10 | sed 's/^/  /'
echo "wall time: $(($(date +%s) - t0)) s with JOBS=$JOBS"
echo "test programs passed: $npass of $((npass + nfail))"
echo "tests: $tpass passed, $tfail failed, $tskip skipped"
if [ -n "$failed" ]; then
	echo "FAILED:$failed"
	exit 1
fi
echo "all test programs passed"
