/*
 * Reassembly: segments that arrive beyond RCV.NXT wait, sorted by
 * sequence number and without overlap, until the gap before them fills
 * (RFC 9293 3.10.7.4: "segments with higher beginning sequence numbers
 * may be held for later processing").  The queue is bounded by the
 * receive buffer, which the window it advertised already bounds.
 */
#include "rumpkern/kmem.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"

KMEM_DEFINE(M_TCPREASS, "tcpreass");

static void
tcp_qent_free(struct tcpcb *tp, struct tcp_qent *q)
{
	TAILQ_REMOVE(&tp->t_segq, q, tq_link);
	tp->t_segqlen -= q->tq_len;
	m_freem(q->tq_m);
	kmem_free(&M_TCPREASS, q, sizeof(*q));
}

void
tcp_reass_flush(struct tcpcb *tp)
{
	struct tcp_qent *q;

	while ((q = TAILQ_FIRST(&tp->t_segq)) != NULL)
		tcp_qent_free(tp, q);
}

/*
 * Cuts from [*seqp, *seqp + *lenp) (data in *mp) what queued segments
 * already hold, and frees queued segments the new one covers whole.
 * Returns the entry to insert after (NULL: at the head); *lenp is 0 when
 * nothing new remains.
 */
static struct tcp_qent *
tcp_reass_trim(struct tcpcb *tp, tcp_seq *seqp, int *lenp, struct mbuf **mp)
{
	struct tcp_qent *q, *prev = NULL, *next;
	tcp_seq end;

	TAILQ_FOREACH(q, &tp->t_segq, tq_link) {
		if (SEQ_GT(q->tq_seq, *seqp))
			break;
		prev = q;
	}
	if (prev != NULL) {
		int32_t over = (int32_t)(prev->tq_seq + (tcp_seq)prev->tq_len -
		    *seqp);

		if (over >= *lenp) {
			*lenp = 0;
			return prev;
		}
		if (over > 0) {
			m_adj(*mp, over);
			*seqp += (tcp_seq)over;
			*lenp -= over;
		}
	}
	end = *seqp + (tcp_seq)*lenp;
	for (q = prev != NULL ? TAILQ_NEXT(prev, tq_link) :
	    TAILQ_FIRST(&tp->t_segq); q != NULL; q = next) {
		next = TAILQ_NEXT(q, tq_link);
		if (SEQ_GEQ(q->tq_seq, end))
			break;
		if (SEQ_LEQ(q->tq_seq + (tcp_seq)q->tq_len, end)) {
			tcp_qent_free(tp, q);
			continue;
		}
		/* The new segment's tail overlaps q: q keeps its bytes. */
		m_adj(*mp, -(int)(end - q->tq_seq));
		*lenp -= (int)(end - q->tq_seq);
		break;
	}
	return prev;
}

/* Moves every segment now in order into the socket buffer. */
static void
tcp_reass_deliver(struct tcpcb *tp)
{
	struct socket *so = tp->t_inpcb->inp_socket;
	struct tcp_qent *q;

	while ((q = TAILQ_FIRST(&tp->t_segq)) != NULL &&
	    SEQ_LEQ(q->tq_seq, tp->rcv_nxt)) {
		int32_t old = (int32_t)(tp->rcv_nxt - q->tq_seq);

		if (old < q->tq_len) {
			m_adj(q->tq_m, old);
			tp->rcv_nxt += (tcp_seq)(q->tq_len - old);
			sbappendstream(&so->so_rcv, q->tq_m);
			q->tq_m = NULL;
			tp->t_flags |= TF_WAKESOR;
		}
		tcp_qent_free(tp, q);
	}
}

/* Queues [seq, seq + len) unless it is known already or there is no room. */
static void
tcp_reass_insert(struct tcpcb *tp, tcp_seq seq, int len, struct mbuf *m)
{
	struct socket *so = tp->t_inpcb->inp_socket;
	struct tcp_qent *prev, *q;

	prev = tcp_reass_trim(tp, &seq, &len, &m);
	if (len == 0) {
		tcpstat.tcps_rcvduppack++;
		m_freem(m);
		return;
	}
	if (tp->t_segqlen + len > (int)so->so_rcv.sb_hiwat ||
	    (q = kmem_alloc(&M_TCPREASS, sizeof(*q), KM_NOSLEEP)) == NULL) {
		tcpstat.tcps_reassfull++;
		m_freem(m);
		return;
	}
	q->tq_seq = seq;
	q->tq_len = len;
	q->tq_m = m;
	tp->t_segqlen += len;
	if (tp->t_flags & TF_SACK_PERMIT)
		tcp_sackrcv_add(&tp->t_sackrcv, seq, seq + (tcp_seq)len);
	tcpstat.tcps_rcvoopack++;
	tcpstat.tcps_rcvoobyte += (uint64_t)len;
	if (prev != NULL)
		TAILQ_INSERT_AFTER(&tp->t_segq, prev, q, tq_link);
	else
		TAILQ_INSERT_HEAD(&tp->t_segq, q, tq_link);
}

/*
 * A FIN beyond RCV.NXT is remembered by its sequence number and counts
 * once the data before it is in.
 */
int
tcp_reass(struct tcpcb *tp, const struct tcp_seg *seg, struct mbuf *m)
{
	if (seg->flags & TH_FIN) {
		tp->t_finseq = seg->seq + (tcp_seq)seg->len;
		tp->t_flags |= TF_FINQUEUED;
	}
	if (seg->len > 0)
		tcp_reass_insert(tp, seg->seq, seg->len, m);
	else
		m_freem(m);
	tcp_reass_deliver(tp);
	tcp_sackrcv_advance(&tp->t_sackrcv, tp->rcv_nxt);
	if ((tp->t_flags & TF_FINQUEUED) && tp->t_finseq == tp->rcv_nxt) {
		tp->t_flags &= ~TF_FINQUEUED;
		return TH_FIN;
	}
	return 0;
}
