# Sourced by the scripts that run host programs on loopback, without
# lib.sh's namespaces (t_sockin.sh, t_httpd_image_sockin.sh,
# t_file_tools.sh).

# randport: a random TCP port from 10000 up to the host's ephemeral range
# (ip_local_port_range, from 32768 by default), where no connection of
# another test running at the same time has its local port.
randport() {
	_lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
	case "$_lo" in
	'' | *[!0-9]*) _lo=32768 ;;
	esac
	[ "$_lo" -gt 11000 ] || _lo=32768
	echo $((10000 + $(od -An -N2 -tu2 /dev/urandom) % (_lo - 10000)))
}

# wait_for FILE PATTERN SECONDS: until FILE has a line matching PATTERN;
# fails, printing FILE, after SECONDS.
wait_for() {
	_i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		if [ "$_i" -gt $(($3 * 10)) ]; then
			echo "no '$2' in $1 after $3 s:"
			cat "$1"
			return 1
		fi
		sleep 0.1
	done
}
