/*
 * The shared-memory channels of the remote-call protocol against a real
 * rump_server (librumpclient/rpc_chan.h): offered on a unix socket to a
 * client that asks, set up and used by hand here, refused for another
 * version with the socket serving on, and every malformed request or
 * content of the shared memory closing that client only.  librumpclient
 * uses channels for every thread of the other remote tests.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "apitest.h"
#include "rawclient.h"
#include "rpc_chan.h"
#include "rpc_io.h"

/* The channels of one client, as the server has them (rs_client.c). */
#define RS_MAXCHANNELS	32

/* A channel made by hand: the connection, the memory, our end of the pair. */
struct rawchan {
	int		sock;
	uint32_t	pid;
	struct rump_rpc_chanhdr *hdr;
	uint8_t		*frame;
	int		wake;
};

/* A memfd of size bytes, sealed against shrinking if seal. */
static int
raw_memfd(size_t size, bool seal)
{
	int fd = memfd_create("t_rpc_chan", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	if (seal)
		assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	return fd;
}

/* A channel request of version with nfds descriptors, as call id. */
static void
raw_chanreq(int sock, uint32_t version, const int *fds, int nfds, uint64_t id)
{
	struct rump_rpc_chanreq q = { .cq_version = version,
	    .cq_size = RUMP_RPC_CHANSIZE };
	struct rpc_wbuf b;

	raw_begin(&b);
	rpc_put_chanreq(&b, &q);
	assert_false(b.rb_nomem);
	rpc_put_hdr(b.rb_data, (uint32_t)b.rb_len, RUMP_RPC_CHANNEL, id);
	assert_int_equal(rump_rpc_sendframe_fds(sock, &b, fds, nfds), 0);
	free(b.rb_data);
}

/* The answer to a channel request: 0, or why not. */
static int
raw_chananswer(int sock, uint64_t id)
{
	uint8_t buf[64];
	long ret;

	return raw_result(sock, id, &ret, buf, sizeof(buf), NULL);
}

/* The pair and memory of a channel (the connection is not touched). */
static void
raw_chan_pair(struct rawchan *rc, int *memfdp, int *srvendp)
{
	int pair[2];

	*memfdp = raw_memfd(RUMP_RPC_CHANSIZE, true);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    pair), 0);
	rc->wake = pair[0];
	*srvendp = pair[1];
	rc->hdr = mmap(NULL, RUMP_RPC_CHANSIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED, *memfdp, 0);
	assert_true(rc->hdr != MAP_FAILED);
	rc->frame = (uint8_t *)rc->hdr + RUMP_RPC_CHANHDRLEN;
}

/* A connection that asked for channels, and the pair and memory of one. */
static void
raw_chan_make(struct rawchan *rc, int *memfdp, int *srvendp)
{
	uint32_t offered;

	rc->sock = raw_connect();
	rc->pid = raw_hello_features(rc->sock, RUMP_RPC_FEAT_CHANNEL, &offered);
	assert_int_equal(offered, RUMP_RPC_FEAT_CHANNEL);
	raw_chan_pair(rc, memfdp, srvendp);
}

/* A channel the server serves. */
static void
raw_chan_open(struct rawchan *rc)
{
	int fds[RPC_CHAN_NFDS];

	raw_chan_make(rc, &fds[RPC_CHAN_MEMFD], &fds[RPC_CHAN_WAKEFD]);
	raw_chanreq(rc->sock, RUMP_RPC_CHANVERSION, fds, RPC_CHAN_NFDS, 1);
	close(fds[RPC_CHAN_MEMFD]);
	close(fds[RPC_CHAN_WAKEFD]);
	assert_int_equal(raw_chananswer(rc->sock, 1), 0);
}

static void
raw_chan_close(struct rawchan *rc)
{
	munmap(rc->hdr, RUMP_RPC_CHANSIZE);
	close(rc->wake);
	close(rc->sock);
}

