#!/bin/sh
# Remote system calls beside local ones, in one run: the null system call
# (getpid) and bulk data through a 1 MiB pipe (64 MiB in 1 MiB calls, a writer
# and a reader thread), made by a
# program with the kernel linked in and by the same program linked with
# librumpclient against rump_server on a unix socket.  Prints both and the
# ratios.  Targets: remote getpid under 10 us; remote bulk at least half
# the local throughput.  No root needed.
set -u
O=${O:-build}
B=$O/tests/bench
DIR=$(mktemp -d /tmp/rumpbench-remote.XXXXXX)
srv=""

cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$B/rpc_bench_local" > "$DIR/local" || exit 1
"$O/bin/rump_server" --listen "unix://$DIR/sock" > "$DIR/server" 2>&1 &
srv=$!
while ! grep -q "rump_server: up:" "$DIR/server" 2>/dev/null; do
	kill -0 "$srv" 2>/dev/null || { cat "$DIR/server"; exit 1; }
	sleep 0.1
done
RUMP_SERVER="unix://$DIR/sock" "$B/rpc_bench_remote" > "$DIR/remote" || exit 1

fig() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
echo "remote system calls (rump_server on a unix socket) beside local ones:"
for k in getpid pipe; do
	l=$(fig $k "$DIR/local") r=$(fig $k "$DIR/remote")
	case $k in
	getpid) printf '  %-8s local %8s ns   remote %8s ns   remote/local %s\n' \
	    $k "$l" "$r" "$(awk -v a="$r" -v b="$l" 'BEGIN { printf "%.1f", a / b }')" ;;
	*) printf '  %-8s local %8s MB/s remote %8s MB/s remote/local %s\n' \
	    $k "$l" "$r" "$(awk -v a="$r" -v b="$l" 'BEGIN { printf "%.2f", a / b }')" ;;
	esac
done
