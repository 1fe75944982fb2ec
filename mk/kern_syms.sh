#!/bin/sh
# Writes the renaming map for objcopy --redefine-syms: every global symbol
# the kernel objects define becomes rumpns_<name>, except the public
# interface (rump_*) and the hypercalls (rumpuser_*).
#
# Host halves (*_user.o) are renamed too, so a host half calling a C
# library function whose name the kernel also defines would silently reach
# the kernel's instead; that is refused here.
# Usage: kern_syms.sh NM OUTPUT OBJECT...
nm=$1 out=$2
shift 2
"$nm" -g --defined-only --format=posix "$@" 2>/dev/null |
	awk 'NF >= 2 && $1 !~ /:$/ && $1 !~ /^(rump_|rumpuser_|rumpns_)/ { print $1 " rumpns_" $1 }' |
	sort -u > "$out.tmp"
for o in "$@"; do
	case "$o" in
	*_user.o) ;;
	*) continue ;;
	esac
	for sym in $("$nm" -u --format=posix "$o" | awk '{ print $1 }'); do
		# A host half may call the kernel half it belongs with only by
		# names it shares with it; libc names are what we look for.
		if grep -q "^$sym " "$out.tmp" && ! "$nm" -g --defined-only \
		    --format=posix "${o%_user.o}"*.o 2>/dev/null | grep -q "^$sym "; then
			case "$sym" in
			str*|mem*|*printf|*alloc|free|abort|exit)
				echo "kern_syms: host half $o calls $sym, which the kernel defines too" >&2
				rm -f "$out.tmp"
				exit 1 ;;
			esac
		fi
	done
done
# Keep the old file when nothing changed so the renamed objects stay fresh.
if cmp -s "$out.tmp" "$out"; then rm -f "$out.tmp"; else mv "$out.tmp" "$out"; fi
