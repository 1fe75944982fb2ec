/*
 * The client's half of every remote call, driven by the table generated
 * from syscalls.master (rump_rpc_calls.h): a call and its in-data into
 * one request, the reply's result and out-data back into the caller's
 * memory.  The encoding of each kind of argument is described in "Remote
 * system calls" in docs/ARCHITECTURE.md; rs_decode.c is its mirror.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <rump/rump_ioctl.h>

#include "rumpclient_private.h"
#include "rump_rpc_calls.h"

/* A request this small is made on the stack, no malloc. */
#define RC_SMALLREQUEST	512

/* Bytes of out-data the reply may carry, so it fits in a frame. */
struct rc_budget {
	uint64_t	out;
};

/* A length and the bytes: sent from the caller's buffer if they are many. */
static void
rc_putblock(struct rpc_wbuf *b, const void *data, uint32_t len)
{
	rpc_put32(b, len);
	rpc_putref(b, data, len);
}

/* A block, or the NULL word for a NULL pointer. */
static void
rc_putopt(struct rpc_wbuf *b, const void *data, uint32_t len)
{
	if (data == NULL)
		rpc_put32(b, RUMP_RPC_NULL);
	else
		rc_putblock(b, data, len);
}

static int
rc_put_str(struct rpc_wbuf *b, const char *s)
{
	size_t len;

	if (s == NULL) {
		rpc_put32(b, RUMP_RPC_NULL);
		return 0;
	}
	len = strnlen(s, RUMP_RPC_MAXDATA);
	if (len == RUMP_RPC_MAXDATA)
		return EMSGSIZE;
	rc_putblock(b, s, (uint32_t)len + 1);
	return 0;
}

static int
rc_spend(struct rc_budget *bud, uint64_t n)
{
	if (n > RUMP_RPC_MAXDATA - bud->out)
		return EMSGSIZE;
	bud->out += n;
	return 0;
}

/* An iovec array, its count in the call's own argument. */
static int
rc_put_iov(struct rpc_wbuf *b, const struct iovec *iov, int64_t cnt, bool in,
    struct rc_budget *bud)
{
	int64_t i;
	int error;

	if (iov == NULL) {
		rpc_put32(b, RUMP_RPC_NULL);
		return 0;
	}
	/* The server refuses a bad count as the kernel would; no entries. */
	if (cnt < 0 || cnt > RUMP_RPC_IOVMAX) {
		rpc_put32(b, 0);
		return 0;
	}
	rpc_put32(b, (uint32_t)cnt);
	for (i = 0; i < cnt; i++) {
		/* A NULL buffer keeps its length: the kernel says EFAULT. */
		if (iov[i].iov_base == NULL) {
			rpc_put32(b, RUMP_RPC_NULL);
			rpc_put64(b, iov[i].iov_len);
			continue;
		}
		error = in ? (iov[i].iov_len > RUMP_RPC_MAXDATA ? EMSGSIZE : 0) :
		    rc_spend(bud, iov[i].iov_len);
		if (error != 0)
			return error;
		if (in)
			rc_putblock(b, iov[i].iov_base, (uint32_t)iov[i].iov_len);
		else
			rpc_put32(b, (uint32_t)iov[i].iov_len);
	}
	return 0;
}

static int
rc_put_msg(struct rpc_wbuf *b, const struct msghdr *m, bool in,
    struct rc_budget *bud)
{
	uint32_t namelen = m->msg_namelen;
	uint64_t ctllen = m->msg_controllen;
	int error;

	if (ctllen > RUMP_RPC_MAXDATA || namelen > RUMP_RPC_MAXDATA)
		return EMSGSIZE;
	if (in) {
		rc_putopt(b, m->msg_name, namelen);
		rc_putopt(b, m->msg_control, (uint32_t)ctllen);
	} else {
		error = rc_spend(bud, (uint64_t)namelen + ctllen);
		if (error != 0)
			return error;
		rpc_put32(b, m->msg_name == NULL ? RUMP_RPC_NULL : namelen);
		rpc_put32(b, m->msg_control == NULL ? RUMP_RPC_NULL : (uint32_t)ctllen);
	}
	rpc_put32(b, (uint32_t)m->msg_flags);
	/* msg_iovlen is a size_t: above IOV_MAX it travels as such. */
	rpc_put64(b, m->msg_iovlen);
	return rc_put_iov(b, m->msg_iov, m->msg_iovlen > RUMP_RPC_IOVMAX ? -1 :
	    (int64_t)m->msg_iovlen, in, bud);
}

