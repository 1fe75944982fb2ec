#!/bin/sh
# Runs every test program and script given, each printing its own cmocka
# summary, then prints the totals.  Exits non-zero if any failed.
# Environment for the tests: RUMP_TEST_BUILD (the build directory).
set -u
: "${O:=build}"
RUMP_TEST_BUILD=$(cd "$O" && pwd)
export RUMP_TEST_BUILD
failed=""
npass=0
for t in "$@"; do
	echo "=== $t"
	case "$t" in
	*.sh) sh "$t" ;;
	*) "$t" ;;
	esac
	rc=$?
	# cmocka writes its summary to stderr and the rest to stdout, which
	# may come out of order in a pipe: this line says how it ended.
	if [ $rc -eq 0 ]; then
		npass=$((npass + 1))
		echo "--- $t: passed"
	else
		failed="$failed $t(exit $rc)"
		echo "--- $t: FAILED (exit $rc)"
	fi
done
echo "==========================================="
echo "test programs passed: $npass of $#"
if [ -n "$failed" ]; then
	echo "FAILED:$failed"
	exit 1
fi
echo "all test programs passed"
