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
	if [ $rc -eq 0 ]; then
		npass=$((npass + 1))
	else
		failed="$failed $t(exit $rc)"
	fi
done
echo "==========================================="
echo "test programs passed: $npass of $#"
if [ -n "$failed" ]; then
	echo "FAILED:$failed"
	exit 1
fi
echo "all test programs passed"
