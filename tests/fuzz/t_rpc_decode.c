/*
 * The remote-call decoder under a bounded fuzz run, in make test: the
 * calls librumpclient makes (captured by a link-time mock of its
 * transport, rump_client_call) must decode; every truncation of them must
 * be refused; and mutations of them must be decoded or refused with a
 * reason, never crash, leak or overrun (the sanitizer build checks that).
 * Given a directory, it also writes the calls there as seeds for the
 * unbounded libFuzzer run (make fuzz).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <cmocka.h>

#include <rump/rump.h>

#include "rumpclient_private.h"
#include "fuzz_rpc.h"
#include "rump_rpc_calls.h"

#define MAXSEEDS	64

static struct {
	uint8_t	*data;
	size_t	len;
} seeds[MAXSEEDS];
static int nseeds;

/* The mock transport: keeps the call's payload (its blocks in place), answers ENOSYS. */
int
rump_client_call(struct rpc_wbuf *req, struct rc_reply *reply)
{
	struct iovec iov[RPC_WBUF_MAXIOV];
	size_t len = req->rb_len + req->rb_reflen, at = 0;
	int i, n;

	(void)reply;
	if (nseeds < MAXSEEDS && !req->rb_nomem) {
		seeds[nseeds].data = malloc(len);
		if (seeds[nseeds].data != NULL) {
			n = rpc_wbuf_iov(req, iov);
			for (i = 0; i < n; i++) {
				memcpy(seeds[nseeds].data + at, iov[i].iov_base,
				    iov[i].iov_len);
				at += iov[i].iov_len;
			}
			memmove(seeds[nseeds].data, seeds[nseeds].data +
			    RUMP_RPC_HDRLEN, len - RUMP_RPC_HDRLEN);
			seeds[nseeds++].len = len - RUMP_RPC_HDRLEN;
		}
	}
	return ENOSYS;
}

/* One call of every shape the table has, through the client's stubs. */
static void
make_seeds(void)
{
	char buf[64] = "data", name[32];
	struct iovec iov[3] = { { buf, 4 }, { NULL, 2 }, { buf + 8, 8 } };
	struct sockaddr_storage ss = { .ss_family = AF_INET };
	socklen_t sl = sizeof(ss);
	struct msghdr msg = {
		.msg_name = &ss, .msg_namelen = sizeof(ss),
		.msg_iov = iov, .msg_iovlen = 3,
		.msg_control = name, .msg_controllen = sizeof(name),
	};
	struct pollfd pfd[2] = { { .fd = 0, .events = POLLIN } };
	struct ifreq ifr = { .ifr_name = "lo0" };
	struct ifconf ifc = { .ifc_len = 64, .ifc_buf = buf };
	struct rtentry rt = { .rt_dev = name };
	struct timespec ts[2] = { { 0 } };
	struct stat sb;
	int fds[2], on = 1;
	gid_t groups[4];

	strcpy(name, "lo0");
	rump_sys_read(3, buf, sizeof(buf));
	rump_sys_write(3, buf, 4);
	rump_sys_open("/a/path", O_RDWR | O_CREAT, 0644);
	rump_sys_stat("/a/path", &sb);
	rump_sys_poll(pfd, 2, 10);
	rump_sys_ioctl(3, FIONBIO, &on);
	rump_sys_ioctl(3, FIONREAD, &on);
	rump_sys_ioctl(3, SIOCGIFFLAGS, &ifr);
	rump_sys_ioctl(3, SIOCGIFCONF, &ifc);
	rump_sys_ioctl(3, SIOCADDRT, &rt);
	rump_sys_ioctl(3, 0x12345678, NULL);
	rump_sys_readv(3, iov, 3);
	rump_sys_writev(3, iov, 3);
	rump_sys_readv(3, iov, -1);
	rump_sys_accept(3, (struct sockaddr *)&ss, &sl);
	rump_sys_recvfrom(3, buf, 16, 0, (struct sockaddr *)&ss, &sl);
	rump_sys_sendto(3, buf, 16, 0, (struct sockaddr *)&ss, sizeof(ss));
	rump_sys_sendmsg(3, &msg, 0);
	rump_sys_recvmsg(3, &msg, 0);
	msg.msg_iov = NULL;
	rump_sys_sendmsg(3, &msg, 0);
	msg.msg_iovlen = 2000;
	rump_sys_recvmsg(3, &msg, 0);
	rump_sys_getsockopt(3, SOL_SOCKET, SO_RCVBUF, buf, &sl);
	rump_sys_pipe2(fds, 0);
	rump_sys_getgroups(4, groups);
	rump_sys_utimensat(3, "f", ts, 0);
	rump_sys_mount("src", "/mnt", "ext2fs", 0, NULL);
	rump_sys_getcwd(buf, sizeof(buf));
	rump_sys_getpid();
}

