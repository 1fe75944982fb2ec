/* UDP: its statistics and its entry points in the protocol switch. */
#ifndef NETINET_UDP_VAR_H
#define NETINET_UDP_VAR_H

#include "rumpnet/domain.h"

struct udpstat {
	uint64_t udps_ipackets;		/* datagrams received */
	uint64_t udps_hdrops;		/* shorter than the header */
	uint64_t udps_badlen;		/* length field wrong */
	uint64_t udps_badsum;		/* checksum wrong */
	uint64_t udps_noport;		/* no socket: port unreachable sent */
	uint64_t udps_noportbcast;	/* no socket for a broadcast */
	uint64_t udps_fullsock;		/* receive buffer full */
	uint64_t udps_closed;		/* socket shut down for receiving */
	uint64_t udps_nobufs;		/* no mbuf to pull up or copy into */
	uint64_t udps_delivered;	/* handed to a socket */
	uint64_t udps_opackets;		/* datagrams sent */
	uint64_t udps_onobufs;		/* not sent: no mbuf for the header */
	uint64_t udps_oqdrops;		/* dropped below: interface queue full */
};
extern struct udpstat udpstat;

extern const struct pr_usrreqs udp_usrreqs;
extern struct inpcbtable udbtable;	/* every UDP socket */
/* The receive buffer of a new socket (UDP_RCVBUF in config.h). */
extern uint32_t udp_recvspace;
void udp_input(struct mbuf *m, int off, int proto);
void udp_ctlinput(enum prc_cmd cmd, const struct sockaddr *dst,
    const void *ip, int iplen, uint32_t arg);
void udp_init(void);
void udp_fini(void);

#endif
