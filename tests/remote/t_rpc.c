/*
 * The remote system call protocol against a real rump_server: clients
 * that speak it by hand (malformed frames, interrupts, disconnects) and
 * programs linked with librumpclient (many at once, killed mid-call, a
 * lost server).  The server is started for the program on a unix socket
 * (tests/common/remotetest.h); its clean exit at the end, with no kernel
 * memory left in use, is part of every test.  This program itself never
 * connects with librumpclient: its forked children do.
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "apitest.h"
#include "rawclient.h"
#include "threadstate.h"

/* A malformed call closes its client; another is served on. */
static void
assert_malformed(struct rpc_wbuf *b)
{
	int bad = raw_client(), good = raw_client();
	long pid = raw_getpid(good);

	raw_frame(bad, b, RUMP_RPC_CALL, 1);
	assert_closed(bad);
	assert_int_equal(raw_getpid(good), pid);
	close(good);
}

static void
each_client_is_a_process_of_its_own(void **state)
{
	int a = raw_connect(), b = raw_connect();
	uint32_t pa = raw_hello(a), pb = raw_hello(b);

	(void)state;
	assert_true(pa > 1);
	assert_true(pb > 1);
	assert_int_not_equal(pa, pb);
	assert_int_equal(raw_getpid(a), pa);
	assert_int_equal(raw_getpid(b), pb);
	close(a);
	close(b);
}

static void
a_frame_longer_than_the_largest_closes_that_client_only(void **state)
{
	int bad = raw_client(), good = raw_client();
	long pid = raw_getpid(good);
	uint8_t hb[RUMP_RPC_HDRLEN];

	(void)state;
	rpc_put_hdr(hb, RUMP_RPC_MAXFRAME + 1, RUMP_RPC_CALL, 1);
	raw_write(bad, hb, sizeof(hb));
	assert_closed(bad);
	assert_int_equal(raw_getpid(good), pid);
	close(good);
}

static void
a_frame_shorter_than_its_header_closes_the_client(void **state)
{
	int bad = raw_client();
	uint8_t hb[RUMP_RPC_HDRLEN];

	(void)state;
	rpc_put_hdr(hb, RUMP_RPC_HDRLEN - 1, RUMP_RPC_CALL, 1);
	raw_write(bad, hb, sizeof(hb));
	assert_closed(bad);
}

static void
a_length_beyond_the_frame_closes_that_client_only(void **state)
{
	struct rpc_wbuf b;

	(void)state;
	raw_begin(&b);
	rpc_put32(&b, NR_WRITE);
	rpc_put32(&b, 3);
	rpc_put64(&b, 0);
	rpc_put32(&b, 100);		/* 100 bytes said, 10 sent */
	rpc_putbytes(&b, "0123456789", 10);
	assert_malformed(&b);
}

static void
a_buffer_unlike_its_size_argument_closes_that_client_only(void **state)
{
	struct rpc_wbuf b;

	(void)state;
	raw_begin(&b);
	rpc_put32(&b, NR_WRITE);
	rpc_put32(&b, 3);
	rpc_put64(&b, 0);
	rpc_put32(&b, 3);
	rpc_putbytes(&b, "abc", 3);
	rpc_put64(&b, 5);		/* nbyte 5 for 3 bytes */
	assert_malformed(&b);
}

static void
an_iovec_count_unlike_the_calls_closes_that_client_only(void **state)
{
	struct rpc_wbuf b;
	int i;

	(void)state;
	raw_begin(&b);
	rpc_put32(&b, NR_WRITEV);
	rpc_put32(&b, 3);
	rpc_put64(&b, 0);
	rpc_put32(&b, 3);		/* three iovecs */
	for (i = 0; i < 3; i++) {
		rpc_put32(&b, 1);
		rpc_putbytes(&b, "x", 1);
	}
	rpc_put64(&b, 2);		/* iovcnt 2 */
	assert_malformed(&b);
}

static void
more_iovecs_than_iov_max_close_that_client_only(void **state)
{
	struct rpc_wbuf b;

	(void)state;
	raw_begin(&b);
	rpc_put32(&b, NR_WRITEV);
	rpc_put32(&b, 3);
	rpc_put64(&b, 0);
	rpc_put32(&b, RUMP_RPC_IOVMAX + 1);
	rpc_put64(&b, RUMP_RPC_IOVMAX + 1);
	assert_malformed(&b);
}

static void
an_unknown_system_call_closes_that_client_only(void **state)
{
	struct rpc_wbuf b;

	(void)state;
	raw_begin(&b);
	rpc_put32(&b, 99999);
	rpc_put32(&b, 0);
	assert_malformed(&b);
}

