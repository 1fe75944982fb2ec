/* Echo, sink and source streams over many TCP connections: see ncstream.h. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rump/rump.h>

#include "ncstream.h"
#include "toolutil.h"

#define NCSTREAM_BUF	(256 * 1024)
#define NCSTREAM_LINGER	30		/* seconds close waits for ACKs */

struct ncconn {
	int s;				/* -1: a free slot */
	char peer[32];
	uint64_t start_ns;
	uint64_t in, out;		/* bytes read and written */
	uint64_t left;			/* source: bytes still to send */
	bool eof;			/* the peer sent its FIN */
	bool shut;			/* we sent ours */
	size_t pend, pendoff;		/* echo: bytes read, not yet back */
	char *buf;
};

struct ncstream {
	const struct ncstream_opts *o;
	struct ncconn *conns;
	struct pollfd *pfd;
	int nconns;
	bool served;			/* a connection has ended */
	char *pattern;			/* source: NCSTREAM_BUF + 251 bytes */
};

void
ncstream_rate(char *buf, size_t len, uint64_t bytes, uint64_t ns)
{
	double secs = (double)ns / 1e9;

	snprintf(buf, len, "%llu bytes in %.3f s, %.1f Mbit/s",
	    (unsigned long long)bytes, secs,
	    secs > 0 ? (double)bytes * 8 / secs / 1e6 : 0.0);
}

static void
ncconn_end(struct ncstream *ns, struct ncconn *c, const char *error)
{
	const struct ncstream_opts *o = ns->o;
	char rate[96];

	ncstream_rate(rate, sizeof(rate), o->mode == NCSTREAM_SOURCE ? c->out :
	    c->in, tool_now_ns() - c->start_ns);
	if (error != NULL)
		fprintf(stderr, "%s: %s: %s (after %s)\n", o->prog, c->peer,
		    error, rate);
	else if (o->mode != NCSTREAM_ECHO)
		fprintf(o->report, "%s: %s: %s %s\n", o->prog, c->peer,
		    o->mode == NCSTREAM_SINK ? "received" : "sent", rate);
	else if (o->verbose)
		fprintf(o->report, "%s: %s: echoed %llu bytes\n", o->prog,
		    c->peer, (unsigned long long)c->out);
	rump_sys_close(c->s);
	free(c->buf);
	c->buf = NULL;
	c->s = -1;
	ns->nconns--;
	ns->served = true;
}

void
ncstream_linger(int s, const char *prog)
{
	struct linger lg = { .l_onoff = 1, .l_linger = NCSTREAM_LINGER };

	if (rump_sys_setsockopt(s, SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg)) != 0)
		fprintf(stderr, "%s: SO_LINGER: %s\n", prog, strerror(errno));
}

static int
ncconn_start(struct ncstream *ns, int s, const struct sockaddr_in *sin)
{
	struct ncconn *c;
	char a[16];
	int i;

	for (i = 0; ns->conns[i].s >= 0; i++)
		continue;
	c = &ns->conns[i];
	memset(c, 0, sizeof(*c));
	if ((c->buf = malloc(NCSTREAM_BUF)) == NULL) {
		rump_sys_close(s);
		c->s = -1;
		return -1;
	}
	c->s = s;
	if (ns->o->mode != NCSTREAM_ECHO)
		ncstream_linger(s, ns->o->prog);
	snprintf(c->peer, sizeof(c->peer), "%s:%u",
	    tool_format_ipv4(ntohl(sin->sin_addr.s_addr), a),
	    ntohs(sin->sin_port));
	c->start_ns = tool_now_ns();
	c->left = ns->o->source_bytes;
	ns->nconns++;
	if (ns->o->verbose)
		fprintf(ns->o->report, "%s: %s: connected\n", ns->o->prog,
		    c->peer);
	return 0;
}

/* Reads what is there; echo keeps it to send back. */
static int
ncconn_read(struct ncconn *c, bool echo)
{
	ssize_t n;

	while (!c->eof && c->pend == 0) {
		n = rump_sys_read(c->s, c->buf, NCSTREAM_BUF);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (n == 0)
			c->eof = true;
		c->in += (uint64_t)n;
		if (echo)
			c->pend = (size_t)n;
		c->pendoff = 0;
	}
	return 0;
}

/* Writes len bytes from p or until the socket takes no more. */
static int
ncconn_write(struct ncconn *c, const char *p, size_t len, size_t *done)
{
	ssize_t n;

	*done = 0;
	while (*done < len) {
		n = rump_sys_write(c->s, p + *done, len - *done);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		*done += (size_t)n;
		c->out += (uint64_t)n;
	}
	return 0;
}

static int
ncconn_echo(struct ncconn *c)
{
	size_t done;

	for (;;) {
		if (ncconn_read(c, true) != 0)
			return -1;
		if (c->pend == 0)
			return 0;
		if (ncconn_write(c, c->buf + c->pendoff, c->pend, &done) != 0)
			return -1;
		c->pendoff += done;
		c->pend -= done;
		if (c->pend > 0)
			return 0;
	}
}

