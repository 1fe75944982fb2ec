#!/bin/sh
# The host's e2fsck judges what ext2fs wrote: the write unit tests
# (tests/ext2fs/t_ext2fs_write) run with RUMP_EXT2FS_OUT set leave each
# test's image behind, and e2fsck -fn must find every one clean.
# shellcheck disable=SC2317 # test functions are called through run_test
. "$(dirname "$0")/lib.sh"

require_cmd e2fsck
WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/rump-$TEST_NAME.XXXXXX") ||
    { echo "$TEST_NAME: mktemp failed" >&2; exit 1; }
WRITER=$RUMP_TEST_BUILD/tests/ext2fs/t_ext2fs_write

write_images() {
	check "the write tests pass and leave their images" \
	    env RUMP_EXT2FS_OUT="$WORKDIR" "$WRITER" || return 1
	check "the write tests left images" \
	    sh -c "ls '$WORKDIR'/*.img >/dev/null" || return 1
}

every_image_written_is_clean_for_e2fsck() {
	for img in "$WORKDIR"/*.img; do
		check "e2fsck -fn finds $(basename "$img") clean" \
		    e2fsck -fn "$img" || return 1
	done
}

run_test the_write_tests_leave_their_images write_images
run_test every_image_written_is_clean_for_e2fsck \
    every_image_written_is_clean_for_e2fsck
finish
