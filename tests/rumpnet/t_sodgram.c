/*
 * The datagram half of the socket layer, on UDP over loopback: what a
 * send is refused for and what it then counts, control data handed to
 * the reader (or freed, or skipped by a peek), the source address.
 */
#include "ktest.h"
#include "rumpkern/uio.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_var.h"

static struct sockaddr_in lo_sin;

static int
setup(void **state)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };

	sockaddr_in_init(&lo_sin, lo, htons(7777));
	return ktest_boot(state);
}

static struct socket *
udp_socket(void)
{
	struct socket *so;

	assert_int_equal(socreate(AF_INET, &so, SOCK_DGRAM, 0), 0);
	return so;
}

static struct socket *
udp_bound(void)
{
	struct socket *so = udp_socket();

	assert_int_equal(sobind(so, (const struct sockaddr *)&lo_sin,
	    sizeof(lo_sin)), 0);
	return so;
}

/* Sends len bytes to `to` (or nowhere): the error, and what was left. */
static int
udp_send(struct socket *so, const struct sockaddr_in *to, size_t len,
    size_t *resid)
{
	static uint8_t buf[70000];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct uio uio;
	int error;

	memset(buf, 'd', len);
	assert_int_equal(uio_setup(&uio, &iov, 1, UIO_WRITE), 0);
	error = sosend(so, (const struct sockaddr *)to,
	    to != NULL ? sizeof(*to) : 0, &uio, NULL, NULL, 0, false);
	*resid = uio.uio_resid;
	return error;
}

static void
a_datagram_without_a_destination_is_edestaddrreq(void **state)
{
	struct socket *so;
	size_t resid;

	(void)state;
	KTEST_ENTER();
	so = udp_socket();
	assert_int_equal(udp_send(so, NULL, 10, &resid), EDESTADDRREQ);
	/* Nothing was sent: the count says so. */
	assert_int_equal(resid, 10);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
a_datagram_after_shutdown_is_epipe(void **state)
{
	struct socket *so;
	size_t resid;

	(void)state;
	KTEST_ENTER();
	so = udp_socket();
	assert_int_equal(soshutdown(so, SHUT_WR), ENOTCONN);
	assert_int_equal(udp_send(so, &lo_sin, 10, &resid), EPIPE);
	assert_int_equal(resid, 10);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
a_datagram_larger_than_udp_carries_is_emsgsize(void **state)
{
	struct socket *so;
	size_t resid;

	(void)state;
	KTEST_ENTER();
	so = udp_socket();
	/* Copied in as one piece and clusters, then refused by UDP. */
	assert_int_equal(udp_send(so, &lo_sin, 70000, &resid), EMSGSIZE);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

/* Queues a datagram with a control mbuf holding one int, as a protocol. */
static void
append_with_control(struct socket *so, int value)
{
	struct mbuf *m = m_get(M_WAIT, MT_DATA);
	struct mbuf *control = m_get(M_WAIT, MT_CONTROL);

	memset(mtod(m, void *), 'c', 5);
	m->m_len = 5;
	memcpy(mtod(control, void *), &value, sizeof(value));
	control->m_len = sizeof(value);
	NET_LOCK();
	assert_int_equal(sbappendaddr(&so->so_rcv,
	    (const struct sockaddr *)&lo_sin, sizeof(lo_sin), m, control), 0);
	NET_UNLOCK();
}

static int
udp_recv(struct socket *so, struct mbuf **controlp, int flags, size_t *got,
    struct sockaddr_storage *from, socklen_t *fromlen)
{
	uint8_t buf[16];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct uio uio;
	int error;

	assert_int_equal(uio_setup(&uio, &iov, 1, UIO_READ), 0);
	error = soreceive(so, from, fromlen, &uio, controlp, &flags, true,
	    NULL);
	*got = sizeof(buf) - uio.uio_resid;
	return error;
}

static void
control_data_goes_to_the_reader_with_the_source_address(void **state)
{
	struct sockaddr_storage from;
	socklen_t fromlen = 0;
	struct mbuf *control;
	struct socket *so;
	size_t got;
	int v;

	(void)state;
	KTEST_ENTER();
	so = udp_bound();
	append_with_control(so, 1234);
	/* A peek reports no control, and leaves it. */
	assert_int_equal(udp_recv(so, &control, MSG_PEEK, &got, NULL, NULL), 0);
	assert_null(control);
	assert_int_equal(got, 5);
	assert_int_equal(udp_recv(so, &control, 0, &got, &from, &fromlen), 0);
	assert_int_equal(got, 5);
	assert_int_equal(fromlen, sizeof(lo_sin));
	assert_memory_equal(&from, &lo_sin, sizeof(lo_sin));
	assert_non_null(control);
	assert_int_equal(control->m_type, MT_CONTROL);
	memcpy(&v, mtod(control, void *), sizeof(v));
	assert_int_equal(v, 1234);
	assert_null(control->m_next);
	m_freem(control);
	assert_null(so->so_rcv.sb_mb);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
control_data_nobody_asked_for_is_freed(void **state)
{
	struct socket *so;
	size_t got;

	(void)state;
	KTEST_ENTER();
	so = udp_bound();
	append_with_control(so, 1);
	assert_int_equal(udp_recv(so, NULL, 0, &got, NULL, NULL), 0);
	assert_int_equal(got, 5);
	assert_int_equal(so->so_rcv.sb_mbcnt, 0);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_datagram_without_a_destination_is_edestaddrreq),
		leak_test(a_datagram_after_shutdown_is_epipe),
		leak_test(a_datagram_larger_than_udp_carries_is_emsgsize),
		leak_test(control_data_goes_to_the_reader_with_the_source_address),
		leak_test(control_data_nobody_asked_for_is_freed),
	};

	return cmocka_run_group_tests(tests, setup, ktest_halt);
}
