#!/bin/sh
# The networking demo: a rump kernel's TCP/IP stack on a tap device inside a
# network namespace of its own.  Creates the namespace, starts rump_server on
# a tap there, pings it from the host side, pings the host side from the rump
# stack with rump_ping, fetches a file from rump_httpd with the host's curl,
# shows the captured packets with tcpdump, and ends with a disk image made
# by mke2fs that rump_httpd --image serves and curl fetches; cleans
# everything up (also when interrupted).  Needs root.
set -u
B=${O:-build}/bin
NS=rumpdemo-$$
TAP=rumptap0
PCAP=/tmp/rumpdemo-$$.pcap
LOG=/tmp/rumpdemo-$$.log
WWW=/tmp/rumpdemo-$$.www
IMG=/tmp/rumpdemo-$$.img
SOCK=/tmp/rumpdemo-$$.sock
HOSTIP=198.18.0.1
RUMPIP=198.18.0.2
srv=""
httpd=""

cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	[ -n "$httpd" ] && kill "$httpd" 2>/dev/null && wait "$httpd" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$PCAP" "$LOG" "$WWW" "$LOG.httpd" "$IMG" "$SOCK"
}

# wait_up PID LOG REGEX: until LOG has a line matching REGEX (0), or PID
# ended or 5 s passed (1).
wait_up() {
	i=0
	until grep -q "$3" "$2" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$1" 2>/dev/null; then
			return 1
		fi
		sleep 0.05
	done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
	echo "demo: needs root and /dev/net/tun" >&2
	exit 1
fi

step "network namespace $NS"
ip netns add "$NS" || exit 1
ip -n "$NS" link set lo up

step "tap devices $TAP (198.18.0.0/24) and rumptap1 (198.18.1.0/24), host sides up"
for t in "$TAP:$HOSTIP" "rumptap1:198.18.1.1"; do
	ip -n "$NS" tuntap add mode tap name "${t%%:*}" || exit 1
	ip -n "$NS" addr add "${t#*:}/24" dev "${t%%:*}"
	ip -n "$NS" link set "${t%%:*}" up
done

step "rump_server on $TAP with $RUMPIP/24 (capturing to $PCAP)"
ip netns exec "$NS" "$B/rump_server" --if virt0,tap=$TAP,mac=02:00:00:00:00:02 \
    --addr virt0,$RUMPIP/24 --pcap virt0,"$PCAP" >"$LOG" 2>&1 &
srv=$!
if ! wait_up "$srv" "$LOG" "up:"; then
	cat "$LOG" >&2
	echo "demo: rump_server did not come up" >&2
	exit 1
fi
cat "$LOG"

step "the host pings the rump stack"
ip netns exec "$NS" ping -c 3 -i 0.2 $RUMPIP || exit 1

step "the host's neighbour table has the rump stack's MAC"
ip -n "$NS" neigh show dev "$TAP"

step "the rump stack pings the host: rump_ping runs a rump kernel of its own on rumptap1"
ip netns exec "$NS" "$B/rump_ping" --if virt0,tap=rumptap1 \
    --addr virt0,198.18.1.2/24 -c 3 -i 0.2 198.18.1.1

step "rump_httpd serves $WWW on rumptap1 (198.18.1.2:8080); the host fetches a file with curl"
mkdir -p "$WWW" && echo "hello from a rump kernel's TCP" >"$WWW/hello.txt"
# The host still knows rump_ping's MAC for 198.18.1.2: forget it.
ip -n "$NS" neigh flush dev rumptap1
ip netns exec "$NS" "$B/rump_httpd" --if virt0,tap=rumptap1 \
    --addr virt0,198.18.1.2/24 --port 8080 --root "$WWW" >"$LOG.httpd" 2>&1 &
httpd=$!
if wait_up "$httpd" "$LOG.httpd" "serving"; then
	ip netns exec "$NS" curl -sS -i http://198.18.1.2:8080/hello.txt
	kill "$httpd" && wait "$httpd"
	cat "$LOG.httpd"
else
	cat "$LOG.httpd"
	echo "demo: rump_httpd did not come up: no HTTP step"
fi
httpd=""

step "stop rump_server"
kill "$srv" && wait "$srv"
srv=""

step "the capture, read back with tcpdump"
tcpdump -nr "$PCAP" 2>/dev/null | head -20

step "an ext2 image made by mke2fs from $WWW, served by rump_httpd --image on rumptap1"
mkdir -p "$WWW/docs" && echo "hello from inside a disk image" >"$WWW/docs/motd.txt"
if ! command -v mke2fs >/dev/null 2>&1; then
	echo "demo: no mke2fs (e2fsprogs): no image step"
	exit 0
fi
mke2fs -q -F -t ext2 -d "$WWW" "$IMG" 8M >/dev/null || exit 1
ip -n "$NS" neigh flush dev rumptap1
ip netns exec "$NS" "$B/rump_httpd" --if virt0,tap=rumptap1 \
    --addr virt0,198.18.1.2/24 --port 8080 --image "$IMG,ro" \
    --listen "unix://$SOCK" >"$LOG.httpd" 2>&1 &
httpd=$!
if ! wait_up "$httpd" "$LOG.httpd" "serving"; then
	cat "$LOG.httpd"
	echo "demo: rump_httpd --image did not come up"
	exit 1
fi
ip netns exec "$NS" curl -sS http://198.18.1.2:8080/docs/
ip netns exec "$NS" curl -sS -i http://198.18.1.2:8080/docs/motd.txt
step "inspect the running rump_httpd: rump.ifconfig and rump.netstat (remote calls)"
RUMP_SERVER="unix://$SOCK" "$B/rump.ifconfig" virt0
RUMP_SERVER="unix://$SOCK" "$B/rump.netstat" -t
kill "$httpd" && wait "$httpd"
httpd=""
cat "$LOG.httpd"