static void
a_wrong_argument_count_closes_that_client_only(void **state)
{
	struct rpc_wbuf b;

	(void)state;
	raw_begin(&b);
	rpc_put32(&b, NR_GETPID);
	rpc_put32(&b, 1);
	rpc_put64(&b, 0);
	assert_malformed(&b);
}

static void
a_string_without_its_nul_closes_that_client_only(void **state)
{
	struct rpc_wbuf b;

	(void)state;
	raw_begin(&b);
	rpc_put32(&b, 2);		/* open(path, flags, mode) */
	rpc_put32(&b, 3);
	rpc_put32(&b, 4);
	rpc_putbytes(&b, "/abc", 4);
	rpc_put64(&b, 0);
	rpc_put64(&b, 0);
	assert_malformed(&b);
}

static void
random_bytes_close_that_client_only(void **state)
{
	int bad = raw_client(), good = raw_client();
	long pid = raw_getpid(good);
	unsigned char junk[4096];
	unsigned int seed = 12345;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)rand_r(&seed);
	raw_write(bad, junk, sizeof(junk));
	shutdown(bad, SHUT_WR);
	assert_closed(bad);
	assert_int_equal(raw_getpid(good), pid);
	close(good);
}

static void
a_call_before_the_handshake_closes_the_client(void **state)
{
	struct rpc_wbuf b;
	int fd = raw_connect();

	(void)state;
	raw_begin(&b);
	rpc_put32(&b, NR_GETPID);
	rpc_put32(&b, 0);
	raw_frame(fd, &b, RUMP_RPC_CALL, 1);
	assert_closed(fd);
}

static void
a_client_of_another_version_is_told_ours_and_refused(void **state)
{
	struct rump_rpc_hdr h;
	struct rpc_wbuf b;
	struct rpc_rcur c;
	uint8_t buf[64];
	uint16_t v = htole16(RUMP_RPC_VERSION + 1);
	int fd = raw_connect();
	size_t len;

	(void)state;
	raw_begin(&b);
	rpc_put32(&b, 0);
	rpc_put32(&b, 0);
	rpc_put32(&b, 0);
	rpc_put32(&b, 0);
	rpc_put_hdr(b.rb_data, (uint32_t)b.rb_len, RUMP_RPC_HANDSHAKE, 0);
	memcpy(b.rb_data + 4, &v, 2);
	raw_write(fd, b.rb_data, b.rb_len);
	free(b.rb_data);
	len = raw_reply(fd, &h, buf, sizeof(buf));
	assert_int_equal(h.rh_version, RUMP_RPC_VERSION);
	c = (struct rpc_rcur){ .rc_p = buf, .rc_left = len };
	assert_int_equal(rpc_get32(&c), EPROTONOSUPPORT);
	assert_closed(fd);
}

/* read(rfd, buf, 1) as call id, not waiting for the reply. */
static void
raw_read_call(int fd, int32_t rfd, uint64_t id)
{
	struct rpc_wbuf b;

	raw_begin(&b);
	rpc_put32(&b, NR_READ);
	rpc_put32(&b, 3);
	rpc_put64(&b, (uint64_t)rfd);
	rpc_put32(&b, 1);
	rpc_put64(&b, 1);
	raw_frame(fd, &b, RUMP_RPC_CALL, id);
}

static void
an_interrupt_ends_a_blocked_read_with_eintr(void **state)
{
	struct rpc_wbuf b;
	uint8_t buf[64];
	int32_t fds[2];
	int fd = raw_client();
	long ret;

	(void)state;
	raw_pipe(fd, fds);
	raw_read_call(fd, fds[0], 7);
	raw_begin(&b);
	raw_frame(fd, &b, RUMP_RPC_INTERRUPT, 7);
	assert_int_equal(raw_result(fd, 7, &ret, buf, sizeof(buf), NULL), EINTR);
	/* The client is served on. */
	assert_true(raw_getpid(fd) > 1);
	close(fd);
}

