/*
 * The HTTP request parser: well-formed requests in every form the server
 * meets, pipelined requests split across reads at every byte boundary,
 * and each kind of malformed or oversized head refused with its status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http.h"

static struct http_request req;
static struct http_error err;

static enum http_parse
parse(const char *s, size_t *used)
{
	size_t u = 0;
	enum http_parse rc;

	rc = http_request_parse(s, strlen(s), &req, &u, &err);
	if (used != NULL)
		*used = u;
	return rc;
}

static void
expect_refused(const char *s, int status)
{
	assert_int_equal(parse(s, NULL), HTTP_PARSE_ERROR);
	assert_int_equal(err.status, status);
	assert_non_null(err.reason);
}

static void
a_get_parses_into_method_target_and_version(void **state)
{
	const char *s = "GET /a/b.txt?x=1 HTTP/1.1\r\nHost: h\r\n\r\n";
	size_t used;

	(void)state;
	assert_int_equal(parse(s, &used), HTTP_PARSE_OK);
	assert_int_equal(used, strlen(s));
	assert_int_equal(req.method, HTTP_GET);
	assert_string_equal(req.method_text, "GET");
	assert_string_equal(req.target, "/a/b.txt?x=1");
	assert_int_equal(req.minor, 1);
	assert_true(req.keep_alive);
	assert_false(req.has_range);
	assert_false(req.has_ims);
}

static void
head_and_other_methods_are_told_apart(void **state)
{
	(void)state;
	assert_int_equal(parse("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n", NULL),
	    HTTP_PARSE_OK);
	assert_int_equal(req.method, HTTP_HEAD);
	assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\n\r\n", NULL),
	    HTTP_PARSE_OK);
	assert_int_equal(req.method, HTTP_OTHER);
	assert_string_equal(req.method_text, "POST");
}

static void
an_incomplete_head_asks_for_more(void **state)
{
	(void)state;
	assert_int_equal(parse("", NULL), HTTP_PARSE_MORE);
	assert_int_equal(http_request_parse(NULL, 0, &req, NULL, &err),
	    HTTP_PARSE_MORE);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\n", NULL),
	    HTTP_PARSE_MORE);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\n\r", NULL),
	    HTTP_PARSE_MORE);
}

static void
bare_lf_line_ends_and_leading_empty_lines_are_accepted(void **state)
{
	const char *s = "\r\n\nGET / HTTP/1.1\nHost: h\n\n";
	size_t used;

	(void)state;
	assert_int_equal(parse(s, &used), HTTP_PARSE_OK);
	assert_int_equal(used, strlen(s));
	assert_string_equal(req.target, "/");
}

static void
connection_close_and_http_1_0_end_the_connection(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\n"
	    "Connection: Keep-Alive, CLOSE\r\n\r\n", NULL), HTTP_PARSE_OK);
	assert_false(req.keep_alive);
	assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n", NULL), HTTP_PARSE_OK);
	assert_int_equal(req.minor, 0);
	assert_false(req.keep_alive);
	assert_int_equal(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n"
	    "\r\n", NULL), HTTP_PARSE_OK);
	assert_true(req.keep_alive);
}

static void
range_and_if_modified_since_are_taken(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\nhost: h\r\nrange:  bytes=0-9 "
	    "\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
	    NULL), HTTP_PARSE_OK);
	assert_true(req.has_range);
	assert_string_equal(req.range, "bytes=0-9");
	assert_true(req.has_ims);
	assert_int_equal(req.ims, 784111777);
	assert_false(req.has_if_range);
}

static void
a_bad_date_and_a_repeated_range_are_ignored(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=1-2\r\n"
	    "Range: bytes=3-4\r\nIf-Modified-Since: yesterday\r\n"
	    "If-Range: \"x\"\r\n\r\n", NULL), HTTP_PARSE_OK);
	assert_false(req.has_range);
	assert_false(req.has_ims);
	assert_true(req.has_if_range);
}

static void
an_absurdly_long_range_is_ignored(void **state)
{
	char s[1024];

	(void)state;
	snprintf(s, sizeof(s), "GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=%0*d-"
	    "\r\n\r\n", HTTP_RANGE_MAX, 1);
	assert_int_equal(parse(s, NULL), HTTP_PARSE_OK);
	assert_false(req.has_range);
}

static void
malformed_request_lines_are_refused_with_400(void **state)
{
	(void)state;
	expect_refused("GET\r\n\r\n", 400);
	expect_refused("GET /\r\n\r\n", 400);
	expect_refused("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	expect_refused("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400);
	expect_refused("GET / HTTP/1\r\nHost: h\r\n\r\n", 400);
	expect_refused("GET / FTP/1.1\r\nHost: h\r\n\r\n", 400);
	expect_refused("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	expect_refused("GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	expect_refused("GET /\r HTTP/1.1\r\nHost: h\r\n\r\n", 400);
}

static void
a_long_method_name_is_refused(void **state)
{
	char s[256];

	(void)state;
	snprintf(s, sizeof(s), "%0*d / HTTP/1.1\r\nHost: h\r\n\r\n",
	    HTTP_METHOD_MAX + 1, 0);
	expect_refused(s, 400);
}

static void
http_2_is_refused_with_505(void **state)
{
	(void)state;
	expect_refused("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505);
	assert_string_equal(req.method_text, "GET");
}

static void
malformed_header_fields_are_refused_with_400(void **state)
{
	(void)state;
	expect_refused("GET / HTTP/1.1\r\nHost: h\r\nNo colon\r\n\r\n", 400);
	expect_refused("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400);
	expect_refused("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", 400);
	expect_refused("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01b\r\n\r\n", 400);
	expect_refused("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n", 400);
	expect_refused("GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", 400);
}

static void
a_missing_or_repeated_host_is_refused(void **state)
{
	(void)state;
	expect_refused("GET / HTTP/1.1\r\n\r\n", 400);
	expect_refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
}

static void
a_request_body_is_refused(void **state)
{
	(void)state;
	expect_refused("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n",
	    400);
	expect_refused("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n", 400);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0"
	    "\r\n\r\n", NULL), HTTP_PARSE_OK);
}

static void
a_request_line_longer_than_the_limit_is_refused_with_414(void **state)
{
	char *s = malloc(HTTP_LINE_MAX + 64);

	(void)state;
	memset(s, 'a', HTTP_LINE_MAX + 64);
	memcpy(s, "GET /", 5);
	/* Before the line ends: as soon as it is too long. */
	s[HTTP_LINE_MAX + 1] = '\0';
	expect_refused(s, 414);
	/* A whole line just too long. */
	strcpy(s + HTTP_LINE_MAX - 9 + 1, " HTTP/1.1\r\n\r\n");
	expect_refused(s, 414);
	/* One byte less is fine (then the missing Host is what is wrong). */
	strcpy(s + HTTP_LINE_MAX - 9, " HTTP/1.1\r\n\r\n");
	expect_refused(s, 400);
	free(s);
}

