#!/bin/sh
# Makes the ext2 images the ext2fs unit tests read: a tree of files of
# every shape (sizes reaching each level of the block map, holes, a file
# past 4 GiB, fast and slow symlinks, a hard link, a directory of many
# blocks) and images of it made by the host's mke2fs in each variant.
# Usage: sh tests/ext2fs/mkimages.sh DIR  (writes DIR/tree and DIR/*.img)
set -eu
dir=$1
rm -rf "$dir"
mkdir -p "$dir/tree/sub/deeper" "$dir/tree/big" "$dir/tree/empty"
t=$dir/tree
# Contents from a fixed generator, so failures repeat.
pattern() { # bytes seed
	awk -v n="$1" -v s="$2" 'BEGIN {
		x = s; line = "";
		for (i = 0; i < n; i++) {
			x = (x * 1103515245 + 12345) % 2147483648;
			c = 97 + int(x / 65536) % 26;
			printf "%c", c;
		}
	}'
}
printf 'hello, ext2\n' > "$t/small"
: > "$t/zero"
pattern 13000 1 > "$t/direct"		# 12 KiB+: the last direct block (1 KiB)
pattern 300000 2 > "$t/sub/single"	# single and double indirect (1 KiB)
pattern 5000 3 > "$t/sub/deeper/file"
# Holes: data at the start, the middle of a double indirect range and
# past the triple indirect start of 1 KiB blocks (12+256+65536 blocks).
printf 'head' > "$t/sparse"
printf 'middle' | dd of="$t/sparse" bs=1 seek=1000000 conv=notrunc 2>/dev/null
printf 'tail' | dd of="$t/sparse" bs=1 seek=70000000 conv=notrunc 2>/dev/null
ln "$t/small" "$t/sub/hardlink"
ln -s small "$t/fastlink"
ln -s "$(printf 'x%.0s' $(seq 1 100))/target" "$t/slowlink"
for i in $(seq 1 300); do
	printf 'file %d\n' "$i" > "$t/big/entry-with-a-long-name-$i"
done
chmod 640 "$t/small"
chmod 755 "$t/sub"
touch -d '2020-02-02 02:02:02' "$t/direct"

mk() { # name size mke2fs-options...
	name=$1
	size=$2
	shift 2
	mke2fs -q -F -E root_owner=0:0 -d "$t" "$@" "$dir/$name.img" "$size" \
	    >/dev/null
}
mk 1k 8M -t ext2 -b 1024 -O dir_index
# An index for every directory of more than one block.
e2fsck -fyD "$dir/1k.img" >/dev/null 2>&1 || true
mk 2k 8M -t ext2 -b 2048
mk 4k 16M -t ext2 -b 4096
mk 1k-noindex 8M -t ext2 -b 1024 -O ^dir_index
mk rev0 8M -t ext2 -b 1024 -r 0 -O none
mk ext3 8M -t ext3 -b 1024
# ext4 with its default features (extent, 64bit, flex_bg, metadata_csum).
mke2fs -q -F -t ext4 -b 1024 "$dir/ext4.img" 8M >/dev/null
# A small image for allocation tests: many groups of few blocks.
mke2fs -q -F -t ext2 -b 1024 -g 1024 -N 512 "$dir/groups.img" 4M >/dev/null
# A file of one byte past 5 GiB, on 4 KiB blocks (triple indirect).
mke2fs -q -F -t ext2 -b 4096 "$dir/large.img" 8M >/dev/null
printf 'far' | dd of="$dir/far" bs=1 seek=5368709120 2>/dev/null
debugfs -w -R "write $dir/far far" "$dir/large.img" >/dev/null 2>&1
rm -f "$dir/far"
touch "$dir/stamp"
