#!/bin/sh
# sockin's own work per request, counted in instructions, a figure that
# no other load on the machine moves (issue 8; sockin_bench.sh measures
# rates and CPU time): rump_httpd-sockin and rump_httpd-host (the same
# program on the host's system calls, tests/bench/host/rump_host.c) each
# serve N requests for a 1 KiB file (httpreqs, 10 connections at once;
# keep-alive, then one request per connection) under valgrind's
# callgrind, which counts the instructions the server runs in user space
# (all its threads) from just before the requests to just after, warmed
# up by 200 requests first.  The host kernel's work for either is not
# counted: both make about the same system calls per request.  Prints
# instructions per request for both and sockin's extra; INSTR_KEEP=DIR
# keeps the callgrind files there (callgrind_annotate --inclusive=yes
# FILE says where the extra goes).  Needs root (a namespace of its own)
# and valgrind; about a minute.
set -u
O=${O:-build}
N=${INSTR_REQUESTS:-5000}
NS=rumpsockini-$$
TMP=/tmp/rumpsockini-$$
srv=""

cleanup() {
	[ -n "$srv" ] && { kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; }
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ "$(id -u)" -ne 0 ]; then
	echo "bench: sockin_instr needs root (a namespace of its own); skipped"
	exit 0
fi
for c in valgrind callgrind_control; do
	command -v $c >/dev/null || {
		echo "bench: sockin_instr needs $c (sh mk/deps.sh); skipped"
		exit 0
	}
done
for f in "$O/bin/rump_httpd-sockin" "$O/tests/bench/rump_httpd-host" \
    "$O/tests/bench/httpreqs"; do
	[ -x "$f" ] || { echo "bench: sockin_instr needs $f (make bench)"; exit 1; }
done
mkdir -p "$TMP/www" || exit 1
head -c 1024 /dev/urandom >"$TMP/www/1k.bin"
ip netns add "$NS" && ip -n "$NS" link set lo up || exit 1
nsx() { ip netns exec "$NS" "$@"; }

# count FLAVOUR MODE BIN: BIN's instructions per request over N requests
# into $TMP/FLAVOUR.MODE (not in a subshell: the clean-up must know srv).
port=8079
count() {
	port=$((port + 1))
	: >"$TMP/log"
	# Not through nsx: $! would be a subshell, not valgrind.
	ip netns exec "$NS" valgrind --tool=callgrind --instr-atstart=no \
	    --callgrind-out-file="$TMP/cg.$1.$2" "$O/$3" --port $port \
	    --root "$TMP/www" -q >"$TMP/log" 2>&1 &
	srv=$!
	_i=0
	until grep -q serving "$TMP/log"; do
		_i=$((_i + 1))
		[ $_i -gt 1200 ] && { echo "bench: $3 did not start:"; cat "$TMP/log"; exit 1; }
		sleep 0.1
	done
	nsx "$O/tests/bench/httpreqs" $port /1k.bin 200 10 "$2" || exit 1
	callgrind_control -i on "$srv" >/dev/null 2>&1 || exit 1
	nsx "$O/tests/bench/httpreqs" $port /1k.bin "$N" 10 "$2" || exit 1
	callgrind_control -i off "$srv" >/dev/null 2>&1 || exit 1
	kill "$srv"
	wait "$srv"
	srv=""
	awk -v n="$N" '/^totals:/ { printf "%.0f", $2 / n }' "$TMP/cg.$1.$2" \
	    >"$TMP/$1.$2"
}

echo "sockin instructions per request (callgrind, $N requests, 10 connections):"
printf '  %-28s %8s %8s %8s %6s\n' "" sockin host extra ratio
for m in keep-alive close; do
	count sockin $m bin/rump_httpd-sockin
	count host $m tests/bench/rump_httpd-host
	s=$(cat "$TMP/sockin.$m") h=$(cat "$TMP/host.$m")
	printf '  %-28s %8s %8s %8s %6.2f\n' "$m" "$s" "$h" "$((s - h))" \
	    "$(awk -v s="$s" -v h="$h" 'BEGIN { print s / h }')"
done
if [ -n "${INSTR_KEEP:-}" ]; then
	mkdir -p "$INSTR_KEEP" && cp "$TMP"/cg.* "$INSTR_KEEP"/
fi
