#!/bin/sh
# Ping round-trip time, host to responder, measured in one run, interleaved
# so that every path sees the same machine:
#   Linux            the host to a Linux network namespace over veth
#   tap ceiling      a trivial program answering pings on a tap (tapecho):
#                    no stack at all, the least any stack on a tap can cost
#   rump             rump_server on a tap, receive thread sleeping in poll
#   rump busypoll    the same with busypoll=1000000: the receive thread
#                    polls the tap instead of sleeping (costs a host CPU)
# Prints median and p99 of COUNT pings each and the ratios to Linux.
# Needs root.  Usage: ping_rtt.sh [COUNT]
set -u
O=${O:-build}
B=$O/bin
COUNT=${1:-1000}
NS=rumpbench-$$
NSL=rumpbench-linux-$$
TMP=/tmp/rumpbench-$$
pids=""

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	ip netns del "$NSL" 2>/dev/null
	rm -f "$TMP".*
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
	echo "bench: ping_rtt needs root and /dev/net/tun; skipped"
	exit 0
fi

ip netns add "$NS" && ip -n "$NS" link set lo up || exit 1
# One tap per responder, each its own /24 on the host side.
n=0
for r in ceiling rump busy; do
	ip -n "$NS" tuntap add mode tap name "bt$r"
	ip -n "$NS" addr add "198.18.$n.1/24" dev "bt$r"
	ip -n "$NS" link set "bt$r" up
	n=$((n + 1))
done
ip netns exec "$NS" "$O/tests/bench/tapecho" btceiling 198.18.0.2 &
pids="$pids $!"
ip netns exec "$NS" "$B/rump_server" --if virt0,tap=btrump \
    --addr virt0,198.18.1.2/24 >"$TMP.rump" 2>&1 &
pids="$pids $!"
ip netns exec "$NS" "$B/rump_server" --if virt0,tap=btbusy,busypoll=1000000 \
    --addr virt0,198.18.2.2/24 >"$TMP.busy" 2>&1 &
pids="$pids $!"
# Linux: a veth pair from NS to namespace NSL.
ip netns add "$NSL" && ip -n "$NSL" link set lo up || exit 1
ip -n "$NS" link add veth0 type veth peer name veth1 netns "$NSL"
ip -n "$NS" addr add 198.18.9.1/24 dev veth0
ip -n "$NSL" addr add 198.18.9.2/24 dev veth1
ip -n "$NS" link set veth0 up
ip -n "$NSL" link set veth1 up

for f in rump busy; do
	i=0
	until grep -q "up:" "$TMP.$f" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && { cat "$TMP.$f"; echo "bench: rump_server did not start"; exit 1; }
		sleep 0.05
	done
done

set -- linux:198.18.9.2 ceiling:198.18.0.2 rump:198.18.1.2 busy:198.18.2.2
for t in "$@"; do
	ip netns exec "$NS" ping -q -c 20 -i 0.01 "${t#*:}" >/dev/null || {
		echo "bench: ${t%%:*} does not answer"; exit 1; }
done

# Median and 99th percentile of the "time=" fields, in milliseconds.
stats() {
	grep -o 'time=[0-9.]*' "$1" | cut -d= -f2 | sort -n | awk '
	    { v[NR] = $1 }
	    END {
		if (NR == 0) { print "nan nan 0"; exit }
		printf "%.4f %.4f %d\n", v[int((NR + 1) / 2)],
		    v[int(NR * 0.99 + 0.999)], NR
	    }'
}

done_=0
while [ $done_ -lt "$COUNT" ]; do
	for t in "$@"; do
		ip netns exec "$NS" ping -c 100 -i 0.002 "${t#*:}" >>"$TMP.${t%%:*}.out"
	done
	done_=$((done_ + 100))
done

set -- $(stats "$TMP.linux.out")
lmed=$1 lp99=$2
printf 'ping rtt, %d pings each        median (ms)  p99 (ms)  replies  median/Linux  p99/Linux\n' "$COUNT"
for t in linux:"Linux over veth" ceiling:"tap ceiling (tapecho)" \
    rump:"rump stack over tap" busy:"rump stack, busypoll"; do
	set -- $(stats "$TMP.${t%%:*}.out")
	awk -v name="${t#*:}" -v m="$1" -v p="$2" -v n="$3" -v lm="$lmed" -v lp="$lp99" \
	    'BEGIN { printf "  %-28s %10s %9s %8s %13.2f %10.2f\n", name, m, p, n, m / lm, p / lp }'
done
