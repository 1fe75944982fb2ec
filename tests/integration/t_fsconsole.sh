#!/bin/sh
# fsconsole on image files (no root, no network): an image made by mke2fs
# -d from a tree made here is listed, read, copied out and compared with
# the tree; a host tree is copied in and back out; the commands that
# change names and attributes do so; every image written is clean for
# e2fsck -fn; a read-only run changes no byte; failures name the path and
# the reason and set the exit status.
# shellcheck disable=SC2317 # test functions are called through run_test
. "$(dirname "$0")/lib.sh"

require_cmd mke2fs
require_cmd e2fsck
require_cmd script
WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/rump-$TEST_NAME.XXXXXX") ||
    { echo "$TEST_NAME: mktemp failed" >&2; exit 1; }
FSC=$BIN/fsconsole
T=$WORKDIR/tree
IMG=$WORKDIR/disk.img

# The tree: files, a hard link, a symlink, a sparse file, a binary file,
# nested directories, a name with a blank, modes.
mkdir -p "$T/etc/sub dir" "$T/bin" || exit 1
printf 'hello\n' >"$T/etc/motd"
printf 'two words\n' >"$T/etc/sub dir/file with blank"
ln "$T/etc/motd" "$T/etc/motd.hard"
ln -s ../etc/motd "$T/bin/motd.link"
truncate -s 5M "$T/bin/sparse" && printf end >>"$T/bin/sparse"
head -c 200000 /dev/urandom >"$T/bin/random"
chmod 0751 "$T/bin" && chmod 0600 "$T/etc/motd"

fresh_image() {
	rm -f "$IMG"
	mke2fs -q -F -t ext2 -E root_owner=0:0 -d "$T" "$IMG" 16M \
	    >/dev/null 2>&1
}

fsck_clean() {
	check "e2fsck -fn finds the image clean" e2fsck -fn "$IMG"
}

ls_lists_the_tree() {
	fresh_image || return 1
	check_output "ls shows etc" '^etc$' "$FSC" "$IMG" -c 'ls /' || return 1
	check_output "ls -l shows the symlink's target" \
	    '^lrwxrwxrwx .* motd.link -> \.\./etc/motd$' \
	    "$FSC" "$IMG" -c 'ls -l /bin' || return 1
	check_output "ls -la shows the dot entries" '^drwxr-x--x .* \.$' \
	    "$FSC" "$IMG" -c 'ls -la bin' || return 1
	check_output "ls -R descends" '^/etc/sub dir:$' \
	    "$FSC" "$IMG" -c 'ls -R /etc' || return 1
	check_output "find lists every path" '^/etc/sub dir/file with blank$' \
	    "$FSC" "$IMG" -c 'find' || return 1
	check_output "a file is listed by its name" '^/etc/motd$' \
	    "$FSC" "$IMG" -c 'ls /etc/motd'
}

cat_prints_a_file() {
	fresh_image || return 1
	check_output "cat prints the file" '^two words$' \
	    "$FSC" "$IMG" -c 'cat "/etc/sub dir/file with blank"'
}

cd_makes_relative_paths_start_there() {
	fresh_image || return 1
	check_output "pwd after cd shows the directory" '^/etc/sub dir$' \
	    "$FSC" "$IMG" -r -c 'cd etc; cd "sub dir"; pwd' || return 1
	check_output "a relative path after cd is read from there" \
	    '^two words$' "$FSC" "$IMG" -r \
	    -c 'cd "/etc/sub dir"; cat "file with blank"' || return 1
	check_output ".. goes up by name" '^motd$' \
	    "$FSC" "$IMG" -r -c 'cd "etc/sub dir/.."; ls' || return 1
	check_status "cd into a file fails" 1 \
	    "$FSC" "$IMG" -r -c 'cd etc/motd' || return 1
	check_file "the failure names the path" 'etc/motd: Not a directory' \
	    "$WORKDIR/step.out"
}

get_copies_the_tree_out_equal() {
	fresh_image || return 1
	rm -rf "$WORKDIR/out"
	check "get / copies the image out" \
	    "$FSC" "$IMG" -c "get / '$WORKDIR/out'" || return 1
	rm -rf "$WORKDIR/out/lost+found"
	check "the copy equals the tree" \
	    diff -r --no-dereference "$T" "$WORKDIR/out" || return 1
	check "the hard link is a link" \
	    test "$(stat -c %i "$WORKDIR/out/etc/motd")" = \
	    "$(stat -c %i "$WORKDIR/out/etc/motd.hard")" || return 1
	check "modes are kept" \
	    test "$(stat -c %a "$WORKDIR/out/bin")" = 751 || return 1
	check "mtimes are kept" \
	    test "$(stat -c %Y "$WORKDIR/out/bin/random")" = \
	    "$(stat -c %Y "$T/bin/random")" || return 1
	check "the sparse file stays sparse" \
	    test "$(stat -c %b "$WORKDIR/out/bin/sparse")" -lt 100
}

put_copies_a_tree_in_and_back_out() {
	fresh_image || return 1
	rm -rf "$WORKDIR/back"
	check "put copies the tree into a new directory" \
	    "$FSC" "$IMG" -c "mkdir /in; put '$T' /in" || return 1
	fsck_clean || return 1
	check "get copies it back" \
	    "$FSC" "$IMG" -c "get /in/tree '$WORKDIR/back'" || return 1
	check "what came back equals the tree" \
	    diff -r --no-dereference "$T" "$WORKDIR/back" || return 1
	check "the hard link came back a link" \
	    test "$(stat -c %h "$WORKDIR/back/etc/motd")" = 2
}

