/*
 * The server's decoder: a call frame's payload into the arguments of the
 * kernel's rump_sys_* call, driven by the table generated from
 * syscalls.master (rump_rpc_calls.h), then the reply.  Mirror of the
 * client's rc_marshal.c.
 *
 * Nothing the client sends is trusted: every length is checked against
 * what is left of the frame before it is used, every count against its
 * limit, every size against the one the call's own arguments give, and a
 * string must end in its NUL.  A frame that breaks any of these is
 * malformed and closes its client.  In-data is used where it lies in the
 * frame; out-data buffers are allocated zeroed (but for a count's data
 * buffer, of which the reply carries only the count), so a reply never
 * carries bytes the kernel did not write or the client did not send.
 *
 * A channel's call lies in memory the client may change as it is read:
 * the cursor copies what it reads before anything is checked (rpc_take),
 * but for the call's bulk data (a write's buffer, the iovecs of writev
 * or sendmsg), which the kernel reads where it lies.  The kernel moves
 * those bytes once, into a pipe, a socket or a file, and checks nothing
 * in them, so bytes changed meanwhile are only other bytes of the
 * client's own.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <rump/rump_ioctl.h>

#include "rumpserver_private.h"
#include "rump_rpc_calls.h"

struct rs_dec {
	struct rpc_rcur	cur;
	const char	*why;		/* set: malformed */
	uint8_t		*place;		/* where the reply's first block goes */
};

static bool
rs_bad(struct rs_dec *d, const char *why)
{
	if (d->why == NULL)
		d->why = why;
	return false;
}

/* n bytes for the call, zeroed unless zero is false. */
static void *
rs_mem(struct rs_call *call, struct rs_dec *d, size_t n, bool zero)
{
	void *p;

	if (call->nallocs == RS_MAXALLOCS) {
		rs_bad(d, "too many buffers in one call");
		return NULL;
	}
	p = zero ? calloc(1, n > 0 ? n : 1) : malloc(n > 0 ? n : 1);
	if (p == NULL) {
		rs_bad(d, "out of memory");
		return NULL;
	}
	call->allocs[call->nallocs++] = p;
	return p;
}

static void *
rs_alloc(struct rs_call *call, struct rs_dec *d, size_t n)
{
	return rs_mem(call, d, n, true);
}

/*
 * The data buffer of a call returning a count (read's, recv's,
 * getdents64's): the kernel's count is what it moved through the uio
 * into the buffer, and the reply carries that many bytes and no more.
 * So it needs no zeroing, which would cost a whole buffer's worth per
 * call however little the call returns (a 1 MiB read of a 64 KiB pipe).
 */
static bool
rs_countbuf(const struct rump_rpc_call *c, const struct rump_rpc_arg *ra)
{
	return c->rc_count && ra->ra_kind == RUMP_RPC_OUT &&
	    ra->ra_size == RUMP_RPC_SZ_ARG && ra->ra_elsize == 1;
}

/*
 * The data of a call returning a count that the kernel only moves (a
 * write's, a send's buffer: its first plain in-buffer; the next of
 * sendto is a sockaddr).
 */
static bool
rs_bulkin(const struct rump_rpc_call *c, int i)
{
	const struct rump_rpc_arg *ra = &c->rc_args[i];
	int j;

	if (!c->rc_count || ra->ra_kind != RUMP_RPC_IN ||
	    ra->ra_size != RUMP_RPC_SZ_ARG || ra->ra_elsize != 1)
		return false;
	for (j = 0; j < i; j++)
		if (c->rc_args[j].ra_kind == RUMP_RPC_IN)
			return false;
	return true;
}

/*
 * Whether argument i's data would be the reply's first block: no
 * argument before it carries out-data (rs_put_arg writes nothing for
 * these kinds).
 */
