/*
 * The remote system call protocol: what travels between librumpclient and
 * rump_server (librumpserver), declared once for both.  See "Remote
 * system calls" in docs/ARCHITECTURE.md for the whole protocol.
 *
 * A frame is a struct rump_rpc_hdr followed by its payload.  Every
 * integer of the protocol is little-endian and fixed-width, converted in
 * this file only (the rpc_put and rpc_get helpers); the contents of the
 * structures a call passes (struct stat, struct sockaddr) travel as the
 * bytes the kernel's Linux x86-64 ABI defines.
 */
#ifndef LIBRUMPCLIENT_RPC_WIRE_H
#define LIBRUMPCLIENT_RPC_WIRE_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#define RUMP_RPC_VERSION	1

/*
 * The largest frame either side sends or accepts, header included, and
 * the most data one call carries (a read or write asking for more moves
 * this much: a short count, as POSIX allows).  A frame announcing more
 * closes the connection.
 */
#define RUMP_RPC_MAXDATA	(4u << 20)
#define RUMP_RPC_MAXFRAME	(RUMP_RPC_MAXDATA + 65536u)

enum rump_rpc_type {
	RUMP_RPC_HANDSHAKE = 1,	/* client: hello; server: welcome */
	RUMP_RPC_CALL,		/* client: a system call and its in-data */
	RUMP_RPC_REPLY,		/* server: its result and its out-data */
	RUMP_RPC_INTERRUPT,	/* client: interrupt the call of this id */
	RUMP_RPC_CHANNEL,	/* client: a shared-memory channel (rpc_chan.h) */
	RUMP_RPC_PREFORK,	/* client: a copy of its process for a fork;
				   answered by a reply and the copy's cookie */
	RUMP_RPC_FORKHANDSHAKE,	/* client: hello and a cookie: the connection
				   is that copy; answered by a welcome */
};

/* Every frame starts with this. */
struct rump_rpc_hdr {
	uint32_t	rh_len;		/* the whole frame, this header included */
	uint16_t	rh_version;	/* RUMP_RPC_VERSION */
	uint16_t	rh_type;	/* enum rump_rpc_type */
	uint64_t	rh_reqid;	/* a call's id, echoed by its reply */
};
#define RUMP_RPC_HDRLEN		16
_Static_assert(sizeof(struct rump_rpc_hdr) == RUMP_RPC_HDRLEN, "rpc header");

/*
 * The handshake: the client's hello, then the server's welcome.  On a
 * unix socket the server takes the credentials from the socket
 * (SO_PEERCRED) and ignores these.
 */
struct rump_rpc_hello {
	uint32_t	rhe_uid;
	uint32_t	rhe_gid;
	uint32_t	rhe_hostpid;	/* for the server's log */
	uint32_t	rhe_features;	/* RUMP_RPC_FEAT_* the client can use */
};
#define RUMP_RPC_HELLOLEN	16
_Static_assert(sizeof(struct rump_rpc_hello) == RUMP_RPC_HELLOLEN, "hello");

/*
 * Features beyond the base protocol: the hello names the ones the client
 * can use, the welcome the ones of those the server offers it.  A server
 * that knows none sends a welcome without rw_features (8 bytes): none.
 */
#define RUMP_RPC_FEAT_CHANNEL	0x1u	/* RUMP_RPC_CHANNEL frames (unix only) */
#define RUMP_RPC_FEAT_FORK	0x2u	/* RUMP_RPC_PREFORK, RUMP_RPC_FORKHANDSHAKE */

struct rump_rpc_welcome {
	int32_t		rw_error;	/* 0, or why the client is refused */
	uint32_t	rw_pid;		/* the client's process in the kernel */
	uint32_t	rw_features;	/* RUMP_RPC_FEAT_* offered */
};
#define RUMP_RPC_WELCOMELEN	12
_Static_assert(sizeof(struct rump_rpc_welcome) == RUMP_RPC_WELCOMELEN,
    "welcome");

