#!/bin/sh
# rump_httpd against the host's curl, nc and wrk: a large file byte-exact
# (sha256), Range and If-Modified-Since answers, HEAD, listings, errors,
# every way out of the served directory refused, keep-alive and
# pipelining, and many connections at once.
#
#	namespace NS:	rtap0 198.18.0.1/24 <-> rump_httpd virt0 198.18.0.2:8080
#			rtap1 198.18.1.1/24 <-> rump_httpd virt0 198.18.1.2:8081
#			(--max-conns 2 --timeout 2)
#
# TCP_TEST_BYTES sets the size of the large file (default 1 GiB).
# shellcheck disable=SC2317 # test functions are called through run_test
# shellcheck disable=SC2086 # $HCURL is words
. "$(dirname "$0")/lib.sh"

require_root_and_tun
require_cmd curl nc timeout sha256sum
require_helper tcpstream
require_tcp
make_ns NS
STREAM=$HELPERS/tcpstream
BIG=${TCP_TEST_BYTES:-1073741824}
URL=http://198.18.0.2:8080
ROOT=$WORKDIR/www
# shellcheck disable=SC2034 # read by the steps of lib.sh
STEP_TIMEOUT=600

# curl in the namespace (a command, not a function: steps run it).
HCURL="ip netns exec $NS curl -sS -m 120"

server_up() {
	mkdir -p "$ROOT/dir" || return 1
	"$STREAM" gen "$BIG" >"$ROOT/big.bin" || return 1
	echo "hello from rump_httpd" >"$ROOT/hello.txt"
	echo "<b>" >"$ROOT/dir/<a&b>.txt"
	echo secret >"$WORKDIR/secret.txt"
	ln -s ../secret.txt "$ROOT/out-link"
	touch -d '2001-02-03 04:05:06 UTC' "$ROOT/hello.txt"
	start_bg "$NS" httpd "$BIN/rump_httpd" --if virt0,tap=rtap0 \
	    --addr virt0,198.18.0.2/24 --port 8080 --root "$ROOT" || return 1
	wait_for_line httpd '^rump_httpd: serving ' 10 || return 1
	wait_link "$NS" rtap0 5 || return 1
	host_addr "$NS" rtap0 198.18.0.1/24
}

large_file_is_byte_exact() {
	check "curl downloads big.bin" $HCURL -o "$WORKDIR/got.bin" "$URL/big.bin" ||
	    return 1
	want=$(sha256sum <"$ROOT/big.bin")
	got=$(sha256sum <"$WORKDIR/got.bin")
	rm -f "$WORKDIR/got.bin"
	[ "$want" = "$got" ] || { echo "  sha256 differs" >&2; return 1; }
}

range_gets_206_and_the_bytes() {
	check_output "a range answers 206" '^206$' \
	    $HCURL -r 1000-1999 -o "$WORKDIR/part.bin" -w '%{http_code}\n' \
	    "$URL/big.bin" || return 1
	tail -c +1001 "$ROOT/big.bin" | head -c 1000 >"$WORKDIR/want.bin"
	check "the range holds bytes 1000-1999" \
	    cmp "$WORKDIR/want.bin" "$WORKDIR/part.bin" || return 1
	check_output "a range past the end answers 416" '^416$' \
	    $HCURL -r "$BIG"- -o /dev/null -w '%{http_code}\n' "$URL/big.bin"
}

if_modified_since_gets_304() {
	check_output "unchanged since: 304" '^304$' $HCURL -o /dev/null \
	    -w '%{http_code}\n' -H 'If-Modified-Since: Sat, 03 Feb 2001 04:05:06 GMT' \
	    "$URL/hello.txt" || return 1
	check_output "changed since: 200" '^200$' $HCURL -o /dev/null \
	    -w '%{http_code}\n' -H 'If-Modified-Since: Sat, 03 Feb 2001 04:05:05 GMT' \
	    "$URL/hello.txt" || return 1
	check_output "Last-Modified is the file's time" \
	    '^Last-Modified: Sat, 03 Feb 2001 04:05:06 GMT' $HCURL -I "$URL/hello.txt"
}

head_get_and_listing() {
	check_output "GET of a small file" '^hello from rump_httpd$' \
	    $HCURL "$URL/hello.txt" || return 1
	check_output "HEAD gives the length" '^Content-Length: 22' \
	    $HCURL -I "$URL/hello.txt" || return 1
	check_output "the listing escapes names" \
	    'href="/dir/%3Ca%26b%3E.txt">&lt;a&amp;b&gt;.txt</a>' \
	    $HCURL "$URL/dir/"
}

escapes_are_refused() {
	for u in "/../secret.txt" "/%2e%2e/secret.txt" "/dir/..%2f..%2fsecret.txt" \
	    "/out-link"; do
		check_output "$u is refused" '^40[34]$' $HCURL --path-as-is \
		    -o /dev/null -w '%{http_code}\n' "$URL$u" || return 1
	done
}