/* Posts the call frame b holds (its payload after the header room) as id. */
static void
raw_chan_post(struct rawchan *rc, struct rpc_wbuf *b, uint64_t id)
{
	assert_false(b->rb_nomem);
	rpc_put_hdr(b->rb_data, (uint32_t)b->rb_len, RUMP_RPC_CALL, id);
	memcpy(rc->frame, b->rb_data, b->rb_len);
	free(b->rb_data);
	rump_rpc_chan_post(&rc->hdr->ch_state, RPC_CHAN_CALL,
	    &rc->hdr->ch_srvsleep, rc->wake);
}

/*
 * Waits for the reply in the channel, sleeping on our end of the pair:
 * false if the server closed its end first.
 */
static bool
raw_chan_wait(struct rawchan *rc)
{
	char buf[64];
	ssize_t n;

	while (rump_rpc_chan_presleep(&rc->hdr->ch_clsleep, &rc->hdr->ch_state,
	    RPC_CHAN_CALL)) {
		n = read(rc->wake, buf, sizeof(buf));
		__atomic_store_n(&rc->hdr->ch_clsleep, 0, __ATOMIC_RELAXED);
		if (n <= 0)
			return false;
	}
	return true;
}

/* The reply of call id in the channel: its error and result. */
static int
raw_chan_result(struct rawchan *rc, uint64_t id, long *retp)
{
	struct rump_rpc_replyhdr rh;
	struct rump_rpc_hdr h;
	struct rpc_rcur c;

	assert_true(raw_chan_wait(rc));
	assert_int_equal(__atomic_load_n(&rc->hdr->ch_state, __ATOMIC_ACQUIRE),
	    RPC_CHAN_REPLY);
	rpc_get_hdr(rc->frame, &h);
	assert_int_equal(h.rh_type, RUMP_RPC_REPLY);
	assert_true(h.rh_reqid == id);
	c = (struct rpc_rcur){ .rc_p = rc->frame + RUMP_RPC_HDRLEN,
	    .rc_left = h.rh_len - RUMP_RPC_HDRLEN };
	rpc_get_replyhdr(&c, &rh);
	assert_false(c.rc_bad);
	*retp = (long)rh.rr_retval;
	return rh.rr_error;
}

static long
raw_chan_getpid(struct rawchan *rc, uint64_t id)
{
	struct rpc_wbuf b;
	long ret;

	raw_begin(&b);
	rpc_put32(&b, NR_GETPID);
	rpc_put32(&b, 0);
	raw_chan_post(rc, &b, id);
	assert_int_equal(raw_chan_result(rc, id, &ret), 0);
	return ret;
}

/* The server closed its end of the pair: our end reads the end of the file. */
static void
assert_wake_closed(const struct rawchan *rc)
{
	char buf[64];
	ssize_t n;

	do
		n = read(rc->wake, buf, sizeof(buf));
	while (n > 0);
	assert_int_equal(n, 0);
}

/* The channel's client was closed: its end of the pair and its socket. */
static void
assert_chan_closed(struct rawchan *rc)
{
	assert_wake_closed(rc);
	munmap(rc->hdr, RUMP_RPC_CHANSIZE);
	close(rc->wake);
	assert_closed(rc->sock);
}

static void
the_server_offers_channels_on_its_unix_socket_to_a_client_that_asks(void **state)
{
	int asks = raw_connect(), asksnot = raw_connect();
	uint32_t offered;

	(void)state;
	assert_true(raw_hello_features(asks, RUMP_RPC_FEAT_CHANNEL, &offered) > 1);
	assert_int_equal(offered, RUMP_RPC_FEAT_CHANNEL);
	assert_true(raw_hello_features(asksnot, 0, &offered) > 1);
	assert_int_equal(offered, 0);
	close(asks);
	close(asksnot);
}

static void
calls_through_a_channel_get_their_replies_there(void **state)
{
	struct rawchan rc;
	int i;

	(void)state;
	raw_chan_open(&rc);
	for (i = 0; i < 100; i++)
		assert_int_equal(raw_chan_getpid(&rc, 2 + (uint64_t)i), rc.pid);
	/* The socket serves on beside it. */
	assert_int_equal(raw_getpid(rc.sock), rc.pid);
	raw_chan_close(&rc);
}

