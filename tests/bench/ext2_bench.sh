#!/bin/sh
# ext2 figures of the rump kernel beside the host's tools doing the same
# work in the same run, printed as ratios (never pass/fail):
#
# - read a 200 MiB file out of an image: fsconsole get, and in-process
#   through libukfs (ukfsread, the bytes thrown away), against debugfs
#   -R "dump" and a read-only kernel loop mount + cp;
# - write 5,000 files of 4 KiB (50 directories of 100) into an empty
#   image: fsconsole put, against a debugfs -w -f script (mkdir, cd,
#   write) and a loop mount + cp -a;
# - ls -lR of that tree: fsconsole ls -lR, against debugfs ls -l of each
#   directory and a read-only loop mount + ls -lR.
#
# Every figure is a whole run from the image file to done: the rump tools
# boot and mount, debugfs opens the image, the loop figure is mount, work
# and umount (umount writes the loop mount back).  Warm: the image files
# are in the host's page cache (each figure is the best of BENCH_RUNS runs,
# default 3, the first of which warms it); each run starts with an empty
# file-system cache (a fresh rump kernel, a fresh debugfs, a fresh loop
# mount).  The loop figures need root and a loop device, and print "-"
# without them.  Usage: ext2_bench.sh   (BENCH_EXT2_MIB, default 200)
set -u
O=${O:-build}
B=$O/bin
H=$O/tests/bench
RUNS=${BENCH_RUNS:-3}
MIB=${BENCH_EXT2_MIB:-200}
DIRS=50
FILES=100

for c in mke2fs debugfs e2fsck split; do
	command -v $c >/dev/null || { echo "bench: ext2_bench needs $c (sh mk/deps.sh); skipped"; exit 0; }
done
TMP=$(mktemp -d /tmp/rumpext2b-XXXXXX) || exit 1
MNT=$TMP/mnt

cleanup() {
	mountpoint -q "$MNT" 2>/dev/null && umount "$MNT"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

LOOP=0
if [ "$(id -u)" -eq 0 ] && [ -e /dev/loop-control ] && command -v mountpoint >/dev/null; then
	LOOP=1
	mkdir "$MNT"
fi

# timed FIGURE TOOL CMD...: runs CMD (output thrown away), adds its wall
# seconds to $TMP/res; a failure ends the benchmark with its message.
timed() {
	_fig=$1 _tool=$2
	shift 2
	_t0=$(date +%s%N)
	"$@" >/dev/null 2>"$TMP/err" || {
		echo "bench: $_fig/$_tool failed: $*"
		cat "$TMP/err"
		exit 1
	}
	_t1=$(date +%s%N)
	echo "$_fig $_tool $(((_t1 - _t0) / 1000))" >>"$TMP/res"
}

# The 200 MiB file, in an image made by mke2fs from a tree holding it.
mkdir "$TMP/big"
head -c $((MIB * 1024 * 1024)) /dev/urandom >"$TMP/big/big.bin"
mke2fs -q -F -t ext2 -b 4096 -d "$TMP/big" "$TMP/r.img" $((MIB * 2))M >/dev/null || exit 1

# The tree of small files (src/tree), a debugfs script that writes it,
# and an image made by mke2fs holding it for the listings.
mkdir -p "$TMP/src/tree"
echo "mkdir /tree" >"$TMP/write.cmd"
echo "ls -l /tree" >"$TMP/ls.cmd"
d=0
while [ $d -lt $DIRS ]; do
	dn=$(printf 'd%02d' $d)
	mkdir "$TMP/src/tree/$dn"
	head -c $((FILES * 4096)) /dev/urandom | (cd "$TMP/src/tree/$dn" && split -b 4096 -a 3 -d - f)
	printf 'mkdir /tree/%s\ncd /tree/%s\n' "$dn" "$dn" >>"$TMP/write.cmd"
	for f in "$TMP/src/tree/$dn"/*; do
		printf 'write %s %s\n' "$f" "${f##*/}" >>"$TMP/write.cmd"
	done
	echo "ls -l /tree/$dn" >>"$TMP/ls.cmd"
	d=$((d + 1))