static void
a_client_with_too_many_calls_waiting_is_closed(void **state)
{
	int32_t fds[2];
	int fd = raw_client(), good = raw_client();
	long pid = raw_getpid(good);
	uint64_t id;
	ssize_t n;

	(void)state;
	raw_pipe(fd, fds);
	/*
	 * 64 workers block in read; the rest wait, beyond the limit.  The
	 * server may close us before the last are sent.
	 */
	for (id = 100; id < 100 + 64 + 257; id++) {
		struct rpc_wbuf b;

		raw_begin(&b);
		rpc_put32(&b, NR_READ);
		rpc_put32(&b, 3);
		rpc_put64(&b, (uint64_t)fds[0]);
		rpc_put32(&b, 1);
		rpc_put64(&b, 1);
		rpc_put_hdr(b.rb_data, (uint32_t)b.rb_len, RUMP_RPC_CALL, id);
		n = send(fd, b.rb_data, b.rb_len, MSG_NOSIGNAL);
		free(b.rb_data);
		if (n != (ssize_t)b.rb_len)
			break;
	}
	assert_closed(fd);
	assert_int_equal(raw_getpid(good), pid);
	close(good);
}

/* bind(socket(AF_INET, type, 0), 127.0.0.1:port) by a raw client: errno. */
static int
raw_bind(int fd, int type, uint16_t port, int32_t *sp)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct rpc_wbuf b;
	uint8_t buf[64];
	long ret;

	raw_begin(&b);
	rpc_put32(&b, NR_SOCKET);
	rpc_put32(&b, 3);
	rpc_put64(&b, AF_INET);
	rpc_put64(&b, (uint64_t)type);
	rpc_put64(&b, 0);
	raw_frame(fd, &b, RUMP_RPC_CALL, 3);
	assert_int_equal(raw_result(fd, 3, &ret, buf, sizeof(buf), NULL), 0);
	*sp = (int32_t)ret;
	raw_begin(&b);
	rpc_put32(&b, NR_BIND);
	rpc_put32(&b, 3);
	rpc_put64(&b, (uint64_t)*sp);
	rpc_put32(&b, sizeof(sin));
	rpc_putbytes(&b, &sin, sizeof(sin));
	rpc_put64(&b, sizeof(sin));
	raw_frame(fd, &b, RUMP_RPC_CALL, 4);
	return raw_result(fd, 4, &ret, buf, sizeof(buf), NULL);
}

/*
 * Port port is free again in the server: bound by a fresh client, which
 * tries until the process that held it has ended.
 */
static void
wait_port_free(int type, uint16_t port)
{
	int32_t s;
	int fd, error;

	for (;;) {
		fd = raw_client();
		error = raw_bind(fd, type, port, &s);
		close(fd);
		if (error == 0)
			return;
		assert_int_equal(error, EADDRINUSE);
		usleep(1000);
	}
}

static void
a_disconnect_wakes_the_blocked_calls_and_closes_the_descriptors(void **state)
{
	int fd = raw_client();
	int32_t s;

	(void)state;
	assert_int_equal(raw_bind(fd, SOCK_DGRAM, 7001, &s), 0);
	raw_read_call(fd, s, 9);
	close(fd);
	wait_port_free(SOCK_DGRAM, 7001);
}

/* ---- programs linked with librumpclient ---------------------------------------- */

/* A child's work as a client: 0 if every call did what it should. */
static int
client_work(int i)
{
	char path[32], buf[32], want[32];
	int fds[2], fd;

	if (rump_init() != 0 || rump_sys_pipe2(fds, 0) != 0)
		return 1;
	/* A process of its own: its table starts empty. */
	if (fds[0] != 0 || fds[1] != 1)
		return 2;
	snprintf(path, sizeof(path), "/client%d", i);
	snprintf(want, sizeof(want), "client %d", i);
	fd = rump_sys_open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
	if (fd != 2 || rump_sys_write(fd, want, strlen(want)) !=
	    (ssize_t)strlen(want))
		return 3;
	memset(buf, 0, sizeof(buf));
	if (rump_sys_pread(fd, buf, sizeof(buf), 0) != (ssize_t)strlen(want) ||
	    strcmp(buf, want) != 0)
		return 4;
	if (rump_sys_write(fds[1], want, strlen(want)) != (ssize_t)strlen(want) ||
	    rump_sys_read(fds[0], buf, sizeof(buf)) != (ssize_t)strlen(want))
		return 5;
	if (rump_sys_unlink(path) != 0)
		return 6;
	return rump_fini();
}

static void
fifty_clients_at_once_each_have_their_own_descriptors(void **state)
{
	pid_t kids[50];
	int gun[2], i, status;
	char c;

	(void)state;
	assert_int_equal(pipe(gun), 0);
	for (i = 0; i < 50; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			close(gun[1]);
			/* All start when the parent closes the pipe. */
			if (read(gun[0], &c, 1) != 0)
				remotetest_child_exit(9);
			remotetest_child_exit(client_work(i));
		}
	}
	close(gun[0]);
	close(gun[1]);
	for (i = 0; i < 50; i++) {
		assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
}

