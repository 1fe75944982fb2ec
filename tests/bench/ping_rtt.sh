#!/bin/sh
# Ping round-trip time: the host to the rump stack over a tap device, beside
# the host to a Linux network namespace over veth, measured in the same run.
# Prints median and p99 of COUNT pings for each and the ratio rump/Linux.
# Needs root.  Usage: ping_rtt.sh [COUNT]
set -u
B=${O:-build}/bin
COUNT=${1:-1000}
NS=rumpbench-$$
NSL=rumpbench-linux-$$
LOG=/tmp/rumpbench-$$.log
srv=""

cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	ip netns del "$NSL" 2>/dev/null
	rm -f "$LOG" "$LOG".*
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
	echo "bench: ping_rtt needs root and /dev/net/tun; skipped"
	exit 0
fi

# The rump stack: a tap in namespace NS, host side 198.18.0.1.
ip netns add "$NS" && ip -n "$NS" link set lo up || exit 1
ip -n "$NS" tuntap add mode tap name rumptap0
ip -n "$NS" addr add 198.18.0.1/24 dev rumptap0
ip -n "$NS" link set rumptap0 up
ip netns exec "$NS" "$B/rump_server" --if virt0,tap=rumptap0 \
    --addr virt0,198.18.0.2/24 >"$LOG" 2>&1 &
srv=$!
# Linux: a veth pair from NS to namespace NSL, 198.18.1.1 <-> 198.18.1.2.
ip netns add "$NSL" && ip -n "$NSL" link set lo up || exit 1
ip -n "$NS" link add veth0 type veth peer name veth1 netns "$NSL"
ip -n "$NS" addr add 198.18.1.1/24 dev veth0
ip -n "$NSL" addr add 198.18.1.2/24 dev veth1
ip -n "$NS" link set veth0 up
ip -n "$NSL" link set veth1 up

i=0
until grep -q "up:" "$LOG" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && { cat "$LOG"; echo "bench: rump_server did not start"; exit 1; }
	sleep 0.05
done
# Warm up ARP and caches on both paths.
ip netns exec "$NS" ping -q -c 20 -i 0.01 198.18.0.2 >/dev/null
ip netns exec "$NS" ping -q -c 20 -i 0.01 198.18.1.2 >/dev/null

# Median and 99th percentile of the "time=" fields, in milliseconds.
stats() {
	grep -o 'time=[0-9.]*' | cut -d= -f2 | sort -n | awk '
	    { v[NR] = $1 }
	    END {
		if (NR == 0) { print "nan nan 0"; exit }
		m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.99 + 0.999)]
		printf "%.4f %.4f %d\n", m, p, NR
	    }'
}

# Interleave the two so both see the same machine state.
rm -f "$LOG".rump "$LOG".linux
n=0
while [ $n -lt "$COUNT" ]; do
	ip netns exec "$NS" ping -c 100 -i 0.002 198.18.0.2 >>"$LOG".rump
	ip netns exec "$NS" ping -c 100 -i 0.002 198.18.1.2 >>"$LOG".linux
	n=$((n + 100))
done
set -- $(stats <"$LOG".rump)
rmed=$1 rp99=$2 rn=$3
set -- $(stats <"$LOG".linux)
lmed=$1 lp99=$2 ln=$3
printf 'ping rtt over %d pings     median (ms)   p99 (ms)   replies\n' "$COUNT"
printf '  rump stack over tap      %10s %10s %9s\n' "$rmed" "$rp99" "$rn"
printf '  Linux over veth          %10s %10s %9s\n' "$lmed" "$lp99" "$ln"
awk -v a="$rmed" -v b="$lmed" -v c="$rp99" -v d="$lp99" \
    'BEGIN { printf "  ratio rump/Linux        %10.2f %10.2f\n", a / b, c / d }'
