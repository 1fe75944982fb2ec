#!/bin/sh
# sockin beside the host's own sockets, over loopback in a namespace of
# its own, printed as ratios (never pass/fail; issue 8):
#
# - a 1 GiB TCP transfer each way: rump_nc-sockin --source into a sink,
#   and a source into rump_nc-sockin --sink, beside rump_nc built on the
#   host's system calls (rump_nc-host, tests/bench/host/rump_host.c: the
#   same program without a kernel) as source and sink, and beside host nc
#   into host nc;
# - requests/s with wrk (100 connections, a 1 KiB file, keep-alive and
#   one request per connection) against rump_httpd-sockin beside
#   rump_httpd-host.
# ROUNDS rounds (default 5) run every transfer once, sockin and host
# alternating; WRK_ROUNDS (default 9) run wrk against each server, both
# modes, BENCH_SECONDS (default 3) each, the first of each pair
# alternating.  Each figure is the median of its runs, the ratio the one
# of the medians.  Needs root (for the namespace), nc and wrk.  About two
# and a half minutes on a quiet machine.
#
# Beside each figure, the CPU time it took (median): of the rump_nc
# measured (the source of a --source row, the sink of a --sink row) per
# GiB, and of the server per request (its utime + stime over the wrk run,
# all threads, from /proc/PID/stat, over the requests wrk counted).  The
# server is CPU-bound on one core, so its CPU per request is what its
# request rate is the inverse of, without the noise of what else the
# machine does meanwhile (single wrk runs move by +-15%; CPU per request
# moves far less).
set -u
O=${O:-build}
B=$O/bin
H=$O/tests/bench
SECS=${BENCH_SECONDS:-3}
ROUNDS=${ROUNDS:-5}
WRK_ROUNDS=${WRK_ROUNDS:-9}
TCK=$(getconf CLK_TCK)
BYTES=$((1024 * 1024 * 1024))
NS=rumpsockinb-$$
TMP=/tmp/rumpsockinb-$$
pids=""

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP" "$TMP".*
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ "$(id -u)" -ne 0 ]; then
	echo "bench: sockin_bench needs root (a namespace of its own); skipped"
	exit 0
fi
for c in nc wrk; do
	command -v $c >/dev/null || { echo "bench: sockin_bench needs $c (sh mk/deps.sh); skipped"; exit 0; }
done
[ -x "$B/rump_nc-sockin" ] && [ -x "$H/rump_nc-host" ] || {
	echo "bench: sockin_bench needs rump_nc-sockin and rump_nc-host (make bench)"
	exit 1
}

ip netns add "$NS" && ip -n "$NS" link set lo up || exit 1
nsx() { ip netns exec "$NS" "$@"; }
# start NAME cmd...: in NS in the background, output in $TMP.NAME.
start() {
	_n=$1
	shift
	# Emptied now, not by the background shell: wait_text must not find
	# the last program's text in it.
	: >"$TMP.$_n"
	# Not through nsx: $! would be the subshell running the function,
	# and killing it would leave the program running.
	ip netns exec "$NS" "$@" >"$TMP.$_n" 2>&1 &
	last=$!
	pids="$pids $last"
}
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
wait_text() {
	_i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 200 ] && { echo "bench: no '$2' in $1:"; cat "$1"; exit 1; }
		sleep 0.05
	done
}
# wait_listen PORT: until something listens on 127.0.0.1:PORT in NS (10 s).
wait_listen() {
	_i=0
	until nsx ss -Hltn "sport = :$1" | grep -q .; do
		_i=$((_i + 1))
		[ $_i -gt 200 ] && { echo "bench: nothing listens on port $1"; exit 1; }
		sleep 0.05
	done
}
now() { date +%s.%N; }
# Mbit/s of BYTES in the seconds between $1 and $2.
mbit() { awk -v a="$1" -v b="$2" -v n="$BYTES" 'BEGIN { printf "%.0f", n * 8 / (b - a) / 1e6 }'; }
port=7100

# xfer LABEL WHO SINK SOURCE: SINK (a rump_nc listening, a port appended)
# receives BYTES from SOURCE (a port appended), timed from the start of
# the source to the end of the sink (the source's start-up included);
# beside it the CPU milliseconds per GiB of WHO (sink or source).
xfer() {
	port=$((port + 1))
	start sink sh "$CPUTIMED" "$TMP.sinkcpu" $3 -v -l --sink $port
	_sink=$last
	wait_text "$TMP.sink" "listening"
	_t0=$(now)
	if ! nsx sh "$CPUTIMED" "$TMP.sourcecpu" $4 $port >"$TMP.send" 2>&1 \
	    </dev/null; then
		echo "bench: $1: the source failed:"
		cat "$TMP.send"
		exit 1
	fi
	wait "$_sink"
	echo "$1 $(mbit "$_t0" "$(now)") $(awk -v n="$BYTES" \
	    '{ printf "%.0f", $1 * 1000 * 1073741824 / n }' "$TMP.$2cpu")" \
	    >>"$TMP.tput"
}

