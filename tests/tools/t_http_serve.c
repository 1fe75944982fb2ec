/*
 * What the HTTP server answers, on a directory tree made for each test:
 * files whole, in a range, unchanged since If-Modified-Since; listings;
 * and every way out of the served directory refused - "..", encoded or
 * not, and symlinks pointing outside - while links inside are followed.
 *
 * One suite, two stores: built as tests/tools/t_http_serve, the tree is
 * in a host directory (http_fs_host); built with TOOL_TEST_RUMP as
 * tests/tools/rump/t_http_serve and linked with the kernel, it is in the
 * rump kernel's rumpfs (http_fs_rump), made with rump_sys_* calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "http.h"

#ifdef TOOL_TEST_RUMP
#include <rump/rump.h>

#define FS		(&http_fs_rump)
#define t_open		rump_sys_open
#define t_write		rump_sys_write
#define t_close		rump_sys_close
#define t_mkdir		rump_sys_mkdir
#define t_symlink	rump_sys_symlink
#define t_mknod		rump_sys_mknod
#define t_utimensat	rump_sys_utimensat

/* Each test's tree in a directory of its own: /t<N>. */
static int
t_mktop(char *top)
{
	static int seq;

	snprintf(top, PATH_MAX, "/t%d", seq++);
	return rump_sys_mkdir(top, 0755);
}

/* The kernel goes with the process: its trees need no removal. */
static int
t_rmtop(const char *top)
{
	(void)top;
	return 0;
}

/* "/" in the rump kernel has an /etc/passwd, as the host has. */
static int
group_setup(void **state)
{
	int fd;

	(void)state;
	if (rump_init() != 0 || rump_sys_mkdir("/etc", 0755) != 0 ||
	    (fd = rump_sys_open("/etc/passwd", O_CREAT | O_WRONLY, 0644)) < 0)
		return -1;
	return rump_sys_close(fd);
}

static int
group_teardown(void **state)
{
	(void)state;
	return rump_fini();
}
#else
#define FS		(&http_fs_host)
#define t_open		open
#define t_write		write
#define t_close		close
#define t_mkdir		mkdir
#define t_symlink	symlink
#define t_mknod		mknod
#define t_utimensat	utimensat

static int
t_mktop(char *top)
{
	char t[] = "/tmp/t_http_serve.XXXXXX";

	return mkdtemp(t) != NULL && realpath(t, top) != NULL ? 0 : -1;
}

static int
t_rmtop(const char *top)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

#define group_setup	NULL
#define group_teardown	NULL
#endif

#define MTIME	784111777	/* Sun, 06 Nov 1994 08:49:37 GMT */
#define NOW	1700000000

static char top[PATH_MAX], root[PATH_MAX + 16];
static struct http_response resp;

/* Byte i of every file. */
static char
content(size_t i)
{
	return (char)('a' + (int)(i % 26));
}

static void
make_file(const char *rel, size_t size)
{
	char p[PATH_MAX + 64];
	struct timespec ts[2] = { { MTIME, 0 }, { MTIME, 0 } };
	size_t i;
	char c;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	assert_true((fd = t_open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644)) >= 0);
	for (i = 0; i < size; i++) {
		c = content(i);
		assert_int_equal(t_write(fd, &c, 1), 1);
	}
	assert_int_equal(t_close(fd), 0);
	assert_int_equal(t_utimensat(AT_FDCWD, p, ts, 0), 0);
}

static void
make_at(int (*fn)(const char *, const char *), const char *target,
    const char *rel)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	assert_int_equal(fn(target, p), 0);
}

