/*
 * Socket options: SOL_SOCKET is answered here, every other level by the
 * protocol's pr_ctloutput.
 */
#include "rumpkern/ktime.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"

int
sockopt_get(const struct sockopt *sopt, void *buf, size_t len)
{
	if (sopt->sopt_size < len)
		return EINVAL;
	memcpy(buf, sopt->sopt_data, len);
	return 0;
}

int
sockopt_getint(const struct sockopt *sopt, int *valp)
{
	return sockopt_get(sopt, valp, sizeof(*valp));
}

int
sockopt_set(struct sockopt *sopt, const void *buf, size_t len)
{
	len = MIN(len, sopt->sopt_size);
	memcpy(sopt->sopt_data, buf, len);
	sopt->sopt_size = len;
	return 0;
}

int
sockopt_setint(struct sockopt *sopt, int val)
{
	return sockopt_set(sopt, &val, sizeof(val));
}

/* The boolean SO_* options and their bit in so_options. */
static int
so_optbit(int name)
{
	switch (name) {
	case SO_DEBUG:		return SO_OPT_DEBUG;
	case SO_REUSEADDR:	return SO_OPT_REUSEADDR;
	case SO_REUSEPORT:	return SO_OPT_REUSEPORT;
	case SO_KEEPALIVE:	return SO_OPT_KEEPALIVE;
	case SO_DONTROUTE:	return SO_OPT_DONTROUTE;
	case SO_BROADCAST:	return SO_OPT_BROADCAST;
	case SO_OOBINLINE:	return SO_OPT_OOBINLINE;
	default:		return 0;
	}
}

/*
 * As Linux's sock_set_timeout: a negative time is no wait at all (the
 * call returns EAGAIN at once, and the timeout reads as 0), a deadline
 * that has passed as soon as it is set.
 */
static int
so_settimeo(struct sockbuf *sb, const struct sockopt *sopt)
{
	struct timeval tv;
	int error;

	if ((error = sockopt_get(sopt, &tv, sizeof(tv))) != 0)
		return error;
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return EDOM;
	if (tv.tv_sec < 0) {
		sb->sb_timeo_ns = 1;
		return 0;
	}
	sb->sb_timeo_ns = (uint64_t)tv.tv_sec * NSEC_PER_SEC +
	    (uint64_t)tv.tv_usec * 1000;
	return 0;
}

static int
so_gettimeo(const struct sockbuf *sb, struct sockopt *sopt)
{
	struct timeval tv = {
		.tv_sec = (time_t)(sb->sb_timeo_ns / NSEC_PER_SEC),
		.tv_usec = (suseconds_t)(sb->sb_timeo_ns % NSEC_PER_SEC / 1000),
	};

	return sockopt_set(sopt, &tv, sizeof(tv));
}

/*
 * Buffer sizes as Linux sets them (socket(7)): the value is clamped, then
 * doubled to leave room for bookkeeping, and getsockopt reports the doubled
 * size.  Never refused: Linux takes the value as unsigned, so a negative
 * one is the largest.
 */
#define SO_MIN_SNDBUF	4608
#define SO_MIN_RCVBUF	2304

static int
so_setbuf(struct sockbuf *sb, int val, size_t min)
{
	size_t cc = MIN((size_t)(unsigned)val, (size_t)SB_MAX / 2) * 2;

	return sbreserve(sb, MAX(cc, min));
}

/*
 * The receive low water mark: 0 is 1, and a negative one the largest, as
 * on Linux; it never exceeds the buffer, so a reader cannot wait for more
 * than the buffer holds.
 */
static void
so_setrcvlowat(struct socket *so, int val)
{
	size_t lowat = val < 0 ? SB_MAX : (size_t)MAX(val, 1);

	so->so_rcv.sb_lowat = MIN(lowat, so->so_rcv.sb_hiwat);
}

/*
 * SO_LINGER as Linux's: turning it off keeps the time, and a negative
 * time is no limit (INT32_MAX seconds, some 68 years).
 */
static int
so_setlinger(struct socket *so, const struct sockopt *sopt)
{
	struct linger lg;
	int error;

	if ((error = sockopt_get(sopt, &lg, sizeof(lg))) != 0)
		return error;
	if (!lg.l_onoff) {
		so->so_options &= ~SO_OPT_LINGER;
		return 0;
	}
	so->so_linger = lg.l_linger < 0 ? INT32_MAX : lg.l_linger;
	so->so_options |= SO_OPT_LINGER;
	return 0;
}