static int
rc_put_ioctl(struct rpc_wbuf *b, unsigned long req, void *data,
    struct rc_budget *bud)
{
	const struct rump_ioctl_desc *d = rump_ioctl_lookup(req);
	const struct ifconf *ifc = data;
	const struct rtentry *rt = data;

	if (d == NULL || data == NULL) {
		rpc_put32(b, RUMP_RPC_NULL);
		return 0;
	}
	rpc_put32(b, 0);
	switch (d->dir) {
	case RUMP_IOCTL_IN:
		rpc_putbytes(b, data, d->size);
		return 0;
	case RUMP_IOCTL_INOUT:
		rpc_putbytes(b, data, d->size);
		return rc_spend(bud, d->size);
	case RUMP_IOCTL_OUT:
		return rc_spend(bud, d->size);
	case RUMP_IOCTL_IFCONF:
		if (ifc->ifc_len < 0)
			return EINVAL;
		rpc_put32(b, ifc->ifc_buf == NULL ? RUMP_RPC_NULL :
		    (uint32_t)ifc->ifc_len);
		return rc_spend(bud, (uint64_t)ifc->ifc_len);
	case RUMP_IOCTL_RTENTRY:
		rpc_putbytes(b, data, d->size);
		return rc_put_str(b, rt->rt_dev);
	}
	return EINVAL;
}

/*
 * A call returning a count may move less than asked: a larger buffer
 * than a frame carries is cut to RUMP_RPC_MAXDATA (a short read or
 * write, as POSIX allows).
 */
static void
rc_clamp(const struct rump_rpc_call *c, int64_t *a)
{
	const struct rump_rpc_arg *ra;
	int i;

	if (!c->rc_count)
		return;
	for (i = 0; i < c->rc_nargs; i++) {
		ra = &c->rc_args[i];
		if ((ra->ra_kind == RUMP_RPC_IN || ra->ra_kind == RUMP_RPC_OUT) &&
		    ra->ra_size == RUMP_RPC_SZ_ARG && ra->ra_elsize == 1 &&
		    (uint64_t)a[ra->ra_ref] > RUMP_RPC_MAXDATA)
			a[ra->ra_ref] = RUMP_RPC_MAXDATA;
	}
}

/* The size of an IN, OUT or INOUT argument; EMSGSIZE above a frame's. */
static int
rc_size(const struct rump_rpc_call *c, int i, const int64_t *a,
    void *const *p, uint32_t *sizep)
{
	const struct rump_rpc_arg *ra = &c->rc_args[i];
	uint64_t deref = 0, size;

	if (ra->ra_size == RUMP_RPC_SZ_DEREF)
		deref = rpc_derefval(p[ra->ra_ref], ra->ra_elsize);
	size = rpc_argsize(ra, a, deref);
	if (size > RUMP_RPC_MAXDATA)
		return EMSGSIZE;
	*sizep = (uint32_t)size;
	return 0;
}

static int
rc_put_arg(struct rpc_wbuf *b, const struct rump_rpc_call *c, int i,
    const int64_t *a, void *const *p, struct rc_budget *bud)
{
	const struct rump_rpc_arg *ra = &c->rc_args[i];
	uint32_t size;
	int error;

	if (ra->ra_kind == RUMP_RPC_SCALAR) {
		rpc_put64(b, (uint64_t)a[i]);
		return 0;
	}
	if (ra->ra_kind == RUMP_RPC_STR)
		return rc_put_str(b, p[i]);
	if (ra->ra_kind == RUMP_RPC_IOCTL)
		return rc_put_ioctl(b, (unsigned long)a[ra->ra_ref], p[i], bud);
	if (p[i] == NULL) {
		rpc_put32(b, RUMP_RPC_NULL);
		return 0;
	}
	switch (ra->ra_kind) {
	case RUMP_RPC_IOVIN:
	case RUMP_RPC_IOVOUT:
		return rc_put_iov(b, p[i], a[ra->ra_ref],
		    ra->ra_kind == RUMP_RPC_IOVIN, bud);
	case RUMP_RPC_MSGIN:
	case RUMP_RPC_MSGOUT:
		rpc_put32(b, 0);
		return rc_put_msg(b, p[i], ra->ra_kind == RUMP_RPC_MSGIN, bud);
	}
	error = rc_size(c, i, a, p, &size);
	if (error != 0)
		return error;
	if (ra->ra_kind == RUMP_RPC_IN) {
		rc_putblock(b, p[i], size);
		return 0;
	}
	error = rc_spend(bud, size);
	if (error != 0)
		return error;
	if (ra->ra_kind == RUMP_RPC_INOUT)
		rc_putblock(b, p[i], size);
	else
		rpc_put32(b, size);
	return 0;
}