static void
every_call_the_client_makes_is_decoded(void **state)
{
	int i;

	(void)state;
	assert_true(nseeds >= 20);
	for (i = 0; i < nseeds; i++)
		assert_int_equal(fz_rpc_one(seeds[i].data, seeds[i].len, 3), 0);
}

static void
every_truncation_of_a_call_is_refused(void **state)
{
	size_t n;
	int i;

	(void)state;
	for (i = 0; i < nseeds; i++)
		for (n = 0; n < seeds[i].len; n++)
			assert_int_equal(fz_rpc_one(seeds[i].data, n, 3), EBADMSG);
}

/* A deterministic generator, so a failure repeats. */
static uint32_t
next_random(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

/* Flips bytes or writes numbers a decoder finds interesting. */
static void
mutate(uint8_t *p, size_t len, uint64_t *rs)
{
	static const uint32_t odd[] = {
		0, 1, 2, 7, 8, 16, 0xff, 1024, 1025, 0xffff, 0x7fffffff,
		0xfffffffe, RUMP_RPC_NULL, RUMP_RPC_MAXDATA, RUMP_RPC_MAXDATA + 1,
	};
	int k, edits = 1 + (int)(next_random(rs) % 4);
	size_t at;
	uint32_t v;

	for (k = 0; k < edits && len >= 4; k++) {
		at = next_random(rs) % (len - 3);
		if (next_random(rs) % 2 == 0)
			p[at] ^= (uint8_t)(1u << (next_random(rs) % 8));
		else {
			v = htole32(odd[next_random(rs) % (sizeof(odd) / sizeof(odd[0]))]);
			memcpy(p + at, &v, 4);
		}
	}
}

static void
mutated_calls_are_decoded_or_refused_with_a_reason(void **state)
{
	uint8_t buf[4096];
	uint64_t rs = 1;
	size_t len;
	int i, r, decoded = 0, refused = 0;

	(void)state;
	for (i = 0; i < 200000; i++) {
		len = seeds[i % nseeds].len;
		if (len > sizeof(buf))
			continue;
		memcpy(buf, seeds[i % nseeds].data, len);
		mutate(buf, len, &rs);
		r = fz_rpc_one(buf, len, (long)(next_random(&rs) % 64));
		assert_int_not_equal(r, -1);
		if (r == 0)
			decoded++;
		else
			refused++;
	}
	/* The mutations reached both outcomes. */
	assert_true(decoded > 0);
	assert_true(refused > 0);
}

/* Decodes seed i with a place for the reply's first block: argument arg's buffer. */
static void *
decoded_buffer(int i, int arg, uint8_t *place)
{
	struct rs_call call;
	const char *why;
	uint8_t *copy = malloc(seeds[i].len);
	void *p;

	assert_non_null(copy);
	memcpy(copy, seeds[i].data, seeds[i].len);
	assert_int_equal(rump_server_decode(&call, copy, seeds[i].len, NULL,
	    place, &why), 0);
	p = call.p[arg];
	rump_server_call_free(&call);
	free(copy);
	return p;
}

static void
a_reads_buffer_is_placed_where_a_channels_reply_carries_it(void **state)
{
	uint8_t *place = fz_rpc_place();

	(void)state;
	assert_non_null(place);
	/* The seeds begin with read(3, buf, 64), write, open, stat(path, &sb). */
	assert_ptr_equal(decoded_buffer(0, 1, place), place);
	assert_ptr_not_equal(decoded_buffer(0, 1, NULL), place);
	/* A struct stat is not a count's data: the server's own memory. */
	assert_ptr_not_equal(decoded_buffer(3, 1, place), place);
}

/* A seed decoded as a channel's call: its payload, and the decoder's copy. */
struct chancall {
	struct rs_call	call;
	uint8_t		*payload, *copy;
	size_t		len;
};

static void
chancall_decode(int i, struct chancall *cc)
{
	const char *why;

	cc->len = seeds[i].len;
	cc->payload = malloc(cc->len);
	cc->copy = malloc(cc->len);
	assert_non_null(cc->payload);
	assert_non_null(cc->copy);
	memcpy(cc->payload, seeds[i].data, cc->len);
	assert_int_equal(rump_server_decode(&cc->call, cc->payload, cc->len,
	    cc->copy, NULL, &why), 0);
}

static void
chancall_free(struct chancall *cc)
{
	rump_server_call_free(&cc->call);
	free(cc->payload);
	free(cc->copy);
}

/* Whether p lies in the len bytes at base. */
static bool
within(const void *p, const uint8_t *base, size_t len)
{
	return (const uint8_t *)p >= base && (const uint8_t *)p < base + len;
}

static void
a_channels_write_data_is_read_where_it_lies(void **state)
{
	struct chancall cc;

	(void)state;
	/* Seed 1: write(3, buf, 4). */
	chancall_decode(1, &cc);
	assert_true(within(cc.call.p[1], cc.payload, cc.len));
	assert_memory_equal(cc.call.p[1], "data", 4);
	chancall_free(&cc);
}

static void
a_channels_writev_and_sendmsg_data_are_read_where_they_lie(void **state)
{
	const struct iovec *iov;
	const struct msghdr *m;
	struct chancall cc;

	(void)state;
	/* Seed 12: writev(3, iov, 3), the second buffer NULL. */
	chancall_decode(12, &cc);
	iov = cc.call.p[1];
	assert_true(within(iov[0].iov_base, cc.payload, cc.len));
	assert_null(iov[1].iov_base);
	assert_true(within(iov[2].iov_base, cc.payload, cc.len));
	chancall_free(&cc);
	/* Seed 17: sendmsg(3, &msg, 0): its iovecs in place, its name copied. */
	chancall_decode(17, &cc);
	m = cc.call.p[1];
	assert_true(within(m->msg_iov[0].iov_base, cc.payload, cc.len));
	assert_true(within(m->msg_name, cc.copy, cc.len));
	assert_true(within(m->msg_control, cc.copy, cc.len));
	chancall_free(&cc);
}

static void
a_channels_sendto_address_is_copied_and_its_data_is_not(void **state)
{
	struct chancall cc;

	(void)state;
	/* Seed 16: sendto(3, buf, 16, 0, &ss, sizeof(ss)). */
	chancall_decode(16, &cc);
	assert_true(within(cc.call.p[1], cc.payload, cc.len));
	assert_true(within(cc.call.p[4], cc.copy, cc.len));
	chancall_free(&cc);
}

static void
a_channel_call_changed_after_decoding_changes_no_checked_argument(void **state)
{
	struct chancall cc;

	(void)state;
	/* Seed 2: open("/a/path", ...): a client overwriting its memory. */
	chancall_decode(2, &cc);
	memset(cc.payload, 0xff, cc.len);
	assert_string_equal(cc.call.p[0], "/a/path");
	assert_int_equal(cc.call.a[1], O_RDWR | O_CREAT);
	chancall_free(&cc);
	/* Seed 14: accept(3, &ss, &sl): the length the kernel trusts. */
	chancall_decode(14, &cc);
	memset(cc.payload, 0xff, cc.len);
	assert_true(*(socklen_t *)cc.call.p[2] == sizeof(struct sockaddr_storage));
	chancall_free(&cc);
}

/*
 * A count's out-data placed in a channel's memory must not meet bulk
 * in-data read there: no call returning a count has both a plain
 * in-buffer and a plain out-buffer.
 */
static void
no_call_has_both_bulk_in_data_and_a_counts_out_data(void **state)
{
	const struct rump_rpc_arg *ra;
	unsigned int n;
	int i, in, out;

	(void)state;
	for (n = 0; n < RUMP_RPC_NSYS; n++) {
		if (rump_rpc_calls[n].rc_name == NULL || !rump_rpc_calls[n].rc_count)
			continue;
		in = out = 0;
		for (i = 0; i < rump_rpc_calls[n].rc_nargs; i++) {
			ra = &rump_rpc_calls[n].rc_args[i];
			if (ra->ra_size != RUMP_RPC_SZ_ARG || ra->ra_elsize != 1)
				continue;
			in += ra->ra_kind == RUMP_RPC_IN ||
			    ra->ra_kind == RUMP_RPC_IOVIN;
			out += ra->ra_kind == RUMP_RPC_OUT;
		}
		assert_false(in > 0 && out > 0);
	}
}

static void
a_channel_request_is_decoded_and_its_truncations_refused(void **state)
{
	struct rump_rpc_chanreq q = { .cq_version = RUMP_RPC_CHANVERSION,
	    .cq_size = RUMP_RPC_CHANSIZE };
	struct rpc_wbuf b = { .rb_data = NULL };
	const char *why;
	size_t n;

	(void)state;
	rpc_put_chanreq(&b, &q);
	assert_false(b.rb_nomem);
	assert_int_equal(rump_server_decode_chanreq(b.rb_data, b.rb_len, &q,
	    &why), 0);
	assert_int_equal(q.cq_size, RUMP_RPC_CHANSIZE);
	for (n = 0; n < b.rb_len; n++)
		assert_int_equal(rump_server_decode_chanreq(b.rb_data, n, &q,
		    &why), EBADMSG);
	/* Our version at another size is malformed; another version is not. */
	q = (struct rump_rpc_chanreq){ .cq_version = RUMP_RPC_CHANVERSION,
	    .cq_size = 4096 };
	b.rb_len = 0;
	rpc_put_chanreq(&b, &q);
	assert_int_equal(rump_server_decode_chanreq(b.rb_data, b.rb_len, &q,
	    &why), EBADMSG);
	q.cq_version = RUMP_RPC_CHANVERSION + 1;
	b.rb_len = 0;
	rpc_put_chanreq(&b, &q);
	assert_int_equal(rump_server_decode_chanreq(b.rb_data, b.rb_len, &q,
	    &why), 0);
	free(b.rb_data);
}

static void
a_channel_frame_header_is_refused_unless_a_call_of_a_frames_length(void **state)
{
	static const struct {
		uint32_t len;
		uint16_t version, type;
		int ok;
	} cases[] = {
		{ RUMP_RPC_HDRLEN, RUMP_RPC_VERSION, RUMP_RPC_CALL, 1 },
		{ RUMP_RPC_MAXFRAME, RUMP_RPC_VERSION, RUMP_RPC_CALL, 1 },
		{ RUMP_RPC_MAXFRAME + 1, RUMP_RPC_VERSION, RUMP_RPC_CALL, 0 },
		{ RUMP_RPC_HDRLEN - 1, RUMP_RPC_VERSION, RUMP_RPC_CALL, 0 },
		{ 0xffffffff, RUMP_RPC_VERSION, RUMP_RPC_CALL, 0 },
		{ 64, RUMP_RPC_VERSION + 1, RUMP_RPC_CALL, 0 },
		{ 64, RUMP_RPC_VERSION, RUMP_RPC_REPLY, 0 },
		{ 64, RUMP_RPC_VERSION, RUMP_RPC_CHANNEL, 0 },
	};
	uint8_t hb[RUMP_RPC_HDRLEN];
	struct rump_rpc_hdr h;
	const char *why;
	size_t i;
	uint16_t v;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rpc_put_hdr(hb, cases[i].len, cases[i].type, 7);
		v = htole16(cases[i].version);
		memcpy(hb + 4, &v, 2);
		why = NULL;
		if (cases[i].ok) {
			assert_int_equal(rump_server_chanframe(hb, &h, &why), 0);
			assert_int_equal(h.rh_len, cases[i].len);
			assert_true(h.rh_reqid == 7);
		} else {
			assert_int_equal(rump_server_chanframe(hb, &h, &why),
			    EBADMSG);
			assert_non_null(why);
		}
	}
}