/*
 * What names a copy of a client's process made for its fork: random
 * bytes from the server, unguessable, good for one fork handshake.
 */
struct rump_rpc_cookie {
	uint8_t		rk_bytes[32];
};
#define RUMP_RPC_COOKIELEN	32
_Static_assert(sizeof(struct rump_rpc_cookie) == RUMP_RPC_COOKIELEN,
    "cookie");

/* A call's payload starts with this, then its arguments in order. */
struct rump_rpc_callhdr {
	uint32_t	rc_sysnum;	/* SYS_<name> */
	uint32_t	rc_nargs;	/* must be the call's */
};
#define RUMP_RPC_CALLHDRLEN	8
_Static_assert(sizeof(struct rump_rpc_callhdr) == RUMP_RPC_CALLHDRLEN,
    "call header");

/* A reply's payload starts with this, then the out-data in order. */
struct rump_rpc_replyhdr {
	int32_t		rr_error;	/* errno value, 0: success */
	uint32_t	rr_reserved;
	int64_t		rr_retval;
};
#define RUMP_RPC_REPLYHDRLEN	16
_Static_assert(sizeof(struct rump_rpc_replyhdr) == RUMP_RPC_REPLYHDRLEN,
    "reply header");

/* A pointer argument's length word for a NULL pointer. */
#define RUMP_RPC_NULL		0xffffffffu

/* ---- the argument descriptions generated from syscalls.master ---------- */

enum rump_rpc_kind {
	RUMP_RPC_SCALAR = 0,	/* a number: 8 bytes */
	RUMP_RPC_STR,		/* [str] */
	RUMP_RPC_IN,		/* [in SIZE] */
	RUMP_RPC_OUT,		/* [out SIZE] */
	RUMP_RPC_INOUT,		/* [inout SIZE] */
	RUMP_RPC_IOVIN,		/* [iovin N] */
	RUMP_RPC_IOVOUT,	/* [iovout N] */
	RUMP_RPC_MSGIN,		/* [msgin] */
	RUMP_RPC_MSGOUT,	/* [msgout] */
	RUMP_RPC_IOCTL,		/* [ioctl REQ] */
};

enum rump_rpc_sizekind {
	RUMP_RPC_SZ_FIXED = 0,	/* ra_elsize bytes */
	RUMP_RPC_SZ_ARG,	/* argument ra_ref's value times ra_elsize */
	RUMP_RPC_SZ_DEREF,	/* the ra_elsize-byte value argument ra_ref points to */
};

struct rump_rpc_arg {
	uint8_t		ra_kind;	/* enum rump_rpc_kind */
	uint8_t		ra_size;	/* enum rump_rpc_sizekind */
	uint8_t		ra_ref;		/* the argument the size or count names */
	uint32_t	ra_elsize;
};

#define RUMP_RPC_MAXARGS	6

struct rump_rpc_call {
	const char	*rc_name;	/* NULL: no such call */
	uint8_t		rc_nargs;
	bool		rc_count;	/* returns a count of bytes (ssize_t) */
	struct rump_rpc_arg rc_args[RUMP_RPC_MAXARGS];
};

/* The iovecs one call may carry: the kernel's IOV_MAX, Linux's UIO_MAXIOV. */
#define RUMP_RPC_IOVMAX		1024

/* ---- writing a payload -------------------------------------------------- */

/*
 * Blocks of data this large are not copied into the buffer: the buffer
 * refers to them where they lie (the caller's buffer, the call's out
 * buffer), and the frame is sent with one writev.  At most
 * RPC_WBUF_MAXREFS per frame; more are copied.
 */
#define RPC_WBUF_REFMIN		4096
#define RPC_WBUF_MAXREFS	4
/* The iovecs of a frame: its pieces between and around the blocks. */
#define RPC_WBUF_MAXIOV		(2 * RPC_WBUF_MAXREFS + 1)

struct rpc_wref {
	size_t		at;		/* where in rb_data the block goes */
	const void	*p;
	size_t		len;
};

