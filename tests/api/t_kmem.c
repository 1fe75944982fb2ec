/*
 * rump_kmem_dump(), which prints every kernel memory type in use to the
 * console (the host's stderr): one line per type, with the bytes and
 * blocks rump_kmem_stat() reports, and nothing for a type not in use.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

#include "apitest.h"

/* What rump_kmem_dump() printed, NUL-terminated, into buf. */
static void
capture_dump(char *buf, size_t size)
{
	FILE *f = tmpfile();
	int saved;
	size_t n;

	assert_non_null(f);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fileno(f), STDERR_FILENO), STDERR_FILENO);
	rump_kmem_dump();
	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Whether the dump in buf has a line for type; its figures if so. */
static bool
dump_line(const char *buf, const char *type, unsigned long long *bytes,
    unsigned long long *blocks)
{
	const char *next;
	char name[64];

	for (const char *p = buf; p != NULL && *p != '\0'; p = next) {
		if ((next = strchr(p, '\n')) != NULL)
			next++;
		if (sscanf(p, "kmem: %63s %llu bytes in %llu blocks", name,
		    bytes, blocks) == 3 && strcmp(name, type) == 0)
			return true;
	}
	return false;
}

static void
the_dump_lists_a_type_in_use_with_its_bytes_and_blocks(void **state)
{
	static char buf[65536];
	struct rump_kmem_stat st;
	unsigned long long bytes, blocks;
	int fds[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	assert_int_equal(rump_kmem_stat("pipe", &st), 0);
	assert_true(st.inuse > 0);
	capture_dump(buf, sizeof(buf));
	assert_true(dump_line(buf, "pipe", &bytes, &blocks));
	assert_int_equal(bytes, st.inuse);
	assert_int_equal(blocks, st.blocks);
	rump_sys_close(fds[0]);
	rump_sys_close(fds[1]);
	assert_int_equal(rump_kmem_stat("pipe", &st), 0);
	assert_int_equal(st.inuse, 0);
	capture_dump(buf, sizeof(buf));
	assert_false(dump_line(buf, "pipe", &bytes, &blocks));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(the_dump_lists_a_type_in_use_with_its_bytes_and_blocks),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