# The median of the figures in column $2 of the lines starting with $1 in
# file $3.
median() {
	awk -v k="$1" -v c="$2" '$1 == k { print $c }' "$3" | sort -n |
	    awk '{ v[NR] = $1 }
	    END { h = int((NR + 1) / 2); print (NR % 2) ? v[h] : (v[h] + v[h + 1]) / 2 }'
}

SOCKIN=$B/rump_nc-sockin
HOST=$H/rump_nc-host
mkdir -p "$TMP/www"
# sh $CPUTIMED FILE cmd...: runs cmd, and writes its CPU seconds (user +
# system, all its threads: the shell's children's times) into FILE.
CPUTIMED=$TMP/cputimed.sh
cat >"$CPUTIMED" <<'EOF'
f=$1
shift
# In the background, so that the bench's clean-up can stop it through us.
"$@" &
c=$!
trap 'kill $c 2>/dev/null' INT TERM
wait $c
s=$?
# A signal cut the first wait short: this one reaps.
wait $c 2>/dev/null
# Not in a pipeline: a subshell has no children's times.
times >"$f.times"
awk 'NR == 2 { t = 0
	for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] }
	print t }' "$f.times" >"$f"
exit $s
EOF
head -c 1024 /dev/urandom >"$TMP/www/1k.bin"
# cputicks PID: the CPU clock ticks PID has used (user + system, all its
# threads; the command name, field 2, may hold spaces: counted from ')').
cputicks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# wrk_run PID ARGS...: one wrk run against server PID; prints its
# requests/s and the server's CPU microseconds per request.
wrk_run() {
	_pid=$1
	shift
	_c0=$(cputicks "$_pid")
	nsx wrk -t2 -c100 -d"$SECS"s "$@" >"$TMP.wrkout" 2>&1
	awk -v c="$(($(cputicks "$_pid") - _c0))" -v t="$TCK" '
	    / requests in / { n = $1 }
	    /Requests\/sec/ { r = $2 }
	    END { printf "%s %.1f", r, (n > 0 ? c * 1e6 / t / n : 0) }' "$TMP.wrkout"
}
# httpd_start FLAVOUR: its server, serving $TMP/www on a port of its own,
# pid in $httpd_FLAVOUR and port in $port_FLAVOUR.
httpd_start() {
	bin=$B/rump_httpd-sockin
	[ "$1" = host ] && bin=$H/rump_httpd-host
	port=$((port + 1))
	start "httpd_$1" "$bin" --port $port --root "$TMP/www" -q --max-conns 1024
	eval "httpd_$1=$last port_$1=$port"
	wait_text "$TMP.httpd_$1" "serving"
}
# wrk_pair MODE ARGS...: a wrk run against each server, in the order of
# $order, each line "FLAVOUR MODE req/s CPU-us" into $TMP.wrk.
wrk_pair() {
	_m=$1
	shift
	for f in $order; do
		eval "_p=\$httpd_$f _port=\$port_$f"
		echo "$f $_m $(wrk_run "$_p" "$@" "http://127.0.0.1:$_port/1k.bin")" \
		    >>"$TMP.wrk"
	done
}

echo "sockin bench: $BYTES bytes per transfer over loopback, median of" \
    "$ROUNDS alternating rounds; wrk $SECS s, median of $WRK_ROUNDS runs each"
r=0
while [ $r -lt "$ROUNDS" ]; do
	r=$((r + 1))
	xfer sockin_send source "$HOST" "$SOCKIN --source $BYTES 127.0.0.1"
	xfer host_send source "$HOST" "$HOST --source $BYTES 127.0.0.1"
	xfer sockin_recv sink "$SOCKIN" "$HOST --source $BYTES 127.0.0.1"
	xfer host_recv sink "$HOST" "$HOST --source $BYTES 127.0.0.1"
	# Host nc into host nc, timed from the start to the end of the sink.
	port=$((port + 1))
	start nc sh -c "nc -l 127.0.0.1 $port >/dev/null </dev/null"
	_nc=$last
	wait_listen $port
	_t0=$(now)
	head -c "$BYTES" /dev/zero | nsx nc -N 127.0.0.1 $port
	wait "$_nc"
	echo "nc_nc $(mbit "$_t0" "$(now)") 0" >>"$TMP.tput"