done
mke2fs -q -F -t ext2 -b 4096 -d "$TMP/src" "$TMP/l.img" 128M >/dev/null || exit 1

fresh_w() { rm -f "$TMP/w.img"; mke2fs -q -F -t ext2 -b 4096 "$TMP/w.img" 128M >/dev/null; }

echo "ext2 bench: best of $RUNS runs, warm page cache; ${MIB} MiB file, $((DIRS * FILES)) files of 4 KiB"
run=0
while [ $run -lt "$RUNS" ]; do
	rm -f "$TMP/out"
	timed read rump "$B/fsconsole" "$TMP/r.img" -r -c "get /big.bin $TMP/out"
	[ $run -eq 0 ] && { cmp -s "$TMP/out" "$TMP/big/big.bin" || { echo "bench: fsconsole get differs"; exit 1; }; }
	timed read ukfs "$H/ukfsread" "$TMP/r.img" /big.bin
	rm -f "$TMP/out"
	timed read debugfs debugfs -R "dump /big.bin $TMP/out" "$TMP/r.img"
	if [ $LOOP = 1 ]; then
		rm -f "$TMP/out"
		timed read loop sh -c "mount -o loop,ro -t ext2 '$TMP/r.img' '$MNT' &&
		    cp '$MNT/big.bin' '$TMP/out' && umount '$MNT'"
	fi
	rm -f "$TMP/out"

	fresh_w
	timed write rump "$B/fsconsole" "$TMP/w.img" -c "put $TMP/src/tree /tree"
	[ $run -eq 0 ] && { e2fsck -fn "$TMP/w.img" >"$TMP/fsck" 2>&1 || { echo "bench: e2fsck after put:"; cat "$TMP/fsck"; exit 1; }; }
	fresh_w
	timed write debugfs debugfs -w -f "$TMP/write.cmd" "$TMP/w.img"
	if [ $LOOP = 1 ]; then
		fresh_w
		timed write loop sh -c "mount -o loop -t ext2 '$TMP/w.img' '$MNT' &&
		    cp -a '$TMP/src/tree' '$MNT/' && umount '$MNT'"
	fi

	timed ls rump "$B/fsconsole" "$TMP/l.img" -r -c "ls -lR /"
	timed ls debugfs debugfs -f "$TMP/ls.cmd" "$TMP/l.img"
	if [ $LOOP = 1 ]; then
		timed ls loop sh -c "mount -o loop,ro -t ext2 '$TMP/l.img' '$MNT' &&
		    ls -lR '$MNT' && umount '$MNT'"
	fi
	run=$((run + 1))
done

# One line per figure: the best run of each tool, and how many times
# longer the peers took (above 1: the rump kernel is faster).
awk '
	{ k = $1 " " $2; if (!(k in best) || $3 < best[k]) best[k] = $3 }
	function s(f, t) { return (f " " t) in best ? sprintf("%.3f", best[f " " t] / 1e6) : "-" }
	function r(f, t, by) {
		if (!((f " " t) in best) || !((f " " by) in best))
			return "-"
		return sprintf("%.2f", best[f " " t] / best[f " " by])
	}
	END {
		printf "\n%-26s %8s %8s %8s %8s %12s %12s\n", "seconds", "rump", "ukfs",
		    "debugfs", "loop", "debugfs/rump", "loop/rump"
		n = split("read write ls", fig, " ")
		split("read the big file|write the small files|ls -lR the small files", name, "|")
		for (i = 1; i <= n; i++) {
			f = fig[i]
			printf "%-26s %8s %8s %8s %8s %12s %12s\n", name[i], s(f, "rump"),
			    s(f, "ukfs"), s(f, "debugfs"), s(f, "loop"), r(f, "debugfs", "rump"),
			    r(f, "loop", "rump")
		}
		if (("read ukfs") in best)
			printf "%-26s %8s %8s %8s %8s %12s %12s\n", "read, in-process (ukfs)", "",
			    s("read", "ukfs"), "", "", r("read", "debugfs", "ukfs"),
			    r("read", "loop", "ukfs")
	}' "$TMP/res"
