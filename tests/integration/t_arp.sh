#!/bin/sh
# ARP between the host and a rump stack: the rump stack answers for its
# own address with the MAC given by mac= (or the one it chose and reports
# in its "up" line), and for nothing else.
#
#	namespace NS:	rtap0 198.18.0.1/24 <-> rump_server virt0 198.18.0.2
#			    mac=02:00:00:00:00:42
#			rtap1 198.18.1.1/24 <-> rump_server virt0 198.18.1.2
#			    (MAC chosen by the kernel)
# shellcheck disable=SC2317 # test functions are called through run_test
. "$(dirname "$0")/lib.sh"

require_root_and_tun
require_cmd ping timeout
make_ns NS

servers_up() {
	start_rump_server "$NS" given rtap0 198.18.0.1/24 \
	    --if virt0,tap=rtap0,mac=02:00:00:00:00:42 \
	    --addr virt0,198.18.0.2/24 || return 1
	check_file "the up line reports the given MAC" \
	    'mac=02:00:00:00:00:42' "$WORKDIR/given.log" || return 1
	start_rump_server "$NS" chosen rtap1 198.18.1.1/24 \
	    --if virt0,tap=rtap1 --addr virt0,198.18.1.2/24
}

# The host's neighbour entry for $2 on $1 after a ping: its lladdr.
neigh_mac() {
	ip -n "$NS" neigh show "$2" dev "$1" | sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p'
}

given_mac_answered() {
	ip -n "$NS" neigh flush dev rtap0
	check "the host pings 198.18.0.2" \
	    ip netns exec "$NS" ping -c 1 -W 2 198.18.0.2 || return 1
	_mac=$(neigh_mac rtap0 198.18.0.2)
	if [ "$_mac" != 02:00:00:00:00:42 ]; then
		echo "  FAILED: the host resolved 198.18.0.2 to '$_mac'," \
		    "not 02:00:00:00:00:42:" >&2
		ip -n "$NS" neigh show dev rtap0 | sed 's/^/    | /' >&2
		return 1
	fi
}

chosen_mac_answered() {
	ip -n "$NS" neigh flush dev rtap1
	check "the host pings 198.18.1.2" \
	    ip netns exec "$NS" ping -c 1 -W 2 198.18.1.2 || return 1
	_mac=$(neigh_mac rtap1 198.18.1.2)
	_up=$(sed -n 's/.* mac=\([0-9a-f:]*\).*/\1/p' "$WORKDIR/chosen.log")
	if [ -z "$_mac" ] || [ "$_mac" != "$_up" ]; then
		echo "  FAILED: the host resolved 198.18.1.2 to '$_mac', the" \
		    "up line says mac='$_up'" >&2
		return 1
	fi
	# A locally administered unicast address: second-lowest bit of the
	# first byte set, lowest clear.
	case $_mac in
	?[26ae]:*) ;;
	*) echo "  FAILED: $_mac is not a locally administered unicast" \
	    "address" >&2; return 1 ;;
	esac
}

no_answer_for_others() {
	check_status "nobody answers for 198.18.0.77" 1 \
	    ip netns exec "$NS" ping -c 1 -W 1 198.18.0.77 || return 1
	if ip -n "$NS" neigh show 198.18.0.77 dev rtap0 | grep -q lladdr; then
		echo "  FAILED: something answered ARP for 198.18.0.77:" >&2
		ip -n "$NS" neigh show dev rtap0 | sed 's/^/    | /' >&2
		return 1
	fi
}

reresolve_after_flush() {
	# Twice more from an empty table: the rump stack answers every time.
	for _round in 1 2; do
		ip -n "$NS" neigh flush dev rtap0
		check "ping after flush $_round" \
		    ip netns exec "$NS" ping -c 1 -W 2 198.18.0.2 || return 1
	done
}

run_test servers_up servers_up
run_test given_mac_answered given_mac_answered
run_test chosen_mac_answered chosen_mac_answered
run_test no_answer_for_others no_answer_for_others
run_test reresolve_after_flush reresolve_after_flush
finish