static bool
rs_firstout(const struct rump_rpc_call *c, int i)
{
	int j;

	for (j = 0; j < i; j++)
		switch (c->rc_args[j].ra_kind) {
		case RUMP_RPC_SCALAR:
		case RUMP_RPC_STR:
		case RUMP_RPC_IN:
		case RUMP_RPC_IOVIN:
		case RUMP_RPC_MSGIN:
			continue;
		default:
			return false;
		}
	return true;
}

/* Out-data the reply will carry: at most a frame's worth in all. */
static bool
rs_spend(struct rs_call *call, struct rs_dec *d, uint64_t n)
{
	if (n > RUMP_RPC_MAXDATA - call->outbytes)
		return rs_bad(d, "out-data larger than a frame");
	call->outbytes += n;
	return true;
}

/*
 * A length word and that many bytes of the frame; *lenp RUMP_RPC_NULL:
 * none.  bulk: data the kernel only moves, which stays where it lies.
 */
static void *
rs_block(struct rs_dec *d, uint32_t *lenp, bool bulk)
{
	uint32_t len = rpc_get32(&d->cur);
	const uint8_t *p;

	*lenp = len;
	if (d->cur.rc_bad) {
		rs_bad(d, "truncated");
		return NULL;
	}
	if (len == RUMP_RPC_NULL)
		return NULL;
	if (len > RUMP_RPC_MAXDATA) {
		rs_bad(d, "a length beyond the largest frame");
		return NULL;
	}
	p = bulk ? rpc_takeref(&d->cur, len) : rpc_take(&d->cur, len);
	if (p == NULL)
		rs_bad(d, "a length beyond the frame's end");
	return (void *)(uintptr_t)p;
}

static void *
rs_str(struct rs_dec *d)
{
	uint32_t len;
	char *s = rs_block(d, &len, false);

	if (s != NULL && (len == 0 || s[len - 1] != '\0')) {
		rs_bad(d, "a string without its NUL");
		return NULL;
	}
	return s;
}

/*
 * An iovec array of cnt entries (cnt within RUMP_RPC_IOVMAX): buffers in
 * the frame (in) or their capacities, given one zeroed block (out).
 */
static struct iovec *
rs_iov(struct rs_call *call, struct rs_dec *d, uint32_t cnt, bool in,
    uint64_t *totalp)
{
	struct iovec *iov = rs_alloc(call, d, cnt * sizeof(*iov));
	uint64_t total = 0;
	uint8_t *block;
	uint32_t i, len;

	if (iov == NULL)
		return NULL;
	for (i = 0; i < cnt && d->why == NULL; i++) {
		if (in) {
			iov[i].iov_base = rs_block(d, &len, true);
		} else {
			len = rpc_get32(&d->cur);
			iov[i].iov_base = len == RUMP_RPC_NULL ? NULL : iov;
		}
		/* A NULL buffer has its length beside it, for the kernel to refuse. */
		iov[i].iov_len = len == RUMP_RPC_NULL ? rpc_get64(&d->cur) : len;
		if (iov[i].iov_base == NULL)
			continue;
		if (!in && !rs_spend(call, d, iov[i].iov_len))
			return NULL;
		total += iov[i].iov_len;
	}
	if (d->cur.rc_bad)
		rs_bad(d, "truncated iovecs");
	if (d->why != NULL)
		return NULL;
	*totalp = total;
	if (in)
		return iov;
	block = rs_alloc(call, d, total);
	for (i = 0; i < cnt && block != NULL; i++)
		if (iov[i].iov_base != NULL) {
			iov[i].iov_base = block;
			block += iov[i].iov_len;
		}
	return block == NULL ? NULL : iov;
}

/* The iovec section: a NULL word, or a count (0 when the call's was bad). */
static struct iovec *
rs_iovsect(struct rs_call *call, struct rs_dec *d, bool in, uint32_t *cntp,
    uint64_t *totalp)
{
	uint32_t cnt = rpc_get32(&d->cur);

	*cntp = 0;
	*totalp = 0;
	if (d->cur.rc_bad || cnt == RUMP_RPC_NULL) {
		if (d->cur.rc_bad)
			rs_bad(d, "truncated");
		return NULL;
	}
	if (cnt > RUMP_RPC_IOVMAX) {
		rs_bad(d, "more iovecs than IOV_MAX");
		return NULL;
	}
	*cntp = cnt;
	return rs_iov(call, d, cnt, in, totalp);
}