/*
 * A growing byte buffer.  A failed allocation sets rb_nomem and stops.
 * The frame is rb_data with the blocks rb_refs inserted: rb_len +
 * rb_reflen bytes.
 */
struct rpc_wbuf {
	uint8_t		*rb_data;
	size_t		rb_len, rb_cap;
	bool		rb_nomem;
	bool		rb_borrowed;	/* rb_data is the caller's, not malloc'd */
	struct rpc_wref	rb_refs[RPC_WBUF_MAXREFS];
	int		rb_nrefs;
	size_t		rb_reflen;
};

static inline uint8_t *
rpc_wbuf_room(struct rpc_wbuf *b, size_t n)
{
	uint8_t *p;
	size_t cap;

	if (b->rb_nomem)
		return NULL;
	if (b->rb_cap - b->rb_len < n) {
		cap = b->rb_cap == 0 ? 256 : b->rb_cap;
		while (cap - b->rb_len < n)
			cap *= 2;
		p = b->rb_borrowed ? malloc(cap) : realloc(b->rb_data, cap);
		if (p == NULL) {
			b->rb_nomem = true;
			return NULL;
		}
		/* Out of the caller's buffer: its bytes come along. */
		if (b->rb_borrowed && b->rb_len > 0)
			memcpy(p, b->rb_data, b->rb_len);
		b->rb_borrowed = false;
		b->rb_data = p;
		b->rb_cap = cap;
	}
	p = b->rb_data + b->rb_len;
	b->rb_len += n;
	return p;
}

/* A buffer that starts in the caller's memory (no malloc while it fits). */
static inline void
rpc_wbuf_init(struct rpc_wbuf *b, uint8_t *mem, size_t size)
{
	*b = (struct rpc_wbuf){ .rb_data = mem, .rb_cap = size,
	    .rb_borrowed = true };
}

static inline void
rpc_wbuf_free(struct rpc_wbuf *b)
{
	if (!b->rb_borrowed)
		free(b->rb_data);
}

static inline void
rpc_put32(struct rpc_wbuf *b, uint32_t v)
{
	uint8_t *p = rpc_wbuf_room(b, 4);

	v = htole32(v);
	if (p != NULL)
		memcpy(p, &v, 4);
}

static inline void
rpc_put64(struct rpc_wbuf *b, uint64_t v)
{
	uint8_t *p = rpc_wbuf_room(b, 8);

	v = htole64(v);
	if (p != NULL)
		memcpy(p, &v, 8);
}

static inline void
rpc_putbytes(struct rpc_wbuf *b, const void *data, size_t n)
{
	uint8_t *p = rpc_wbuf_room(b, n);

	if (p != NULL && n > 0)
		memcpy(p, data, n);
}

/* n bytes of data, referred to where they lie if they are many. */
static inline void
rpc_putref(struct rpc_wbuf *b, const void *data, size_t n)
{
	if (n < RPC_WBUF_REFMIN || b->rb_nrefs == RPC_WBUF_MAXREFS ||
	    b->rb_nomem) {
		rpc_putbytes(b, data, n);
		return;
	}
	b->rb_refs[b->rb_nrefs++] = (struct rpc_wref){ .at = b->rb_len,
	    .p = data, .len = n };
	b->rb_reflen += n;
}

/* The frame's bytes in order as iovecs (RPC_WBUF_MAXIOV at most); their count. */
static inline int
rpc_wbuf_iov(const struct rpc_wbuf *b, struct iovec *iov)
{
	size_t at = 0;
	int i, n = 0;

	for (i = 0; i < b->rb_nrefs; i++) {
		if (b->rb_refs[i].at > at)
			iov[n++] = (struct iovec){ .iov_base = b->rb_data + at,
			    .iov_len = b->rb_refs[i].at - at };
		iov[n++] = (struct iovec){
		    .iov_base = (void *)(uintptr_t)b->rb_refs[i].p,
		    .iov_len = b->rb_refs[i].len };
		at = b->rb_refs[i].at;
	}
	if (b->rb_len > at)
		iov[n++] = (struct iovec){ .iov_base = b->rb_data + at,
		    .iov_len = b->rb_len - at };
	return n;
}

