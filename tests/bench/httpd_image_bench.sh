#!/bin/sh
# rump_httpd --image beside rump_httpd serving the same file from a host
# directory, in the same run, as a ratio (never pass/fail): a 256 MiB file
# fetched by curl, the best of three runs each (the host's page cache
# holds both the file and the image after the first).
#
# - rump_httpd-sockin on 127.0.0.1 (no privilege needed): the cost of
#   reading through the rump kernel's VFS, ext2fs and buffer cache instead
#   of the host's pread, with the host's TCP;
# - rump_httpd on a tap in a namespace of its own (root and /dev/net/tun):
#   the same over the rump TCP/IP stack.
# Usage: httpd_image_bench.sh   (BENCH_IMAGE_BYTES, default 256 MiB)
set -u
O=${O:-build}
B=$O/bin
BYTES=${BENCH_IMAGE_BYTES:-268435456}
TMP=$(mktemp -d /tmp/rumpimgb.XXXXXX) || exit 1
NS=rumpimgb-$$
pids=""

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

for c in curl mke2fs; do
	command -v $c >/dev/null ||
	    { echo "bench: httpd_image_bench needs $c; skipped"; exit 0; }
done

# wait_text FILE TEXT: until FILE has TEXT (20 s at most).
wait_text() {
	_i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -gt 200 ] && { echo "bench: no '$2' in $1"; cat "$1"; exit 1; }
		sleep 0.1
	done
}

# best URL [netns]: the best download speed of three, in MB/s.
best() {
	_best=0
	for _r in 1 2 3; do
		_s=$(${2:+ip netns exec "$2"} curl -sS -o /dev/null \
		    -w '%{speed_download}' "$1") || exit 1
		_s=${_s%.*}
		[ "$_s" -gt "$_best" ] && _best=$_s
	done
	echo $((_best / 1000000))
}

# figure NAME URL-DIR URL-IMAGE [netns]: one line of the table.
figure() {
	d=$(best "$2" "${4:-}")
	i=$(best "$3" "${4:-}")
	printf '%-34s %8s %10s %8s\n' "$1" "$d" "$i" \
	    "$(awk -v d="$d" -v i="$i" 'BEGIN { printf "%.2f", d ? i / d : 0 }')"
}

mkdir "$TMP/www" && head -c "$BYTES" /dev/urandom >"$TMP/www/big.bin" || exit 1
mke2fs -q -F -t ext2 -b 4096 -d "$TMP/www" "$TMP/www.img" \
    "$((BYTES / 1024 + 65536))k" >/dev/null 2>&1 || exit 1

printf '\nrump_httpd, %d MiB file (MB/s)          dir    --image    ratio\n' \
    $((BYTES / 1048576))
for mode in dir image; do
	port=$((30000 + $(od -An -N2 -tu2 /dev/urandom) % 30000))
	if [ $mode = dir ]; then src="--root $TMP/www"; else src="--image $TMP/www.img,ro"; fi
	# shellcheck disable=SC2086 # $src is words
	"$B/rump_httpd-sockin" --port "$port" --bind 127.0.0.1 $src -q \
	    >"$TMP/$mode.log" 2>&1 &
	pids="$pids $!"
	wait_text "$TMP/$mode.log" serving
	eval "sport_$mode=$port"
done
# shellcheck disable=SC2154 # set by the eval above
figure "sockin, host TCP on 127.0.0.1" "http://127.0.0.1:$sport_dir/big.bin" \
    "http://127.0.0.1:$sport_image/big.bin"

if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
	echo "(the rump TCP/IP stack's figure needs root and /dev/net/tun)"
	exit 0
fi
ip netns add "$NS" && ip -n "$NS" link set lo up || exit 1
n=1
for mode in dir image; do
	if [ $mode = dir ]; then src="--root $TMP/www"; else src="--image $TMP/www.img,ro"; fi
	# shellcheck disable=SC2086 # $src is words
	ip netns exec "$NS" "$B/rump_httpd" --if "virt0,tap=ib$n" \
	    --addr "virt0,198.18.$n.2/24" --port 8080 $src -q \
	    >"$TMP/r$mode.log" 2>&1 &
	pids="$pids $!"
	wait_text "$TMP/r$mode.log" serving
	ip -n "$NS" addr add "198.18.$n.1/24" dev "ib$n" &&
	    ip -n "$NS" link set "ib$n" up || exit 1
	n=$((n + 1))
done
figure "rump TCP/IP on a tap" "http://198.18.1.2:8080/big.bin" \
    "http://198.18.2.2:8080/big.bin" "$NS"