/* A count the kernel refuses travels as no entries; the reply says why. */
static void
rs_iovcount(struct rs_call *call, struct rs_dec *d, int64_t want, uint32_t got,
    int refuse)
{
	if (want < 0 || want > RUMP_RPC_IOVMAX) {
		if (got != 0)
			rs_bad(d, "iovecs sent for a count out of range");
		else if (call->refuse == 0)
			call->refuse = refuse;
	} else if ((uint64_t)want != got)
		rs_bad(d, "an iovec count unlike the call's");
}

/* A msghdr and the capacities of its buffers, which the kernel changes. */
struct rs_msg {
	struct msghdr	m;
	uint32_t	namecap, ctlcap;
};

static void *
rs_msg(struct rs_call *call, struct rs_dec *d, bool in)
{
	struct rs_msg *rm = rs_alloc(call, d, sizeof(*rm));
	struct msghdr *m = &rm->m;
	uint32_t namelen, ctllen, cnt;
	uint64_t iovlen, total;

	if (rm == NULL)
		return NULL;
	if (in) {
		m->msg_name = rs_block(d, &namelen, false);
		m->msg_control = rs_block(d, &ctllen, false);
	} else {
		namelen = rpc_get32(&d->cur);
		ctllen = rpc_get32(&d->cur);
		if (namelen != RUMP_RPC_NULL && rs_spend(call, d, namelen))
			m->msg_name = rs_alloc(call, d, namelen);
		if (ctllen != RUMP_RPC_NULL && rs_spend(call, d, ctllen))
			m->msg_control = rs_alloc(call, d, ctllen);
	}
	m->msg_namelen = rm->namecap = namelen == RUMP_RPC_NULL ? 0 : namelen;
	m->msg_controllen = rm->ctlcap = ctllen == RUMP_RPC_NULL ? 0 : ctllen;
	m->msg_flags = (int)rpc_get32(&d->cur);
	iovlen = rpc_get64(&d->cur);
	m->msg_iov = rs_iovsect(call, d, in, &cnt, &total);
	m->msg_iovlen = iovlen;
	/* A NULL array keeps its count: the kernel says EFAULT. */
	if (d->why == NULL && m->msg_iov != NULL)
		rs_iovcount(call, d, iovlen > RUMP_RPC_IOVMAX ? -1 :
		    (int64_t)iovlen, cnt, EMSGSIZE);
	return m;
}

static void *
rs_ioctl(struct rs_call *call, struct rs_dec *d, unsigned long req)
{
	const struct rump_ioctl_desc *desc = rump_ioctl_lookup(req);
	struct ifconf *ifc;
	void *data;
	uint32_t tag = rpc_get32(&d->cur), len;
	const uint8_t *in;

	if (d->cur.rc_bad || tag == RUMP_RPC_NULL)
		return NULL;
	if (desc == NULL || tag != 0) {
		rs_bad(d, "an ioctl argument the table does not know");
		return NULL;
	}
	data = rs_alloc(call, d, desc->size);
	if (data == NULL)
		return NULL;
	switch (desc->dir) {
	case RUMP_IOCTL_OUT:
		rs_spend(call, d, desc->size);
		break;
	case RUMP_IOCTL_INOUT:
		rs_spend(call, d, desc->size);
		/* FALLTHROUGH */
	case RUMP_IOCTL_IN:
	case RUMP_IOCTL_RTENTRY:
		in = rpc_take(&d->cur, desc->size);
		if (in == NULL)
			return rs_bad(d, "truncated ioctl data"), NULL;
		memcpy(data, in, desc->size);
		if (desc->dir == RUMP_IOCTL_RTENTRY)
			((struct rtentry *)data)->rt_dev = rs_str(d);
		break;
	case RUMP_IOCTL_IFCONF:
		ifc = data;
		len = rpc_get32(&d->cur);
		if (len != RUMP_RPC_NULL && rs_spend(call, d, len)) {
			ifc->ifc_buf = rs_alloc(call, d, len);
			ifc->ifc_len = (int)len;
		}
		break;
	}
	return data;
}

