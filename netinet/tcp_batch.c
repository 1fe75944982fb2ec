/*
 * What a connection owes at the end of a batch of input.  A driver hands
 * the frames it read in one go to the stack under one hold of
 * softnet_lock (if_input_batch); within it, waking a reader only makes
 * the reader wait for the lock, and an ACK for every second segment
 * (RFC 1122 4.2.3.2, RFC 5681 4.2) sends, without offloads, one frame to
 * the host per two received.  So the wakeup and an ACK of in-order data
 * are noted on the connection, and done once when the lock is released
 * (net_defer): one ACK covers the batch, as one ACK covers a super-segment
 * a tap's offloads or Linux's GRO made of the same frames.  An ACK waits
 * for at most TCP_ACKBATCH_SEGS full segments.  A batch of one frame is
 * answered as before, at once.
 */
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"

static TAILQ_HEAD(, tcpcb) tcp_batchq = TAILQ_HEAD_INITIALIZER(tcp_batchq);

static void tcp_batch_end(void *arg);
static struct net_deferred tcp_batch_nd = { .nd_fn = tcp_batch_end };

static void
tcp_batch_add(struct tcpcb *tp)
{
	NET_ASSERT_LOCKED();
	if (tp->t_flags & TF_INBATCH)
		return;
	tp->t_flags |= TF_INBATCH;
	TAILQ_INSERT_TAIL(&tcp_batchq, tp, t_batch);
	net_defer(&tcp_batch_nd);
}

void
tcp_batch_wakeup(struct tcpcb *tp)
{
	tp->t_flags |= TF_WAKESOR;
	tcp_batch_add(tp);
}

void
tcp_batch_ack(struct tcpcb *tp)
{
	tp->t_flags |= TF_ACKBATCH;
	tcp_batch_add(tp);
}

void
tcp_batch_remove(struct tcpcb *tp)
{
	if (!(tp->t_flags & TF_INBATCH))
		return;
	TAILQ_REMOVE(&tcp_batchq, tp, t_batch);
	tp->t_flags &= ~(TF_INBATCH | TF_WAKESOR | TF_ACKBATCH);
}

/*
 * Runs when softnet_lock is released; or, rarely, by a thread about to
 * sleep with it as interlock, then holding it (netlock.h).
 */
static void
tcp_batch_end(void *arg)
{
	bool locked = mutex_owned(&softnet_lock);
	struct tcpcb *tp;

	(void)arg;
	if (!locked)
		NET_LOCK();
	while ((tp = TAILQ_FIRST(&tcp_batchq)) != NULL) {
		unsigned owed = tp->t_flags & (TF_WAKESOR | TF_ACKBATCH);

		tcp_batch_remove(tp);
		if (owed & TF_WAKESOR)
			sorwakeup(tp->t_inpcb->inp_socket);
		if (owed & TF_ACKBATCH) {
			tp->t_flags |= TF_ACKNOW;
			(void)tcp_output(tp);
		}
	}
	if (!locked)
		NET_UNLOCK();
}