static void
a_channel_of_another_version_is_refused_and_the_socket_serves_on(void **state)
{
	struct rawchan rc;
	int fds[RPC_CHAN_NFDS];

	(void)state;
	raw_chan_make(&rc, &fds[RPC_CHAN_MEMFD], &fds[RPC_CHAN_WAKEFD]);
	raw_chanreq(rc.sock, RUMP_RPC_CHANVERSION + 1, fds, RPC_CHAN_NFDS, 5);
	close(fds[RPC_CHAN_MEMFD]);
	close(fds[RPC_CHAN_WAKEFD]);
	assert_int_equal(raw_chananswer(rc.sock, 5), EPROTONOSUPPORT);
	assert_int_equal(raw_getpid(rc.sock), rc.pid);
	/* The server let go of its end. */
	assert_wake_closed(&rc);
	raw_chan_close(&rc);
}

static void
a_closed_channel_leaves_its_connection_serving(void **state)
{
	struct rawchan rc, again;

	(void)state;
	raw_chan_open(&rc);
	assert_int_equal(raw_chan_getpid(&rc, 2), rc.pid);
	/* The client thread exits: its end of the pair closes. */
	close(rc.wake);
	rc.wake = -1;
	assert_int_equal(raw_getpid(rc.sock), rc.pid);
	raw_chan_open(&again);
	assert_int_equal(raw_chan_getpid(&again, 2), again.pid);
	raw_chan_close(&again);
	munmap(rc.hdr, RUMP_RPC_CHANSIZE);
	close(rc.sock);
}

static void
a_client_with_the_most_channels_is_refused_one_more(void **state)
{
	struct rawchan rc[RS_MAXCHANNELS + 1];
	int fds[RPC_CHAN_NFDS], i, sock;
	uint64_t id = 2;

	(void)state;
	raw_chan_open(&rc[0]);
	sock = rc[0].sock;
	for (i = 1; i < RS_MAXCHANNELS; i++) {
		raw_chan_pair(&rc[i], &fds[RPC_CHAN_MEMFD], &fds[RPC_CHAN_WAKEFD]);
		raw_chanreq(sock, RUMP_RPC_CHANVERSION, fds, RPC_CHAN_NFDS, id);
		close(fds[RPC_CHAN_MEMFD]);
		close(fds[RPC_CHAN_WAKEFD]);
		assert_int_equal(raw_chananswer(sock, id++), 0);
	}
	raw_chan_pair(&rc[i], &fds[RPC_CHAN_MEMFD], &fds[RPC_CHAN_WAKEFD]);
	raw_chanreq(sock, RUMP_RPC_CHANVERSION, fds, RPC_CHAN_NFDS, id);
	close(fds[RPC_CHAN_MEMFD]);
	close(fds[RPC_CHAN_WAKEFD]);
	assert_int_equal(raw_chananswer(sock, id), EAGAIN);
	assert_wake_closed(&rc[i]);
	/* The socket serves on, and so do the channels. */
	assert_int_equal(raw_getpid(sock), rc[0].pid);
	assert_int_equal(raw_chan_getpid(&rc[1], 100), rc[0].pid);
	for (i = RS_MAXCHANNELS; i > 0; i--) {
		munmap(rc[i].hdr, RUMP_RPC_CHANSIZE);
		close(rc[i].wake);
	}
	raw_chan_close(&rc[0]);
}

/*
 * A channel request with the descriptors fds (nfds of them, ours to
 * close after) closes that client; another is served on.
 */
static void
assert_request_malformed(struct rawchan *rc, int *fds, int nfds)
{
	int good = raw_client(), i;
	long pid = raw_getpid(good);

	raw_chanreq(rc->sock, RUMP_RPC_CHANVERSION, fds, nfds, 1);
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	assert_closed(rc->sock);
	munmap(rc->hdr, RUMP_RPC_CHANSIZE);
	close(rc->wake);
	assert_int_equal(raw_getpid(good), pid);
	close(good);
}

static void
a_channel_request_without_its_descriptors_closes_that_client_only(void **state)
{
	struct rawchan rc;
	int fds[RPC_CHAN_NFDS];

	(void)state;
	raw_chan_make(&rc, &fds[RPC_CHAN_MEMFD], &fds[RPC_CHAN_WAKEFD]);
	close(fds[RPC_CHAN_WAKEFD]);
	assert_request_malformed(&rc, fds, 1);
}

