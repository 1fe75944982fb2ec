#!/bin/sh
# TCP figures of the rump stack beside the Linux kernel doing the same work
# in the same run, printed as ratios (never pass/fail):
#
#	namespace NS (the host):  rt1 198.18.1.1/24 (tap) <-> rump stack 198.18.1.2
#	                          rt2 198.18.2.1/24 (tap, MTU 9000) <-> 198.18.2.2
#	                          veth0 198.18.9.1/24 <-> namespace NSL veth1
#	                          198.18.9.2 (the Linux kernel)
#
# - bulk throughput host->stack (iperf 2 client into rump_nc --sink, or into
#   iperf -s on Linux) and stack->host (rump_nc --source, or iperf -c on
#   Linux, into iperf -s on the host) at MTU 1500 and 9000; Linux with the
#   veth offloads on and off; with CPU seconds per GiB for the whole machine;
# - requests/s with wrk against rump_httpd (keep-alive, and one request per
#   connection), beside rump_httpd-sockin on the Linux kernel when built;
# - 1-byte request/response round trip, median and p99;
# - memory per idle established connection (RSS growth / connections).
# Needs root, /dev/net/tun, iperf, wrk, ethtool (mk/deps.sh installs them).
# Usage: tcp_bench.sh   (BENCH_SECONDS per throughput run, default 5)
set -u
O=${O:-build}
B=$O/bin
H=$O/tests/bench
SECS=${BENCH_SECONDS:-5}
BYTES=$((1024 * 1024 * 1024))
IDLE=${BENCH_IDLE_CONNS:-10000}
NS=rumptcpb-$$
NSL=rumptcpb-linux-$$
TMP=/tmp/rumptcpb-$$
pids=""

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	ip netns del "$NSL" 2>/dev/null
	[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$TMP" "$TMP".*
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
	echo "bench: tcp_bench needs root and /dev/net/tun; skipped"
	exit 0
fi
for c in iperf wrk ethtool; do
	command -v $c >/dev/null || { echo "bench: tcp_bench needs $c (sh mk/deps.sh); skipped"; exit 0; }
done

nsx() { ns=$1; shift; ip netns exec "$ns" "$@"; }

ip netns add "$NS" && ip -n "$NS" link set lo up || exit 1
ip netns add "$NSL" && ip -n "$NSL" link set lo up || exit 1
for i in 1 2; do
	ip -n "$NS" tuntap add mode tap name "rt$i"
	ip -n "$NS" addr add "198.18.$i.1/24" dev "rt$i"
	ip -n "$NS" link set "rt$i" up
done
ip -n "$NS" link set rt2 mtu 9000
ip -n "$NS" link add veth0 type veth peer name veth1 netns "$NSL"
ip -n "$NS" addr add 198.18.9.1/24 dev veth0
ip -n "$NSL" addr add 198.18.9.2/24 dev veth1
ip -n "$NS" link set veth0 up
ip -n "$NSL" link set veth1 up
RUMPIF1="--if virt0,tap=rt1 --addr virt0,198.18.1.2/24"
RUMPIF2="--if virt0,tap=rt2,mtu=9000 --addr virt0,198.18.2.2/24"
# The rump stack without the tap's offloads: one frame per host call.
RUMPIF3="--if virt0,tap=rt1,offload=off --addr virt0,198.18.1.2/24"
label() { case $1 in 1) echo mtu1500 ;; 2) echo mtu9000 ;; 3) echo nooffload_mtu1500 ;; esac; }

# start NAME NS cmd...: in the background, output in $TMP.NAME; pid in $last.
start() {
	_n=$1 _ns=$2
	shift 2
	ip netns exec "$_ns" "$@" >"$TMP.$_n" 2>&1 &
	last=$!
	pids="$pids $last"
}
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
# wait_text FILE TEXT: until FILE holds TEXT (10 s).
wait_text() {
	_i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 200 ] && { echo "bench: no '$2' in $1:"; cat "$1"; exit 1; }
		sleep 0.05
	done
}
# Busy jiffies of the whole machine (user+nice+system+irq+softirq).
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
HZ=$(getconf CLK_TCK)
# offloads on|off: the veth pair's segmentation and checksum offloads.
offloads() {
	for d in "$NS:veth0" "$NSL:veth1"; do
		ip netns exec "${d%%:*}" ethtool -K "${d#*:}" tso "$1" gso "$1" \
		    gro "$1" tx "$1" rx "$1" >/dev/null 2>&1
	done
}
mtu_linux() { ip -n "$NS" link set veth0 mtu "$1"; ip -n "$NSL" link set veth1 mtu "$1"; }

