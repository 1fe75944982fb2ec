#!/bin/sh
# One program source, two AF_INET stacks: it links and runs with sockin
# (pkg-config rumpnet_sockin, or its -l flags) or with the rump TCP/IP
# stack (pkg-config rumpnet, or its -l flags), and linking both fails
# with a message naming the mistake: at link time for static archives,
# at rump_init for shared libraries.  Prints cmocka-style lines.  Needs cc, make and pkg-config.
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

cat >"$tmp/udp.c" <<'PROG'
#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <stdio.h>
#include <sys/socket.h>

int
main(void)
{
	int error = rump_init();

	if (error != 0) {
		fprintf(stderr, "rump_init: error %d\n", error);
		return 1;
	}
	if (rump_sys_socket(AF_INET, SOCK_DGRAM, 0) < 0)
		return 2;
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

# The flags docs/ARCHITECTURE.md gives, without pkg-config: each flavour
# links and runs from the installed shared libraries, kept by
# --no-as-needed (nothing names a component library).
plain() {
	_out=$1
	shift
	cc $sanflags -I "$tmp/prefix/include" -o "$tmp/$_out" "$tmp/udp.c" \
	    -L "$tmp/prefix/lib" -Wl,-rpath,"$tmp/prefix/lib" \
	    -Wl,--no-as-needed "$@" && "$tmp/$_out"
}
check plain_flags_link_and_run_the_sockin_flavour plain plain_sockin \
    -lrumpnet_sockin -lrumpnet -lrump -lrumpuser
check plain_flags_link_and_run_the_rump_stack_flavour plain plain_stack \
    -lrumpnet_virtif -lrumpnet_netinet -lrumpnet_net -lrumpnet -lrump \
    -lrumpuser

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
	    -L "$lib" -Wl,-rpath,"$lib" -Wl,--no-as-needed -lrumpnet_sockin \
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
