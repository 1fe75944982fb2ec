/*
 * fork() in a remote client (librumpclient's rc_conn.c): the child is a
 * client of its own, a new process in the server with an empty
 * descriptor table, and the parent's calls go on untouched, also one
 * blocked in a channel across the fork.  A child reports with its exit
 * status (0, or the number of the check that failed), as cmocka's
 * assertions are the parent's (remotetest_child_exit()).
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apitest.h"
#include "tcptest.h"
#include "rawclient.h"
#include "threadstate.h"

#define NR_CLOSE	3

/* Calls each side makes while the other makes its own. */
#define NCALLS	2000

/* A pipe in the server carries byte c from end to end. */
static int
pipe_carries(const int fds[2], char c)
{
	char got = 0;

	return rump_sys_write(fds[1], &c, 1) == 1 &&
	    rump_sys_read(fds[0], &got, 1) == 1 && got == c;
}

static int
pipe_open_carries(char c)
{
	int fds[2], ok;

	if (rump_sys_pipe2(fds, 0) != 0)
		return 0;
	ok = pipe_carries(fds, c);
	ok = rump_sys_close(fds[0]) == 0 && ok;
	return rump_sys_close(fds[1]) == 0 && ok;
}

/* NCALLS rounds: pid is ours in the server and our pipe carries our byte. */
static int
calls_get_their_own_answers(pid_t pid, const int fds[2], char c)
{
	for (int i = 0; i < NCALLS; i++)
		if (rump_sys_getpid() != pid || !pipe_carries(fds, c))
			return 0;
	return 1;
}