static int
ncconn_source(struct ncstream *ns, struct ncconn *c)
{
	size_t want, done;

	while (c->left > 0) {
		want = c->left < NCSTREAM_BUF ? (size_t)c->left : NCSTREAM_BUF;
		if (ncconn_write(c, ns->pattern + c->out % 251, want, &done))
			return -1;
		c->left -= done;
		if (done < want)
			return 0;
	}
	return ncconn_read(c, false);
}

/* Moves a connection on; ends it when it is done or failed. */
static void
ncconn_step(struct ncstream *ns, struct ncconn *c)
{
	int rc;

	switch (ns->o->mode) {
	case NCSTREAM_ECHO:
		rc = ncconn_echo(c);
		break;
	case NCSTREAM_SINK:
		rc = ncconn_read(c, false);
		break;
	default:
		rc = ncconn_source(ns, c);
		break;
	}
	if (rc != 0) {
		ncconn_end(ns, c, strerror(errno));
		return;
	}
	/* Everything sent: our FIN, as the peer's came or the source ran out. */
	if (!c->shut && c->pend == 0 && c->left == 0 &&
	    (c->eof || ns->o->mode == NCSTREAM_SOURCE)) {
		rump_sys_shutdown(c->s, SHUT_WR);
		c->shut = true;
	}
	if (c->eof && c->pend == 0 && c->left == 0)
		ncconn_end(ns, c, NULL);
}

static void
ncstream_accept(struct ncstream *ns, int ls)
{
	struct sockaddr_in sin;
	socklen_t len;
	int s;

	while (ns->nconns < ns->o->maxconns) {
		len = sizeof(sin);
		s = rump_sys_accept4(ls, (struct sockaddr *)&sin, &len,
		    SOCK_NONBLOCK);
		if (s < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				fprintf(stderr, "%s: accept: %s\n", ns->o->prog,
				    strerror(errno));
			return;
		}
		if (ncconn_start(ns, s, &sin) != 0)
			fprintf(stderr, "%s: out of memory for a connection\n",
			    ns->o->prog);
	}
}

static short
ncconn_events(const struct ncstream *ns, const struct ncconn *c)
{
	if (c->pend > 0 || (ns->o->mode == NCSTREAM_SOURCE && c->left > 0))
		return POLLOUT;
	return POLLIN;
}

static int
ncstream_loop(struct ncstream *ns, int ls, int sigfd)
{
	bool listening;
	nfds_t n, k;
	int i;

	for (;;) {
		listening = ls >= 0 && (ns->o->keep || !ns->served);
		if (!listening && ns->nconns == 0)
			return 0;
		ns->pfd[0] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		ns->pfd[1] = (struct pollfd){ .fd = listening &&
		    ns->nconns < ns->o->maxconns ? ls : -1, .events = POLLIN };
		for (i = 0, n = 2; i < ns->o->maxconns; i++)
			if (ns->conns[i].s >= 0)
				ns->pfd[n++] = (struct pollfd){
				    .fd = ns->conns[i].s,
				    .events = ncconn_events(ns, &ns->conns[i]) };
		if (rump_sys_poll(ns->pfd, n, -1) < 0 && errno != EINTR) {
			fprintf(stderr, "%s: poll: %s\n", ns->o->prog,
			    strerror(errno));
			return -1;
		}
		if (ns->pfd[0].revents != 0)
			return 0;
		for (i = 0, k = 2; k < n; i++) {
			if (ns->conns[i].s < 0)
				continue;
			if (ns->pfd[k++].revents != 0)
				ncconn_step(ns, &ns->conns[i]);
		}
		if (ns->pfd[1].revents != 0)
			ncstream_accept(ns, ls);
	}
}

int
ncstream_run(const struct ncstream_opts *o, int ls, int s, int sigfd)
{
	struct ncstream ns = { .o = o };
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int i, rc = -1;

	ns.conns = calloc((size_t)o->maxconns, sizeof(*ns.conns));
	ns.pfd = calloc((size_t)o->maxconns + 2, sizeof(*ns.pfd));
	ns.pattern = malloc(NCSTREAM_BUF + 251);
	if (ns.conns == NULL || ns.pfd == NULL || ns.pattern == NULL) {
		fprintf(stderr, "%s: out of memory\n", o->prog);
		goto out;
	}
	for (i = 0; i < NCSTREAM_BUF + 251; i++)
		ns.pattern[i] = (char)ncstream_byte((uint64_t)i);
	for (i = 0; i < o->maxconns; i++)
		ns.conns[i].s = -1;
	if (s >= 0) {
		memset(&sin, 0, sizeof(sin));
		rump_sys_getpeername(s, (struct sockaddr *)&sin, &len);
		if (ncconn_start(&ns, s, &sin) != 0)
			goto out;
	}
	rc = ncstream_loop(&ns, ls, sigfd);
out:
	for (i = 0; ns.conns != NULL && i < o->maxconns; i++)
		if (ns.conns[i].s >= 0)
			ncconn_end(&ns, &ns.conns[i], "interrupted");
	free(ns.conns);
	free(ns.pfd);
	free(ns.pattern);
	return rc;
}
