/*
 * Internet protocol control blocks: the protocol state of a socket that
 * the IP layer and UDP, raw IP and TCP share — local and foreign address
 * and port — and the tables that find a PCB for an arriving packet.
 *
 * A table keeps every PCB on a list and in three hash tables:
 *   - connected PCBs by the full 4-tuple (laddr, lport, faddr, fport);
 *   - bound, unconnected PCBs (listeners, datagram servers) by
 *     (laddr, lport), a wildcard bind under INADDR_ANY;
 *   - every PCB with a local port by that port alone, for bind conflicts,
 *     ephemeral port choice and broadcast delivery.
 * The hash is SipHash-2-4 under a random key per table, so whoever picks
 * the ports and addresses of packets cannot make them share a bucket;
 * the tables double when the PCBs outnumber twice the buckets (and halve
 * again when they are few), so a lookup costs O(1) however many sockets
 * exist.  Addresses and ports are
 * in network byte order.  All under softnet_lock.
 */
#ifndef NETINET_IN_PCB_H
#define NETINET_IN_PCB_H

#include "rumpkern/siphash.h"
#include "net/route.h"
#include "netinet/in.h"
#include "netinet/ip_var.h"

struct socket;
struct sockopt;
struct mbuf;

struct inpcb {
	struct socket *inp_socket;
	struct inpcbtable *inp_table;
	struct in_addr inp_laddr, inp_faddr;
	in_port_t inp_lport, inp_fport;
	int inp_proto;			/* raw sockets: protocol, 0 for all */
	int inp_flags;
	struct ip_opts inp_opts;	/* TTL, TOS, PMTU discovery, route */
	struct rtcache inp_route;	/* the route of the last packet sent */
	void *inp_ppcb;			/* the transport's own block (TCP) */
	TAILQ_ENTRY(inpcb) inp_queue;	/* all PCBs of the table */
	LIST_ENTRY(inpcb) inp_hash;	/* connected: by 4-tuple */
	LIST_ENTRY(inpcb) inp_bhash;	/* bound, unconnected: laddr, lport */
	LIST_ENTRY(inpcb) inp_phash;	/* with a local port: by lport */
	bool inp_hashed, inp_bhashed, inp_phashed;
};

#define INP_HDRINCL	0x01	/* raw: the caller supplies the IP header */
#define INP_BOUNDADDR	0x02	/* the local address was bound, not picked */

struct inpcbtable {
	const char *inpt_name;
	TAILQ_HEAD(, inpcb) inpt_queue;
	struct siphash_key inpt_key;
	LIST_HEAD(inpcbhead, inpcb) *inpt_hash;		/* 4-tuple */
	struct inpcbhead *inpt_bhash;			/* laddr, lport */
	struct inpcbhead *inpt_phash;			/* lport */
	unsigned inpt_hashmask;		/* buckets - 1 of each, a power of 2 */
	unsigned inpt_hashmin;		/* buckets it started with */
	unsigned inpt_count;
};

/* The ephemeral port range (IANA, RFC 6335). */
#define IPPORT_EPHEMERALFIRST	49152
#define IPPORT_EPHEMERALLAST	65535
#define IPPORT_RESERVED		1024

void in_pcbtable_init(struct inpcbtable *t, const char *name, unsigned hashsize);
void in_pcbtable_fini(struct inpcbtable *t);

int in_pcballoc(struct socket *so, struct inpcbtable *t);
/* Frees the PCB and tells the socket (so_pcb = NULL, sofree). */
void in_pcbdetach(struct inpcb *inp);
/*
 * Binds to sin, or to a free ephemeral port of INADDR_ANY if sin is NULL.
 * A specific address in sin sets INP_BOUNDADDR.
 */
int in_pcbbind(struct inpcb *inp, const struct sockaddr_in *sin);
/* Sets the foreign end; picks the source address and a local port if needed. */
int in_pcbconnect(struct inpcb *inp, const struct sockaddr_in *sin);
void in_pcbdisconnect(struct inpcb *inp);

/* An exact match on the 4-tuple of a connected PCB. */
struct inpcb *in_pcblookup_connect(struct inpcbtable *t, struct in_addr faddr,
    in_port_t fport, struct in_addr laddr, in_port_t lport);
/*
 * The bound, unconnected PCB for laddr:lport: one bound to laddr itself,
 * else one bound to INADDR_ANY (a wildcard listener).
 */
struct inpcb *in_pcblookup_bind(struct inpcbtable *t, struct in_addr laddr,
    in_port_t lport);
/* Where an arriving packet goes: the connected PCB, else the bound one. */
struct inpcb *in_pcblookup(struct inpcbtable *t, struct in_addr faddr,
    in_port_t fport, struct in_addr laddr, in_port_t lport);
/* Calls fn for every PCB bound to lport (for broadcast delivery). */
void in_pcbforeach_port(struct inpcbtable *t, in_port_t lport,
    void (*fn)(struct inpcb *inp, void *arg), void *arg);

/* Reports error to every socket connected to faddr:fport from lport. */
void in_pcbnotify(struct inpcbtable *t, struct in_addr faddr, in_port_t fport,
    struct in_addr laddr, in_port_t lport, int error);

/* Checks a caller's sockaddr_in: length and family; EINVAL or EAFNOSUPPORT. */
int in_sockaddr_check(const struct sockaddr *nam, socklen_t len);

/* IP-level socket options shared by UDP, raw IP and TCP. */
int in_ctloutput(int dir, struct inpcb *inp, struct sockopt *sopt);

/*
 * What every AF_INET transport does alike, in the shapes of the
 * pr_usrreqs and protosw slots so that UDP, raw IP and TCP put them in
 * their tables directly (or call them after their own part).
 */
void in_pcb_detach(struct socket *so);		/* in_pcbdetach */
void in_pcb_abort(struct socket *so);		/* disconnected, then detached */
int in_pcb_sockaddr(struct socket *so, struct sockaddr_storage *ss,
    socklen_t *len);
int in_pcb_peeraddr(struct socket *so, struct sockaddr_storage *ss,
    socklen_t *len);
int in_pcb_ctloutput(int dir, struct socket *so, struct sockopt *sopt);
/* Datagrams: no more sending; nothing to tell a peer. */
int in_pcb_dgram_shutdown(struct socket *so);
/*
 * Checks a datagram send request: frees control (no ancillary data is
 * taken), refuses MSG_OOB (datagrams have no urgent data) and a bad
 * address.  On error m is freed too.
 */
int in_pcb_dgram_sendcheck(struct mbuf *m, const struct sockaddr *nam,
    socklen_t namelen, struct mbuf *control, int flags);

/*
 * Fills the IP header of a packet inp sends to proto: addresses, and TTL,
 * TOS and DF from the PCB's options.  ip_output fills length, id and
 * checksum.
 */
void in_pcb_iphdr(const struct inpcb *inp, struct ip *ip, int proto,
    struct in_addr src, struct in_addr dst);
/* The ip_output flags the socket's options ask for (SO_BROADCAST, ...). */
int in_pcb_outflags(const struct inpcb *inp);

#define sotoinpcb(so)	((struct inpcb *)(so)->so_pcb)

#endif
