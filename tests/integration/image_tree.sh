# The tree and the image that rump_httpd --image serves in the image
# tests (sourced by t_httpd_image.sh and t_httpd_image_sockin.sh; POSIX sh).
#
# make_image_tree DIR BYTES makes DIR/tree:
#	big.bin			BYTES random bytes
#	small/d0 .. d9/f0 .. f99	1,000 small files of 0 to 4 KiB
#	small/empty/		an empty directory
#	dir/<a&b>.txt		a name to escape in listings
#	small/d0/link-in	-> f1 (followed)
#	small/d0/link-up	-> ../../big.bin (inside the image; outside
#				a --root of /small)
#	out-dev			-> ../dev (out of the image into the rump
#				kernel's own /dev: refused)
#	out-abs			-> /dev (the same, absolute)
# and DIR/image.img from it with the host's mke2fs -d (ext2, 4 KiB
# blocks), and DIR/small.sha256, the checksums of small/ for
# check_small_files.

make_image_tree() {
	_d=$1/tree
	mkdir -p "$_d/dir" "$_d/small/empty" || return 1
	head -c "$2" /dev/urandom >"$_d/big.bin" || return 1
	echo "<b>" >"$_d/dir/<a&b>.txt"
	_i=0
	while [ "$_i" -lt 10 ]; do
		mkdir "$_d/small/d$_i" || return 1
		_j=0
		while [ "$_j" -lt 100 ]; do
			head -c $(((_i * 100 + _j) * 37 % 4097)) /dev/urandom \
			    >"$_d/small/d$_i/f$_j" || return 1
			_j=$((_j + 1))
		done
		_i=$((_i + 1))
	done
	ln -s f1 "$_d/small/d0/link-in"
	ln -s ../../big.bin "$_d/small/d0/link-up"
	ln -s ../dev "$_d/out-dev"
	ln -s /dev "$_d/out-abs"
	touch -d '2001-02-03 04:05:06 UTC' "$_d/dir/<a&b>.txt"
	(cd "$_d" && find small -type f | LC_ALL=C sort | xargs sha256sum) \
	    >"$1/small.sha256" || return 1
	# Room for the big file, 1,000 small ones and the metadata.
	_kib=$(($2 / 1024 + 65536))
	mke2fs -q -F -t ext2 -b 4096 -d "$_d" "$1/image.img" "${_kib}k" \
	    >/dev/null 2>&1
}

# curl_config BASEURL OUTDIR: a curl config (-K) fetching every small
# file of the tree into OUTDIR, on one connection.
curl_config() {
	_i=0
	while [ "$_i" -lt 10 ]; do
		_j=0
		while [ "$_j" -lt 100 ]; do
			printf 'url = "%s/small/d%d/f%d"\noutput = "%s/small/d%d/f%d"\n' \
			    "$1" "$_i" "$_j" "$2" "$_i" "$_j"
			_j=$((_j + 1))
		done
		_i=$((_i + 1))
	done
}

# check_small_files DIR OUTDIR: OUTDIR/small holds what DIR/tree/small
# holds, byte for byte (sha256).
check_small_files() {
	(cd "$2" && find small -type f | LC_ALL=C sort | xargs sha256sum) \
	    >"$2.sha256" || return 1
	cmp "$1/small.sha256" "$2.sha256" ||
	    { echo "  the small files differ" >&2; return 1; }
}