/* The first pass: every argument as it comes, sizes checked later. */
static void
rs_arg(struct rs_call *call, struct rs_dec *d, int i)
{
	const struct rump_rpc_arg *ra = &call->c->rc_args[i];
	uint32_t n;

	switch (ra->ra_kind) {
	case RUMP_RPC_SCALAR:
		call->a[i] = (int64_t)rpc_get64(&d->cur);
		return;
	case RUMP_RPC_STR:
		call->p[i] = rs_str(d);
		return;
	case RUMP_RPC_IN:
	case RUMP_RPC_INOUT:
		call->p[i] = rs_block(d, &call->cap[i], rs_bulkin(call->c, i));
		return;
	case RUMP_RPC_OUT:
		call->cap[i] = rpc_get32(&d->cur);
		/* A marker: the buffer is allocated once its size is checked. */
		call->p[i] = call->cap[i] == RUMP_RPC_NULL ? NULL : call;
		return;
	case RUMP_RPC_IOVIN:
	case RUMP_RPC_IOVOUT: {
		uint64_t total;

		call->p[i] = rs_iovsect(call, d, ra->ra_kind == RUMP_RPC_IOVIN,
		    &n, &total);
		call->cap[i] = (uint32_t)total;
		call->cnt[i] = n;
		return;
	}
	case RUMP_RPC_MSGIN:
	case RUMP_RPC_MSGOUT:
		if (rpc_get32(&d->cur) != RUMP_RPC_NULL)
			call->p[i] = rs_msg(call, d, ra->ra_kind == RUMP_RPC_MSGIN);
		return;
	case RUMP_RPC_IOCTL:
		call->p[i] = rs_ioctl(call, d, (unsigned long)call->a[ra->ra_ref]);
		return;
	}
}

/*
 * The second pass, once every number is known: each IN, OUT and INOUT
 * buffer has exactly the size the call's arguments give it, each iovec
 * array the count.
 */
static void
rs_sizes(struct rs_call *call, struct rs_dec *d, int i)
{
	const struct rump_rpc_arg *ra = &call->c->rc_args[i];
	const void *ref = NULL;
	uint64_t want;

	if ((ra->ra_kind == RUMP_RPC_IOVIN || ra->ra_kind == RUMP_RPC_IOVOUT) &&
	    call->p[i] != NULL)
		rs_iovcount(call, d, call->a[ra->ra_ref], call->cnt[i], EINVAL);
	if ((ra->ra_kind != RUMP_RPC_IN && ra->ra_kind != RUMP_RPC_OUT &&
	    ra->ra_kind != RUMP_RPC_INOUT) || call->p[i] == NULL)
		return;
	if (ra->ra_size == RUMP_RPC_SZ_DEREF) {
		ref = call->p[ra->ra_ref];
		if (ref != NULL && call->cap[ra->ra_ref] != ra->ra_elsize) {
			rs_bad(d, "a length of the wrong size");
			return;
		}
	}
	want = rpc_argsize(ra, call->a, rpc_derefval(ref, ra->ra_elsize));
	if (want > RUMP_RPC_MAXDATA || want != call->cap[i]) {
		rs_bad(d, "a buffer's size unlike the call's");
		return;
	}
	if (ra->ra_kind == RUMP_RPC_IN)
		return;
	if (!rs_spend(call, d, want))
		return;
	if (ra->ra_kind != RUMP_RPC_OUT)
		return;
	/*
	 * The kernel writes a count's data where the reply carries it, so
	 * the reply needs no copy of it (a read into a channel's memory).
	 * No call has bulk in-data too, which lies there still
	 * (t_rpc_decode checks the table).
	 */
	if (d->place != NULL && rs_countbuf(call->c, ra) &&
	    rs_firstout(call->c, i)) {
		call->p[i] = d->place;
		call->placed = true;
	} else
		call->p[i] = rs_mem(call, d, want, !rs_countbuf(call->c, ra));
}

