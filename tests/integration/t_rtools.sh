#!/bin/sh
# The remote network tools (rump.ifconfig, rump.route, rump.arp,
# rump.sysctl, rump.netstat, rump.ping) against a rump_server --listen on a tap:
#
#	namespace S: host tap rtl0 198.18.30.1/24 <-> rump_server virt0
#	198.18.30.2/24, serving unix://$WORKDIR/rump.sock
#
# and a second tap, rtl1, that rump.ifconfig itself creates in the server.
# shellcheck disable=SC2317 # test functions are called through run_test
. "$(dirname "$0")/lib.sh"

require_root_and_tun
require_cmd ping timeout nc
require_helper rlisten
for _t in rump.ifconfig rump.route rump.arp rump.sysctl rump.netstat rump.ping; do
	[ -x "$BIN/$_t" ] || { echo "[  FAILED  ] $TEST_NAME: $BIN/$_t is not built"; exit 1; }
done
make_ns S
export RUMP_SERVER="unix://$WORKDIR/rump.sock"

# The server's namespace is the host side; the tools talk over the socket.
server_up() {
	start_rump_server "$S" server rtl0 198.18.30.1/24 \
	    --if virt0,tap=rtl0 --addr virt0,198.18.30.2/24 \
	    --listen "$RUMP_SERVER" || return 1
	check_output "ping reaches the server" ' 0% packet loss' \
	    ip netns exec "$S" ping -c 2 -i 0.2 -W 2 198.18.30.2
}

# RX packets N of virt0 in rump.ifconfig's output.
rx_packets() {
	"$BIN/rump.ifconfig" virt0 | sed -n 's/.*RX packets \([0-9]*\).*/\1/p'
}

ifconfig_shows_the_interface_and_counters_grow() {
	check_output "virt0 listed up with its address and MTU" \
	    '^virt0: flags=[0-9]+<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500$' \
	    "$BIN/rump.ifconfig" || return 1
	check_output "its address" \
	    'inet 198.18.30.2  netmask 255.255.255.0  broadcast 198.18.30.255' \
	    "$BIN/rump.ifconfig" virt0 || return 1
	_before=$(rx_packets)
	check "three pings" ip netns exec "$S" ping -c 3 -i 0.2 -W 2 198.18.30.2 ||
	    return 1
	_after=$(rx_packets)
	[ "$_after" -ge $((_before + 3)) ] || {
		echo "  FAILED: RX packets went from $_before to $_after" >&2
		return 1
	}
}

ifconfig_creates_an_interface_whose_address_answers_ping() {
	check "virt1 created on tap rtl1" \
	    "$BIN/rump.ifconfig" virt1 create tap=rtl1 || return 1
	wait_link "$S" rtl1 5 || return 1
	ip -n "$S" addr add 198.18.31.1/24 dev rtl1 && ip -n "$S" link set rtl1 up ||
	    return 1
	check "its address set" "$BIN/rump.ifconfig" virt1 198.18.31.2/24 up ||
	    return 1
	check_output "the host pings the address" ' 0% packet loss' \
	    ip netns exec "$S" ping -c 2 -i 0.2 -W 2 198.18.31.2 || return 1
	check "the address removed" "$BIN/rump.ifconfig" virt1 delete || return 1
	check_status "no answer any more" 1 \
	    ip netns exec "$S" ping -c 1 -W 1 198.18.31.2 || return 1
	check "virt1 destroyed" "$BIN/rump.ifconfig" virt1 destroy || return 1
	check_status "virt1 is gone" 1 "$BIN/rump.ifconfig" virt1
}

ifconfig_sets_mtu_and_brings_the_interface_down() {
	check "mtu 1400" "$BIN/rump.ifconfig" virt0 mtu 1400 || return 1
	check_output "read back" 'mtu 1400$' "$BIN/rump.ifconfig" virt0 ||
	    return 1
	check "down" "$BIN/rump.ifconfig" virt0 down || return 1
	check_status "no answer while down" 1 \
	    ip netns exec "$S" ping -c 1 -W 1 198.18.30.2 || return 1
	check "up again" "$BIN/rump.ifconfig" virt0 up mtu 1500 || return 1
	check_output "answers again" ' 0% packet loss' \
	    ip netns exec "$S" ping -c 2 -i 0.2 -W 2 198.18.30.2
}

route_add_and_delete_change_reachability() {
	# 198.18.32.1 on the host's lo: reachable from the server only
	# through a route via the host's side of the tap.
	ip -n "$S" addr add 198.18.32.1/32 dev lo || return 1
	check_output "no route yet" 'Network is unreachable' \
	    sh -c "\"$BIN/rump.route\" get 198.18.32.1 2>&1; true" || return 1
	check "route added" "$BIN/rump.route" add 198.18.32.0/24 gw 198.18.30.1 ||
	    return 1
	check_output "listed" '^198.18.32.0 +198.18.30.1 +255.255.255.0 +UGS' \
	    "$BIN/rump.route" -n || return 1
	check_output "get says which" '^198.18.32.1 via 198.18.30.1 dev virt0 src 198.18.30.2$' \
	    "$BIN/rump.route" get 198.18.32.1 || return 1
	# The host answers from 198.18.32.1 only if the server can reply.
	ip -n "$S" route add 198.18.30.0/24 dev rtl0 2>/dev/null
	check_output "the server reaches it (the host's ping from that address is answered)" \
	    ' 0% packet loss' ip netns exec "$S" ping -c 2 -i 0.2 -W 2 \
	    -I 198.18.32.1 198.18.30.2 || return 1
	check "route deleted" "$BIN/rump.route" del 198.18.32.0/24 || return 1
	check_status "no reply without the route" 1 \
	    ip netns exec "$S" ping -c 1 -W 1 -I 198.18.32.1 198.18.30.2 || return 1
	check_status "deleting again fails" 1 "$BIN/rump.route" del 198.18.32.0/24
}

