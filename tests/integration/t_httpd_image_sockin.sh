#!/bin/sh
# rump_httpd-sockin --image: the files of an ext2 image made by the host's
# mke2fs -d served on the host's own TCP/IP, without any privilege (run
# as root, the servers run as nobody): a large file and 1,000 small ones
# byte-exact to curl, the read-only image unchanged, a read-write one
# left clean for e2fsck; and the errors of --mount and --image, each
# naming what is wrong.  Ports are random high ones on 127.0.0.1.
# IMAGE_TEST_BYTES sets the size of the large file (default 256 MiB).
set -u
: "${RUMP_TEST_BUILD:?run through tests/run.sh}"
. "$(dirname "$0")/image_tree.sh"
BIN=$RUMP_TEST_BUILD/bin
BIG=${IMAGE_TEST_BYTES:-268435456}
tmp=$(mktemp -d /tmp/rumpimgsockin.XXXXXX)
chmod 755 "$tmp"
pids=""
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	wait
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
run=0 failed=0 failures=""

echo "[==========] Running t_httpd_image_sockin."
for c in curl mke2fs e2fsck sha256sum; do
	if ! command -v "$c" >/dev/null 2>&1; then
		echo "[  SKIPPED ] t_httpd_image_sockin: needs $c"
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

# The prefix that runs a command as an ordinary user: a plain command
# word, so that a server started in the background with it is $! itself.
ASUSER=""
[ "$(id -u)" -eq 0 ] &&
    ASUSER="setpriv --reuid=nobody --regid=nogroup --clear-groups"

. "$(dirname "$0")/hostwait.sh"

# serve IMAGE-ARG: rump_httpd-sockin --image IMAGE-ARG on $port, as
# nobody; another random port when the one chosen is taken.  The log is
# emptied before the server starts: the background shell truncates it only
# when it gets to run, and until then the last server's "serving" is in it.
serve() {
	for _try in 1 2 3 4 5; do
		port=$(randport)
		: >"$tmp/httpd.log" || return 1
		# shellcheck disable=SC2086 # $ASUSER is words
		$ASUSER "$BIN/rump_httpd-sockin" --port "$port" \
		    --bind 127.0.0.1 --image "$1" -q >"$tmp/httpd.log" 2>&1 &
		httpd=$!
		pids="$pids $httpd"
		_i=0
		until grep -q "serving" "$tmp/httpd.log"; do
			kill -0 "$httpd" 2>/dev/null || break
			_i=$((_i + 1))
			[ "$_i" -gt 200 ] && break
			sleep 0.1
		done
		grep -q "serving" "$tmp/httpd.log" && return 0
		kill "$httpd" 2>/dev/null
		wait "$httpd"
		grep -q "Address already in use" "$tmp/httpd.log" || break
	done
	echo "rump_httpd-sockin did not start:"
	cat "$tmp/httpd.log"
	return 1
}

# Ends the server with SIGTERM; it must exit 0.
unserve() {
	kill -TERM "$httpd" && wait "$httpd" && return 0
	echo "rump_httpd-sockin did not exit 0 after SIGTERM:"
	cat "$tmp/httpd.log"
	return 1
}

the_image_is_made() {
	make_image_tree "$tmp" "$BIG" && chmod -R a+rX "$tmp" &&
	    sha256sum <"$tmp/image.img" >"$tmp/image.before"
}

a_read_only_image_is_served_byte_exact() {
	serve "$tmp/image.img,ro" || return 1
	url=http://127.0.0.1:$port
	timeout 300 curl -sS -o "$tmp/got.bin" "$url/big.bin" || return 1
	cmp "$tmp/got.bin" "$tmp/tree/big.bin" || return 1
	rm -f "$tmp/got.bin"
	curl_config "$url" "$tmp/got" >"$tmp/small.curl"
	timeout 300 curl -sS --fail-early --create-dirs -K "$tmp/small.curl" ||
	    return 1
	check_small_files "$tmp" "$tmp/got" || return 1
	unserve
}

the_read_only_image_is_unchanged() {
	sha256sum <"$tmp/image.img" >"$tmp/image.after"
	cmp "$tmp/image.before" "$tmp/image.after"
}

a_read_write_image_is_left_clean() {
	cp "$tmp/image.img" "$tmp/rw.img" && chmod a+rw "$tmp/rw.img" ||
	    return 1
	serve "$tmp/rw.img" || return 1
	curl -sS "http://127.0.0.1:$port/dir/" | grep -q 'a&amp;b' || return 1
	unserve || return 1
	e2fsck -fn "$tmp/rw.img"
}

# expect_error STATUS REGEX cmd...: cmd fails with STATUS and says REGEX.
expect_error() {
	_st=$1
	_re=$2
	shift 2
	# shellcheck disable=SC2086 # $ASUSER is words
	$ASUSER "$@" >"$tmp/err.out" 2>&1
	_rc=$?
	cat "$tmp/err.out"
	[ "$_rc" -eq "$_st" ] || { echo "exit status $_rc, expected $_st"; return 1; }
	grep -Eq -- "$_re" "$tmp/err.out" || { echo "no /$_re/"; return 1; }
}

mount_errors_name_what_is_wrong() {
	head -c 1048576 /dev/zero >"$tmp/zeros.img" && chmod a+r "$tmp/zeros.img" ||
	    return 1
	expect_error 2 "--mount ext2fs,$tmp/nope.img,/m: image $tmp/nope.img: No such file" \
	    "$BIN/rump_server" --mount "ext2fs,$tmp/nope.img,/m" || return 1
	expect_error 2 "no mount point" \
	    "$BIN/rump_nc-sockin" --mount "auto,$tmp/image.img" 127.0.0.1 9 ||
	    return 1
	expect_error 1 "cannot tell the file system type of image $tmp/zeros.img" \
	    "$BIN/rump_httpd-sockin" --port 1 --root "$tmp" \
	    --mount "auto,$tmp/zeros.img,/m,ro" || return 1
	expect_error 2 "--image $tmp/image.img,rw: unknown option 'rw'" \
	    "$BIN/rump_httpd-sockin" --port 1 --image "$tmp/image.img,rw" ||
	    return 1
	expect_error 2 "--root small: with --image, a path in the image" \
	    "$BIN/rump_httpd-sockin" --port 1 --image "$tmp/image.img,ro" \
	    --root small
}

a_root_not_in_the_image_is_refused() {
	expect_error 1 "--root /nope: No such file or directory in image $tmp/image.img" \
	    "$BIN/rump_httpd-sockin" --port "$(randport)" --bind 127.0.0.1 \
	    --image "$tmp/image.img,ro" --root /nope || return 1
	expect_error 1 "--root /out-dev: leads out of image" \
	    "$BIN/rump_httpd-sockin" --port "$(randport)" --bind 127.0.0.1 \
	    --image "$tmp/image.img,ro" --root /out-dev
}

check the_image_is_made the_image_is_made
check a_read_only_image_is_served_byte_exact a_read_only_image_is_served_byte_exact
check the_read_only_image_is_unchanged the_read_only_image_is_unchanged
check a_read_write_image_is_left_clean a_read_write_image_is_left_clean
check mount_errors_name_what_is_wrong mount_errors_name_what_is_wrong
check a_root_not_in_the_image_is_refused a_root_not_in_the_image_is_refused
echo "[==========] $run test(s) run."
echo "[  PASSED  ] $((run - failed)) test(s)."
if [ "$failed" -ne 0 ]; then
	echo "[  FAILED  ] $failed test(s), listed below:"
	for f in $failures; do
		echo "[  FAILED  ] $f"
	done
	exit 1
fi
