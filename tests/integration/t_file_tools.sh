#!/bin/sh
# The file tools as remote clients: rump_server --listen on a unix socket
# with an image made by mke2fs -d mounted by --mount, and rump.ls,
# rump.cat, rump.cp (both ways, trees), rump.mkdir, rump.rm, rump.mount,
# rump.umount and rump.df working on it through librumpclient; errors
# name the path, or the server, and why; e2fsck finds the image clean
# after the server stopped and a read-only mount left its image as it was.
# No privilege needed.
set -u
: "${RUMP_TEST_BUILD:?run through tests/run.sh}"
BIN=$RUMP_TEST_BUILD/bin
tmp=$(mktemp -d /tmp/rumpfiletools.XXXXXX)
srv=""
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
run=0 failed=0 failures=""
RUMP_SERVER=unix://$tmp/server.sock
export RUMP_SERVER

echo "[==========] Running t_file_tools."
for c in mke2fs e2fsck sha256sum; do
	if ! command -v "$c" >/dev/null 2>&1; then
		echo "[  SKIPPED ] t_file_tools: needs $c"
		echo "[  SKIPPED ] 1 test(s), listed below:"
		exit 0
	fi
done

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

. "$(dirname "$0")/hostwait.sh"

# expect STATUS REGEX cmd...: cmd exits with STATUS and prints REGEX.
expect() {
	_st=$1
	_re=$2
	shift 2
	"$@" >"$tmp/cmd.out" 2>&1
	_rc=$?
	cat "$tmp/cmd.out"
	[ "$_rc" -eq "$_st" ] || { echo "exit status $_rc, expected $_st: $*"; return 1; }
	grep -Eq -- "$_re" "$tmp/cmd.out" || { echo "no /$_re/: $*"; return 1; }
}

the_server_serves_a_mounted_image() {
	mkdir -p "$tmp/tree/etc" "$tmp/tree/srv/www" &&
	    echo hello >"$tmp/tree/etc/motd" &&
	    chmod 644 "$tmp/tree/etc/motd" &&
	    head -c 3000000 /dev/urandom >"$tmp/tree/srv/www/big.bin" &&
	    ln -s ../etc/motd "$tmp/tree/srv/motd-link" &&
	    mke2fs -q -F -t ext2 -d "$tmp/tree" "$tmp/disk.img" 32M ||
	    return 1
	cp "$tmp/disk.img" "$tmp/ro.img" && sha256sum <"$tmp/ro.img" >"$tmp/ro.sum"
	head -c 1048576 /dev/zero >"$tmp/zeros.img"
	"$BIN/rump_server" --listen "$RUMP_SERVER" \
	    --mount "auto,$tmp/disk.img,/mnt" >"$tmp/server.log" 2>&1 &
	srv=$!
	wait_for "$tmp/server.log" "rump_server: up" 20
}

ls_lists_like_ls_l() {
	expect 0 '^-rw-r--r-- +1 +[0-9]+ +[0-9]+ +6 [0-9-]+ [0-9:]+ motd$' \
	    "$BIN/rump.ls" -l /mnt/etc || return 1
	expect 0 '^lrwxrwxrwx .* motd-link -> \.\./etc/motd$' \
	    "$BIN/rump.ls" -l /mnt/srv
}

cat_prints_files() {
	expect 0 '^hello$' "$BIN/rump.cat" /mnt/etc/motd /mnt/srv/motd-link
}

cp_copies_trees_both_ways() {
	"$BIN/rump.cp" "$tmp/tree" rump:/mnt/copy || return 1
	"$BIN/rump.cp" rump:/mnt/copy "$tmp/back" || return 1
	diff -r "$tmp/tree" "$tmp/back" || return 1
	expect 2 'exactly one of them rump:/PATH' "$BIN/rump.cp" a b
}

