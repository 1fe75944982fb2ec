/*
 * TCP options (RFC 9293 3.2, RFC 7323, RFC 2018): parsing what a segment
 * carries, writing what we send.  Every length is checked before the
 * bytes it covers are read.
 */
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"

/*
 * One option at cp[0] with room bytes left; its length in *lenp.  False
 * when its length octet is missing, below 2 or beyond the header.
 */
static bool
tcp_option_len(const uint8_t *cp, int room, int *lenp)
{
	if (cp[0] == TCPOPT_NOP) {
		*lenp = 1;
		return true;
	}
	if (room < 2 || cp[1] < 2 || cp[1] > room)
		return false;
	*lenp = cp[1];
	return true;
}

static void
tcp_option_sack(const uint8_t *cp, int len, struct tcp_opts *to)
{
	int n = (len - 2) / TCPOLEN_SACKBLK;

	to->to_flags |= TOF_SACK;
	for (int i = 0; i < n && to->to_nsacks < TCP_MAXSACKBLKS; i++) {
		to->to_sacks[to->to_nsacks].start = be32dec(cp + 2 + 8 * i);
		to->to_sacks[to->to_nsacks].end = be32dec(cp + 6 + 8 * i);
		to->to_nsacks++;
	}
}

/*
 * RFC 9293 3.2: an option of an unknown kind is skipped by its length;
 * one of a known kind with the wrong length makes the segment malformed.
 * MSS, window scale and SACK-permitted count only on a SYN.
 */
bool
tcp_dooptions(const uint8_t *cp, int olen, struct tcp_opts *to, bool syn)
{
	int len;

	memset(to, 0, sizeof(*to));
	for (; olen > 0 && cp[0] != TCPOPT_EOL; cp += len, olen -= len) {
		if (!tcp_option_len(cp, olen, &len))
			return false;
		switch (cp[0]) {
		case TCPOPT_MAXSEG:
			if (len != TCPOLEN_MAXSEG)
				return false;
			if (syn) {
				to->to_flags |= TOF_MSS;
				to->to_mss = be16dec(cp + 2);
			}
			break;
		case TCPOPT_WINDOW:
			if (len != TCPOLEN_WINDOW)
				return false;
			if (syn) {
				to->to_flags |= TOF_SCALE;
				/* RFC 7323 2.3: larger shifts are used as 14. */
				to->to_wscale = MIN(cp[2], TCP_MAXWINSHIFT);
			}
			break;
		case TCPOPT_SACK_PERMITTED:
			if (len != TCPOLEN_SACK_PERMITTED)
				return false;
			if (syn)
				to->to_flags |= TOF_SACKPERM;
			break;
		case TCPOPT_TIMESTAMP:
			if (len != TCPOLEN_TIMESTAMP)
				return false;
			to->to_flags |= TOF_TS;
			to->to_tsval = be32dec(cp + 2);
			to->to_tsecr = be32dec(cp + 6);
			break;
		case TCPOPT_SACK:
			if ((len - 2) % TCPOLEN_SACKBLK != 0 || len == 2)
				return false;
			if (!syn)
				tcp_option_sack(cp, len, to);
			break;
		default:
			break;
		}
	}
	return true;
}

/*
 * Our options: on a SYN, MSS and those we ask for (window scale,
 * SACK-permitted, timestamps); afterwards timestamps when both agreed, and
 * SACK blocks on ACKs while data waits out of order.  Timestamps are
 * laid out NOP NOP TS as RFC 7323 appendix A suggests, so the header
 * stays aligned.
 */
/* RFC 2018 3: the blocks of the receiver's list that fit in room bytes. */
static int
tcp_addsack(struct tcpcb *tp, uint8_t *buf, int room)
{
	struct tcp_sackblk blk[TCP_SACK_MAXOPT];
	unsigned nb = tcp_sackrcv_fill(&tp->t_sackrcv, blk,
	    (unsigned)TCP_SACK_BLOCKS_FIT(room));
	int n = 0;

	if (nb == 0)
		return 0;
	buf[n++] = TCPOPT_NOP;
	buf[n++] = TCPOPT_NOP;
	buf[n++] = TCPOPT_SACK;
	buf[n++] = (uint8_t)(2 + TCPOLEN_SACKBLK * nb);
	for (unsigned i = 0; i < nb; i++, n += TCPOLEN_SACKBLK) {
		be32enc(buf + n, blk[i].sb_start);
		be32enc(buf + n + 4, blk[i].sb_end);
	}
	return n;
}

int
tcp_addoptions(struct tcpcb *tp, uint8_t flags, uint8_t *buf)
{
	int n = 0;

	if (flags & TH_SYN) {
		uint32_t mss = tcp_mss_for(tp->t_inpcb->inp_faddr);

		/* TCP_MAXSEG set before connecting lowers what we announce. */
		if (tp->t_usermss != 0)
			mss = MIN(mss, tp->t_usermss);
		buf[n++] = TCPOPT_MAXSEG;
		buf[n++] = TCPOLEN_MAXSEG;
		be16enc(buf + n, (uint16_t)MIN(mss, 65535u));
		n += 2;
		if ((tp->t_flags & TF_REQ_SCALE) &&
		    (!(flags & TH_ACK) || (tp->t_flags & TF_RCVD_SCALE))) {
			buf[n++] = TCPOPT_NOP;
			buf[n++] = TCPOPT_WINDOW;
			buf[n++] = TCPOLEN_WINDOW;
			buf[n++] = tp->request_r_scale;
		}
		if ((tp->t_flags & TF_REQ_SACK) &&
		    (!(flags & TH_ACK) || (tp->t_flags & TF_SACK_PERMIT))) {
			buf[n++] = TCPOPT_NOP;
			buf[n++] = TCPOPT_NOP;
			buf[n++] = TCPOPT_SACK_PERMITTED;
			buf[n++] = TCPOLEN_SACK_PERMITTED;
		}
	}
	if ((tp->t_flags & TF_REQ_TSTMP) && (!(flags & TH_ACK) ||
	    (tp->t_flags & TF_RCVD_TSTMP)) && !(flags & TH_RST)) {
		buf[n++] = TCPOPT_NOP;
		buf[n++] = TCPOPT_NOP;
		buf[n++] = TCPOPT_TIMESTAMP;
		buf[n++] = TCPOLEN_TIMESTAMP;
		be32enc(buf + n, tcp_tsnow() + tp->ts_offset);
		be32enc(buf + n + 4, tp->ts_recent);
		n += 8;
	}
	if ((tp->t_flags & TF_SACK_PERMIT) && (flags & TH_ACK) &&
	    !(flags & (TH_SYN | TH_RST)))
		n += tcp_addsack(tp, buf + n, TCP_MAXOLEN - n);
	KASSERT(n <= TCP_MAXOLEN);
	return n;
}
