#!/bin/sh
# make install into a fresh prefix, then build and run programs against it
# with pkg-config, as a user of the installed libraries would: one with the
# kernel core (rump), one with the TCP/IP stack (rumpnet), one with ukfs,
# and two with plain -l flags (the VFS, ukfs).  Prints
# cmocka-style lines.  Needs cc, make and pkg-config.  Last, a client
# built with librumpclient makes its calls in the installed rump_server.
set -u
: "${RUMP_TEST_BUILD:?run through tests/run.sh}"
# A sanitized build installs sanitized libraries: programs must be too.
san=${RUMP_TEST_SANITIZE:-0}
sanflags=""
[ "$san" = 1 ] && sanflags="-fsanitize=address,undefined"
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/rumpinstall.XXXXXX)
srv=""
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; rm -rf "$tmp"' EXIT
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

echo "[==========] Running t_install."
# One make at a time in the build directory: the other install test may
# run beside this one.
check installs_into_a_prefix flock "$RUMP_TEST_BUILD/.make.lock" \
    make -s -C "$top" install O="$RUMP_TEST_BUILD" SANITIZE="$san" \
    PREFIX="$tmp/prefix"

cat >"$tmp/core.c" <<'PROG'
#include <rump/rump.h>
#include <stdio.h>

int
main(void)
{
	if (rump_init() != 0 || rump_sys_getpid() != 1)
		return 1;
	return rump_fini();
}
PROG
cat >"$tmp/net.c" <<'PROG'
#include <rump/rump.h>
#include <rump/rump_netconfig.h>
#include <sys/socket.h>

int
main(void)
{
	int s;

	if (rump_init() != 0)
		return 1;
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || rump_sys_close(s) != 0)
		return 2;
	/* Unknown interfaces are refused, not crashed on. */
	if (rump_netconfig_ipv4_ifaddr("virt7", "198.18.0.2/24") == 0)
		return 3;
	return rump_fini();
}
PROG
# libukfs: an image made by mke2fs, one file read back.
cat >"$tmp/ukfs.c" <<'PROG'
#include <rump/ukfs.h>
#include <string.h>

int
main(int argc, char *argv[])
{
	struct ukfs *fs;
	char buf[8] = { 0 };

	if (argc != 2 || (fs = ukfs_mount(NULL, argv[1], "/mnt", 0)) == NULL)
		return 1;
	if (ukfs_read(fs, "/f", 0, buf, sizeof(buf) - 1) != 3 ||
	    strcmp(buf, "abc") != 0)
		return 2;
	return ukfs_release(fs) != 0;
}
PROG
# The VFS alone: rumpfs is the root.
cat >"$tmp/vfs.c" <<'PROG'
#include <rump/rump.h>

int
main(void)
{
	if (rump_init() != 0 || rump_sys_mkdir("/d", 0755) != 0)
		return 1;
	return rump_fini();
}
PROG
# librumpclient: the calls made in an installed rump_server.
cat >"$tmp/client.c" <<'PROG'
#include <rump/rump.h>

int
main(void)
{
	if (rump_init() != 0 || rump_sys_getpid() <= 1)
		return 1;
	return rump_fini();
}
PROG
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
build() {
	# shellcheck disable=SC2046
	cc $sanflags -o "$tmp/$1" "$tmp/$1.c" $(pkg-config --cflags --libs "$2")
}
check pkg_config_builds_a_core_program build core rump
check the_core_program_boots_and_calls "$tmp/core"
check pkg_config_builds_a_network_program build net rumpnet
check the_network_program_opens_a_socket "$tmp/net"
check pkg_config_builds_a_ukfs_program build ukfs ukfs
mkdir -p "$tmp/tree" && printf abc >"$tmp/tree/f"
check the_ukfs_program_reads_an_image sh -c "mke2fs -q -F -t ext2 \
    -d '$tmp/tree' '$tmp/img' 1M && '$tmp/ukfs' '$tmp/img'"
# The plain -l flags under --as-needed: the component libraries
# (librumpvfs, librumpfs_ext2fs), which nothing calls by name, are kept by
# the anchors their linker scripts add.
plain() {
	_prog=$1
	shift
	cc $sanflags -I "$tmp/prefix/include" -o "$tmp/plain_$_prog" \
	    "$tmp/$_prog.c" -L "$tmp/prefix/lib" -Wl,-rpath,"$tmp/prefix/lib" \
	    -Wl,--as-needed "$@"
}
check plain_flags_link_a_vfs_program plain vfs -lrumpvfs -lrump -lrumpuser
check the_plainly_linked_vfs_program_has_a_root "$tmp/plain_vfs"
check plain_flags_link_a_ukfs_program plain ukfs -lukfs -lrumpfs_ext2fs \
    -lrumpvfs -lrump -lrumpuser
check the_plainly_linked_ukfs_program_reads_an_image "$tmp/plain_ukfs" \
    "$tmp/img"
check pkg_config_builds_a_remote_client build client rumpclient
remote_client() {
	"$tmp/prefix/bin/rump_server" --listen "unix://$tmp/sock" >"$tmp/srv" 2>&1 &
	srv=$!
	until grep -q "rump_server: up:" "$tmp/srv"; do
		kill -0 $srv 2>/dev/null || return 1
		sleep 0.1
	done
	RUMP_SERVER="unix://$tmp/sock" "$tmp/client"
	rc=$?
	kill $srv && wait $srv && srv="" && return $rc
}
check the_remote_client_calls_an_installed_server remote_client

echo "[==========] $run test(s) run."
echo "[  PASSED  ] $((run - failed)) test(s)."
if [ $failed -ne 0 ]; then
	echo "[  FAILED  ] $failed test(s), listed below:"
	for f in $failures; do echo "[  FAILED  ] $f"; done
	exit 1
fi
