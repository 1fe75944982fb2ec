/* Raw IP sockets: their entry points in the protocol switch. */
#ifndef NETINET_IP_RAW_H
#define NETINET_IP_RAW_H

#include "rumpnet/domain.h"

struct rawstat {
	uint64_t raws_delivered;	/* copies handed to sockets */
	uint64_t raws_fullsock;		/* receive buffer full */
	uint64_t raws_nobufs;		/* no mbuf to copy into */
	uint64_t raws_noproto;		/* unknown protocol, no socket */
	uint64_t raws_opackets;
	uint64_t raws_oqdrops;		/* dropped below: interface queue full */
	uint64_t raws_badhdrincl;	/* IP_HDRINCL header refused */
};
extern struct rawstat rawstat;

extern const struct pr_usrreqs rip_usrreqs;
extern struct inpcbtable rawtable;	/* every raw socket */
/* The receive buffer of a new socket (RIP_RCVBUF in config.h). */
extern uint32_t rip_recvspace;
/*
 * Delivers a copy of packet m (IP header at 0) to every raw socket of
 * protocol proto.  Reached for ICMP through icmp_input and for protocols
 * nobody else handles through the protocol switch; for the latter, no
 * socket means ICMP protocol unreachable (RFC 1122 3.2.2.1).
 */
void rip_input(struct mbuf *m, int off, int proto);
void rip_init(void);
void rip_fini(void);

#endif