arp_shows_learns_sets_and_deletes() {
	check_output "the host's MAC was learnt" '^198.18.30.1 +ether +[0-9a-f:]{17} +C ' \
	    "$BIN/rump.arp" -n || return 1
	check "a permanent entry set" \
	    "$BIN/rump.arp" -s 198.18.30.9 02:00:00:00:30:09 || return 1
	check_output "listed as permanent" '^198.18.30.9 +ether +02:00:00:00:30:09 +CM +virt0' \
	    "$BIN/rump.arp" || return 1
	check "deleted" "$BIN/rump.arp" -d 198.18.30.9 || return 1
	check_status "deleting again fails" 1 "$BIN/rump.arp" -i virt0 -d 198.18.30.9
}

sysctl_sets_forwarding() {
	check_output "off at first" '^net.inet.ip.forwarding = 0$' \
	    "$BIN/rump.sysctl" net.inet.ip.forwarding || return 1
	check_output "set" '^net.inet.ip.forwarding = 1$' \
	    "$BIN/rump.sysctl" net.inet.ip.forwarding=1 || return 1
	check_output "listed with -a" '^net.inet.tcp.congestion_control = cubic$' \
	    "$BIN/rump.sysctl" -a || return 1
	check_output "a counter" '^kern.counters.virt0.ipackets = [1-9]' \
	    "$BIN/rump.sysctl" kern.counters.virt0.ipackets || return 1
	check_status "an unknown name" 1 "$BIN/rump.sysctl" net.nosuch
}

netstat_lists_a_listener_and_a_connection() {
	start_bg "$S" rlisten env RUMP_SERVER="$RUMP_SERVER" "$HELPERS/rlisten" 7000
	wait_for_line rlisten '^listening' 10 || return 1
	check_output "the listener" '^tcp +LISTEN +0 +8 +0.0.0.0:7000 +0.0.0.0:\*' \
	    "$BIN/rump.netstat" -t || return 1
	start_bg "$S" hostnc sh -c 'sleep 30 | nc 198.18.30.2 7000'
	wait_for_line rlisten '^accepted' 10 || return 1
	check_output "the connection" '^tcp +ESTAB +0 +0 +198.18.30.2:7000 +198.18.30.1:[0-9]+' \
	    "$BIN/rump.netstat" -tn || return 1
	check_output "counters" '^tcp:$' "$BIN/rump.netstat" -s tcp
}

ping_from_the_server() {
	check_output "rump.ping reaches the host from the server" \
	    '^2 packets transmitted, 2 received, 0% packet loss' \
	    "$BIN/rump.ping" -c 2 -i 0.2 -W 2 198.18.30.1 || return 1
	check_status "no reply from nobody" 1 \
	    "$BIN/rump.ping" -c 1 -W 1 198.18.30.77
}

# ^C: ping(8) stops and prints its statistics, exit status 0 after replies.
ping_ends_with_its_statistics_on_sigint() {
	start_bg "$S" rping "$BIN/rump.ping" -i 0.2 198.18.30.1
	wait_for_line rping 'bytes from 198.18.30.1' 10 || return 1
	kill -INT "$rping_pid"
	wait "$rping_pid"
	_rc=$?
	[ "$_rc" -eq 0 ] || {
		echo "  FAILED: rump.ping exited $_rc after SIGINT" >&2
		return 1
	}
	grep -Eq '^[0-9]+ packets transmitted, [0-9]+ received' \
	    "$WORKDIR/rping.log" || {
		echo "  FAILED: no statistics after SIGINT; its log:" >&2
		sed 's/^/    /' "$WORKDIR/rping.log" >&2
		return 1
	}
}

tools_say_which_server_and_why() {
	check_output "no server there" "cannot connect to unix:///nonexistent" \
	    sh -c "RUMP_SERVER=unix:///nonexistent \"$BIN/rump.ifconfig\" 2>&1; true" ||
	    return 1
	check_status "a bad option" 2 "$BIN/rump.route" --bogus
}

run_test server_up server_up
run_test ifconfig_shows_the_interface_and_counters_grow \
    ifconfig_shows_the_interface_and_counters_grow
run_test ifconfig_creates_an_interface_whose_address_answers_ping \
    ifconfig_creates_an_interface_whose_address_answers_ping
run_test ifconfig_sets_mtu_and_brings_the_interface_down \
    ifconfig_sets_mtu_and_brings_the_interface_down
run_test route_add_and_delete_change_reachability \
    route_add_and_delete_change_reachability
run_test arp_shows_learns_sets_and_deletes arp_shows_learns_sets_and_deletes
run_test sysctl_sets_forwarding sysctl_sets_forwarding
run_test netstat_lists_a_listener_and_a_connection \
    netstat_lists_a_listener_and_a_connection
run_test ping_from_the_server ping_from_the_server
run_test ping_ends_with_its_statistics_on_sigint \
    ping_ends_with_its_statistics_on_sigint
run_test tools_say_which_server_and_why tools_say_which_server_and_why
finish
