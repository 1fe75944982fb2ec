#!/bin/sh
# One program source, two AF_INET stacks: it links and runs with sockin
# (pkg-config rumpnet_sockin, or its -l flags) or with the rump TCP/IP
# stack (pkg-config rumpnet, or its -l flags), and linking both fails
# with a message naming the mistake: at link time for static archives,
# at rump_init for shared libraries.  The plain -l flags work as they
# are, whatever --as-needed, --gc-sections, PIE, compiler or linker:
# each component's lib<name>.so is a linker script that adds an anchor
# object naming the component (mk/component_anchor.c), and without it
# --as-needed drops the library.  Prints cmocka-style lines.  Needs cc,
# make, pkg-config and readelf; clang, gold and lld for their cases.
set -u
: "${RUMP_TEST_BUILD:?run through tests/run.sh}"
san=${RUMP_TEST_SANITIZE:-0}
sanflags=""
[ "$san" = 1 ] && sanflags="-fsanitize=address,undefined"
top=$(cd "$(dirname "$0")/../.." && pwd)
lib=$RUMP_TEST_BUILD/lib
tmp=$(mktemp -d /tmp/rumpstacks.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
run=0 failed=0 failures=""

check() {
	name=$1
	shift
	run=$((run + 1))
	echo "[ RUN      ] $name"
	if "$@" >"$tmp/out" 2>&1; then
		echo "[       OK ] $name"
	else
		cat "$tmp/out"
		echo "[  FAILED  ] $name"
		failed=$((failed + 1))
		failures="$failures $name"
	fi
}

# A datagram over loopback: AF_INET is there and works, in either stack.
cat >"$tmp/udp.c" <<'PROG'
#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

static int
loopback_datagram(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	char c = 0;
	int r, s;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((r = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    (s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		perror("socket");
		return 2;
	}
	if (rump_sys_bind(r, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    rump_sys_getsockname(r, (struct sockaddr *)&sin, &len) != 0 ||
	    rump_sys_connect(s, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    rump_sys_send(s, "x", 1, 0) != 1 ||
	    rump_sys_recv(r, &c, 1, 0) != 1 || c != 'x') {
		perror("loopback datagram");
		return 3;
	}
	return rump_sys_close(r) != 0 || rump_sys_close(s) != 0 ? 4 : 0;
}

int
main(void)
{
	int error = rump_init();

	if (error != 0) {
		fprintf(stderr, "rump_init: error %d\n", error);
		return 1;
	}
	if ((error = loopback_datagram()) != 0)
		return error;
	return rump_fini();
}
PROG

echo "[==========] Running t_link_stacks."
# One make at a time in the build directory: the other install test may
# run beside this one.
check installs_both_flavours flock "$RUMP_TEST_BUILD/.make.lock" \
    make -s -C "$top" install O="$RUMP_TEST_BUILD" SANITIZE="$san" \
    PREFIX="$tmp/prefix"
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"

builds() {
	# shellcheck disable=SC2046
	cc $sanflags -o "$tmp/$1" "$tmp/udp.c" $(pkg-config --cflags --libs "$1")
}
check pkg_config_links_the_sockin_flavour builds rumpnet_sockin
check the_sockin_flavour_runs "$tmp/rumpnet_sockin"
check pkg_config_links_the_rump_stack_flavour builds rumpnet
check the_rump_stack_flavour_runs "$tmp/rumpnet"

# The flags the issue and docs/ARCHITECTURE.md give, without pkg-config,
# from the installed shared libraries.
sockin_flags="-lrumpnet_sockin -lrumpnet -lrump -lrumpuser"
stack_flags="-lrumpnet_virtif -lrumpnet_netinet -lrumpnet_net -lrumpnet -lrump -lrumpuser"
prefix_lib=$tmp/prefix/lib
# link OUT COMPILER EXTRA-FLAGS -l-FLAGS: links the program.
link() {
	_out=$1 _cc=$2 _extra=$3
	shift 3
	# shellcheck disable=SC2086
	$_cc $sanflags -I "$tmp/prefix/include" -o "$tmp/$_out" "$tmp/udp.c" \
	    -L "$prefix_lib" -Wl,-rpath,"$prefix_lib" $_extra "$@"
}
# plain OUT COMPILER EXTRA-FLAGS -l-FLAGS: links the program, then runs it.
plain() {
	link "$@" && "$tmp/$1"
}
# needs PROGRAM LIBRARY...: the program's DT_NEEDED names each library.
needs() {
	_prog=$1
	shift
	readelf -d "$_prog" >"$tmp/dynamic" || return 1
	for _l in "$@"; do
		grep -q "(NEEDED).*\[$_l\]" "$tmp/dynamic" || {
			echo "$_prog does not need $_l:"
			cat "$tmp/dynamic"
			return 1
		}
	done
}
# Each way of linking, by name: the toolchain's defaults (gcc here links
# --as-needed), --as-needed said explicitly, unused sections collected,
# position-dependent, and the other linkers.
variant_flags() {
	case $1 in
	defaults) echo "" ;;
	as_needed) echo "-Wl,--as-needed" ;;
	gc_sections) echo "-ffunction-sections -fdata-sections -Wl,--as-needed -Wl,--gc-sections" ;;
	no_pie) echo "-no-pie -Wl,--as-needed" ;;
	gold) echo "-fuse-ld=gold -Wl,--as-needed -Wl,--gc-sections" ;;
	lld) echo "-fuse-ld=lld -Wl,--as-needed -Wl,--gc-sections" ;;
	esac
}
# clang links against a gcc-sanitized build only with gcc's runtime: its
# cases run in the plain build.
compilers=cc
[ "$san" = 1 ] || compilers="cc clang"
# shellcheck disable=SC2086 # the flags are words
for comp in $compilers; do
	for v in defaults as_needed gc_sections no_pie gold lld; do
		check "plain_flags_link_and_run_the_sockin_flavour_${comp}_$v" \
		    plain "sockin_${comp}_$v" "$comp" "$(variant_flags $v)" \
		    $sockin_flags
		check "plain_flags_link_and_run_the_rump_stack_flavour_${comp}_$v" \
		    plain "stack_${comp}_$v" "$comp" "$(variant_flags $v)" \
		    $stack_flags
	done