/* ---- the reply -------------------------------------------------------------- */

/* A block of the reply into dst (at most cap bytes); its length, or -1. */
static int64_t
rc_getblock(struct rpc_rcur *r, void *dst, uint64_t cap)
{
	uint32_t len = rpc_get32(r);
	const uint8_t *src;

	if (r->rc_bad || len > cap)
		return -1;
	src = rpc_take(r, len);
	if (src == NULL)
		return -1;
	if (len > 0)
		memcpy(dst, src, len);
	return len;
}

/* The reply's bytes for an iovec array, scattered over it. */
static int
rc_get_iov(struct rpc_rcur *r, const struct iovec *iov, int64_t cnt)
{
	uint32_t len = rpc_get32(r);
	const uint8_t *src = rpc_take(r, len);
	size_t n;
	int64_t i;

	if (src == NULL)
		return EPROTO;
	for (i = 0; i < cnt && len > 0; i++) {
		if (iov[i].iov_base == NULL)
			continue;
		n = iov[i].iov_len < len ? iov[i].iov_len : len;
		memcpy(iov[i].iov_base, src, n);
		src += n;
		len -= (uint32_t)n;
	}
	return len == 0 ? 0 : EPROTO;
}

static int
rc_get_msg(struct rpc_rcur *r, struct msghdr *m)
{
	uint32_t namelen = rpc_get32(r);
	uint64_t ctllen = rpc_get32(r);

	if (rc_getblock(r, m->msg_name, m->msg_name == NULL ? 0 :
	    m->msg_namelen) < 0)
		return EPROTO;
	if (rc_getblock(r, m->msg_control, m->msg_control == NULL ? 0 :
	    m->msg_controllen) < 0)
		return EPROTO;
	m->msg_namelen = namelen;
	m->msg_controllen = ctllen;
	m->msg_flags = (int)rpc_get32(r);
	return rc_get_iov(r, m->msg_iov, m->msg_iovlen > RUMP_RPC_IOVMAX ? 0 :
	    (int64_t)m->msg_iovlen);
}

static int
rc_get_ioctl(struct rpc_rcur *r, unsigned long req, void *data)
{
	const struct rump_ioctl_desc *d = rump_ioctl_lookup(req);
	struct ifconf *ifc = data;
	uint32_t len;

	if (d == NULL || data == NULL)
		return 0;
	switch (d->dir) {
	case RUMP_IOCTL_OUT:
	case RUMP_IOCTL_INOUT:
		return rc_getblock(r, data, d->size) == d->size ? 0 : EPROTO;
	case RUMP_IOCTL_IFCONF:
		len = rpc_get32(r);
		if (ifc->ifc_buf != NULL &&
		    rc_getblock(r, ifc->ifc_buf, (uint64_t)ifc->ifc_len) < 0)
			return EPROTO;
		ifc->ifc_len = (int)len;
		return r->rc_bad ? EPROTO : 0;
	default:
		return 0;
	}
}

/* The length of a block the connection received into its buffer already. */
static int
rc_get_placed(struct rpc_rcur *r, uint32_t cap)
{
	uint32_t len = rpc_get32(r);

	return r->rc_bad || len > cap ? EPROTO : 0;
}

static int
rc_get_arg(struct rpc_rcur *r, const struct rump_rpc_call *c, int i,
    const int64_t *a, void *const *p, uint32_t size)
{
	const struct rump_rpc_arg *ra = &c->rc_args[i];

	if (ra->ra_kind == RUMP_RPC_IOCTL)
		return rc_get_ioctl(r, (unsigned long)a[ra->ra_ref], p[i]);
	if (p[i] == NULL)
		return 0;
	switch (ra->ra_kind) {
	case RUMP_RPC_IOVOUT:
		return rc_get_iov(r, p[i], a[ra->ra_ref] < 0 ||
		    a[ra->ra_ref] > RUMP_RPC_IOVMAX ? 0 : a[ra->ra_ref]);
	case RUMP_RPC_MSGOUT:
		return rc_get_msg(r, p[i]);
	case RUMP_RPC_OUT:
	case RUMP_RPC_INOUT:
		break;
	default:
		return 0;
	}
	return rc_getblock(r, p[i], size) < 0 ? EPROTO : 0;
}

