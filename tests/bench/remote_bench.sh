#!/bin/sh
# Remote system calls beside local ones, in one run: the null system call
# (getpid) and bulk data through a 1 MiB pipe (512 MiB in 1 MiB calls, a writer
# and a reader thread), made by a
# program with the kernel linked in and by the same program linked with
# librumpclient against rump_server on a unix socket.  Targets: remote
# getpid under 10 us; remote bulk at least half the local throughput.
# The pipe is memory copies only (2 a byte locally, 4 remotely), the worst
# case for remote; the realistic bulk case is beside it: a 64 MiB file
# written (fsync included) and read back, 1 MiB a call, on an ext2 image
# mounted at /mnt, locally by the program itself (libukfs) and remotely by
# rump_server --mount.  Each side has its own image, made alike by mke2fs.
# No root needed.
#
# One round is a local run and a remote one; ROUNDS rounds (default 7)
# alternate them, so that what else the machine does at the time weighs on
# both alike, and each figure printed is the median of its rounds, the
# ratio the one of the medians.  Nothing is pinned to a CPU.
# Beside each MB/s, the CPU time a MiB took (median, in microseconds): of
# the program, and remotely of the server too (the sum of its threads').
# It varies far less than MB/s when others share the machine, and says
# what the remote calls cost beyond the copies.
# LOAD=N (default 0) runs N busy loops beside the rounds, to see what a
# loaded machine does to the figures.
set -u
O=${O:-build}
B=$O/tests/bench
ROUNDS=${ROUNDS:-7}
LOAD=${LOAD:-0}
DIR=$(mktemp -d /tmp/rumpbench-remote.XXXXXX)
srv=""
loops=""

cleanup() {
	for p in $loops; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

command -v mke2fs >/dev/null || { echo "remote_bench: no mke2fs"; exit 1; }
for side in local remote; do
	mke2fs -q -F -t ext2 -b 4096 "$DIR/$side.img" 128M >/dev/null || exit 1
done
"$O/bin/rump_server" --listen "unix://$DIR/sock" \
    --mount "ext2fs,$DIR/remote.img,/mnt" > "$DIR/server" 2>&1 &
srv=$!
while ! grep -q "rump_server: up:" "$DIR/server" 2>/dev/null; do
	kill -0 "$srv" 2>/dev/null || { cat "$DIR/server"; exit 1; }
	sleep 0.1
done
before=$(cut -d' ' -f1 /proc/loadavg)
i=0
while [ "$i" -lt "$LOAD" ]; do
	sh -c 'while :; do :; done' &
	loops="$loops $!"
	i=$((i + 1))
done
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	"$B/rpc_bench_local" "$DIR/local.img" >> "$DIR/local" || exit 1
	RPC_BENCH_SERVER=$srv RUMP_SERVER="unix://$DIR/sock" \
	    "$B/rpc_bench_remote" >> "$DIR/remote" || exit 1
	i=$((i + 1))
done

# The median of figure $1 over the rounds in file $2.
median() {
	awk -v k="$1" '$1 == k { print $2 }' "$2" | sort -n |
	    awk '{ v[NR] = $1 }
	        END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# Every round's figure $1 in file $2, in the order they ran.
rounds() {
	awk -v k="$1" '$1 == k { printf "%s%s", s, $2; s = " " }' "$2"
}
# What figure $1 is.
what() {
	case $1 in
	getpid) echo "the null system call, time per call" ;;
	pipe) echo "512 MiB through a 1 MiB rump pipe in 1 MiB calls" \
	    "(memory copies only)" ;;
	fwrite) echo "a 64 MiB file written on ext2 in 1 MiB calls, fsync" \
	    "included" ;;
	fread) echo "that file read back in 1 MiB calls" ;;
	esac
}
echo "remote system calls (rump_server on a unix socket) beside local ones," \
    "median of $ROUNDS alternating rounds, $LOAD busy loops beside them" \
    "(load average before them: $before):"
for k in getpid pipe fwrite fread; do
	l=$(median $k "$DIR/local") r=$(median $k "$DIR/remote")
	case $k in
	getpid) printf '  %-8s local %8s ns   remote %8s ns   remote/local %s\n' \
	    $k "$l" "$r" "$(awk -v a="$r" -v b="$l" 'BEGIN { printf "%.1f", a / b }')" ;;
	*) printf '  %-8s local %8s MB/s remote %8s MB/s remote/local %s\n' \
	    $k "$l" "$r" "$(awk -v a="$r" -v b="$l" 'BEGIN { printf "%.2f", a / b }')" ;;
	esac
	printf '           %s\n' "$(what $k)"
	printf '           rounds: local %s; remote %s\n' \
	    "$(rounds $k "$DIR/local")" "$(rounds $k "$DIR/remote")"
	[ $k = getpid ] && continue
	printf '           CPU us/MiB: local %s; remote %s (client %s + server %s)\n' \
	    "$(median $k.cpu "$DIR/local")" \
	    "$(awk -v a="$(median $k.cpu "$DIR/remote")" \
	    -v b="$(median $k.srvcpu "$DIR/remote")" 'BEGIN { print a + b }')" \
	    "$(median $k.cpu "$DIR/remote")" "$(median $k.srvcpu "$DIR/remote")"
done