mkdir_and_rm_change_the_tree() {
	"$BIN/rump.mkdir" -p /mnt/x/y/z || return 1
	expect 0 '^z$' "$BIN/rump.ls" /mnt/x/y || return 1
	"$BIN/rump.rm" -r /mnt/x /mnt/copy || return 1
	expect 0 '^etc$' "$BIN/rump.ls" /mnt || return 1
	! "$BIN/rump.ls" /mnt | grep -Eq '^(x|copy)$'
}

mount_df_and_umount_an_image() {
	"$BIN/rump.mkdir" /ro || return 1
	"$BIN/rump.mount" -o ro "$tmp/ro.img" /ro || return 1
	expect 0 '^hello$' "$BIN/rump.cat" /ro/etc/motd || return 1
	expect 1 'Read-only file system' "$BIN/rump.mkdir" /ro/new || return 1
	expect 0 '^ext2fs +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+% /ro$' \
	    "$BIN/rump.df" /ro || return 1
	"$BIN/rump.umount" /ro || return 1
	expect 0 '^rumpfs .* /ro$' "$BIN/rump.df" /ro || return 1
	sha256sum <"$tmp/ro.img" | cmp -s - "$tmp/ro.sum"
}

errors_name_the_path_or_the_server() {
	expect 1 '^rump.cat: /nope: No such file or directory$' \
	    "$BIN/rump.cat" /nope || return 1
	expect 1 'rump.mount: .*zeros.img: cannot tell the file system type' \
	    "$BIN/rump.mount" "$tmp/zeros.img" /ro || return 1
	expect 1 'rump.mount: mounting .* at /nowhere: No such file or directory' \
	    "$BIN/rump.mount" "$tmp/ro.img" /nowhere || return 1
	expect 1 "cannot connect to unix://$tmp/none.sock" \
	    env RUMP_SERVER="unix://$tmp/none.sock" "$BIN/rump.ls" / || return 1
	expect 1 'RUMP_SERVER is not set' env -u RUMP_SERVER "$BIN/rump.ls" /
}

usage_is_said_and_bad_usage_exits_2() {
	expect 0 '^usage: rump.ls \[-l\]' "$BIN/rump.ls" --help || return 1
	expect 2 'the only option of -o is ro' \
	    "$BIN/rump.mount" -o rw "$tmp/ro.img" /ro || return 1
	expect 2 'unknown option' "$BIN/rump.mount" -x "$tmp/ro.img" /ro ||
	    return 1
	expect 2 'give IMAGE and DIR' "$BIN/rump.mount" "$tmp/ro.img" || return 1
	expect 2 'give the DIR to unmount' "$BIN/rump.umount" || return 1
	expect 1 '^rump.umount: /mnt/etc: Invalid argument$' \
	    "$BIN/rump.umount" /mnt/etc || return 1
	expect 0 '^rumpfs .* /$' "$BIN/rump.df" || return 1
	cp "$BIN/rump.ls" "$tmp/rump.other" &&
	    expect 2 'run me as rump.ls' "$tmp/rump.other" /
}

the_image_is_clean_after_the_server_stopped() {
	kill -TERM "$srv" && wait "$srv" || return 1
	srv=""
	e2fsck -fn "$tmp/disk.img"
}

check the_server_serves_a_mounted_image the_server_serves_a_mounted_image
check ls_lists_like_ls_l ls_lists_like_ls_l
check cat_prints_files cat_prints_files
check cp_copies_trees_both_ways cp_copies_trees_both_ways
check mkdir_and_rm_change_the_tree mkdir_and_rm_change_the_tree
check mount_df_and_umount_an_image mount_df_and_umount_an_image
check errors_name_the_path_or_the_server errors_name_the_path_or_the_server
check usage_is_said_and_bad_usage_exits_2 usage_is_said_and_bad_usage_exits_2
check the_image_is_clean_after_the_server_stopped the_image_is_clean_after_the_server_stopped
echo "[==========] $run test(s) run."
echo "[  PASSED  ] $((run - failed)) test(s)."
if [ "$failed" -ne 0 ]; then
	echo "[  FAILED  ] $failed test(s), listed below:"
	for f in $failures; do
		echo "[  FAILED  ] $f"
	done
	exit 1
fi