int
rump_server_decode(struct rs_call *call, uint8_t *payload, size_t len,
    uint8_t *copy, uint8_t *place, const char **whyp)
{
	struct rs_dec d = { .cur = { .rc_p = payload, .rc_left = len,
	    .rc_copy = copy }, .place = place };
	struct rump_rpc_callhdr ch;
	uint32_t nargs;
	int i;

	memset(call, 0, sizeof(*call));
	rpc_get_callhdr(&d.cur, &ch);
	call->sysnum = ch.rc_sysnum;
	nargs = ch.rc_nargs;
	if (d.cur.rc_bad)
		rs_bad(&d, "truncated call header");
	else if (call->sysnum >= RUMP_RPC_NSYS ||
	    rump_rpc_calls[call->sysnum].rc_name == NULL)
		rs_bad(&d, "no such system call");
	else if (nargs != rump_rpc_calls[call->sysnum].rc_nargs)
		rs_bad(&d, "the wrong number of arguments");
	if (d.why == NULL) {
		call->c = &rump_rpc_calls[call->sysnum];
		for (i = 0; i < call->c->rc_nargs && d.why == NULL; i++)
			rs_arg(call, &d, i);
		for (i = 0; i < call->c->rc_nargs && d.why == NULL; i++)
			rs_sizes(call, &d, i);
		if (d.why == NULL && (d.cur.rc_bad || d.cur.rc_left != 0))
			rs_bad(&d, d.cur.rc_bad ? "truncated" : "bytes after the call");
	}
	*whyp = d.why;
	return d.why == NULL ? 0 : EBADMSG;
}

/* ---- the reply -------------------------------------------------------------- */

/* A length and the bytes: sent from the call's buffer if they are many. */
static void
rs_putblock(struct rpc_wbuf *b, const void *data, uint64_t len)
{
	rpc_put32(b, (uint32_t)len);
	rpc_putref(b, data, len);
}

static uint64_t
rs_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * The data of an out iovec array: its buffers are consecutive in one
 * block, so the first n bytes of the block are what the call returned.
 */
static void
rs_put_iovdata(struct rpc_wbuf *b, const struct iovec *iov, size_t cnt,
    uint64_t n)
{
	const void *first = NULL;
	uint64_t total = 0;
	size_t i;

	for (i = 0; iov != NULL && i < cnt; i++)
		if (iov[i].iov_base != NULL) {
			if (first == NULL)
				first = iov[i].iov_base;
			total += iov[i].iov_len;
		}
	rs_putblock(b, first, rs_min(n, total));
}

static void
rs_put_ioctl(struct rpc_wbuf *b, unsigned long req, const void *data)
{
	const struct rump_ioctl_desc *desc = rump_ioctl_lookup(req);
	const struct ifconf *ifc = data;

	if (desc == NULL || data == NULL)
		return;
	switch (desc->dir) {
	case RUMP_IOCTL_OUT:
	case RUMP_IOCTL_INOUT:
		rs_putblock(b, data, desc->size);
		break;
	case RUMP_IOCTL_IFCONF:
		rpc_put32(b, (uint32_t)ifc->ifc_len);
		if (ifc->ifc_buf != NULL)
			rs_putblock(b, ifc->ifc_buf, ifc->ifc_len < 0 ? 0 :
			    (uint64_t)ifc->ifc_len);
		break;
	default:
		break;
	}
}