static void
channel_memory_that_may_shrink_closes_that_client_only(void **state)
{
	struct rawchan rc;
	int fds[RPC_CHAN_NFDS];

	(void)state;
	raw_chan_make(&rc, &fds[RPC_CHAN_MEMFD], &fds[RPC_CHAN_WAKEFD]);
	close(fds[RPC_CHAN_MEMFD]);
	fds[RPC_CHAN_MEMFD] = raw_memfd(RUMP_RPC_CHANSIZE, false);
	assert_request_malformed(&rc, fds, RPC_CHAN_NFDS);
}

static void
channel_memory_smaller_than_a_channel_closes_that_client_only(void **state)
{
	struct rawchan rc;
	int fds[RPC_CHAN_NFDS];

	(void)state;
	raw_chan_make(&rc, &fds[RPC_CHAN_MEMFD], &fds[RPC_CHAN_WAKEFD]);
	close(fds[RPC_CHAN_MEMFD]);
	fds[RPC_CHAN_MEMFD] = raw_memfd(RUMP_RPC_CHANSIZE - 1, true);
	assert_request_malformed(&rc, fds, RPC_CHAN_NFDS);
}

static void
a_wake_up_that_is_no_unix_stream_socket_closes_that_client_only(void **state)
{
	struct rawchan rc;
	int fds[RPC_CHAN_NFDS], p[2];

	(void)state;
	raw_chan_make(&rc, &fds[RPC_CHAN_MEMFD], &fds[RPC_CHAN_WAKEFD]);
	close(fds[RPC_CHAN_WAKEFD]);
	assert_int_equal(pipe(p), 0);
	fds[RPC_CHAN_WAKEFD] = p[0];
	assert_request_malformed(&rc, fds, RPC_CHAN_NFDS);
	close(p[1]);
}

static void
descriptors_with_a_call_close_that_client_only(void **state)
{
	int bad = raw_connect(), good = raw_client(), fd = raw_memfd(64, true);
	long pid = raw_getpid(good);
	uint32_t offered;
	struct rpc_wbuf b;

	(void)state;
	raw_hello_features(bad, RUMP_RPC_FEAT_CHANNEL, &offered);
	raw_begin(&b);
	rpc_put32(&b, NR_GETPID);
	rpc_put32(&b, 0);
	rpc_put_hdr(b.rb_data, (uint32_t)b.rb_len, RUMP_RPC_CALL, 1);
	assert_int_equal(rump_rpc_sendframe_fds(bad, &b, &fd, 1), 0);
	free(b.rb_data);
	close(fd);
	assert_closed(bad);
	assert_int_equal(raw_getpid(good), pid);
	close(good);
}

static void
a_channel_request_from_a_client_that_did_not_ask_closes_it(void **state)
{
	struct rawchan rc;
	int fds[RPC_CHAN_NFDS];

	(void)state;
	raw_chan_make(&rc, &fds[RPC_CHAN_MEMFD], &fds[RPC_CHAN_WAKEFD]);
	/* A second connection, whose hello asked for no channels. */
	close(rc.sock);
	rc.sock = raw_client();
	assert_request_malformed(&rc, fds, RPC_CHAN_NFDS);
}

/*
 * What a test wrote into an open channel's memory closes that client;
 * another is served on.
 */
static void
assert_chan_malformed(struct rawchan *rc)
{
	int good = raw_client();
	long pid = raw_getpid(good);

	rump_rpc_chan_post(&rc->hdr->ch_state,
	    __atomic_load_n(&rc->hdr->ch_state, __ATOMIC_RELAXED),
	    &rc->hdr->ch_srvsleep, rc->wake);
	assert_chan_closed(rc);
	assert_int_equal(raw_getpid(good), pid);
	close(good);
}