/* A client that blocks in accept (tcp) or recv (udp) on port, after telling. */
static void
blocked_client(int tcp, uint16_t port, int tell)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	char c = 0;
	int s;

	if (rump_init() != 0)
		remotetest_child_exit(1);
	s = rump_sys_socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (s < 0 || rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    (tcp && rump_sys_listen(s, 5) != 0))
		remotetest_child_exit(2);
	if (write(tell, &c, 1) != 1)
		remotetest_child_exit(3);
	if (tcp)
		rump_sys_accept(s, NULL, NULL);
	else
		rump_sys_recv(s, &c, 1, 0);
	remotetest_child_exit(4);
}

static void
clients_killed_in_accept_and_recv_leave_nothing_behind(void **state)
{
	pid_t kids[20];
	int tell[2], i, status;
	char c;

	(void)state;
	assert_int_equal(pipe(tell), 0);
	for (i = 0; i < 20; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0)
			blocked_client(i % 2, (uint16_t)(7100 + i), tell[1]);
	}
	for (i = 0; i < 20; i++)
		assert_int_equal(read(tell[0], &c, 1), 1);
	for (i = 0; i < 20; i++) {
		kill(kids[i], SIGKILL);
		assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
	}
	close(tell[0]);
	close(tell[1]);
	/* Their sockets are closed; the server's exit checks its memory. */
	for (i = 0; i < 20; i++)
		wait_port_free(i % 2 ? SOCK_STREAM : SOCK_DGRAM,
		    (uint16_t)(7100 + i));
}

