#!/bin/sh
# Runs every test program and script given, each printing its own cmocka
# summary, then prints the totals: programs, and tests passed, failed and
# skipped (a skipped test is never counted as passed).  Exits non-zero if
# any program failed.  Each program's wall time is printed with its result,
# and the slowest ten are listed at the end: the suite has a time budget.
# Environment for the tests: RUMP_TEST_BUILD (the build directory).
# The sockin programs (tests/sockin/) need no privilege and prove it: run
# as root, they run as nobody.
set -u
: "${O:=build}"
RUMP_TEST_BUILD=$(cd "$O" && pwd)
export RUMP_TEST_BUILD
out=$(mktemp /tmp/rumptest.XXXXXX)
times=$(mktemp /tmp/rumptimes.XXXXXX)
trap 'rm -f "$out" "$times"' EXIT
failed=""
npass=0 nfail=0 tpass=0 tfail=0 tskip=0
for t in "$@"; do
	echo "=== $t"
	t0=$(date +%s%N)
	case "$t" in
	*.sh) sh "$t" >"$out" 2>&1 ;;
	*/tests/sockin/*)
		if [ "$(id -u)" -eq 0 ]; then
			setpriv --reuid=nobody --regid=nogroup --clear-groups \
			    "$t" >"$out" 2>&1
		else
			"$t" >"$out" 2>&1
		fi ;;
	*) "$t" >"$out" 2>&1 ;;
	esac
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	printf '%d.%03d %s\n' $((ms / 1000)) $((ms % 1000)) "$t" >>"$times"
	cat "$out"
	# cmocka's summary lines, from every group the program ran.
	set -- $(awk '
	    /^\[  PASSED  \] [0-9]+ test/ { p += $4 }
	    /^\[  FAILED  \] [0-9]+ test/ { f += $4 }
	    /^\[  SKIPPED \] [0-9]+ test/ { s += $4 }
	    END { print p + 0, f + 0, s + 0 }' "$out")
	tpass=$((tpass + $1)) tfail=$((tfail + $2)) tskip=$((tskip + $3))
	if [ $rc -eq 0 ]; then
		npass=$((npass + 1))
		echo "--- $t: passed ($((ms / 1000)) s)"
	else
		nfail=$((nfail + 1))
		failed="$failed $t(exit $rc)"
		echo "--- $t: FAILED (exit $rc, $((ms / 1000)) s)"
	fi
done
echo "==========================================="
echo "slowest programs (seconds):"
sort -rn "$times" | head -10 | sed 's/^/  /'
echo "test programs passed: $npass of $((npass + nfail))"
echo "tests: $tpass passed, $tfail failed, $tskip skipped"
if [ -n "$failed" ]; then
	echo "FAILED:$failed"
	exit 1
fi
echo "all test programs passed"