done
check the_sockin_flavour_needs_its_component_libraries needs \
    "$tmp/sockin_cc_as_needed" librumpnet_sockin.so.0 librumpnet.so.0
check the_rump_stack_flavour_needs_its_component_libraries needs \
    "$tmp/stack_cc_as_needed" librumpnet_virtif.so.0 \
    librumpnet_netinet.so.0 librumpnet_net.so.0 librumpnet.so.0

# The libraries by file name, without the linker scripts and so without
# the anchors: --as-needed drops them and the kernel has no sockets.
unanchored_dropped() {
	link unanchored cc -Wl,--as-needed -l:librumpnet_sockin.so.0 \
	    -l:librumpnet.so.0 -lrump -lrumpuser || return 1
	if needs "$tmp/unanchored" librumpnet_sockin.so.0; then
		echo "--as-needed kept librumpnet_sockin.so.0 without its anchor"
		return 1
	fi
	"$tmp/unanchored"
	# 2: socket() failed.
	[ $? -eq 2 ]
}
check without_its_anchor_as_needed_drops_a_component unanchored_dropped

# Static archives of both stacks: the link fails and says why.
both_static_refused() {
	if cc $sanflags -I "$tmp/prefix/include" -o "$tmp/both" "$tmp/udp.c" \
	    -Wl,--whole-archive "$lib/librumpnet_sockin.a" \
	    "$lib/librumpnet_virtif.a" "$lib/librumpnet_netinet.a" \
	    "$lib/librumpnet_net.a" "$lib/librumpnet.a" "$lib/librump.a" \
	    -Wl,--no-whole-archive "$lib/librumpuser.a" -lpcap -lpthread \
	    2>"$tmp/ld.err"; then
		echo "linking both stacks succeeded"
		return 1
	fi
	grep inet_stack_both_sockin_and_netinet_linked__link_only_one_of_them \
	    "$tmp/ld.err"
}
check linking_both_stacks_statically_fails_naming_the_mistake both_static_refused

# Shared libraries of both: rump_init refuses and names both.
both_shared_refused() {
	cc $sanflags -I "$tmp/prefix/include" -o "$tmp/bothso" "$tmp/udp.c" \
	    -L "$lib" -Wl,-rpath,"$lib" -Wl,--as-needed -lrumpnet_sockin \
	    -lrumpnet_virtif -lrumpnet_netinet -lrumpnet_net -lrumpnet -lrump \
	    -lrumpuser -lpthread || return 1
	# Under ASan the loader's odr-violation report (the stack symbol both
	# define) would end the program first; the check here is rump_init's.
	if ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_odr_violation=0" \
	    "$tmp/bothso" 2>"$tmp/init.err"; then
		echo "rump_init with both stacks succeeded"
		return 1
	fi
	cat "$tmp/init.err"
	grep -q 'sockin: another AF_INET stack is linked in' "$tmp/init.err"
}
check linking_both_shared_stacks_fails_at_rump_init both_shared_refused

echo "[==========] $run test(s) run."
echo "[  PASSED  ] $((run - failed)) test(s)."
if [ "$failed" -ne 0 ]; then
	echo "[  FAILED  ] $failed test(s), listed below:"
	for f in $failures; do
		echo "[  FAILED  ] $f"
	done
	exit 1
fi
