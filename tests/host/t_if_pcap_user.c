/*
 * The host half of packet capture (net/if_pcap_user.c) without memory:
 * its own allocation failing, and libpcap's (pcap_open_dead).  Both are
 * ENOMEM to the kernel half, and nothing taken is kept: no file made, no
 * memory left.  calloc, free and pcap_open_dead are wrapped at link time
 * (mk/tests.mk); the wrappers fail or watch only while a test asks.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "net/if_pcap_user.h"

void *__wrap_calloc(size_t n, size_t size);
void *__real_calloc(size_t n, size_t size);
void __wrap_free(void *p);
void __real_free(void *p);
pcap_t *__wrap_pcap_open_dead(int linktype, int snaplen);
pcap_t *__real_pcap_open_dead(int linktype, int snaplen);

static bool calloc_fails, pcap_fails;
static void *watched;		/* the last calloc's block while watching */
static bool watching, watched_freed;

void *
__wrap_calloc(size_t n, size_t size)
{
	void *p;

	if (calloc_fails)
		return NULL;
	p = __real_calloc(n, size);
	if (watching)
		watched = p;
	return p;
}

void
__wrap_free(void *p)
{
	if (watching && p != NULL && p == watched)
		watched_freed = true;
	__real_free(p);
}

pcap_t *
__wrap_pcap_open_dead(int linktype, int snaplen)
{
	return pcap_fails ? NULL : __real_pcap_open_dead(linktype, snaplen);
}

static char path[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/t_if_pcap_user.%d.pcap",
	    (int)getpid());
	return 0;
}

static void
opening_a_capture_without_memory_is_enomem_and_makes_no_file(void **state)
{
	struct if_pcap_user *pu = NULL;

	(void)state;
	calloc_fails = true;
	assert_int_equal(if_pcap_user_open(path, IF_PCAP_DLT_EN10MB, &pu),
	    ENOMEM);
	calloc_fails = false;
	assert_null(pu);
	assert_int_equal(access(path, F_OK), -1);
}

static void
opening_a_capture_libpcap_has_no_memory_for_is_enomem_and_frees_all(
    void **state)
{
	struct if_pcap_user *pu = NULL;

	(void)state;
	pcap_fails = true;
	watching = true;
	watched_freed = false;
	assert_int_equal(if_pcap_user_open(path, IF_PCAP_DLT_NULL, &pu),
	    ENOMEM);
	watching = false;
	pcap_fails = false;
	assert_null(pu);
	assert_true(watched_freed);
	assert_int_equal(access(path, F_OK), -1);
}

/* The same calls with memory: the file is made, as a check of the above. */
static void
opening_a_capture_with_memory_makes_the_file(void **state)
{
	struct if_pcap_user *pu = NULL;

	(void)state;
	assert_int_equal(if_pcap_user_open(path, IF_PCAP_DLT_EN10MB, &pu), 0);
	assert_non_null(pu);
	if_pcap_user_close(pu);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(unlink(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(opening_a_capture_without_memory_is_enomem_and_makes_no_file),
		cmocka_unit_test(opening_a_capture_libpcap_has_no_memory_for_is_enomem_and_frees_all),
		cmocka_unit_test(opening_a_capture_with_memory_makes_the_file),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
