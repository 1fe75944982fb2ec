/*
 * The TCP connection states (RFC 9293 section 3.3.2), numbered as Linux
 * reports them in struct tcp_info's tcpi_state: ESTABLISHED is 1,
 * CLOSE is 7, LISTEN is 10.
 */
#ifndef NETINET_TCP_FSM_H
#define NETINET_TCP_FSM_H

#define TCPS_ESTABLISHED	1
#define TCPS_SYN_SENT		2
#define TCPS_SYN_RECEIVED	3
#define TCPS_FIN_WAIT_1		4
#define TCPS_FIN_WAIT_2		5
#define TCPS_TIME_WAIT		6
#define TCPS_CLOSED		7
#define TCPS_CLOSE_WAIT		8
#define TCPS_LAST_ACK		9
#define TCPS_LISTEN		10
#define TCPS_CLOSING		11

/* States in which we have received a SYN (synchronized states, 3.3.2). */
#define TCPS_HAVERCVDSYN(s) \
	((s) != TCPS_CLOSED && (s) != TCPS_LISTEN && (s) != TCPS_SYN_SENT)
/* States in which our FIN was sent or must be: no more data from us. */
#define TCPS_SENTFIN(s)	\
	((s) == TCPS_FIN_WAIT_1 || (s) == TCPS_FIN_WAIT_2 || \
	 (s) == TCPS_CLOSING || (s) == TCPS_LAST_ACK || (s) == TCPS_TIME_WAIT)
/* States in which the peer's FIN arrived: no more data will come. */
#define TCPS_RCVDFIN(s) \
	((s) == TCPS_CLOSE_WAIT || (s) == TCPS_LAST_ACK || \
	 (s) == TCPS_CLOSING || (s) == TCPS_TIME_WAIT)

#endif
