#!/bin/sh
# The ext2 fuzzer's seeds (tests/fuzz/fuzz_ext2fs.c): small images made by
# the host's mke2fs -d from a tree of every kind of file (a directory of
# several blocks, a file reaching its indirect block, fast and slow
# symlinks, a hard link), one per layout the file system reads: 1 and 2
# KiB blocks, revision 0, no filetype.  Made afresh at each run, so the
# repository holds no binary and the seeds follow mke2fs.
# Usage: sh tests/fuzz/ext2fs_seeds.sh DIR
set -eu
dir=$1
tree=$dir/.tree
rm -rf "$dir"
mkdir -p "$tree/d/e"
printf 'hello\n' > "$tree/f"
awk 'BEGIN { for (i = 0; i < 13000; i++) printf "%c", 97 + i % 26 }' \
    > "$tree/d/indirect"
ln -s f "$tree/fast"
ln -s d/e/a-target-long-enough-to-need-a-block-of-its-own-past-sixty \
    "$tree/slow"
ln "$tree/f" "$tree/d/hard"
for i in $(seq 1 30); do
	: > "$tree/d/e/entry-with-a-long-name-$i"
done
n=0
for opts in "-b 1024" "-b 1024 -r 0 -O none" "-b 2048" \
    "-b 1024 -O ^filetype"; do
	n=$((n + 1))
	# shellcheck disable=SC2086 # opts are several options
	mke2fs -q -F -m 0 -N 64 $opts -d "$tree" "$dir/seed$n.img" 128K \
	    >/dev/null 2>&1
	# mke2fs leaves the file short of the last blocks it did not write.
	truncate -s 128K "$dir/seed$n.img"
done
rm -rf "$tree"
