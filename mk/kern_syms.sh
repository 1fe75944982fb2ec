#!/bin/sh
# Writes the renaming map for objcopy --redefine-syms: every global symbol
# the kernel objects define becomes rumpns_<name>, except the public
# interface (rump_*) and the hypercalls (rumpuser_*).
# Usage: kern_syms.sh NM OUTPUT OBJECT...
nm=$1 out=$2
shift 2
"$nm" -g --defined-only --format=posix "$@" 2>/dev/null |
	awk 'NF >= 2 && $1 !~ /:$/ && $1 !~ /^(rump_|rumpuser_|rumpns_)/ { print $1 " rumpns_" $1 }' |
	sort -u > "$out.tmp"
# Keep the old file when nothing changed so the renamed objects stay fresh.
if cmp -s "$out.tmp" "$out"; then rm -f "$out.tmp"; else mv "$out.tmp" "$out"; fi