errors_have_their_status() {
	check_output "a missing file: 404" '^404$' $HCURL -o /dev/null \
	    -w '%{http_code}\n' "$URL/nope" || return 1
	check_output "POST: 405" '^405$' $HCURL -X POST -o /dev/null \
	    -w '%{http_code}\n' "$URL/hello.txt" || return 1
	check_output "a 9000-byte target: 414" '^414$' $HCURL -o /dev/null \
	    -w '%{http_code}\n' "$URL/$(head -c 9000 /dev/zero | tr '\0' a)"
}

keep_alive_and_pipelining() {
	check_output "curl reuses the connection" '[Rr]e-?using' \
	    $HCURL -v -o /dev/null -o /dev/null "$URL/hello.txt" "$URL/hello.txt" ||
	    return 1
	printf 'GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nHEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' \
	    >"$WORKDIR/pipe.txt"
	check "three pipelined requests" ip netns exec "$NS" sh -c \
	    "nc -N 198.18.0.2 8080 <'$WORKDIR/pipe.txt' >'$WORKDIR/pipe.out'" ||
	    return 1
	check "three answers in order" test \
	    "$(grep -a '^HTTP/1.1' "$WORKDIR/pipe.out" | tr -d '\r' | tr '\n' ,)" = \
	    "HTTP/1.1 200 OK,HTTP/1.1 200 OK,HTTP/1.1 404 Not Found,"
}

requests_are_logged() {
	check_file "a common log format line" \
	    '^198\.18\.0\.1 - - \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9:]{8} \+0000\] "GET /hello.txt HTTP/1.1" 200 22$' \
	    "$WORKDIR/httpd.log"
}

wrk_100_connections() {
	command -v wrk >/dev/null 2>&1 || { echo "  (no wrk: not run)"; return 0; }
	# The stack keeps answering ping while it serves.
	ip netns exec "$NS" ping -c 5 -i 0.2 -W 5 198.18.0.2 >"$WORKDIR/ping.out" 2>&1 &
	_ping=$!
	check "wrk, 100 connections for 3 s" ip netns exec "$NS" \
	    wrk -t 2 -c 100 -d 3s "$URL/hello.txt" || return 1
	wait "$_ping" || { echo "  FAILED: no ping answered during wrk:" >&2
		sed 's/^/    | /' "$WORKDIR/ping.out" >&2; return 1; }
	step_output | grep -q 'Requests/sec' || return 1
	if step_output | grep -Eq 'Non-2xx|Socket errors'; then
		echo "  FAILED: wrk saw errors:" >&2
		step_output | sed 's/^/    | /' >&2
		return 1
	fi
}

connection_limit_is_logged_and_waits() {
	start_bg "$NS" small "$BIN/rump_httpd" --if virt0,tap=rtap1 \
	    --addr virt0,198.18.1.2/24 --port 8081 --root "$ROOT" \
	    --max-conns 2 --timeout 2 || return 1
	wait_for_line small '^rump_httpd: serving ' 10 || return 1
	wait_link "$NS" rtap1 5 || return 1
	host_addr "$NS" rtap1 198.18.1.1/24 || return 1
	# Two connections that send nothing hold both places.
	start_bg "$NS" idle1 sh -c 'sleep 30 | nc 198.18.1.2 8081' || return 1
	start_bg "$NS" idle2 sh -c 'sleep 30 | nc 198.18.1.2 8081' || return 1
	wait_for_line small 'rump_httpd: 2 connections open, the limit \(--max-conns\)' 20 ||
	    return 1
	# A third waits in the backlog until the idle ones time out.
	check_output "a request beyond the limit is answered later" \
	    '^hello from rump_httpd$' $HCURL "http://198.18.1.2:8081/hello.txt" ||
	    return 1
	# Closing connections that never asked closed nothing else: its
	# standard input (/dev/null) is still open.
	# shellcheck disable=SC2154 # small_pid is set by start_bg
	check "rump_httpd's standard input is still open" \
	    test -e "/proc/$small_pid/fd/0" || return 1
	stop_bg small
}

stops_cleanly() {
	stop_bg httpd || { echo "  rump_httpd did not exit 0 after SIGTERM" >&2; return 1; }
}

run_test server_up server_up
run_test large_file_is_byte_exact large_file_is_byte_exact
run_test range_gets_206_and_the_bytes range_gets_206_and_the_bytes
run_test if_modified_since_gets_304 if_modified_since_gets_304
run_test head_get_and_listing head_get_and_listing
run_test escapes_are_refused escapes_are_refused
run_test errors_have_their_status errors_have_their_status
run_test keep_alive_and_pipelining keep_alive_and_pipelining
run_test requests_are_logged requests_are_logged
run_test wrk_100_connections wrk_100_connections
run_test connection_limit_is_logged_and_waits connection_limit_is_logged_and_waits
run_test stops_cleanly stops_cleanly
finish