# Results: "label gbit cpu_s_per_gib" lines in $TMP.tput.
tput() { echo "$1 $2 $3" >>"$TMP.tput"; }
# iperf's CSV: field 8 bytes, field 9 bits/s.  rate_of FILE -> "gbit bytes".
rate_of() { tail -1 "$1" | awk -F, '{ printf "%.3f %d\n", $9 / 1e9, $8 }'; }
cpu_per_gib() { awk -v j="$1" -v hz="$HZ" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? j / hz / (b / 1073741824) : 0) }'; }

# host -> X: iperf -c for SECS seconds from NS to DEST.
host_to() {
	_b0=$(busy)
	nsx "$NS" iperf -c "$2" -p 5001 -t "$SECS" -y C >"$TMP.iperfc" 2>"$TMP.iperfc.err"
	_j=$(($(busy) - _b0))
	set -- "$1" $(rate_of "$TMP.iperfc")
	tput "$1" "$2" "$(cpu_per_gib "$_j" "$3")"
}
# X -> host: a sender into iperf -s on the host (NS), BYTES bytes.
to_host() {
	_label=$1
	shift
	start srv "$NS" iperf -s -p 5002 -y C
	_srv=$last
	sleep 0.3
	_b0=$(busy)
	"$@" >"$TMP.sender" 2>&1
	_j=$(($(busy) - _b0))
	sleep 0.3
	stop "$_srv"
	set -- $(rate_of "$TMP.srv")
	tput "$_label" "$1" "$(cpu_per_gib "$_j" "$2")"
}

echo "tcp bench: $SECS s per throughput run, $BYTES bytes from the senders"
# host -> stack
for m in 1 2 3; do
	eval "opts=\$RUMPIF$m"
	# shellcheck disable=SC2086,SC2154
	start sink "$NS" "$B/rump_nc" $opts -v -l -k --sink 5001
	wait_text "$TMP.sink" "listening"
	host_to "host->rump_$(label $m)" "198.18.$((m == 2 ? 2 : 1)).2"
	stop "$last"
done
start lsink "$NSL" iperf -s -p 5001
lsink=$last
sleep 0.3
for mtu in 1500 9000; do
	mtu_linux $mtu
	for off in on off; do
		offloads $off
		host_to "host->linux_mtu${mtu}_offloads_$off" 198.18.9.2
	done
done
stop "$lsink"
# stack -> host
for m in 1 2 3; do
	eval "opts=\$RUMPIF$m"
	# shellcheck disable=SC2086
	to_host "rump->host_$(label $m)" nsx "$NS" "$B/rump_nc" $opts \
	    --source "$BYTES" "198.18.$((m == 2 ? 2 : 1)).1" 5002
done
for mtu in 1500 9000; do
	mtu_linux $mtu
	for off in on off; do
		offloads $off
		to_host "linux->host_mtu${mtu}_offloads_$off" \
		    nsx "$NSL" iperf -c 198.18.9.1 -p 5002 -n "$BYTES"
	done
done
mtu_linux 1500
offloads off

# One line per direction and MTU: rump, then Linux with offloads off and on.
printf '\n%-30s %10s %12s %14s %14s %12s\n' "bulk TCP" "rump Gb/s" \
    "Linux off" "rump/off" "Linux on" "rump/on"
for d in "host->rump:host->linux" "rump->host:linux->host"; do
	for mtu in 1500 9000 nooffload_1500; do
		awk -v r="${d%%:*}_$(echo $mtu | sed 's/[0-9]*$/mtu&/')" \
		    -v l="${d#*:}_mtu${mtu##*_}" '
		    { v[$1] = $2 }
		    END {
			a = v[r]; off = v[l "_offloads_off"]; on = v[l "_offloads_on"]
			printf "%-30s %10.2f %12.2f %14.2f %14.2f %12.2f\n", r, a, off,
			    (off > 0 ? a / off : 0), on, (on > 0 ? a / on : 0)
		    }' "$TMP.tput"
	done
done
printf '\n%-34s %12s\n' "CPU seconds per GiB (whole machine)" ""
awk '{ printf "  %-34s %8s\n", $1, $3 }' "$TMP.tput"