/* A frame header at the buffer's start (room for it was made first). */
static inline void
rpc_put_hdr(uint8_t *p, uint32_t len, uint16_t type, uint64_t reqid)
{
	uint32_t l = htole32(len);
	uint16_t v = htole16(RUMP_RPC_VERSION), t = htole16(type);
	uint64_t id = htole64(reqid);

	memcpy(p, &l, 4);
	memcpy(p + 4, &v, 2);
	memcpy(p + 6, &t, 2);
	memcpy(p + 8, &id, 8);
}

/* ---- reading a payload -------------------------------------------------- */

/*
 * A cursor over received bytes.  Reading past the end sets rc_bad and
 * yields zeros, so a decoder checks once, at the end or before using
 * what it read to size anything.
 *
 * Bytes that the sender may still change as they are read (a channel's
 * memory) are read through rc_copy: what is taken is copied there first
 * and read only from there, so every byte is read once and a check
 * holds for what is used.  rc_copy then needs room for every byte the
 * cursor spans.
 */
struct rpc_rcur {
	const uint8_t	*rc_p;
	size_t		rc_left;
	bool		rc_bad;
	uint8_t		*rc_copy;	/* NULL: the bytes are ours, read in place */
};

/* n bytes where they lie, not copied: for bytes read only once, by one copy. */
static inline const uint8_t *
rpc_takeref(struct rpc_rcur *c, size_t n)
{
	const uint8_t *p;

	if (c->rc_bad || c->rc_left < n) {
		c->rc_bad = true;
		return NULL;
	}
	p = c->rc_p;
	c->rc_p += n;
	c->rc_left -= n;
	return p;
}

static inline const uint8_t *
rpc_take(struct rpc_rcur *c, size_t n)
{
	const uint8_t *p = rpc_takeref(c, n);
	uint8_t *copy = c->rc_copy;

	if (p == NULL || copy == NULL)
		return p;
	memcpy(copy, p, n);
	/* The copy is what counts: no reading of the bytes behind it. */
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	c->rc_copy += n;
	return copy;
}

static inline uint32_t
rpc_get32(struct rpc_rcur *c)
{
	const uint8_t *p = rpc_take(c, 4);
	uint32_t v = 0;

	if (p != NULL)
		memcpy(&v, p, 4);
	return le32toh(v);
}

static inline uint64_t
rpc_get64(struct rpc_rcur *c)
{
	const uint8_t *p = rpc_take(c, 8);
	uint64_t v = 0;

	if (p != NULL)
		memcpy(&v, p, 8);
	return le64toh(v);
}

static inline void
rpc_get_hdr(const uint8_t *p, struct rump_rpc_hdr *h)
{
	memcpy(&h->rh_len, p, 4);
	memcpy(&h->rh_version, p + 4, 2);
	memcpy(&h->rh_type, p + 6, 2);
	memcpy(&h->rh_reqid, p + 8, 8);
	h->rh_len = le32toh(h->rh_len);
	h->rh_version = le16toh(h->rh_version);
	h->rh_type = le16toh(h->rh_type);
	h->rh_reqid = le64toh(h->rh_reqid);
}

/* ---- the fixed structures, each converted here only -------------------- */

static inline void
rpc_put_hello(struct rpc_wbuf *b, const struct rump_rpc_hello *h)
{
	rpc_put32(b, h->rhe_uid);
	rpc_put32(b, h->rhe_gid);
	rpc_put32(b, h->rhe_hostpid);
	rpc_put32(b, h->rhe_features);
}

static inline void
rpc_get_hello(struct rpc_rcur *c, struct rump_rpc_hello *h)
{
	h->rhe_uid = rpc_get32(c);
	h->rhe_gid = rpc_get32(c);
	h->rhe_hostpid = rpc_get32(c);
	h->rhe_features = rpc_get32(c);
}