done
# Both servers run side by side (the one not measured sleeps in poll),
# measured in turn, the first of each pair alternating: a drift of the
# machine's speed over the runs, and where the host happens to place
# the server and wrk's threads (which moves a run by 10-25%), fall on
# both alike.
httpd_start sockin
httpd_start host
r=0
while [ $r -lt "$WRK_ROUNDS" ]; do
	r=$((r + 1))
	order="sockin host"
	[ $((r % 2)) -eq 0 ] && order="host sockin"
	wrk_pair keep-alive
	wrk_pair close -H "Connection: close"
done

for k in sockin_send host_send sockin_recv host_recv nc_nc; do
	echo "$k $(median $k 2 "$TMP.tput") $(median $k 3 "$TMP.tput")"
done | awk '{ v[$1] = $2; c[$1] = $3 }
END {
	printf "\nTCP over loopback, Mbit/s   sockin   host calls   ratio   host nc->nc   ratio\n"
	printf "  %-26s %8d %12d %7.2f %13d %7.2f\n", "rump_nc --source",
	    v["sockin_send"], v["host_send"], v["sockin_send"] / v["host_send"],
	    v["nc_nc"], v["sockin_send"] / v["nc_nc"]
	printf "  %-26s %8d %12d %7.2f %13d %7.2f\n", "rump_nc --sink",
	    v["sockin_recv"], v["host_recv"], v["sockin_recv"] / v["host_recv"],
	    v["nc_nc"], v["sockin_recv"] / v["nc_nc"]
	printf "  CPU ms/GiB of that rump_nc  sockin   host calls   ratio\n"
	printf "  %-26s %8d %12d %7.2f\n", "rump_nc --source",
	    c["sockin_send"], c["host_send"],
	    (c["host_send"] > 0 ? c["sockin_send"] / c["host_send"] : 0)
	printf "  %-26s %8d %12d %7.2f\n", "rump_nc --sink",
	    c["sockin_recv"], c["host_recv"],
	    (c["host_recv"] > 0 ? c["sockin_recv"] / c["host_recv"] : 0)
}'
# The median of column $3 of the lines of flavour $1, mode $2, in $TMP.wrk.
wmedian() {
	awk -v f="$1" -v m="$2" -v c="$3" '$1 == f && $2 == m { print $c }' \
	    "$TMP.wrk" | sort -n |
	    awk '{ v[NR] = $1 }
	    END { h = int((NR + 1) / 2); print (NR % 2) ? v[h] : (v[h] + v[h + 1]) / 2 }'
}
for k in sockin host; do
	echo "$k $(wmedian $k keep-alive 3) $(wmedian $k keep-alive 4)" \
	    "$(wmedian $k close 3) $(wmedian $k close 4)"
done | awk '{ ka[$1] = $2; kc[$1] = $3; cl[$1] = $4; cc[$1] = $5 }
function row(what, s, h, sc, hc) {
	printf "  %-27s %8.0f %6.1f %10.0f %6.1f %6.2f %6.2f\n", what, s, sc,
	    h, hc, (h > 0 ? s / h : 0), (sc > 0 ? hc / sc : 0)
}
END {
	printf "\nwrk, 100 connections, 1 KiB file   sockin        host calls      ratio\n"
	printf "  %-27s %8s %6s %10s %6s %6s %6s\n", "", "req/s", "CPU us",
	    "req/s", "CPU us", "req/s", "1/CPU"
	row("keep-alive", ka["sockin"], ka["host"], kc["sockin"], kc["host"])
	row("one request per connection", cl["sockin"], cl["host"],
	    cc["sockin"], cc["host"])
	printf "  (CPU us: the server'"'"'s CPU time per request; 1/CPU: host'"'"'s over sockin'"'"'s)\n"
}'
for m in keep-alive close; do
	printf '  %s runs (sockin/host req/s, CPU us per request):' "$m"
	awk -v m="$m" '$2 == m { v[$1, ++n[$1]] = $3; c[$1, n[$1]] = $4 }
	    END { for (i = 1; i <= n["sockin"]; i++)
		printf " %.0f/%.0f %.1f/%.1f;", v["sockin", i], v["host", i],
		    c["sockin", i], c["host", i] }' "$TMP.wrk"
	echo
done