# 1-byte request/response round trip.
start echo "$NS" "$B/rump_nc" $RUMPIF1 -v -l -k --echo 5003
recho=$last
wait_text "$TMP.echo" "listening"
start lecho "$NSL" "$H/tcpperf" echo 5003
lecho=$last
sleep 0.3
rr_r=$(nsx "$NS" "$H/tcpperf" rr 198.18.1.2 5003 20000)
rr_l=$(nsx "$NS" "$H/tcpperf" rr 198.18.9.2 5003 20000)
stop "$recho"
stop "$lecho"
printf '\n1-byte round trip (us)   median      p99\n'
printf '  %-20s %8s %8s\n' rump $rr_r linux $rr_l
echo "$rr_r $rr_l" | awk '{ printf "  rump/linux           %8.2f %8.2f\n", $1 / $3, $2 / $4 }'

# wrk against rump_httpd (and its sockin flavour on Linux, when built).
mkdir -p "$TMP/www"
head -c 1024 /dev/urandom >"$TMP/www/1k.bin"
start httpd "$NS" "$B/rump_httpd" $RUMPIF1 --port 8080 --root "$TMP/www" -q \
    --max-conns 1024
rhttpd=$last
wait_text "$TMP.httpd" "serving"
lhttpd=""
if [ -x "$B/rump_httpd-sockin" ]; then
	start lhttpd "$NSL" "$B/rump_httpd-sockin" --port 8080 --root "$TMP/www" -q \
	    --max-conns 1024
	lhttpd=$last
	wait_text "$TMP.lhttpd" "serving"
fi
wrk_rps() { nsx "$NS" wrk -t2 -c100 -d"$SECS"s "$@" 2>&1 | awk '/Requests\/sec/ { print $2 }'; }
printf '\nwrk, 100 connections, 1 KiB file     rump req/s   Linux req/s (sockin httpd)   ratio\n'
for mode in keepalive close; do
	hdr=""
	[ $mode = close ] && hdr="Connection: close"
	r=$(wrk_rps ${hdr:+-H "$hdr"} http://198.18.1.2:8080/1k.bin)
	l="-"
	[ -n "$lhttpd" ] && l=$(wrk_rps ${hdr:+-H "$hdr"} http://198.18.9.2:8080/1k.bin)
	awk -v m="$mode" -v r="${r:-0}" -v l="$l" 'BEGIN {
	    printf "  %-34s %10.0f %14s %20s\n", m, r, l, (l != "-" && l > 0 ? sprintf("%.2f", r / l) : "-") }'
done
stop "$rhttpd"
[ -n "$lhttpd" ] && stop "$lhttpd"

# Memory per idle established connection: RSS growth of the rump process.
RUMP_NOFILE=$((IDLE + 64))
export RUMP_NOFILE
start idle "$NS" "$B/rump_nc" $RUMPIF1 -v -l -k --echo 5004
ridle=$last
wait_text "$TMP.idle" "listening"
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
slab() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
# The process ip netns exec started is rump_nc itself (exec).
r0=$(rss "$ridle")
mkfifo "$TMP.hold"
(ulimit -n $((IDLE + 64)); exec ip netns exec "$NS" "$H/tcpperf" hold 198.18.1.2 5004 "$IDLE" <"$TMP.hold" >"$TMP.held" 2>&1) &
hold=$!
exec 9>"$TMP.hold"
wait_text "$TMP.held" "held"
sleep 1
r1=$(rss "$ridle")
exec 9>&-
wait "$hold"
stop "$ridle"
# Linux: the kernel's slab growth for the same connections to tcpperf echo.
start lidle "$NSL" sh -c "ulimit -n $((IDLE * 2 + 64)); exec '$H/tcpperf' echo 5004"
lidle=$last
sleep 0.3
s0=$(slab)
rm -f "$TMP.hold" "$TMP.held"
mkfifo "$TMP.hold"
(ulimit -n $((IDLE + 64)); exec ip netns exec "$NS" "$H/tcpperf" hold 198.18.9.2 5004 "$IDLE" <"$TMP.hold" >"$TMP.held" 2>&1) &
hold=$!
exec 9>"$TMP.hold"
wait_text "$TMP.held" "held"
sleep 1
s1=$(slab)
exec 9>&-
wait "$hold"
stop "$lidle"
awk -v n="$IDLE" -v r0="$r0" -v r1="$r1" -v s0="$s0" -v s1="$s1" 'BEGIN {
    printf "\nidle connections: %d\n", n
    printf "  rump: process RSS growth per connection      %8.2f KiB\n", (r1 - r0) / n
    printf "  Linux: kernel slab growth per socket (half of\n"
    printf "         both ends, client and server)          %8.2f KiB\n", (s1 - s0) / n / 2
}'