/* The child's exit status: 0, or the check that failed. */
static int
child_waited(pid_t child)
{
	int status;

	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
a_child_reads_a_pipe_its_parent_opened(void **state)
{
	pid_t parent, child;
	int fds[2];

	(void)state;
	parent = rump_sys_getpid();
	assert_true(parent > 1);
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	assert_int_equal(rump_sys_write(fds[1], "p", 1), 1);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pid_t mine = rump_sys_getpid();
		char c = 0;

		if (mine <= 1 || mine == parent)
			remotetest_child_exit(1);
		if (rump_sys_read(fds[0], &c, 1) != 1 || c != 'p')
			remotetest_child_exit(2);
		remotetest_child_exit(0);
	}
	assert_int_equal(child_waited(child), 0);
	assert_int_equal(rump_sys_getpid(), parent);
	assert_true(pipe_carries(fds, 'q'));
	assert_int_equal(rump_sys_close(fds[0]), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
}

static void
a_childs_close_leaves_the_parents_descriptor_open(void **state)
{
	pid_t child;
	int fds[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		remotetest_child_exit(rump_sys_close(fds[0]) == 0 &&
		    rump_sys_close(fds[1]) == 0 ? 0 : 1);
	assert_int_equal(child_waited(child), 0);
	assert_true(pipe_carries(fds, 'p'));
	assert_int_equal(rump_sys_close(fds[0]), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
}

static void
a_child_works_in_the_directory_of_its_parent(void **state)
{
	struct stat st;
	pid_t child;
	int fd;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/fork_cwd", 0755), 0);
	assert_int_equal(rump_sys_chdir("/fork_cwd"), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char cwd[64];

		if (rump_sys_getcwd(cwd, sizeof(cwd)) <= 0 ||
		    strcmp(cwd, "/fork_cwd") != 0)
			remotetest_child_exit(1);
		fd = rump_sys_open("made_by_child", O_CREAT | O_WRONLY, 0644);
		remotetest_child_exit(fd >= 0 && rump_sys_close(fd) == 0 ? 0 : 2);
	}
	assert_int_equal(child_waited(child), 0);
	assert_int_equal(rump_sys_chdir("/"), 0);
	assert_int_equal(rump_sys_stat("/fork_cwd/made_by_child", &st), 0);
	assert_int_equal(rump_sys_unlink("/fork_cwd/made_by_child"), 0);
	assert_int_equal(rump_sys_rmdir("/fork_cwd"), 0);
}

static void
parent_and_child_calling_at_once_get_their_own_answers(void **state)
{
	pid_t parent, child;
	int fds[2];

	(void)state;
	parent = rump_sys_getpid();
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pid_t mine = rump_sys_getpid();
		int cfds[2];

		if (mine <= 1 || mine == parent || rump_sys_pipe2(cfds, 0) != 0)
			remotetest_child_exit(1);
		remotetest_child_exit(
		    calls_get_their_own_answers(mine, cfds, 'c') ? 0 : 2);
	}
	assert_true(calls_get_their_own_answers(parent, fds, 'p'));
	assert_int_equal(child_waited(child), 0);
	assert_int_equal(rump_sys_close(fds[0]), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
}

/* A thread blocked in a remote read through its channel. */
struct reader {
	pthread_t	thread;
	pid_t		tid;
	int		fd;
	long		ret;
	char		c;
};

static void *
reader_run(void *arg)
{
	struct reader *r = arg;

	/* Its first call makes its channel: seen asleep in the read after. */
	if (rump_sys_getpid() > 1)
		__atomic_store_n(&r->tid, thread_self_id(), __ATOMIC_RELEASE);
	r->ret = rump_sys_read(r->fd, &r->c, 1);
	return NULL;
}

static void
a_call_blocked_in_the_parent_across_a_fork_gets_its_reply(void **state)
{
	struct reader r = { .tid = 0 };
	pid_t child;
	int fds[2];
	char c = 'b';

	(void)state;
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	r.fd = fds[0];
	assert_int_equal(pthread_create(&r.thread, NULL, reader_run, &r), 0);
	wait_thread_asleep(&r.tid);
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		remotetest_child_exit(pipe_open_carries('c') ? 0 : 1);
	assert_int_equal(child_waited(child), 0);
	assert_int_equal(rump_sys_write(fds[1], &c, 1), 1);
	assert_int_equal(pthread_join(r.thread, NULL), 0);
	assert_int_equal(r.ret, 1);
	assert_int_equal(r.c, 'b');
	assert_int_equal(rump_sys_close(fds[0]), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
}

static void
a_child_that_ends_its_connection_gets_enotconn(void **state)
{
	pid_t child;

	(void)state;
	assert_true(rump_sys_getpid() > 1);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (rump_fini() != 0)
			remotetest_child_exit(1);
		remotetest_child_exit(
		    rump_sys_getpid() == -1 && errno == ENOTCONN ? 0 : 2);
	}
	assert_int_equal(child_waited(child), 0);
	assert_true(rump_sys_getpid() > 1);
}

static void *
getpid_thread(void *arg)
{
	*(pid_t *)arg = rump_sys_getpid();
	return NULL;
}

/*
 * In the child: descriptors used up but one, which a new thread's call
 * needs for its eventfd on the socket; a channel needs more.
 */
static int
calls_without_room_for_a_channel(void)
{
	struct rlimit rl;
	pid_t mine = rump_sys_getpid(), got = 0;
	pthread_t t;
	int fd, before;

	if (mine <= 1 || (before = remotetest_channels_mapped()) < 0)
		return 1;
	/* The lowest free descriptor: the only one left. */
	if ((fd = dup(0)) < 0)
		return 2;
	rl.rlim_cur = rl.rlim_max = (rlim_t)fd + 1;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 3;
	close(fd);
	if (pthread_create(&t, NULL, getpid_thread, &got) != 0 ||
	    pthread_join(t, NULL) != 0)
		return 4;
	if (got != mine)
		return 5;
	return remotetest_channels_mapped() == before ? 0 : 6;
}

static void
a_thread_that_cannot_make_a_channel_makes_its_calls_over_the_socket(void **state)
{
	pid_t child;

	(void)state;
	fflush(NULL);
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		remotetest_child_exit(calls_without_room_for_a_channel());
	assert_int_equal(child_waited(child), 0);
}

/*
 * The child of a forking server: lets go of the listener and of the
 * other end c (its parent's, here), echoes what comes on connection a
 * until the peer closes it; 0 or the failed check.
 */
static int
echo_served(int l, int c, int a)
{
	char buf[64];
	ssize_t n;

	if (rump_sys_close(l) != 0 || rump_sys_close(c) != 0)
		return 1;
	while ((n = rump_sys_read(a, buf, sizeof(buf))) > 0)
		if (rump_sys_write(a, buf, (size_t)n) != n)
			return 2;
	return n == 0 && rump_sys_close(a) == 0 ? 0 : 3;
}

static void
a_forking_echo_server_serves_each_connection_in_a_child(void **state)
{
	struct sockaddr_in sin;
	char msg[16], buf[16];
	int l, c, a, i, len;
	pid_t child;

	(void)state;
	l = tcptest_listener(&sin, 16);
	for (i = 0; i < 3; i++) {
		c = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
		assert_true(c >= 0);
		assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
		    sizeof(sin)), 0);
		a = rump_sys_accept(l, NULL, NULL);
		assert_true(a >= 0);
		child = fork();
		assert_true(child >= 0);
		if (child == 0)
			remotetest_child_exit(echo_served(l, c, a));
		/* The server's copy: the child's is the connection now. */
		assert_int_equal(rump_sys_close(a), 0);
		len = snprintf(msg, sizeof(msg), "echo %d", i);
		assert_int_equal(rump_sys_write(c, msg, (size_t)len), len);
		assert_int_equal(rump_sys_read(c, buf, sizeof(buf)), len);
		assert_memory_equal(buf, msg, (size_t)len);
		assert_int_equal(rump_sys_close(c), 0);
		assert_int_equal(child_waited(child), 0);
	}
	assert_int_equal(rump_sys_close(l), 0);
}

/*
 * A daemon's fork: the child forks a grandchild and exits at once; the
 * grandchild, whose first call comes once its parent is gone, still has
 * the pipes (their write ends are ours and the copies' alone: a lost
 * copy would end this read with the end of the file).
 */
static void
a_childs_copy_outlives_its_parent(void **state)
{
	int p[2], q[2];
	pid_t child;
	char c = 0;

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_pipe2(q, 0), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (fork() == 0)
			remotetest_child_exit(rump_sys_read(p[0], &c, 1) == 1 &&
			    rump_sys_write(q[1], "g", 1) == 1 ? 0 : 1);
		remotetest_child_exit(0);
	}
	assert_int_equal(child_waited(child), 0);
	assert_int_equal(rump_sys_close(q[1]), 0);
	assert_int_equal(rump_sys_write(p[1], "t", 1), 1);
	assert_int_equal(rump_sys_read(q[0], &c, 1), 1);
	assert_int_equal(c, 'g');
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
	assert_int_equal(rump_sys_close(q[0]), 0);
}