static inline void
rpc_put_welcome(struct rpc_wbuf *b, const struct rump_rpc_welcome *w)
{
	rpc_put32(b, (uint32_t)w->rw_error);
	rpc_put32(b, w->rw_pid);
	rpc_put32(b, w->rw_features);
}

static inline void
rpc_get_welcome(struct rpc_rcur *c, struct rump_rpc_welcome *w)
{
	w->rw_error = (int32_t)rpc_get32(c);
	w->rw_pid = rpc_get32(c);
	/* Older servers end here: no features. */
	w->rw_features = c->rc_left >= 4 ? rpc_get32(c) : 0;
}

static inline void
rpc_put_cookie(struct rpc_wbuf *b, const struct rump_rpc_cookie *k)
{
	rpc_putbytes(b, k->rk_bytes, sizeof(k->rk_bytes));
}

static inline void
rpc_get_cookie(struct rpc_rcur *c, struct rump_rpc_cookie *k)
{
	const uint8_t *p = rpc_take(c, sizeof(k->rk_bytes));

	if (p != NULL)
		memcpy(k->rk_bytes, p, sizeof(k->rk_bytes));
	else
		memset(k->rk_bytes, 0, sizeof(k->rk_bytes));
}

static inline void
rpc_put_callhdr(struct rpc_wbuf *b, const struct rump_rpc_callhdr *h)
{
	rpc_put32(b, h->rc_sysnum);
	rpc_put32(b, h->rc_nargs);
}

static inline void
rpc_get_callhdr(struct rpc_rcur *c, struct rump_rpc_callhdr *h)
{
	h->rc_sysnum = rpc_get32(c);
	h->rc_nargs = rpc_get32(c);
}

static inline void
rpc_put_replyhdr(struct rpc_wbuf *b, const struct rump_rpc_replyhdr *h)
{
	rpc_put32(b, (uint32_t)h->rr_error);
	rpc_put32(b, h->rr_reserved);
	rpc_put64(b, (uint64_t)h->rr_retval);
}

static inline void
rpc_get_replyhdr(struct rpc_rcur *c, struct rump_rpc_replyhdr *h)
{
	h->rr_error = (int32_t)rpc_get32(c);
	h->rr_reserved = rpc_get32(c);
	h->rr_retval = (int64_t)rpc_get64(c);
}

/* ---- sizes -------------------------------------------------------------- */

/*
 * The bytes an argument of kind IN, OUT or INOUT spans, from the scalar
 * arguments a[] and, for SZ_DEREF, the value its reference points to
 * (deref).  Negative: the call's own value is negative, and no data
 * travels (the kernel refuses the value itself).
 */
static inline int64_t
rpc_argsize(const struct rump_rpc_arg *ra, const int64_t *a, uint64_t deref)
{
	switch (ra->ra_size) {
	case RUMP_RPC_SZ_ARG:
		if (a[ra->ra_ref] < 0)
			return -1;
		if ((uint64_t)a[ra->ra_ref] > RUMP_RPC_MAXFRAME / ra->ra_elsize)
			return (int64_t)RUMP_RPC_MAXFRAME + 1;
		return a[ra->ra_ref] * (int64_t)ra->ra_elsize;
	case RUMP_RPC_SZ_DEREF:
		if (deref > RUMP_RPC_MAXFRAME)
			return (int64_t)RUMP_RPC_MAXFRAME + 1;
		return (int64_t)deref;
	default:
		return ra->ra_elsize;
	}
}

/* The value of a SZ_DEREF reference, read from its width's bytes. */
static inline uint64_t
rpc_derefval(const void *p, uint32_t width)
{
	uint32_t v32;
	uint64_t v64;

	if (p == NULL)
		return 0;
	if (width == 4) {
		memcpy(&v32, p, 4);
		return v32;
	}
	memcpy(&v64, p, 8);
	return v64;
}

#endif /* LIBRUMPCLIENT_RPC_WIRE_H */
