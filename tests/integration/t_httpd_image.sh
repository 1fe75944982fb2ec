#!/bin/sh
# rump_httpd --image: the files of an ext2 image made by the host's
# mke2fs -d, served over the rump TCP/IP stack to the host's curl: a large
# file and 1,000 small ones byte-exact (sha256), a range, listings and
# Last-Modified inside the image, every way out of the image or of --root
# refused, and the read-only image unchanged afterwards.
#
#	namespace NS:	itap0 198.18.0.1/24 <-> rump_httpd virt0 198.18.0.2:8080
#			(--image IMAGE,ro)
#			itap1 198.18.1.1/24 <-> rump_httpd virt0 198.18.1.2:8081
#			(--image IMAGE,ro --root /small)
#	the first rump_httpd also serves remote calls (--listen) to the
#	rump.ifconfig and rump.netstat run against it
#
# IMAGE_TEST_BYTES sets the size of the large file (default 256 MiB).
# shellcheck disable=SC2317 # test functions are called through run_test
# shellcheck disable=SC2086 # $HCURL is words
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_tree.sh"

require_root_and_tun
require_cmd curl mke2fs timeout sha256sum
require_tcp
make_ns NS
BIG=${IMAGE_TEST_BYTES:-268435456}
URL=http://198.18.0.2:8080
URL2=http://198.18.1.2:8081
IMG=$WORKDIR/image.img
# shellcheck disable=SC2034 # read by the steps of lib.sh
STEP_TIMEOUT=600

HCURL="ip netns exec $NS curl -sS -m 300"

server_up() {
	make_image_tree "$WORKDIR" "$BIG" ||
	    { echo "  mke2fs -d could not make the image" >&2; return 1; }
	sha256sum <"$IMG" >"$WORKDIR/image.before"
	start_bg "$NS" httpd "$BIN/rump_httpd" --if virt0,tap=itap0 \
	    --addr virt0,198.18.0.2/24 --port 8080 --image "$IMG,ro" \
	    --listen "unix://$WORKDIR/httpd.sock" || return 1
	wait_for_line httpd "^rump_httpd: serving $IMG:/ on port 8080" 20 ||
	    return 1
	wait_link "$NS" itap0 5 || return 1
	host_addr "$NS" itap0 198.18.0.1/24
}

large_file_is_byte_exact() {
	check "curl downloads big.bin" $HCURL -o "$WORKDIR/got.bin" \
	    "$URL/big.bin" || return 1
	want=$(sha256sum <"$WORKDIR/tree/big.bin")
	got=$(sha256sum <"$WORKDIR/got.bin")
	rm -f "$WORKDIR/got.bin"
	[ "$want" = "$got" ] || { echo "  sha256 differs" >&2; return 1; }
}

thousand_small_files_are_byte_exact() {
	curl_config "$URL" "$WORKDIR/got" >"$WORKDIR/small.curl"
	check "curl fetches 1,000 files on one connection" $HCURL \
	    --fail-early --create-dirs -K "$WORKDIR/small.curl" || return 1
	check_small_files "$WORKDIR" "$WORKDIR/got"
}

range_and_last_modified_inside_the_image() {
	check_output "a range answers 206" '^206$' \
	    $HCURL -r 1000-1999 -o "$WORKDIR/part.bin" -w '%{http_code}\n' \
	    "$URL/big.bin" || return 1
	tail -c +1001 "$WORKDIR/tree/big.bin" | head -c 1000 >"$WORKDIR/want.bin"
	check "the range holds bytes 1000-1999" \
	    cmp "$WORKDIR/want.bin" "$WORKDIR/part.bin" || return 1
	check_output "Last-Modified is the time in the image" \
	    '^Last-Modified: Sat, 03 Feb 2001 04:05:06 GMT' \
	    $HCURL -I "$URL/dir/%3Ca%26b%3E.txt"
}

listings_inside_the_image() {
	check_output "the listing escapes names" \
	    'href="/dir/%3Ca%26b%3E.txt">&lt;a&amp;b&gt;.txt</a>' \
	    $HCURL "$URL/dir/" || return 1
	check_output "a directory is marked" 'href="/small/d9/">d9/</a>' \
	    $HCURL "$URL/small/" || return 1
	check_output "an empty directory lists its parent" \
	    '<li><a href="/small/">../</a></li>' $HCURL "$URL/small/empty/"
}

escapes_out_of_the_image_are_refused() {
	for u in "/../image.img" "/%2e%2e/dev" "/out-dev" "/out-abs"; do
		check_output "$u is refused" '^40[34]$' $HCURL --path-as-is \
		    -o /dev/null -w '%{http_code}\n' "$URL$u" || return 1
	done
	check_output "a link inside is followed" '^200$' $HCURL -o /dev/null \
	    -w '%{http_code}\n' "$URL/small/d0/link-in"
}

the_running_server_answers_the_remote_tools() {
	check_output "rump.ifconfig shows its interface" '198\.18\.0\.2' \
	    env RUMP_SERVER="unix://$WORKDIR/httpd.sock" "$BIN/rump.ifconfig" \
	    virt0 || return 1
	check_output "rump.netstat shows its listener" 'LISTEN .*:8080 ' \
	    env RUMP_SERVER="unix://$WORKDIR/httpd.sock" "$BIN/rump.netstat" \
	    -t -l
}

a_root_inside_the_image_is_kept() {
	start_bg "$NS" rooted "$BIN/rump_httpd" --if virt0,tap=itap1 \
	    --addr virt0,198.18.1.2/24 --port 8081 --image "$IMG,ro" \
	    --root /small -q || return 1
	wait_for_line rooted "^rump_httpd: serving $IMG:/small on port 8081" \
	    20 || return 1
	wait_link "$NS" itap1 5 || return 1
	host_addr "$NS" itap1 198.18.1.1/24 || return 1
	check_output "a file below the root" '^200$' $HCURL -o /dev/null \
	    -w '%{http_code}\n' "$URL2/d3/f7" || return 1
	check_output "a link out of the root is refused" '^403$' $HCURL \
	    -o /dev/null -w '%{http_code}\n' "$URL2/d0/link-up" || return 1
	stop_bg rooted
}

read_only_image_is_unchanged() {
	stop_bg httpd || { echo "  rump_httpd did not exit 0 after SIGTERM" >&2
		return 1; }
	sha256sum <"$IMG" >"$WORKDIR/image.after"
	check "the image's checksum is what it was" \
	    cmp "$WORKDIR/image.before" "$WORKDIR/image.after"
}

run_test server_up server_up
run_test large_file_is_byte_exact large_file_is_byte_exact
run_test thousand_small_files_are_byte_exact thousand_small_files_are_byte_exact
run_test range_and_last_modified_inside_the_image range_and_last_modified_inside_the_image
run_test listings_inside_the_image listings_inside_the_image
run_test escapes_out_of_the_image_are_refused escapes_out_of_the_image_are_refused
run_test the_running_server_answers_the_remote_tools the_running_server_answers_the_remote_tools
run_test a_root_inside_the_image_is_kept a_root_inside_the_image_is_kept
run_test read_only_image_is_unchanged read_only_image_is_unchanged
finish