static void
write_seeds(const char *dir)
{
	char path[4096];
	FILE *f;
	int i;

	for (i = 0; i < nseeds; i++) {
		snprintf(path, sizeof(path), "%s/call%02d", dir, i);
		f = fopen(path, "w");
		if (f == NULL || fwrite(seeds[i].data, 1, seeds[i].len, f) !=
		    seeds[i].len) {
			fprintf(stderr, "cannot write %s\n", path);
			exit(1);
		}
		fclose(f);
	}
}

static int
free_seeds(void **state)
{
	(void)state;
	while (nseeds > 0)
		free(seeds[--nseeds].data);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_call_the_client_makes_is_decoded),
		cmocka_unit_test(every_truncation_of_a_call_is_refused),
		cmocka_unit_test(mutated_calls_are_decoded_or_refused_with_a_reason),
		cmocka_unit_test(a_reads_buffer_is_placed_where_a_channels_reply_carries_it),
		cmocka_unit_test(a_channels_write_data_is_read_where_it_lies),
		cmocka_unit_test(a_channels_writev_and_sendmsg_data_are_read_where_they_lie),
		cmocka_unit_test(a_channels_sendto_address_is_copied_and_its_data_is_not),
		cmocka_unit_test(a_channel_call_changed_after_decoding_changes_no_checked_argument),
		cmocka_unit_test(no_call_has_both_bulk_in_data_and_a_counts_out_data),
		cmocka_unit_test(a_channel_request_is_decoded_and_its_truncations_refused),
		cmocka_unit_test(a_channel_frame_header_is_refused_unless_a_call_of_a_frames_length),
	};

	make_seeds();
	if (argc == 2) {
		write_seeds(argv[1]);
		free_seeds(NULL);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, free_seeds);
}