static void
a_channel_frame_longer_than_a_frame_closes_that_client_only(void **state)
{
	struct rawchan rc;

	(void)state;
	raw_chan_open(&rc);
	rpc_put_hdr(rc.frame, RUMP_RPC_MAXFRAME + 1, RUMP_RPC_CALL, 2);
	__atomic_store_n(&rc.hdr->ch_state, RPC_CHAN_CALL, __ATOMIC_RELEASE);
	assert_chan_malformed(&rc);
}

static void
a_channel_frame_that_is_no_call_closes_that_client_only(void **state)
{
	struct rawchan rc;

	(void)state;
	raw_chan_open(&rc);
	rpc_put_hdr(rc.frame, RUMP_RPC_HDRLEN, RUMP_RPC_INTERRUPT, 2);
	__atomic_store_n(&rc.hdr->ch_state, RPC_CHAN_CALL, __ATOMIC_RELEASE);
	assert_chan_malformed(&rc);
}

static void
a_channel_state_only_the_server_sets_closes_that_client_only(void **state)
{
	struct rawchan rc;

	(void)state;
	raw_chan_open(&rc);
	__atomic_store_n(&rc.hdr->ch_state, 77, __ATOMIC_RELEASE);
	assert_chan_malformed(&rc);
}

static void
a_malformed_call_in_a_channel_closes_that_client_only(void **state)
{
	struct rawchan rc;
	struct rpc_wbuf b;

	(void)state;
	raw_chan_open(&rc);
	raw_begin(&b);
	rpc_put32(&b, 100000);
	rpc_put32(&b, 0);
	rpc_put_hdr(b.rb_data, (uint32_t)b.rb_len, RUMP_RPC_CALL, 2);
	memcpy(rc.frame, b.rb_data, b.rb_len);
	free(b.rb_data);
	__atomic_store_n(&rc.hdr->ch_state, RPC_CHAN_CALL, __ATOMIC_RELEASE);
	assert_chan_malformed(&rc);
}

static void
an_interrupt_on_the_socket_ends_a_call_blocked_in_a_channel(void **state)
{
	struct rawchan rc;
	struct rpc_wbuf b;
	int32_t fds[2];
	long ret;

	(void)state;
	raw_chan_open(&rc);
	raw_pipe(rc.sock, fds);
	raw_begin(&b);
	rpc_put32(&b, NR_READ);
	rpc_put32(&b, 3);
	rpc_put64(&b, (uint64_t)fds[0]);
	rpc_put32(&b, 16);
	rpc_put64(&b, 16);
	raw_chan_post(&rc, &b, 9);
	/* The read sleeps in the kernel or is about to: either way it ends. */
	raw_begin(&b);
	raw_frame(rc.sock, &b, RUMP_RPC_INTERRUPT, 9);
	assert_int_equal(raw_chan_result(&rc, 9, &ret), EINTR);
	assert_int_equal(raw_chan_getpid(&rc, 10), rc.pid);
	raw_chan_close(&rc);
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
		leak_test(the_server_offers_channels_on_its_unix_socket_to_a_client_that_asks),
		leak_test(calls_through_a_channel_get_their_replies_there),
		leak_test(a_channel_of_another_version_is_refused_and_the_socket_serves_on),
		leak_test(a_closed_channel_leaves_its_connection_serving),
		leak_test(a_client_with_the_most_channels_is_refused_one_more),
		leak_test(a_channel_request_without_its_descriptors_closes_that_client_only),
		leak_test(channel_memory_that_may_shrink_closes_that_client_only),
		leak_test(channel_memory_smaller_than_a_channel_closes_that_client_only),
		leak_test(a_wake_up_that_is_no_unix_stream_socket_closes_that_client_only),
		leak_test(descriptors_with_a_call_close_that_client_only),
		leak_test(a_channel_request_from_a_client_that_did_not_ask_closes_it),
		leak_test(a_channel_frame_longer_than_a_frame_closes_that_client_only),
		leak_test(a_channel_frame_that_is_no_call_closes_that_client_only),
		leak_test(a_channel_state_only_the_server_sets_closes_that_client_only),
		leak_test(a_malformed_call_in_a_channel_closes_that_client_only),
		leak_test(an_interrupt_on_the_socket_ends_a_call_blocked_in_a_channel),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
