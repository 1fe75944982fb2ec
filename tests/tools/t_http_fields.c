/*
 * The values the HTTP server reads and writes: byte ranges (RFC 9110
 * §14), dates (RFC 9110 §5.6.7), Content-Type by extension, escaping,
 * the log line.
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

static uint64_t first, last;

static void
expect_range(const char *v, uint64_t size, uint64_t f, uint64_t l)
{
	first = last = 12345;
	assert_int_equal(http_range_parse(v, size, &first, &last),
	    HTTP_RANGE_OK);
	assert_int_equal(first, f);
	assert_int_equal(last, l);
}

static void
a_closed_range_is_taken_as_given(void **state)
{
	(void)state;
	expect_range("bytes=0-0", 100, 0, 0);
	expect_range("bytes=10-19", 100, 10, 19);
	expect_range("BYTES=99-99", 100, 99, 99);
}

static void
a_range_past_the_end_is_cut_at_the_end(void **state)
{
	(void)state;
	expect_range("bytes=90-1000", 100, 90, 99);
	expect_range("bytes=90-", 100, 90, 99);
	expect_range("bytes=0-18446744073709551615", 100, 0, 99);
}

static void
a_suffix_range_takes_the_last_bytes(void **state)
{
	(void)state;
	expect_range("bytes=-10", 100, 90, 99);
	expect_range("bytes=-1000", 100, 0, 99);
}

static void
a_range_that_misses_the_file_is_unsatisfiable(void **state)
{
	(void)state;
	assert_int_equal(http_range_parse("bytes=100-", 100, &first, &last),
	    HTTP_RANGE_UNSATISFIABLE);
	assert_int_equal(http_range_parse("bytes=100-200", 100, &first, &last),
	    HTTP_RANGE_UNSATISFIABLE);
	assert_int_equal(http_range_parse("bytes=-0", 100, &first, &last),
	    HTTP_RANGE_UNSATISFIABLE);
	assert_int_equal(http_range_parse("bytes=0-", 0, &first, &last),
	    HTTP_RANGE_UNSATISFIABLE);
}

static void
ranges_the_server_does_not_serve_are_ignored(void **state)
{
	static const char *const ignored[] = {
		"bytes=0-1,5-6", "bytes=5-1", "items=0-1", "bytes=", "bytes=-",
		"bytes=a-b", "bytes=1-2x", "bytes= 1-2", "bytes=-1-2",
		"bytes=99999999999999999999-", "bytes=1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		assert_int_equal(http_range_parse(ignored[i], 100, &first,
		    &last), HTTP_RANGE_NONE);
	/* The suffix of an empty file: the empty file. */
	assert_int_equal(http_range_parse("bytes=-5", 0, &first, &last),
	    HTTP_RANGE_NONE);
}

static void
dates_are_formatted_as_imf_fixdate(void **state)
{
	char d[HTTP_DATE_SIZE];

	(void)state;
	assert_string_equal(http_date_format(784111777, d),
	    "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_string_equal(http_date_format(0, d),
	    "Thu, 01 Jan 1970 00:00:00 GMT");
	assert_string_equal(http_date_format(951782400, d),
	    "Tue, 29 Feb 2000 00:00:00 GMT");
}

static void
all_three_date_formats_parse(void **state)
{
	time_t t;

	(void)state;
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t),
	    0);
	assert_int_equal(t, 784111777);
	t = 0;
	assert_int_equal(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", &t),
	    0);
	assert_int_equal(t, 784111777);
	t = 0;
	assert_int_equal(http_date_parse("Sun Nov  6 08:49:37 1994", &t), 0);
	assert_int_equal(t, 784111777);
	t = 0;
	assert_int_equal(http_date_parse("Thu Nov 16 08:49:37 1994", &t), 0);
	assert_int_equal(t, 784111777 + 10 * 86400);
}

static void
a_formatted_date_parses_back(void **state)
{
	char d[HTTP_DATE_SIZE];
	time_t t, back;

	(void)state;
	for (t = 0; t < 4000000000; t += 86400 * 37 + 3607) {
		assert_int_equal(http_date_parse(http_date_format(t, d), &back),
		    0);
		assert_int_equal(back, t);
	}
}

