/*
 * Copying between a caller's memory and the kernel: strings with a length
 * limit, iovec arrays on the stack or the heap, and how far a watched
 * buffer is written (rump_lwproc_progress).
 */
#include "ktest.h"
#include "rumpkern/kmem.h"
#include "rumpkern/uio.h"
#include "rumpkern/rump_private.h"

/* ---- copyinstr, copyoutstr ------------------------------------------------- */

static void
copyinstr_copies_the_string_and_its_nul(void **state)
{
	char buf[8];
	size_t done = 0;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(copyinstr("abc", buf, sizeof(buf), &done), 0);
	assert_string_equal(buf, "abc");
	assert_int_equal(done, 4);
}

static void
copyinstr_of_a_string_that_just_fits_succeeds(void **state)
{
	char buf[4];
	size_t done = 0;

	(void)state;
	assert_int_equal(copyinstr("abc", buf, sizeof(buf), &done), 0);
	assert_string_equal(buf, "abc");
	assert_int_equal(done, 4);
}

static void
copyinstr_without_a_nul_within_the_limit_is_enametoolong(void **state)
{
	char buf[3];
	size_t done = 0;

	(void)state;
	assert_int_equal(copyinstr("abc", buf, sizeof(buf), &done),
	    ENAMETOOLONG);
	assert_int_equal(done, 3);
	assert_int_equal(copyinstr("abc", buf, 0, NULL), ENAMETOOLONG);
}

static void
copyinstr_from_null_is_efault(void **state)
{
	char buf[4];

	(void)state;
	assert_int_equal(copyinstr(NULL, buf, sizeof(buf), NULL), EFAULT);
}

static void
copyoutstr_copies_to_the_caller_with_the_same_limits(void **state)
{
	char buf[4];
	size_t done = 0;

	(void)state;
	assert_int_equal(copyoutstr("ab", buf, sizeof(buf), &done), 0);
	assert_string_equal(buf, "ab");
	assert_int_equal(done, 3);
	assert_int_equal(copyoutstr("abcd", buf, sizeof(buf), NULL),
	    ENAMETOOLONG);
	assert_int_equal(copyoutstr("ab", NULL, sizeof(buf), NULL), EFAULT);
}

/* ---- iovec_copyin ---------------------------------------------------------- */

static struct iovec uiov[IOV_MAX + 1];

/* Copies n iovecs in; *heap says whether they went to the heap. */
static int
copy_iovecs(int n, bool *heap)
{
	struct iovec small[UIO_SMALLIOV], *iov = NULL;
	int error;

	for (int i = 0; i < IOV_MAX + 1; i++) {
		uiov[i].iov_base = &uiov[i];
		uiov[i].iov_len = (size_t)i;
	}
	KTEST_ENTER();
	error = iovec_copyin(uiov, n, small, &iov);
	if (error == 0) {
		*heap = iov != small;
		for (int i = 0; i < n; i++)
			if (iov[i].iov_base != &uiov[i] || iov[i].iov_len != (size_t)i)
				error = -1;
		iovec_free(iov, n, small);
	}
	KTEST_EXIT();
	return error;
}

static void
up_to_eight_iovecs_stay_on_the_stack(void **state)
{
	bool heap = true;

	(void)state;
	assert_int_equal(copy_iovecs(0, &heap), 0);
	assert_false(heap);
	assert_int_equal(copy_iovecs(1, &heap), 0);
	assert_false(heap);
	assert_int_equal(copy_iovecs(UIO_SMALLIOV, &heap), 0);
	assert_false(heap);
}

static void
more_than_eight_iovecs_go_to_the_heap(void **state)
{
	bool heap = false;

	(void)state;
	assert_int_equal(copy_iovecs(UIO_SMALLIOV + 1, &heap), 0);
	assert_true(heap);
	heap = false;
	assert_int_equal(copy_iovecs(IOV_MAX, &heap), 0);
	assert_true(heap);
}

static void
more_than_iov_max_or_fewer_than_none_is_einval(void **state)
{
	bool heap;

	(void)state;
	assert_int_equal(copy_iovecs(IOV_MAX + 1, &heap), EINVAL);
	assert_int_equal(copy_iovecs(-1, &heap), EINVAL);
}

static void
iovecs_from_null_are_efault_on_the_stack_and_the_heap(void **state)
{
	struct iovec small[UIO_SMALLIOV], *iov;
	int e[3];

	(void)state;
	KTEST_ENTER();
	e[0] = iovec_copyin(NULL, 1, small, &iov);
	e[1] = iovec_copyin(NULL, UIO_SMALLIOV + 1, small, &iov);
	/* None from nowhere is nothing to copy. */
	e[2] = iovec_copyin(NULL, 0, small, &iov);
	KTEST_EXIT();
	assert_int_equal(e[0], EFAULT);
	assert_int_equal(e[1], EFAULT);
	assert_int_equal(e[2], 0);
}

