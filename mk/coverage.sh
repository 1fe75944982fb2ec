#!/bin/sh
# Prints the line coverage of every kernel source file from the gcov
# counts of a COVERAGE=1 build: one line per file (lines run, lines, per
# cent), worst first, then the total.
# Usage: sh mk/coverage.sh BUILDDIR DIR...
set -eu
o=$1
shift
out=$(mktemp /tmp/rumpcov.XXXXXX)
trap 'rm -f "$out"' EXIT
for d in "$@"; do
	for src in "$d"/*.c; do
		obj=$o/obj/${src%.c}.o
		[ -f "${obj%.o}.gcno" ] || continue
		# -n: no .gcov files; the summary names every file the object
		# holds code of, headers too: only the source itself counts.
		gcov -n -o "$obj" "$src" 2>/dev/null | awk -v src="$src" '
		    /^File / { f = $2; gsub(/\x27/, "", f) }
		    /^Lines executed:/ && f == src {
			split($2, a, ":"); pct = a[2]; sub(/%/, "", pct)
			n = $4; printf "%s %d %d\n", src, n * pct / 100 + 0.5, n
			f = ""
		    }
		    /^No executable lines/ && f == src { printf "%s 0 0\n", src; f = "" }' >>"$out"
	done
done
if [ ! -s "$out" ]; then
	echo "coverage: no counts under $o (was it built with COVERAGE=1?)" >&2
	exit 1
fi
echo "=== line coverage per kernel file (lines run / lines)"
sort -k2,2 "$out" | awk '
    { pct = $3 ? 100 * $2 / $3 : 100; printf "%6.1f%%  %5d / %-5d  %s\n", pct, $2, $3, $1 }' |
    sort -n
awk '{ run += $2; all += $3 }
    END { printf "total: %.1f%% (%d of %d lines)\n", all ? 100 * run / all : 100, run, all }' "$out"
