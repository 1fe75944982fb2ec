/*
 * The server's end of a channel (librumpserver's rs_chan.c) alone, with
 * no kernel: a channel request the server has no memory for is refused
 * with ENOMEM (the client's thread stays on the socket), its
 * descriptors closed and its memory unmapped.  calloc fails on demand
 * (linked with -Wl,--wrap=calloc): no limit reaches that refusal, as the
 * channel's 4 MiB mapping comes before its small allocation.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "leakcheck.h"
#include "rpc_chan.h"
#include "rs_chan.h"

#define MEMFD_NAME	"refused-channel-memory"

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);

static bool calloc_fails;

void *
__wrap_calloc(size_t n, size_t size)
{
	if (calloc_fails)
		return NULL;
	return __real_calloc(n, size);
}

/* Lines of /proc/self/maps naming the test's memfd. */
static int
memfd_mappings(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, MEMFD_NAME) != NULL;
	fclose(f);
	return n;
}

static void
a_channel_the_server_has_no_memory_for_is_refused_with_enomem(void **state)
{
	struct rump_rpc_chanreq q = { .cq_version = RUMP_RPC_CHANVERSION,
	    .cq_size = RUMP_RPC_CHANSIZE };
	struct rpc_wbuf b = { .rb_data = NULL };
	struct rs_chan *ch = NULL;
	const char *why = NULL;
	int fds[RPC_CHAN_NFDS], pair[2], refuse = 0;

	(void)state;
	fds[RPC_CHAN_MEMFD] = memfd_create(MEMFD_NAME, MFD_ALLOW_SEALING);
	assert_true(fds[RPC_CHAN_MEMFD] >= 0);
	assert_int_equal(ftruncate(fds[RPC_CHAN_MEMFD], RUMP_RPC_CHANSIZE), 0);
	assert_int_equal(fcntl(fds[RPC_CHAN_MEMFD], F_ADD_SEALS, F_SEAL_SHRINK), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	fds[RPC_CHAN_WAKEFD] = pair[1];
	rpc_put_chanreq(&b, &q);
	assert_false(b.rb_nomem);
	calloc_fails = true;
	assert_int_equal(rs_chan_open(fds, RPC_CHAN_NFDS, b.rb_data, b.rb_len,
	    &ch, &refuse, &why), 0);
	calloc_fails = false;
	assert_null(ch);
	assert_int_equal(refuse, ENOMEM);
	/* The descriptors were the server's to close, and the memory is let go. */
	assert_int_equal(fcntl(fds[RPC_CHAN_MEMFD], F_GETFD), -1);
	assert_int_equal(fcntl(fds[RPC_CHAN_WAKEFD], F_GETFD), -1);
	assert_int_equal(memfd_mappings(), 0);
	free(b.rb_data);
	close(pair[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_channel_the_server_has_no_memory_for_is_refused_with_enomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