/*
 * The options a program sets.  SO_SNDLOWAT is not one: Linux refuses to
 * set it (ENOPROTOOPT) and reads it as 1, and so does the socket layer
 * for both stacks.  The rump stack has a send low water mark of its own
 * (SO_DEFAULT_LOWAT_SND: a stream is writable, and a blocked send goes
 * on, once that much room is free), as Linux's streams have theirs, but
 * a program written for Linux never sets it, and sockin could not honour
 * it: the data waits in the host's socket, whose readiness the host
 * decides.
 */
static int
so_setsockopt(struct socket *so, struct sockopt *sopt)
{
	int val, error;

	if (so_optbit(sopt->sopt_name) != 0) {
		if ((error = sockopt_getint(sopt, &val)) != 0)
			return error;
		if (val)
			so->so_options |= so_optbit(sopt->sopt_name);
		else
			so->so_options &= ~so_optbit(sopt->sopt_name);
		return 0;
	}
	switch (sopt->sopt_name) {
	case SO_LINGER:
		return so_setlinger(so, sopt);
	case SO_SNDBUF:
	case SO_RCVBUF:
	case SO_RCVLOWAT:
		if ((error = sockopt_getint(sopt, &val)) != 0)
			return error;
		if (sopt->sopt_name == SO_SNDBUF)
			return so_setbuf(&so->so_snd, val, SO_MIN_SNDBUF);
		if (sopt->sopt_name == SO_RCVBUF)
			return so_setbuf(&so->so_rcv, val, SO_MIN_RCVBUF);
		so_setrcvlowat(so, val);
		return 0;
	case SO_RCVTIMEO:
		return so_settimeo(&so->so_rcv, sopt);
	case SO_SNDTIMEO:
		return so_settimeo(&so->so_snd, sopt);
	default:
		return ENOPROTOOPT;
	}
}

static int
so_getsockopt(struct socket *so, struct sockopt *sopt)
{
	struct linger lg;
	int val;

	if (so_optbit(sopt->sopt_name) != 0)
		return sockopt_setint(sopt,
		    (so->so_options & so_optbit(sopt->sopt_name)) != 0);
	switch (sopt->sopt_name) {
	case SO_LINGER:
		lg.l_onoff = (so->so_options & SO_OPT_LINGER) != 0;
		lg.l_linger = so->so_linger;
		return sockopt_set(sopt, &lg, sizeof(lg));
	case SO_TYPE:
		return sockopt_setint(sopt, so->so_type);
	case SO_PROTOCOL:
		return sockopt_setint(sopt, so->so_proto->pr_protocol);
	case SO_DOMAIN:
		return sockopt_setint(sopt, so->so_proto->pr_domain->dom_family);
	case SO_ACCEPTCONN:
		return sockopt_setint(sopt,
		    (so->so_options & SO_OPT_ACCEPTCONN) != 0);
	case SO_ERROR:
		pru_connpoll(so);
		val = so->so_error;
		so->so_error = 0;
		return sockopt_setint(sopt, val);
	case SO_SNDBUF:
		return sockopt_setint(sopt, (int)so->so_snd.sb_hiwat);
	case SO_RCVBUF:
		return sockopt_setint(sopt, (int)so->so_rcv.sb_hiwat);
	case SO_SNDLOWAT:
		return sockopt_setint(sopt, 1);
	case SO_RCVLOWAT:
		return sockopt_setint(sopt, (int)so->so_rcv.sb_lowat);
	case SO_RCVTIMEO:
		return so_gettimeo(&so->so_rcv, sopt);
	case SO_SNDTIMEO:
		return so_gettimeo(&so->so_snd, sopt);
	default:
		return ENOPROTOOPT;
	}
}

int
sosetopt(struct socket *so, struct sockopt *sopt)
{
	int error;

	NET_LOCK();
	if (sopt->sopt_level == SOL_SOCKET) {
		error = so_setsockopt(so, sopt);
		if (error == 0 && (so->so_proto->pr_flags & PR_SOLOPTS))
			error = so->so_proto->pr_ctloutput(SOPT_SET, so, sopt);
	} else if (so->so_proto->pr_ctloutput != NULL)
		error = so->so_proto->pr_ctloutput(SOPT_SET, so, sopt);
	else
		error = ENOPROTOOPT;
	NET_UNLOCK();
	return error;
}

int
sogetopt(struct socket *so, struct sockopt *sopt)
{
	int error;

	NET_LOCK();
	if (sopt->sopt_level == SOL_SOCKET) {
		error = so_getsockopt(so, sopt);
		if (error == 0 && (so->so_proto->pr_flags & PR_SOLOPTS))
			error = so->so_proto->pr_ctloutput(SOPT_GET, so, sopt);
	} else if (so->so_proto->pr_ctloutput != NULL)
		error = so->so_proto->pr_ctloutput(SOPT_GET, so, sopt);
	else
		error = ENOPROTOOPT;
	NET_UNLOCK();
	return error;
}