static void
rs_put_arg(const struct rs_call *call, int i, long ret, struct rpc_wbuf *b)
{
	const struct rump_rpc_arg *ra = &call->c->rc_args[i];
	const struct rs_msg *rm;
	const struct msghdr *m;
	uint64_t n;

	if (ra->ra_kind == RUMP_RPC_IOCTL) {
		rs_put_ioctl(b, (unsigned long)call->a[ra->ra_ref], call->p[i]);
		return;
	}
	if (call->p[i] == NULL)
		return;
	switch (ra->ra_kind) {
	case RUMP_RPC_OUT:
	case RUMP_RPC_INOUT:
		n = call->cap[i];
		/* The data buffer of a call returning a count: that many bytes. */
		if (rs_countbuf(call->c, ra))
			n = rs_min(n, ret < 0 ? 0 : (uint64_t)ret);
		if (ra->ra_size == RUMP_RPC_SZ_DEREF)
			n = rs_min(n, rpc_derefval(call->p[ra->ra_ref],
			    ra->ra_elsize));
		rs_putblock(b, call->p[i], n);
		break;
	case RUMP_RPC_IOVOUT:
		rs_put_iovdata(b, call->p[i], call->cnt[i],
		    rs_min((uint64_t)ret, call->cap[i]));
		break;
	case RUMP_RPC_MSGOUT:
		rm = call->p[i];
		m = &rm->m;
		rpc_put32(b, m->msg_namelen);
		rpc_put32(b, (uint32_t)m->msg_controllen);
		rs_putblock(b, m->msg_name, m->msg_name == NULL ? 0 :
		    rs_min(m->msg_namelen, rm->namecap));
		rs_putblock(b, m->msg_control, m->msg_control == NULL ? 0 :
		    rs_min(m->msg_controllen, rm->ctlcap));
		rpc_put32(b, (uint32_t)m->msg_flags);
		rs_put_iovdata(b, m->msg_iov, m->msg_iovlen, (uint64_t)ret);
		break;
	default:
		break;
	}
}

void
rump_server_encode(const struct rs_call *call, long ret, int error,
    struct rpc_wbuf *b)
{
	int i;

	rpc_put_replyhdr(b, &(struct rump_rpc_replyhdr){ .rr_error = error,
	    .rr_retval = ret });
	if (error != 0)
		return;
	for (i = 0; i < call->c->rc_nargs; i++)
		rs_put_arg(call, i, ret, b);
}

void
rump_server_call_free(struct rs_call *call)
{
	while (call->nallocs > 0)
		free(call->allocs[--call->nallocs]);
}

/* ---- the frames of a shared-memory channel ----------------------------- */

int
rump_server_decode_chanreq(const uint8_t *payload, size_t len,
    struct rump_rpc_chanreq *q, const char **whyp)
{
	struct rpc_rcur c = { .rc_p = payload, .rc_left = len };

	rpc_get_chanreq(&c, q);
	*whyp = NULL;
	if (c.rc_bad || c.rc_left != 0)
		*whyp = "a channel request of the wrong length";
	else if (q->cq_version == RUMP_RPC_CHANVERSION &&
	    q->cq_size != RUMP_RPC_CHANSIZE)
		*whyp = "a channel of the wrong size";
	return *whyp == NULL ? 0 : EBADMSG;
}

int
rump_server_chanframe(const uint8_t *hb, struct rump_rpc_hdr *h,
    const char **whyp)
{
	rpc_get_hdr(hb, h);
	*whyp = NULL;
	if (h->rh_version != RUMP_RPC_VERSION)
		*whyp = "a channel frame of another protocol version";
	else if (h->rh_type != RUMP_RPC_CALL)
		*whyp = "a channel frame that is no call";
	else if (h->rh_len < RUMP_RPC_HDRLEN || h->rh_len > RUMP_RPC_MAXFRAME)
		*whyp = "a channel frame of a bad length";
	return *whyp == NULL ? 0 : EBADMSG;
}