static void
malformed_dates_are_refused(void **state)
{
	static const char *const bad[] = {
		"", "Sun, 6 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37",
		"Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
		"Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 00 Nov 1994 08:49:37 GMT",
		"Sun, 32 Nov 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
		"Sunday, 06-Nov-1994 08:49:37 GMT", "Sun Nov  6 08:49:37 1994 ",
		"Sun Nov 6 08:49:37 1994", "Sun,06 Nov 1994 08:49:37 GMT",
		"Sunday 06-Nov-94 08:49:37 GMT",
	};
	size_t i;
	time_t t;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(http_date_parse(bad[i], &t), -1);
}

static void
content_types_follow_the_extension(void **state)
{
	(void)state;
	assert_string_equal(http_mime_type("/a/index.html"),
	    "text/html; charset=utf-8");
	assert_string_equal(http_mime_type("/x.tar.GZ"), "application/gzip");
	assert_string_equal(http_mime_type("/pic.JPeG"), "image/jpeg");
	assert_string_equal(http_mime_type("/notes.txt"),
	    "text/plain; charset=utf-8");
	assert_string_equal(http_mime_type("/blob.bin"),
	    "application/octet-stream");
	assert_string_equal(http_mime_type("/README"),
	    "application/octet-stream");
	assert_string_equal(http_mime_type("/.html"),
	    "application/octet-stream");
	assert_string_equal(http_mime_type("/dir.html/file"),
	    "application/octet-stream");
}

static void
html_and_url_escaping_leave_no_special_character(void **state)
{
	struct http_buf b;

	(void)state;
	http_buf_init(&b);
	http_escape_html(&b, "<a href=\"x\">&'</a>");
	http_buf_add(&b, "", 1);
	assert_string_equal(b.data,
	    "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
	b.len = 0;
	http_escape_url(&b, "/a b/%?#\"<\xc3\xa9>~._-");
	http_buf_add(&b, "", 1);
	assert_string_equal(b.data, "/a%20b/%25%3F%23%22%3C%C3%A9%3E~._-");
	http_buf_free(&b);
}

static void
a_log_line_is_in_common_log_format(void **state)
{
	struct http_request req;
	struct http_buf b;

	(void)state;
	memset(&req, 0, sizeof(req));
	strcpy(req.method_text, "GET");
	strcpy(req.target, "/a\"b\x01");
	req.minor = 1;
	http_buf_init(&b);
	http_log_line(&b, "198.18.0.1", 784111777, &req, 200, 2326);
	http_buf_add(&b, "", 1);
	assert_string_equal(b.data, "198.18.0.1 - - [06/Nov/1994:08:49:37 "
	    "+0000] \"GET /a\\x22b\\x01 HTTP/1.1\" 200 2326");
	b.len = 0;
	req.method_text[0] = '\0';
	http_log_line(&b, "198.18.0.1", 784111777, &req, 400, 0);
	http_buf_add(&b, "", 1);
	assert_string_equal(b.data, "198.18.0.1 - - [06/Nov/1994:08:49:37 "
	    "+0000] \"-\" 400 -");
	http_buf_free(&b);
}

static void
a_buffer_grows_and_consumes_from_the_front(void **state)
{
	struct http_buf b;
	int i;

	(void)state;
	http_buf_init(&b);
	for (i = 0; i < 1000; i++)
		http_buf_printf(&b, "%04d", i);
	assert_int_equal(b.len, 4000);
	http_buf_consume(&b, 3996);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "0999", 4);
	http_buf_consume(&b, 10);
	assert_int_equal(b.len, 0);
	assert_false(b.failed);
	http_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_closed_range_is_taken_as_given),
		cmocka_unit_test(a_range_past_the_end_is_cut_at_the_end),
		cmocka_unit_test(a_suffix_range_takes_the_last_bytes),
		cmocka_unit_test(a_range_that_misses_the_file_is_unsatisfiable),
		cmocka_unit_test(ranges_the_server_does_not_serve_are_ignored),
		cmocka_unit_test(dates_are_formatted_as_imf_fixdate),
		cmocka_unit_test(all_three_date_formats_parse),
		cmocka_unit_test(a_formatted_date_parses_back),
		cmocka_unit_test(malformed_dates_are_refused),
		cmocka_unit_test(content_types_follow_the_extension),
		cmocka_unit_test(
		    html_and_url_escaping_leave_no_special_character),
		cmocka_unit_test(a_log_line_is_in_common_log_format),
		cmocka_unit_test(a_buffer_grows_and_consumes_from_the_front),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