static void
a_head_larger_than_the_limit_is_refused_with_431(void **state)
{
	struct http_buf b;
	int i;

	(void)state;
	http_buf_init(&b);
	http_buf_str(&b, "GET / HTTP/1.1\r\nHost: h\r\n");
	for (i = 0; b.len <= HTTP_HEAD_MAX; i++)
		http_buf_printf(&b, "X-Filler-%d: %0100d\r\n", i, 0);
	http_buf_add(&b, "", 1);
	/* Incomplete yet already too large. */
	expect_refused(b.data, 431);
	b.len--;
	http_buf_str(&b, "\r\n");
	http_buf_add(&b, "", 1);
	expect_refused(b.data, 431);
	http_buf_free(&b);
}

/*
 * Three pipelined requests, delivered in two reads split at every byte:
 * the parser asks for more until a head is whole, then takes exactly it.
 */
static void
pipelined_requests_split_at_every_byte_parse_alike(void **state)
{
	static const char stream[] =
	    "GET /one HTTP/1.1\r\nHost: h\r\n\r\n"
	    "HEAD /two HTTP/1.1\r\nHost: h\r\nRange: bytes=1-\r\n\r\n"
	    "GET /three HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
	static const char *const targets[] = { "/one", "/two", "/three" };
	size_t total = sizeof(stream) - 1, split, have, off, used;
	enum http_parse rc;
	int got;

	(void)state;
	for (split = 0; split <= total; split++) {
		off = 0;
		got = 0;
		have = split;
		for (;;) {
			rc = http_request_parse(stream + off, have - off, &req,
			    &used, &err);
			if (rc == HTTP_PARSE_MORE) {
				if (have == total)
					break;
				have = total;
				continue;
			}
			assert_int_equal(rc, HTTP_PARSE_OK);
			assert_string_equal(req.target, targets[got]);
			assert_int_equal(req.has_range, got == 1);
			assert_int_equal(req.keep_alive, got != 2);
			got++;
			off += used;
		}
		assert_int_equal(got, 3);
		assert_int_equal(off, total);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_get_parses_into_method_target_and_version),
		cmocka_unit_test(head_and_other_methods_are_told_apart),
		cmocka_unit_test(an_incomplete_head_asks_for_more),
		cmocka_unit_test(
		    bare_lf_line_ends_and_leading_empty_lines_are_accepted),
		cmocka_unit_test(
		    connection_close_and_http_1_0_end_the_connection),
		cmocka_unit_test(range_and_if_modified_since_are_taken),
		cmocka_unit_test(a_bad_date_and_a_repeated_range_are_ignored),
		cmocka_unit_test(an_absurdly_long_range_is_ignored),
		cmocka_unit_test(malformed_request_lines_are_refused_with_400),
		cmocka_unit_test(a_long_method_name_is_refused),
		cmocka_unit_test(http_2_is_refused_with_505),
		cmocka_unit_test(malformed_header_fields_are_refused_with_400),
		cmocka_unit_test(a_missing_or_repeated_host_is_refused),
		cmocka_unit_test(a_request_body_is_refused),
		cmocka_unit_test(
		    a_request_line_longer_than_the_limit_is_refused_with_414),
		cmocka_unit_test(
		    a_head_larger_than_the_limit_is_refused_with_431),
		cmocka_unit_test(
		    pipelined_requests_split_at_every_byte_parse_alike),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