commands_change_names_and_attributes() {
	fresh_image || return 1
	check "the commands succeed" "$FSC" "$IMG" -c '
	    mkdir -p /a/b/c; mkdir /d; touch /a/b/c/new; ln -s new /a/b/c/sl
	    ln /etc/motd /d/hard; mv /etc/motd.hard /d/moved
	    chmod 0700 /a/b/c/new; chown 12:34 /a/b/c/new; truncate -s 10 /d/moved
	    rm -r /etc; rm -f /nonexistent' || return 1
	check_output "rmdir of a full directory names the path and reason" \
	    'Directory not empty' sh -c "'$FSC' '$IMG' -c 'rmdir /d' 2>&1 || true" ||
	    return 1
	check_output "stat shows the new mode and owners" \
	    'Access: \(0700/-rwx------\)  Uid: 12  Gid: 34' \
	    "$FSC" "$IMG" -c 'stat /a/b/c/new' || return 1
	check_output "truncate set the size" 'Size: 10' \
	    "$FSC" "$IMG" -c 'stat /d/moved' || return 1
	check_output "the removed tree is gone" 'No such file' \
	    sh -c "'$FSC' '$IMG' -c 'ls /etc' 2>&1 || true" || return 1
	check_output "df shows the space" '^ext2fs +16[0-9]{3} ' \
	    "$FSC" "$IMG" -c 'df' || return 1
	check_output "du sums a directory" '^[0-9]+	/a$' \
	    "$FSC" "$IMG" -c 'du -s /a' || return 1
	check_output "help lists the commands" '^  put HOSTPATH IMAGEPATH' \
	    "$FSC" "$IMG" -c 'help' || return 1
	fsck_clean
}

a_failed_command_names_the_path_and_sets_the_status() {
	fresh_image || return 1
	check_status "a failed command makes the exit status 1" 1 \
	    "$FSC" "$IMG" -c 'cat /missing; ls /bin' || return 1
	check_file "the failure names the path and the reason" \
	    '^fsconsole: /missing: No such file or directory$' \
	    "$WORKDIR/step.out" || return 1
	check_file "the commands after it still ran" '^sparse$' \
	    "$WORKDIR/step.out" || return 1
	check_status "an unknown command fails" 1 "$FSC" "$IMG" -c 'frob' ||
	    return 1
	check_status "a bad quote fails" 1 "$FSC" "$IMG" -c "ls 'x" ||
	    return 1
	check_status "a bad command option fails" 1 "$FSC" "$IMG" -c 'ls -z'
}

commands_are_read_from_standard_input() {
	fresh_image || return 1
	printf 'ls /etc\ncat /etc/motd\nquit\ncat /nonexistent\n' \
	    >"$WORKDIR/script"
	check_output "a script on stdin runs up to quit" '^hello$' \
	    sh -c "'$FSC' '$IMG' <'$WORKDIR/script'"
}

# On a terminal (a pty from script(1)): a prompt, and the up arrow brings
# back the last line, so the file is printed twice.
a_terminal_gets_line_editing_and_history() {
	fresh_image || return 1
	check "the recalled line runs again" sh -c "printf 'cat /etc/motd\\n\\033[A\\nquit\\n' |
	    TERM=vt100 script -qec \"'$FSC' '$IMG'\" /dev/null |
	    grep -c hello | grep -qx 2"
}

a_read_only_run_changes_no_byte() {
	fresh_image || return 1
	before=$(sha256sum <"$IMG")
	check_status "writes fail read-only" 1 \
	    "$FSC" -r "$IMG" -c 'ls -lR /; mkdir /x; put /etc/hostname /' ||
	    return 1
	check_file "the write names the reason" 'Read-only file system' \
	    "$WORKDIR/step.out" || return 1
	check "the image is byte for byte the same" \
	    test "$(sha256sum <"$IMG")" = "$before"
}

bad_options_and_images_are_refused() {
	fresh_image || return 1
	check_status "an unknown option exits 2" 2 "$FSC" -x "$IMG" ||
	    return 1
	check_file "it points at --help" "run 'fsconsole --help'" \
	    "$WORKDIR/step.out" || return 1
	check_status "no image exits 2" 2 "$FSC" -r || return 1
	check_status "-t without its argument exits 2" 2 "$FSC" "$IMG" -t ||
	    return 1
	check_output "--help prints the usage" '^usage: fsconsole IMAGE' \
	    "$FSC" --help || return 1
	check_status "a file with no known file system is refused" 1 \
	    "$FSC" "$T/bin/random" -c ls || return 1
	check_file "the refusal says so" 'no known file system' \
	    "$WORKDIR/step.out" || return 1
	check_output "-t names the type" '^etc$' \
	    "$FSC" -t ext2fs "$IMG" -c 'ls'
}

run_test ls_lists_the_tree ls_lists_the_tree
run_test cat_prints_a_file cat_prints_a_file
run_test cd_makes_relative_paths_start_there \
    cd_makes_relative_paths_start_there
run_test get_copies_the_tree_out_equal get_copies_the_tree_out_equal
run_test put_copies_a_tree_in_and_back_out put_copies_a_tree_in_and_back_out
run_test commands_change_names_and_attributes \
    commands_change_names_and_attributes
run_test a_failed_command_names_the_path_and_sets_the_status \
    a_failed_command_names_the_path_and_sets_the_status
run_test commands_are_read_from_standard_input \
    commands_are_read_from_standard_input
run_test a_terminal_gets_line_editing_and_history \
    a_terminal_gets_line_editing_and_history
run_test a_read_only_run_changes_no_byte a_read_only_run_changes_no_byte
run_test bad_options_and_images_are_refused bad_options_and_images_are_refused
finish