/*
 * The out-data, in the order of the arguments.  Each buffer's capacity is
 * taken first, as it was sent: an [out *len] buffer's is *len before the
 * reply changes it.  The data of argument placed (-1: none) is in its
 * buffer already.
 */
static int
rc_unmarshal(const struct rump_rpc_call *c, const uint8_t *reply, size_t len,
    const int64_t *a, void *const *p, int placed, long *retp)
{
	struct rpc_rcur r = { .rc_p = reply, .rc_left = len };
	uint32_t size[RUMP_RPC_MAXARGS] = { 0 };
	struct rump_rpc_replyhdr rh;
	int i, e = 0;

	for (i = 0; i < c->rc_nargs; i++)
		if ((c->rc_args[i].ra_kind == RUMP_RPC_OUT ||
		    c->rc_args[i].ra_kind == RUMP_RPC_INOUT) &&
		    rc_size(c, i, a, p, &size[i]) != 0)
			return EPROTO;

	rpc_get_replyhdr(&r, &rh);
	*retp = (long)rh.rr_retval;
	if (r.rc_bad)
		return EPROTO;
	if (rh.rr_error != 0)
		return rh.rr_error;
	for (i = 0; i < c->rc_nargs && e == 0; i++)
		e = i == placed ? rc_get_placed(&r, size[i]) :
		    rc_get_arg(&r, c, i, a, p, size[i]);
	if (e == 0 && (r.rc_bad || r.rc_left != 0))
		e = EPROTO;
	return e;
}

/*
 * The argument whose data is all a reply may carry, if it is a data
 * buffer (read's, recv's): received straight into it.  Its index, or -1.
 */
static int
rc_direct(const struct rump_rpc_call *c, void *const *p)
{
	const struct rump_rpc_arg *ra;
	int i, found = -1;

	if (!c->rc_count)
		return -1;
	for (i = 0; i < c->rc_nargs; i++) {
		ra = &c->rc_args[i];
		if (ra->ra_kind == RUMP_RPC_IOCTL)
			return -1;
		if ((ra->ra_kind != RUMP_RPC_OUT && ra->ra_kind != RUMP_RPC_INOUT &&
		    ra->ra_kind != RUMP_RPC_IOVOUT && ra->ra_kind != RUMP_RPC_MSGOUT) ||
		    p[i] == NULL)
			continue;
		if (found >= 0 || ra->ra_kind != RUMP_RPC_OUT ||
		    ra->ra_size != RUMP_RPC_SZ_ARG || ra->ra_elsize != 1)
			return -1;
		found = i;
	}
	return found;
}

long
rump_client_syscall(unsigned int sysnum, int64_t *a, void *const *p)
{
	const struct rump_rpc_call *c = &rump_rpc_calls[sysnum];
	uint8_t small[RC_SMALLREQUEST];
	struct rpc_wbuf b;
	struct rc_budget bud = { 0 };
	struct rc_reply r = { .dst = NULL };
	long ret = -1;
	int i, direct, error = 0;

	rc_clamp(c, a);
	rpc_wbuf_init(&b, small, sizeof(small));
	r.data = r.small;
	direct = rc_direct(c, p);
	if (direct >= 0) {
		r.dst = p[direct];
		r.dstcap = (size_t)a[c->rc_args[direct].ra_ref];
	}
	rpc_wbuf_room(&b, RUMP_RPC_HDRLEN);
	rpc_put_callhdr(&b, &(struct rump_rpc_callhdr){ .rc_sysnum = sysnum,
	    .rc_nargs = c->rc_nargs });
	for (i = 0; i < c->rc_nargs && error == 0; i++)
		error = rc_put_arg(&b, c, i, a, p, &bud);
	if (error == 0 && b.rb_len + b.rb_reflen > RUMP_RPC_MAXFRAME)
		error = EMSGSIZE;
	if (error == 0)
		error = rump_client_call(&b, &r);
	rpc_wbuf_free(&b);
	if (error == 0)
		error = rc_unmarshal(c, r.data, r.len, a, p,
		    r.placed ? direct : -1, &ret);
	if (r.data != r.small && !r.shared)
		free(r.data);
	if (error != 0) {
		errno = error;
		return -1;
	}
	return ret;
}
