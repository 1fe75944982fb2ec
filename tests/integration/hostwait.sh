# Sourced by the scripts that run host programs on loopback, without
# lib.sh's namespaces (t_sockin.sh, t_httpd_image_sockin.sh,
# t_file_tools.sh).

# randport: a random TCP port from 20000 to 59999.
randport() {
	echo $((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
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