static int
tree_setup(void **state)
{
	char p[PATH_MAX + 64];

	(void)state;
	/* No response yet: nothing for http_response_free() to close. */
	memset(&resp, 0, sizeof(resp));
	resp.fd = -1;
	if (t_mktop(top) != 0)
		return -1;
	snprintf(root, sizeof(root), "%s/root", top);
	snprintf(p, sizeof(p), "%s/root/sub", top);
	if (t_mkdir(root, 0755) != 0 || t_mkdir(p, 0755) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/root/empty-dir", top);
	if (t_mkdir(p, 0755) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/root-sibling", top);
	if (t_mkdir(p, 0755) != 0)
		return -1;
	make_file("secret.txt", 6);
	make_file("root-sibling/secret.txt", 6);
	make_file("root/data.bin", 1000);
	make_file("root/empty.txt", 0);
	make_file("root/index.html", 10);
	make_file("root/sub/<b>&\"c'.txt", 1);
	make_file("root/sub/a b.txt", 1);
	make_at(t_symlink, "data.bin", "root/link-in");
	make_at(t_symlink, "sub/../data.bin", "root/link-in-dotdot");
	make_at(t_symlink, "sub", "root/link-dir");
	make_at(t_symlink, "link-loop", "root/link-loop");
	make_at(t_symlink, "../secret.txt", "root/link-out");
	make_at(t_symlink, "/", "root/link-slash");
	make_at(t_symlink, "../root-sibling", "root/link-sibling");
	snprintf(p, sizeof(p), "%s/root/fifo", top);
	return t_mknod(p, S_IFIFO | 0644, 0);
}

static int
tree_teardown(void **state)
{
	(void)state;
	http_response_free(&resp);
	return t_rmtop(top);
}

/* A request as the parser makes it. */
static void
serve(const char *text)
{
	struct http_request req;
	struct http_error err;
	size_t used;

	http_response_free(&resp);
	assert_int_equal(http_request_parse(text, strlen(text), &req, &used,
	    &err), HTTP_PARSE_OK);
	http_serve(FS, root, &req, NOW, &resp);
	assert_false(resp.head.failed);
}

static void
get(const char *target)
{
	char text[8192];

	snprintf(text, sizeof(text), "GET %s HTTP/1.1\r\nHost: h\r\n\r\n",
	    target);
	serve(text);
}

/* The value of a header field of resp, or NULL. */
static const char *
field(const char *name)
{
	static char v[256];
	char key[64];
	const char *p, *e;

	snprintf(key, sizeof(key), "\r\n%s: ", name);
	http_buf_add(&resp.head, "", 1);
	resp.head.len--;
	if ((p = strstr(resp.head.data, key)) == NULL)
		return NULL;
	p += strlen(key);
	e = strstr(p, "\r\n");
	snprintf(v, sizeof(v), "%.*s", (int)(e - p), p);
	return v;
}

static const char *
body(void)
{
	http_buf_add(&resp.body, "", 1);
	resp.body.len--;
	return resp.body.data;
}

static void
expect_status(int status)
{
	char line[64];

	assert_int_equal(resp.status, status);
	snprintf(line, sizeof(line), "HTTP/1.1 %d %s\r\n", status,
	    http_status_text(status));
	assert_memory_equal(resp.head.data, line, strlen(line));
	assert_memory_equal(resp.head.data + resp.head.len - 4, "\r\n\r\n", 4);
}

static void
a_file_is_sent_whole_with_its_type_length_and_date(void **state)
{
	(void)state;
	get("/data.bin");
	expect_status(200);
	assert_string_equal(field("Content-Length"), "1000");
	assert_string_equal(field("Content-Type"), "application/octet-stream");
	assert_string_equal(field("Last-Modified"),
	    "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_string_equal(field("Date"), "Tue, 14 Nov 2023 22:13:20 GMT");
	assert_string_equal(field("Accept-Ranges"), "bytes");
	assert_string_equal(field("Connection"), "keep-alive");
	assert_true(resp.keep_alive);
	assert_true(resp.fd >= 0);
	assert_int_equal(resp.off, 0);
	assert_int_equal(resp.len, 1000);
	assert_int_equal(resp.body_len, 1000);
	get("/index.html");
	assert_string_equal(field("Content-Type"), "text/html; charset=utf-8");
}

static void
head_sends_the_same_head_and_no_body(void **state)
{
	(void)state;
	serve("HEAD /data.bin HTTP/1.1\r\nHost: h\r\n\r\n");
	expect_status(200);
	assert_string_equal(field("Content-Length"), "1000");
	assert_int_equal(resp.fd, -1);
	assert_int_equal(resp.body_len, 0);
	serve("HEAD /nope HTTP/1.1\r\nHost: h\r\n\r\n");
	expect_status(404);
	assert_int_equal(resp.body.len, 0);
	assert_string_not_equal(field("Content-Length"), "0");
}

static void
an_empty_file_has_length_zero_and_no_body(void **state)
{
	(void)state;
	get("/empty.txt");
	expect_status(200);
	assert_string_equal(field("Content-Length"), "0");
	assert_int_equal(resp.fd, -1);
}

static void
a_range_gets_206_with_content_range(void **state)
{
	(void)state;
	serve("GET /data.bin HTTP/1.1\r\nHost: h\r\nRange: bytes=100-199\r\n\r\n");
	expect_status(206);
	assert_string_equal(field("Content-Range"), "bytes 100-199/1000");
	assert_string_equal(field("Content-Length"), "100");
	assert_int_equal(resp.off, 100);
	assert_int_equal(resp.len, 100);
	serve("GET /data.bin HTTP/1.1\r\nHost: h\r\nRange: bytes=-1\r\n\r\n");
	expect_status(206);
	assert_string_equal(field("Content-Range"), "bytes 999-999/1000");
}

static void
a_range_past_the_end_gets_416(void **state)
{
	(void)state;
	serve("GET /data.bin HTTP/1.1\r\nHost: h\r\nRange: bytes=1000-\r\n\r\n");
	expect_status(416);
	assert_string_equal(field("Content-Range"), "bytes */1000");
	assert_string_equal(field("Content-Length"), "0");
	assert_int_equal(resp.fd, -1);
}

static void
a_range_with_if_range_or_multiple_ranges_gets_the_whole_file(void **state)
{
	(void)state;
	serve("GET /data.bin HTTP/1.1\r\nHost: h\r\nRange: bytes=1-2\r\n"
	    "If-Range: \"v1\"\r\n\r\n");
	expect_status(200);
	assert_int_equal(resp.len, 1000);
	serve("GET /data.bin HTTP/1.1\r\nHost: h\r\nRange: bytes=1-2,4-5\r\n\r\n");
	expect_status(200);
	assert_null(field("Content-Range"));
}

static void
an_unchanged_file_gets_304(void **state)
{
	(void)state;
	serve("GET /data.bin HTTP/1.1\r\nHost: h\r\n"
	    "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n");
	expect_status(304);
	assert_null(field("Content-Length"));
	assert_string_equal(field("Last-Modified"),
	    "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_int_equal(resp.fd, -1);
	/* A second earlier: it changed since. */
	serve("GET /data.bin HTTP/1.1\r\nHost: h\r\n"
	    "If-Modified-Since: Sun, 06 Nov 1994 08:49:36 GMT\r\n\r\n");
	expect_status(200);
}

static void
other_methods_get_405_with_allow(void **state)
{
	(void)state;
	serve("DELETE /data.bin HTTP/1.1\r\nHost: h\r\n\r\n");
	expect_status(405);
	assert_string_equal(field("Allow"), "GET, HEAD");
	assert_non_null(strstr(body(), "only GET and HEAD"));
	assert_true(resp.keep_alive);
}

static void
a_missing_file_gets_404(void **state)
{
	(void)state;
	get("/nope.txt");
	expect_status(404);
	get("/data.bin/");
	expect_status(404);
	get("/sub/nope/x");
	expect_status(404);
	assert_string_equal(field("Content-Type"), "text/html; charset=utf-8");
}

static void
dot_dot_in_any_spelling_gets_403(void **state)
{
	static const char *const escapes[] = {
		"/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt",
		"/%2E%2e/secret.txt", "/sub/..%2f..%2fsecret.txt", "/..",
		"http://h/../secret.txt",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		get(escapes[i]);
		expect_status(403);
		assert_int_equal(resp.fd, -1);
	}
}

static void
symlinks_out_of_the_root_get_403(void **state)
{
	(void)state;
	get("/link-out");
	expect_status(403);
	get("/link-slash/etc/passwd");
	expect_status(403);
	/* "root-sibling" begins like "root": a prefix is not a parent. */
	get("/link-sibling/secret.txt");
	expect_status(403);
}

static void
symlinks_inside_the_root_are_followed(void **state)
{
	(void)state;
	get("/link-in");
	expect_status(200);
	assert_string_equal(field("Content-Length"), "1000");
	get("/link-in-dotdot");
	expect_status(200);
	assert_string_equal(field("Content-Length"), "1000");
	get("/link-dir/a%20b.txt");
	expect_status(200);
	assert_string_equal(field("Content-Length"), "1");
}

static void
a_symlink_loop_gets_404(void **state)
{
	(void)state;
	get("/link-loop");
	expect_status(404);
}

static void
the_body_is_read_from_the_store_in_pieces(void **state)
{
	char buf[600];
	size_t n, i, off = 0;

	(void)state;
	serve("GET /data.bin HTTP/1.1\r\nHost: h\r\nRange: bytes=100-\r\n\r\n");
	expect_status(206);
	while (off < resp.len) {
		assert_int_equal(resp.fs->fs_pread(resp.fd, buf, sizeof(buf),
		    resp.off + off, &n), 0);
		assert_true(n > 0);
		for (i = 0; i < n; i++)
			assert_int_equal(buf[i], content(resp.off + off + i));
		off += n;
	}
	assert_int_equal(off, 900);
	assert_int_equal(resp.fs->fs_pread(resp.fd, buf, sizeof(buf), 1000,
	    &n), 0);
	assert_int_equal(n, 0);
}

static void
what_is_neither_file_nor_directory_gets_403(void **state)
{
	(void)state;
	get("/fifo");
	expect_status(403);
}

static void
bad_escapes_get_400_and_long_paths_414(void **state)
{
	char target[HTTP_PATH_MAX + 16];

	(void)state;
	get("/a%zz");
	expect_status(400);
	get("/a%00b");
	expect_status(400);
	get("/a%4");
	expect_status(400);
	get("*");
	expect_status(400);
	memset(target, 'a', sizeof(target));
	target[0] = '/';
	target[sizeof(target) - 1] = '\0';
	get(target);
	expect_status(414);
}

static void
queries_and_encoded_names_reach_the_file(void **state)
{
	(void)state;
	get("/sub/a%20b.txt?x=1#frag");
	expect_status(200);
	get("http://example/data.bin?y");
	expect_status(200);
	assert_string_equal(field("Content-Length"), "1000");
}

static void
a_directory_is_listed_sorted_and_escaped(void **state)
{
	const char *b, *x, *y;

	(void)state;
	get("/sub");
	expect_status(200);
	assert_string_equal(field("Content-Type"), "text/html; charset=utf-8");
	b = body();
	assert_non_null(strstr(b, "<title>Index of /sub</title>"));
	assert_non_null(strstr(b, "<a href=\"/\">../</a>"));
	x = strstr(b, "<a href=\"/sub/%3Cb%3E%26%22c%27.txt\">"
	    "&lt;b&gt;&amp;&quot;c&#39;.txt</a>");
	y = strstr(b, "<a href=\"/sub/a%20b.txt\">a b.txt</a>");
	assert_non_null(x);
	assert_non_null(y);
	assert_true(x < y);
	assert_null(strstr(b, "<b>"));
	assert_int_equal(resp.body_len, resp.body.len);
}

static void
the_root_listing_has_no_parent_and_marks_directories(void **state)
{
	const char *b;

	(void)state;
	get("/");
	expect_status(200);
	b = body();
	assert_null(strstr(b, "../"));
	assert_non_null(strstr(b, "<a href=\"/sub/\">sub/</a>"));
	assert_non_null(strstr(b, "<a href=\"/data.bin\">data.bin</a>"));
	assert_non_null(strstr(b, "<a href=\"/link-dir/\">link-dir/</a>"));
	assert_null(strstr(b, "href=\"/.\""));
}

static void
an_empty_directory_is_listed_with_its_parent_only(void **state)
{
	(void)state;
	get("/empty-dir/");
	expect_status(200);
	assert_non_null(strstr(body(), "<ul>\n<li><a href=\"/\">../</a></li>\n"
	    "</ul>"));
}

static void
connection_close_is_answered_with_close(void **state)
{
	(void)state;
	serve("GET /data.bin HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
	assert_false(resp.keep_alive);
	assert_string_equal(field("Connection"), "close");
}

static void
a_refused_request_gets_its_status_and_reason_and_closes(void **state)
{
	struct http_error err = { 414, "request line too long" };

	(void)state;
	http_response_free(&resp);
	http_serve_error(&err, false, NOW, &resp);
	expect_status(414);
	assert_false(resp.keep_alive);
	assert_string_equal(field("Connection"), "close");
	assert_non_null(strstr(body(), "request line too long"));
	assert_int_equal(resp.body_len, resp.body.len);
	http_response_free(&resp);
	http_serve_error(&err, true, NOW, &resp);
	assert_int_equal(resp.body.len, 0);
	assert_int_equal(resp.body_len, 0);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, tree_setup, tree_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(a_file_is_sent_whole_with_its_type_length_and_date),
		T(head_sends_the_same_head_and_no_body),
		T(an_empty_file_has_length_zero_and_no_body),
		T(a_range_gets_206_with_content_range),
		T(a_range_past_the_end_gets_416),
		T(a_range_with_if_range_or_multiple_ranges_gets_the_whole_file),
		T(an_unchanged_file_gets_304),
		T(other_methods_get_405_with_allow),
		T(a_missing_file_gets_404),
		T(dot_dot_in_any_spelling_gets_403),
		T(symlinks_out_of_the_root_get_403),
		T(symlinks_inside_the_root_are_followed),
		T(a_symlink_loop_gets_404),
		T(the_body_is_read_from_the_store_in_pieces),
		T(what_is_neither_file_nor_directory_gets_403),
		T(bad_escapes_get_400_and_long_paths_414),
		T(queries_and_encoded_names_reach_the_file),
		T(a_directory_is_listed_sorted_and_escaped),
		T(the_root_listing_has_no_parent_and_marks_directories),
		T(an_empty_directory_is_listed_with_its_parent_only),
		T(connection_close_is_answered_with_close),
		T(a_refused_request_gets_its_status_and_reason_and_closes),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