/* ---- rump_lwproc_progress ------------------------------------------------- */

/*
 * The moves of src's pieces (len each, in the order of at[], offsets into
 * src) into dst through one uio, dst watched for its first watchlen bytes:
 * the word after each move, in seen[].
 */
static void
move_pieces(uint8_t *dst, size_t watchlen, const uint8_t *src, size_t len,
    const size_t *at, int n, uint64_t *seen)
{
	uint64_t word = 0;
	int i;

	KTEST_ENTER();
	rumppriv_lwproc_progress(dst, watchlen, &word);
	for (i = 0; i < n; i++) {
		struct iovec iov = { .iov_base = dst + at[i], .iov_len = len };
		struct uio uio;

		if (uio_setup(&uio, &iov, 1, UIO_READ) == 0)
			uiomove((void *)(uintptr_t)(src + at[i]), len, &uio);
		seen[i] = __atomic_load_n(&word, __ATOMIC_ACQUIRE);
	}
	rumppriv_lwproc_progress(NULL, 0, NULL);
	KTEST_EXIT();
}

static void
moves_in_order_into_a_watched_buffer_tell_its_written_prefix(void **state)
{
	uint8_t src[64], dst[64];
	const size_t at[] = { 0, 16, 32 };
	uint64_t seen[3];

	(void)state;
	memset(src, 'a', sizeof(src));
	move_pieces(dst, sizeof(dst), src, 16, at, 3, seen);
	assert_int_equal(seen[0], 16);
	assert_int_equal(seen[1], 32);
	assert_int_equal(seen[2], 48);
	assert_memory_equal(dst, src, 48);
}

static void
a_move_past_a_gap_tells_nothing_more(void **state)
{
	uint8_t src[64] = { 0 }, dst[64];
	const size_t at[] = { 0, 32, 16 };
	uint64_t seen[3];

	(void)state;
	move_pieces(dst, sizeof(dst), src, 16, at, 3, seen);
	assert_int_equal(seen[0], 16);
	assert_int_equal(seen[1], 16);
	/* The gap filled: what lies beyond it is not known to be written. */
	assert_int_equal(seen[2], 32);
}

static void
a_move_beyond_the_watched_length_tells_nothing(void **state)
{
	uint8_t src[64] = { 0 }, dst[64];
	const size_t at[] = { 0, 16 };
	uint64_t seen[2];

	(void)state;
	move_pieces(dst, 24, src, 16, at, 2, seen);
	assert_int_equal(seen[0], 16);
	assert_int_equal(seen[1], 16);
}

static void
moves_out_of_a_watched_buffer_or_without_a_watch_tell_nothing(void **state)
{
	uint8_t buf[16] = { 0 }, src[16] = { 0 };
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct uio uio;
	uint64_t word = 7;
	int e[2];

	(void)state;
	KTEST_ENTER();
	/* Out of the buffer: a write's move reads it. */
	rumppriv_lwproc_progress(buf, sizeof(buf), &word);
	e[0] = uio_setup(&uio, &iov, 1, UIO_WRITE);
	uiomove(src, sizeof(src), &uio);
	/* No watch any more. */
	rumppriv_lwproc_progress(NULL, 0, NULL);
	iov = (struct iovec){ .iov_base = buf, .iov_len = sizeof(buf) };
	e[1] = uio_setup(&uio, &iov, 1, UIO_READ);
	uiomove(src, sizeof(src), &uio);
	KTEST_EXIT();
	assert_int_equal(e[0], 0);
	assert_int_equal(e[1], 0);
	assert_int_equal(word, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(copyinstr_copies_the_string_and_its_nul),
		leak_test(copyinstr_of_a_string_that_just_fits_succeeds),
		leak_test(copyinstr_without_a_nul_within_the_limit_is_enametoolong),
		leak_test(copyinstr_from_null_is_efault),
		leak_test(copyoutstr_copies_to_the_caller_with_the_same_limits),
		leak_test(up_to_eight_iovecs_stay_on_the_stack),
		leak_test(more_than_eight_iovecs_go_to_the_heap),
		leak_test(more_than_iov_max_or_fewer_than_none_is_einval),
		leak_test(iovecs_from_null_are_efault_on_the_stack_and_the_heap),
		leak_test(moves_in_order_into_a_watched_buffer_tell_its_written_prefix),
		leak_test(a_move_past_a_gap_tells_nothing_more),
		leak_test(a_move_beyond_the_watched_length_tells_nothing),
		leak_test(moves_out_of_a_watched_buffer_or_without_a_watch_tell_nothing),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