static void
the_unix_socket_is_its_owners_alone(void **state)
{
	char path[256];
	struct stat sb;

	(void)state;
	snprintf(path, sizeof(path), "%s/sock", remotetest_dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(S_ISSOCK(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_uid, getuid());
}

static void
a_user_other_than_the_owner_cannot_connect(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct passwd *pw = getpwnam("nobody");
	pid_t kid;
	int status, fd;

	(void)state;
	if (getuid() != 0 || pw == NULL) {
		print_message("needs root, to become nobody\n");
		skip();
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock", remotetest_dir);
	kid = fork();
	assert_true(kid >= 0);
	if (kid == 0) {
		if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
		    setuid(pw->pw_uid) != 0)
			remotetest_child_exit(1);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			remotetest_child_exit(2);
		remotetest_child_exit(errno == EACCES ? 0 : 3);
	}
	assert_int_equal(waitpid(kid, &status, 0), kid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A child's exit status after fn, run as a librumpclient program. */
static int
in_child(int (*fn)(const char *), const char *arg)
{
	pid_t kid = fork();
	int status;

	assert_true(kid >= 0);
	if (kid == 0)
		remotetest_child_exit(fn(arg));
	assert_int_equal(waitpid(kid, &status, 0), kid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int
connect_to(const char *url)
{
	setenv("RUMP_SERVER", url, 1);
	if (rump_init() != 0)
		return 1;
	return rump_sys_getpid() > 1 ? 0 : 2;
}

/* Connects, disconnects and connects again: a new process each time. */
static int
connect_twice(const char *url)
{
	pid_t first;

	setenv("RUMP_SERVER", url, 1);
	if (rump_init() != 0 || (first = rump_sys_getpid()) <= 1)
		return 1;
	if (rump_fini() != 0 || rump_init() != 0)
		return 2;
	return rump_sys_getpid() > 1 && rump_sys_getpid() != first ? 0 : 3;
}

static int
connect_fails(const char *url)
{
	setenv("RUMP_SERVER", url, 1);
	return rump_init() == ENOENT && rump_sys_getpid() == -1 &&
	    errno == ENOTCONN ? 0 : 1;
}

static void
no_server_at_the_path_is_enoent_and_later_calls_enotconn(void **state)
{
	char url[256];

	(void)state;
	snprintf(url, sizeof(url), "unix://%s/nothing", remotetest_dir);
	assert_int_equal(in_child(connect_fails, url), 0);
}

/* rump_init()'s error with RUMP_SERVER=url (NULL: unset), in a child. */
static int
init_error(const char *url)
{
	if (url == NULL)
		unsetenv("RUMP_SERVER");
	else
		setenv("RUMP_SERVER", url, 1);
	return rump_init();
}

/* A TCP port on the loopback address that nobody listens on now. */
static unsigned int
closed_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &len), 0);
	close(s);
	return ntohs(sin.sin_port);
}

static void
a_client_that_connects_again_is_a_new_process(void **state)
{
	(void)state;
	assert_int_equal(in_child(connect_twice, remotetest_url), 0);
}

static void
a_server_url_that_cannot_be_reached_is_refused_with_its_reason(void **state)
{
	char url[256], path[200];

	(void)state;
	assert_int_equal(in_child(init_error, NULL), EINVAL);
	assert_int_equal(in_child(init_error, "ftp://127.0.0.1:21"), EINVAL);
	assert_int_equal(in_child(init_error, "tcp://no-port"), EINVAL);
	assert_int_equal(in_child(init_error, "tcp://127.0.0.1:no-port"),
	    EHOSTUNREACH);
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", closed_port());
	assert_int_equal(in_child(init_error, url), ECONNREFUSED);
	memset(path, 'x', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	snprintf(url, sizeof(url), "unix:///%s", path);
	assert_int_equal(in_child(init_error, url), ENAMETOOLONG);
}

/* How a fake server answers the hello (fake_server_answer()). */
#define FAKE_VERSION	0	/* a welcome of another protocol version */
#define FAKE_REFUSAL	1	/* a welcome that refuses the client */
#define FAKE_NOTYPE	2	/* a reply frame instead of a welcome */
#define FAKE_HANGUP	3	/* no answer: the connection closes */

/*
 * rump_init()'s error in a child, against a fake server on a unix
 * socket of ours that reads the hello and answers as told.
 */
static int
fake_server_answer(int how)
{
	struct rump_rpc_welcome wel = {
	    .rw_error = how == FAKE_REFUSAL ? EPERM : 0 };
	struct rpc_wbuf b = { .rb_data = NULL };
	uint8_t hb[RUMP_RPC_HDRLEN], hello[RUMP_RPC_HELLOLEN];
	char url[160];
	int ls, fd, status;
	pid_t kid;

	ls = raw_fake_listen(url, sizeof(url));
	kid = fork();
	assert_true(kid >= 0);
	if (kid == 0)
		remotetest_child_exit(init_error(url));
	fd = accept(ls, NULL, NULL);
	assert_true(fd >= 0);
	raw_readall(fd, hb, sizeof(hb));
	raw_readall(fd, hello, sizeof(hello));
	if (how != FAKE_HANGUP) {
		raw_begin(&b);
		rpc_put_welcome(&b, &wel);
		rpc_put_hdr(b.rb_data, (uint32_t)b.rb_len, how == FAKE_NOTYPE ?
		    RUMP_RPC_REPLY : RUMP_RPC_HANDSHAKE, 0);
		/* The version, after the length. */
		b.rb_data[4] += how == FAKE_VERSION;
		raw_write(fd, b.rb_data, b.rb_len);
		free(b.rb_data);
	}
	close(fd);
	close(ls);
	unlink(url + strlen("unix://"));
	assert_int_equal(waitpid(kid, &status, 0), kid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
a_server_that_does_not_welcome_us_is_refused_with_its_reason(void **state)
{
	(void)state;
	assert_int_equal(fake_server_answer(FAKE_VERSION), EPROTONOSUPPORT);
	assert_int_equal(fake_server_answer(FAKE_REFUSAL), EPERM);
	assert_int_equal(fake_server_answer(FAKE_NOTYPE), EPROTO);
	assert_int_equal(fake_server_answer(FAKE_HANGUP), ECONNRESET);
}

/* A rump_server on TCP (tcp_server_start()). */
struct tcp_server {
	pid_t		pid;
	int		out;		/* its standard output */
	char		url[128];	/* where it listens */
};

/* rump_server --listen tcp://:0, up; where it listens in ts->url. */
static void
tcp_server_start(struct tcp_server *ts)
{
	const char *build = getenv("RUMP_TEST_BUILD");
	char prog[4096], out[4096] = "";
	const char *at;
	size_t len = 0;
	ssize_t n;
	int fds[2];

	snprintf(prog, sizeof(prog), "%s/bin/rump_server",
	    build != NULL ? build : "build");
	assert_int_equal(pipe(fds), 0);
	ts->pid = fork();
	assert_true(ts->pid >= 0);
	if (ts->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(fds[1], 1);
		execl(prog, prog, "--listen", "tcp://:0", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	ts->out = fds[0];
	while (strstr(out, "rump_server: up:") == NULL) {
		n = read(ts->out, out + len, sizeof(out) - 1 - len);
		assert_true(n > 0);
		len += (size_t)n;
		out[len] = '\0';
	}
	at = strstr(out, "listening on tcp://127.0.0.1:");
	assert_non_null(at);
	assert_int_equal(sscanf(at, "listening on %127s", ts->url), 1);
}

/* Stops it: it must shut down cleanly, with no kernel memory in use. */
static void
tcp_server_stop(struct tcp_server *ts)
{
	char buf[4096];
	int status;

	kill(ts->pid, SIGTERM);
	while (read(ts->out, buf, sizeof(buf)) > 0)
		continue;
	close(ts->out);
	assert_int_equal(waitpid(ts->pid, &status, 0), ts->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
a_tcp_listener_defaults_to_loopback_and_serves(void **state)
{
	struct tcp_server ts;

	(void)state;
	tcp_server_start(&ts);
	assert_int_equal(in_child(connect_to, ts.url), 0);
	tcp_server_stop(&ts);
}

/*
 * Over TCP (no channels): a child reads the pipe its parent opened and
 * wrote to.  0, or the check that failed.
 */
static int
fork_over_tcp(const char *url)
{
	int fds[2], status;
	pid_t kid;
	char c = 0;

	setenv("RUMP_SERVER", url, 1);
	if (rump_init() != 0 || rump_sys_pipe2(fds, 0) != 0 ||
	    rump_sys_write(fds[1], "t", 1) != 1)
		return 1;
	kid = fork();
	if (kid == 0)
		remotetest_child_exit(rump_sys_read(fds[0], &c, 1) == 1 &&
		    c == 't' ? 0 : 1);
	if (kid < 0 || waitpid(kid, &status, 0) != kid || !WIFEXITED(status))
		return 2;
	return WEXITSTATUS(status) == 0 ? 0 : 3;
}

static void
a_forked_child_over_tcp_has_its_parents_descriptors(void **state)
{
	struct tcp_server ts;

	(void)state;
	tcp_server_start(&ts);
	assert_int_equal(in_child(fork_over_tcp, ts.url), 0);
	tcp_server_stop(&ts);
}

/*
 * Connected over TCP (a call made), says so on up, waits for go (the
 * server gone meanwhile), then forks: the parent's fork works, and the
 * child's call, like the parent's, fails with ENOTCONN.  0, or the check
 * that failed.
 */
static int
fork_after_the_server_went(const char *url, int up, int go)
{
	pid_t kid;
	int status;
	char c = 0;

	setenv("RUMP_SERVER", url, 1);
	if (rump_init() != 0 || rump_sys_getpid() <= 1 ||
	    write(up, &c, 1) != 1 || read(go, &c, 1) != 1)
		return 1;
	kid = fork();
	if (kid == 0)
		remotetest_child_exit(
		    rump_sys_getpid() == -1 && errno == ENOTCONN ? 0 : 1);
	if (kid < 0 || waitpid(kid, &status, 0) != kid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return 2;
	return rump_sys_getpid() == -1 && errno == ENOTCONN ? 0 : 3;
}

static void
a_fork_after_the_server_went_leaves_the_child_enotconn(void **state)
{
	struct tcp_server ts;
	int up[2], go[2], status;
	pid_t kid;
	char c = 0;

	(void)state;
	tcp_server_start(&ts);
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(go), 0);
	kid = fork();
	assert_true(kid >= 0);
	if (kid == 0)
		remotetest_child_exit(fork_after_the_server_went(ts.url, up[1],
		    go[0]));
	assert_int_equal(read(up[0], &c, 1), 1);
	tcp_server_stop(&ts);
	assert_int_equal(write(go[1], &c, 1), 1);
	assert_int_equal(waitpid(kid, &status, 0), kid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(up[0]);
	close(up[1]);
	close(go[0]);
	close(go[1]);
}

/* A thread blocked in a remote read of one byte. */
struct tcp_reader {
	pthread_t	thread;
	pid_t		tid;
	int		fd;
	long		ret;
	int		error;		/* errno, when ret is -1 */
};

static void *
tcp_reader_run(void *arg)
{
	struct tcp_reader *r = arg;
	char c;

	__atomic_store_n(&r->tid, thread_self_id(), __ATOMIC_RELEASE);
	r->ret = rump_sys_read(r->fd, &c, 1);
	r->error = errno;
	return NULL;
}

/*
 * Connected to url: two threads blocked in reads of the pipes a and b
 * (one reads the socket, the other sleeps behind it).  False if not.
 */
static bool
two_readers_over_tcp(const char *url, struct tcp_reader r[2], int a[2], int b[2])
{
	int i;

	setenv("RUMP_SERVER", url, 1);
	if (rump_init() != 0 || rump_sys_pipe2(a, 0) != 0 ||
	    rump_sys_pipe2(b, 0) != 0)
		return false;
	r[0] = (struct tcp_reader){ .fd = a[0] };
	r[1] = (struct tcp_reader){ .fd = b[0] };
	for (i = 0; i < 2; i++) {
		if (pthread_create(&r[i].thread, NULL, tcp_reader_run, &r[i]) != 0)
			return false;
		wait_thread_asleep(&r[i].tid);
	}
	return true;
}

/*
 * Over TCP: while two threads are blocked in reads, this one's calls
 * come and go; each read ends with its own byte, the first while the
 * second waits on.  0, or the check that failed.
 */
static int
threads_over_tcp(const char *url)
{
	struct tcp_reader r[2];
	int a[2], b[2], i;

	if (!two_readers_over_tcp(url, r, a, b))
		return 1;
	for (i = 0; i < 100; i++)
		if (rump_sys_getpid() <= 1)
			return 3;
	if (rump_sys_write(a[1], "a", 1) != 1 ||
	    pthread_join(r[0].thread, NULL) != 0 || r[0].ret != 1 ||
	    rump_sys_write(b[1], "b", 1) != 1 ||
	    pthread_join(r[1].thread, NULL) != 0 || r[1].ret != 1)
		return 4;
	return 0;
}

static void
threads_over_tcp_take_turns_reading_their_replies(void **state)
{
	struct tcp_server ts;

	(void)state;
	tcp_server_start(&ts);
	assert_int_equal(in_child(threads_over_tcp, ts.url), 0);
	tcp_server_stop(&ts);
}

/*
 * Over TCP: rump_fini() while two threads are blocked in reads returns
 * once both have failed with ENOTCONN.  0, or the check that failed.
 */
static int
fini_over_tcp(const char *url)
{
	struct tcp_reader r[2];
	int a[2], b[2], i;

	if (!two_readers_over_tcp(url, r, a, b))
		return 1;
	if (rump_fini() != 0)
		return 2;
	for (i = 0; i < 2; i++)
		if (pthread_join(r[i].thread, NULL) != 0 || r[i].ret != -1 ||
		    r[i].error != ENOTCONN)
			return 3;
	return 0;
}

static void
rump_fini_over_tcp_fails_the_calls_blocked_in_other_threads(void **state)
{
	struct tcp_server ts;

	(void)state;
	tcp_server_start(&ts);
	assert_int_equal(in_child(fini_over_tcp, ts.url), 0);
	tcp_server_stop(&ts);
}

/*
 * rump_server --listen URL, its standard error in err: its exit status,
 * or -1 if it did not exit.
 */
static int
server_listen_status(const char *url, char *err, size_t errlen)
{
	const char *build = getenv("RUMP_TEST_BUILD");
	char prog[4096];
	size_t len = 0;
	ssize_t n;
	int fds[2], status;
	pid_t srv;

	snprintf(prog, sizeof(prog), "%s/bin/rump_server",
	    build != NULL ? build : "build");
	if (pipe(fds) != 0 || (srv = fork()) < 0)
		return -1;
	if (srv == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		/* A server that listens instead ends here, not the test. */
		alarm(60);
		dup2(fds[1], 2);
		execl(prog, prog, "--listen", url, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (len < errlen - 1 &&
	    (n = read(fds[0], err + len, errlen - 1 - len)) > 0)
		len += (size_t)n;
	err[len] = '\0';
	close(fds[0]);
	if (waitpid(srv, &status, 0) != srv || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* rump_server refuses to listen on url, saying why, with exit status 1. */
static void
assert_listen_refused(const char *url, const char *why)
{
	char err[4096];

	assert_int_equal(server_listen_status(url, err, sizeof(err)), 1);
	if (strstr(err, why) == NULL)
		fail_msg("--listen %s: no '%s' in: %s", url, why, err);
}

static void
a_listen_url_of_another_scheme_is_refused(void **state)
{
	(void)state;
	assert_listen_refused("http://127.0.0.1:80",
	    "expected unix:///path or tcp://ADDR:PORT");
}

static void
a_unix_listen_path_relative_or_too_long_is_refused(void **state)
{
	char url[300] = "unix:///";

	(void)state;
	assert_listen_refused("unix://sock", "expected an absolute path");
	memset(url + 8, 'x', 200);
	assert_listen_refused(url, "expected an absolute path");
}

static void
a_unix_listen_path_that_cannot_be_made_is_refused(void **state)
{
	(void)state;
	assert_listen_refused("unix:///nonexistent-rump-dir/sock",
	    "cannot listen on unix:///nonexistent-rump-dir/sock");
}

static void
a_tcp_listen_address_or_port_that_is_not_one_is_refused(void **state)
{
	static const char *const bad[] = {
		"tcp://127.0.0.1", "tcp://127.0.0.1:", "tcp://127.0.0:80",
		"tcp://:65536", "tcp://:80x", "tcp://0123456789abcdef:80",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_listen_refused(bad[i], "expected ADDR:PORT");
}

static void
a_tcp_listen_port_taken_is_refused(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	char url[64];
	int s = socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(s, 1), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &len), 0);
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", ntohs(sin.sin_port));
	assert_listen_refused(url, "cannot listen on tcp://127.0.0.1:");
	close(s);
}

/* Last: the server goes away under a connected client. */
static void
a_lost_server_gives_enotconn_to_every_later_call(void **state)
{
	int up[2], go[2], status;
	pid_t kid;
	char c = 0;

	(void)state;
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(go), 0);
	kid = fork();
	assert_true(kid >= 0);
	if (kid == 0) {
		if (rump_init() != 0 || rump_sys_getpid() <= 1 ||
		    write(up[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			remotetest_child_exit(1);
		if (rump_sys_getpid() != -1 || errno != ENOTCONN)
			remotetest_child_exit(2);
		if (rump_sys_write(0, "x", 1) != -1 || errno != ENOTCONN)
			remotetest_child_exit(3);
		remotetest_child_exit(0);
	}
	assert_int_equal(read(up[0], &c, 1), 1);
	assert_int_equal(remotetest_stop(), 0);
	remotetest_server = -1;
	assert_int_equal(write(go[1], &c, 1), 1);
	assert_int_equal(waitpid(kid, &status, 0), kid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static int
group_setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	return remotetest_start();
}

static int
group_teardown(void **state)
{
	(void)state;
	if (remotetest_stop() != 0)
		exit(1);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(each_client_is_a_process_of_its_own),
		leak_test(a_frame_longer_than_the_largest_closes_that_client_only),
		leak_test(a_frame_shorter_than_its_header_closes_the_client),
		leak_test(a_length_beyond_the_frame_closes_that_client_only),
		leak_test(a_buffer_unlike_its_size_argument_closes_that_client_only),
		leak_test(an_iovec_count_unlike_the_calls_closes_that_client_only),
		leak_test(more_iovecs_than_iov_max_close_that_client_only),
		leak_test(an_unknown_system_call_closes_that_client_only),
		leak_test(a_wrong_argument_count_closes_that_client_only),
		leak_test(a_string_without_its_nul_closes_that_client_only),
		leak_test(random_bytes_close_that_client_only),
		leak_test(a_call_before_the_handshake_closes_the_client),
		leak_test(a_client_of_another_version_is_told_ours_and_refused),
		leak_test(an_interrupt_ends_a_blocked_read_with_eintr),
		leak_test(a_disconnect_wakes_the_blocked_calls_and_closes_the_descriptors),
		leak_test(a_client_with_too_many_calls_waiting_is_closed),
		leak_test(fifty_clients_at_once_each_have_their_own_descriptors),
		leak_test(clients_killed_in_accept_and_recv_leave_nothing_behind),
		leak_test(the_unix_socket_is_its_owners_alone),
		leak_test(a_user_other_than_the_owner_cannot_connect),
		leak_test(no_server_at_the_path_is_enoent_and_later_calls_enotconn),
		leak_test(a_client_that_connects_again_is_a_new_process),
		leak_test(a_server_url_that_cannot_be_reached_is_refused_with_its_reason),
		leak_test(a_server_that_does_not_welcome_us_is_refused_with_its_reason),
		leak_test(a_tcp_listener_defaults_to_loopback_and_serves),
		leak_test(a_forked_child_over_tcp_has_its_parents_descriptors),
		leak_test(a_fork_after_the_server_went_leaves_the_child_enotconn),
		leak_test(threads_over_tcp_take_turns_reading_their_replies),
		leak_test(rump_fini_over_tcp_fails_the_calls_blocked_in_other_threads),
		leak_test(a_listen_url_of_another_scheme_is_refused),
		leak_test(a_unix_listen_path_relative_or_too_long_is_refused),
		leak_test(a_unix_listen_path_that_cannot_be_made_is_refused),
		leak_test(a_tcp_listen_address_or_port_that_is_not_one_is_refused),
		leak_test(a_tcp_listen_port_taken_is_refused),
		leak_test(a_lost_server_gives_enotconn_to_every_later_call),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