static void
rump_init_when_connected_keeps_the_connection(void **state)
{
	pid_t pid = rump_sys_getpid();

	(void)state;
	assert_int_equal(rump_init(), 0);
	assert_int_equal(rump_sys_getpid(), pid);
}

static void
a_child_of_a_parent_without_a_connection_gets_enotconn(void **state)
{
	pid_t child;

	(void)state;
	assert_int_equal(rump_fini(), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		remotetest_child_exit(
		    rump_sys_getpid() == -1 && errno == ENOTCONN ? 0 : 1);
	assert_int_equal(child_waited(child), 0);
	/* The parent connects again: a process of its own. */
	assert_int_equal(rump_init(), 0);
	assert_true(rump_sys_getpid() > 1);
}

/*
 * Each child of a forking parent holds the pipe's write end in the
 * server: half make a call first, half do not; once every child is gone,
 * the parent's read sees the end of the file only if every copy of the
 * parent's process in the server is gone too.
 */
static void
a_hundred_forks_leave_nothing_behind(void **state)
{
	int fds[2], before, i;
	pid_t child;
	char c;

	(void)state;
	before = host_fds();
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	for (i = 0; i < 100; i++) {
		child = fork();
		assert_true(child >= 0);
		if (child == 0)
			remotetest_child_exit(i % 2 == 0 ||
			    rump_sys_getpid() > 1 ? 0 : 1);
		assert_int_equal(child_waited(child), 0);
	}
	assert_int_equal(host_fds(), before);
	assert_int_equal(rump_sys_close(fds[1]), 0);
	assert_int_equal(rump_sys_read(fds[0], &c, 1), 0);
	assert_int_equal(rump_sys_close(fds[0]), 0);
}

static void
a_child_that_execs_lets_go_of_its_copy(void **state)
{
	int fds[2];
	pid_t child;
	char c;

	(void)state;
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(child_waited(child), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
	assert_int_equal(rump_sys_read(fds[0], &c, 1), 0);
	assert_int_equal(rump_sys_close(fds[0]), 0);
}

/* ---- the protocol by hand ---------------------------------------------- */

/* A prefork on raw client fd as request id: the answer's error, the cookie in *ck. */
static int
raw_prefork(int fd, uint64_t id, struct rump_rpc_cookie *ck)
{
	struct rump_rpc_replyhdr rh;
	struct rump_rpc_hdr h;
	struct rpc_wbuf b;
	struct rpc_rcur c;
	uint8_t buf[64];
	size_t len;

	raw_begin(&b);
	raw_frame(fd, &b, RUMP_RPC_PREFORK, id);
	len = raw_reply(fd, &h, buf, sizeof(buf));
	assert_int_equal(h.rh_type, RUMP_RPC_REPLY);
	assert_int_equal(h.rh_reqid, id);
	c = (struct rpc_rcur){ .rc_p = buf, .rc_left = len };
	rpc_get_replyhdr(&c, &rh);
	if (rh.rr_error == 0)
		rpc_get_cookie(&c, ck);
	assert_false(c.rc_bad);
	assert_int_equal(c.rc_left, 0);
	return rh.rr_error;
}

/* Exactly len bytes, or false; no cmocka (a forked child calls it). */
static bool
recv_all(int fd, uint8_t *p, size_t len)
{
	ssize_t n;

	for (; len > 0; p += n, len -= (size_t)n)
		if ((n = recv(fd, p, len, 0)) <= 0)
			return false;
	return true;
}

/*
 * A fork handshake with cookie ck on a new connection (in *fdp): the
 * welcome's error, its pid in *pidp; -1 if none came.  No cmocka: a
 * forked child calls it.
 */
static int
fork_hello(const struct rump_rpc_cookie *ck, int *fdp, uint32_t *pidp)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct rump_rpc_hello hello = { .rhe_features = RUMP_RPC_FEAT_FORK };
	struct rump_rpc_welcome wel;
	struct rump_rpc_hdr h;
	struct rpc_wbuf b;
	struct rpc_rcur c;
	uint8_t hb[RUMP_RPC_HDRLEN], buf[64];
	int fd;
	bool sent;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock", remotetest_dir);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return -1;
	*fdp = fd;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		return -1;
	b = (struct rpc_wbuf){ .rb_data = NULL };
	rpc_wbuf_room(&b, RUMP_RPC_HDRLEN);
	rpc_put_hello(&b, &hello);
	rpc_put_cookie(&b, ck);
	if (b.rb_nomem)
		return -1;
	rpc_put_hdr(b.rb_data, (uint32_t)b.rb_len, RUMP_RPC_FORKHANDSHAKE, 0);
	sent = send(fd, b.rb_data, b.rb_len, MSG_NOSIGNAL) == (ssize_t)b.rb_len;
	free(b.rb_data);
	if (!sent || !recv_all(fd, hb, sizeof(hb)))
		return -1;
	rpc_get_hdr(hb, &h);
	if (h.rh_type != RUMP_RPC_HANDSHAKE ||
	    h.rh_len != RUMP_RPC_HDRLEN + RUMP_RPC_WELCOMELEN ||
	    !recv_all(fd, buf, RUMP_RPC_WELCOMELEN))
		return -1;
	c = (struct rpc_rcur){ .rc_p = buf, .rc_left = RUMP_RPC_WELCOMELEN };
	rpc_get_welcome(&c, &wel);
	*pidp = wel.rw_pid;
	return wel.rw_error;
}

/* close(rfd) by raw client fd: 0 or the call's errno. */
static int
raw_close(int fd, int32_t rfd)
{
	struct rpc_wbuf b;
	uint8_t buf[64];
	long ret;

	raw_begin(&b);
	rpc_put32(&b, NR_CLOSE);
	rpc_put32(&b, 1);
	rpc_put64(&b, (uint64_t)rfd);
	raw_frame(fd, &b, RUMP_RPC_CALL, 5);
	return raw_result(fd, 5, &ret, buf, sizeof(buf), NULL);
}

/* read(rfd, 1 byte) by raw client fd: what it returned. */
static long
raw_read1(int fd, int32_t rfd)
{
	struct rpc_wbuf b;
	uint8_t buf[64];
	long ret;

	raw_begin(&b);
	rpc_put32(&b, NR_READ);
	rpc_put32(&b, 3);
	rpc_put64(&b, (uint64_t)rfd);
	rpc_put32(&b, 1);
	rpc_put64(&b, 1);
	raw_frame(fd, &b, RUMP_RPC_CALL, 6);
	assert_int_equal(raw_result(fd, 6, &ret, buf, sizeof(buf), NULL), 0);
	return ret;
}

static void
a_cookie_makes_one_connection_the_copy_and_no_other(void **state)
{
	struct rump_rpc_cookie ck;
	uint32_t pid, again;
	int r = raw_client(), a, b;

	(void)state;
	assert_int_equal(raw_prefork(r, 3, &ck), 0);
	assert_int_equal(fork_hello(&ck, &a, &pid), 0);
	assert_true(pid > 1);
	assert_int_not_equal(pid, raw_getpid(r));
	assert_int_equal(raw_getpid(a), pid);
	assert_int_equal(fork_hello(&ck, &b, &again), ESRCH);
	assert_closed(b);
	close(a);
	close(r);
}

static void
a_made_up_cookie_is_refused(void **state)
{
	struct rump_rpc_cookie ck = { .rk_bytes = { 1, 2, 3 } };
	uint32_t pid;
	int fd;

	(void)state;
	assert_int_equal(fork_hello(&ck, &fd, &pid), ESRCH);
	assert_closed(fd);
}

/*
 * r's process and two copies hold a pipe; the claimed copy closes its
 * write end, r its own, and r goes: the claimed copy's read sees the end
 * of the file once the unclaimed copy is gone as well.
 */
static void
an_unclaimed_copy_ends_with_the_client_that_asked_for_it(void **state)
{
	struct rump_rpc_cookie unclaimed, claimed;
	int32_t fds[2];
	uint32_t pid;
	int r = raw_client(), c;

	(void)state;
	raw_pipe(r, fds);
	assert_int_equal(raw_prefork(r, 3, &unclaimed), 0);
	assert_int_equal(raw_prefork(r, 4, &claimed), 0);
	assert_int_equal(fork_hello(&claimed, &c, &pid), 0);
	assert_int_equal(raw_close(c, fds[1]), 0);
	assert_int_equal(raw_close(r, fds[1]), 0);
	close(r);
	assert_int_equal(raw_read1(c, fds[0]), 0);
	close(c);
}

static void
a_client_holding_sixteen_unclaimed_copies_is_refused_more(void **state)
{
	struct rump_rpc_cookie ck;
	uint32_t pid;
	int r = raw_client(), c, i;

	(void)state;
	for (i = 0; i < 16; i++)
		assert_int_equal(raw_prefork(r, 10 + (uint64_t)i, &ck), 0);
	assert_int_equal(raw_prefork(r, 30, &ck), EAGAIN);
	/* A claim makes room for one more. */
	assert_int_equal(fork_hello(&ck, &c, &pid), 0);
	assert_int_equal(raw_prefork(r, 31, &ck), 0);
	close(c);
	close(r);
}

static void
a_prefork_with_a_payload_closes_the_client(void **state)
{
	struct rpc_wbuf b;
	int r = raw_client();

	(void)state;
	raw_begin(&b);
	rpc_put32(&b, 0);
	raw_frame(r, &b, RUMP_RPC_PREFORK, 3);
	assert_closed(r);
}

static void
a_fork_handshake_without_its_cookie_closes_the_connection(void **state)
{
	struct rump_rpc_hello hello = { .rhe_features = 0 };
	struct rpc_wbuf b;
	int fd = raw_connect();

	(void)state;
	raw_begin(&b);
	rpc_put_hello(&b, &hello);
	raw_frame(fd, &b, RUMP_RPC_FORKHANDSHAKE, 0);
	assert_closed(fd);
}

/* How a fake server answers a prefork (fake_prefork()). */
#define PF_REFUSE	0	/* with an error */
#define PF_MALFORMED	1	/* with a reply that carries no cookie */
#define PF_NOCLAIM	2	/* with a cookie, but refuses the fork handshake */

/*
 * In a child: connected to the fake server at url, forks; the
 * grandchild's call must fail with ENOTCONN.  0, or the check that failed.
 */
static int
fork_under_fake(const char *url)
{
	pid_t kid;
	int status;

	/* Ours: the real server's copy of the test's process. */
	if (rump_fini() != 0 || setenv("RUMP_SERVER", url, 1) != 0 ||
	    rump_init() != 0)
		return 1;
	kid = fork();
	if (kid == 0)
		remotetest_child_exit(
		    rump_sys_getpid() == -1 && errno == ENOTCONN ? 0 : 1);
	if (kid < 0 || waitpid(kid, &status, 0) != kid || !WIFEXITED(status))
		return 2;
	return WEXITSTATUS(status) == 0 ? 0 : 3;
}

/* A welcome offering forks, on fake connection fd whose hello (of size len) comes. */
static void
fake_welcome(int fd, size_t len, int refuse)
{
	struct rump_rpc_welcome wel = { .rw_error = refuse, .rw_pid = 7,
	    .rw_features = RUMP_RPC_FEAT_FORK };
	struct rpc_wbuf b;
	uint8_t buf[RUMP_RPC_HDRLEN + RUMP_RPC_HELLOLEN + RUMP_RPC_COOKIELEN];

	assert_true(len <= sizeof(buf));
	raw_readall(fd, buf, len);
	raw_begin(&b);
	rpc_put_welcome(&b, &wel);
	raw_frame(fd, &b, RUMP_RPC_HANDSHAKE, 0);
}

/*
 * A fake server on a unix socket of ours, to which a child connects and
 * forks: it answers the prefork as told (how); the child's exit status.
 */
static int
fake_prefork(int how)
{
	struct rump_rpc_cookie ck = { .rk_bytes = { 9 } };
	struct rump_rpc_hdr h;
	struct rpc_wbuf b;
	uint8_t hb[RUMP_RPC_HDRLEN];
	char url[160];
	int ls, fd, fd2, status;
	pid_t kid;

	ls = raw_fake_listen(url, sizeof(url));
	kid = fork();
	assert_true(kid >= 0);
	if (kid == 0)
		remotetest_child_exit(fork_under_fake(url));
	fd = accept(ls, NULL, NULL);
	assert_true(fd >= 0);
	fake_welcome(fd, RUMP_RPC_HDRLEN + RUMP_RPC_HELLOLEN, 0);
	raw_readall(fd, hb, sizeof(hb));
	rpc_get_hdr(hb, &h);
	assert_int_equal(h.rh_type, RUMP_RPC_PREFORK);
	raw_begin(&b);
	rpc_put_replyhdr(&b, &(struct rump_rpc_replyhdr){
	    .rr_error = how == PF_REFUSE ? EAGAIN : 0 });
	if (how == PF_NOCLAIM)
		rpc_put_cookie(&b, &ck);
	raw_frame(fd, &b, RUMP_RPC_REPLY, h.rh_reqid);
	if (how == PF_NOCLAIM) {
		fd2 = accept(ls, NULL, NULL);
		assert_true(fd2 >= 0);
		fake_welcome(fd2, sizeof(hb) + RUMP_RPC_HELLOLEN +
		    RUMP_RPC_COOKIELEN, ESRCH);
		close(fd2);
	}
	assert_int_equal(waitpid(kid, &status, 0), kid);
	close(fd);
	close(ls);
	unlink(url + strlen("unix://"));
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
a_child_whose_copy_the_server_did_not_make_gets_enotconn(void **state)
{
	(void)state;
	assert_int_equal(fake_prefork(PF_REFUSE), 0);
	assert_int_equal(fake_prefork(PF_MALFORMED), 0);
	assert_int_equal(fake_prefork(PF_NOCLAIM), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_child_reads_a_pipe_its_parent_opened),
		leak_test(a_childs_close_leaves_the_parents_descriptor_open),
		leak_test(a_child_works_in_the_directory_of_its_parent),
		leak_test(parent_and_child_calling_at_once_get_their_own_answers),
		leak_test(a_call_blocked_in_the_parent_across_a_fork_gets_its_reply),
		leak_test(a_forking_echo_server_serves_each_connection_in_a_child),
		leak_test(a_childs_copy_outlives_its_parent),
		leak_test(a_child_that_ends_its_connection_gets_enotconn),
		leak_test(rump_init_when_connected_keeps_the_connection),
		leak_test(a_child_of_a_parent_without_a_connection_gets_enotconn),
		leak_test(a_child_whose_copy_the_server_did_not_make_gets_enotconn),
		leak_test(a_thread_that_cannot_make_a_channel_makes_its_calls_over_the_socket),
		leak_test(a_hundred_forks_leave_nothing_behind),
		leak_test(a_child_that_execs_lets_go_of_its_copy),
		leak_test(a_cookie_makes_one_connection_the_copy_and_no_other),
		leak_test(a_made_up_cookie_is_refused),
		leak_test(an_unclaimed_copy_ends_with_the_client_that_asked_for_it),
		leak_test(a_client_holding_sixteen_unclaimed_copies_is_refused_more),
		leak_test(a_prefork_with_a_payload_closes_the_client),
		leak_test(a_fork_handshake_without_its_cookie_closes_the_connection),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
