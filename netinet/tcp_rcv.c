/*
 * The receiving half of a connection: segment text and FIN (RFC 9293
 * 3.10.7.4, seventh and eighth checks), and when to acknowledge them:
 * at once for out-of-order data (RFC 5681 4.2) and during quick-ACK
 * periods, otherwise at every second full segment or when the delayed-ACK
 * timer runs out (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2).
 */
#include "rumpnet/mbuf.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"

/*
 * RFC 1122 4.2.3.2: an ACK for at least every second full segment.  A
 * super-segment (a host tap's offloaded frame) counts as the full
 * segments it carries, so at least every 2 * MSS of data is ACKed; at
 * the end of the batch of input it came in, which holds it back for at
 * most TCP_ACKBATCH_SEGS segments (tcp_batch.c).  len is never 0: only
 * data in order comes here.
 */
static void
tcp_ack_policy(struct tcpcb *tp, int len)
{
	tp->t_unacked_segs += (uint32_t)len / tcp_effmss(tp);
	if (tp->t_quickack > 0 || tp->t_unacked_segs >= TCP_ACKBATCH_SEGS) {
		if (tp->t_quickack > 0)
			tp->t_quickack--;
		tp->t_flags |= TF_ACKNOW;
		return;
	}
	if (tp->t_unacked_segs >= 2) {
		tcp_batch_ack(tp);
		return;
	}
	if (!(tp->t_flags & TF_DELACK)) {
		tp->t_flags |= TF_DELACK;
		tcpstat.tcps_delack++;
		tcp_timer_set(tp, TCPT_DELACK,
		    (uint64_t)tcp_delack_ms * 1000000ULL);
	}
}

/*
 * Data arriving after the user closed the socket can never be read:
 * Linux and BSD answer it with RST (RFC 9293 3.10.7.4 lets the user's
 * CLOSE abort), so the peer learns at once.
 */
static bool
tcp_data_after_close(struct tcpcb *tp, const struct tcp_seg *seg)
{
	struct socket *so = tp->t_inpcb->inp_socket;

	return seg->len > 0 && (so->so_state & SS_NOFDREF) &&
	    TCPS_SENTFIN(tp->t_state);
}

/* The eighth check: a FIN in sequence moves the state on. */
static enum tcp_verdict
tcp_input_fin(struct tcpcb *tp)
{
	struct socket *so = tp->t_inpcb->inp_socket;

	if (!TCPS_RCVDFIN(tp->t_state)) {
		socantrcvmore(so);
		tp->rcv_nxt++;
	}
	tp->t_flags |= TF_ACKNOW;
	switch (tp->t_state) {
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
		tcp_state_change(tp, TCPS_CLOSE_WAIT);
		break;
	case TCPS_FIN_WAIT_1:
		/* Our FIN is not yet acknowledged, else we were in FIN-WAIT-2. */
		tcp_state_change(tp, TCPS_CLOSING);
		break;
	case TCPS_FIN_WAIT_2:
		tcp_enter_timewait(tp);
		break;
	default:
		break;
	}
	return TV_OUTPUT;
}

enum tcp_verdict
tcp_input_data(struct tcpcb *tp, struct tcp_in *ti)
{
	struct tcp_seg *seg = &ti->seg;
	struct socket *so = tp->t_inpcb->inp_socket;
	int fin = seg->flags & TH_FIN;

	if (tcp_data_after_close(tp, seg)) {
		tcpstat.tcps_rcvafterclose++;
		tcp_drop(tp, ECONNRESET);
		return TV_DONE;
	}
	/* Text is taken in ESTABLISHED and FIN-WAIT-1/2 only. */
	if (TCPS_RCVDFIN(tp->t_state) || tp->t_state == TCPS_SYN_RECEIVED) {
		if (ti->m != NULL) {
			m_freem(ti->m);
			ti->m = NULL;
		}
		seg->len = 0;
	}
	if (seg->len > 0 || (fin && seg->seq != tp->rcv_nxt)) {
		if (seg->seq == tp->rcv_nxt && TAILQ_EMPTY(&tp->t_segq)) {
			tp->rcv_nxt += (tcp_seq)seg->len;
			tcpstat.tcps_rcvpack++;
			tcpstat.tcps_rcvbyte += (uint64_t)seg->len;
			sbappendstream(&so->so_rcv, ti->m);
			ti->m = NULL;
			tp->t_flags |= TF_WAKESOR;
			tcp_ack_policy(tp, seg->len);
		} else {
			fin = tcp_reass(tp, seg, ti->m);
			ti->m = NULL;
			/* After a loss the sender needs every ACK (RFC 5681 4.2). */
			tp->t_flags |= TF_ACKNOW;
			tp->t_quickack = TCP_QUICKACKS;
		}
	} else if (ti->m != NULL) {
		m_freem(ti->m);
		ti->m = NULL;
	}
	if (fin && TCPS_HAVERCVDSYN(tp->t_state))
		return tcp_input_fin(tp);
	return TV_OUTPUT;
}
