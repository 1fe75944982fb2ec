/*
 * Initial sequence numbers (RFC 6528), timestamp offsets (RFC 7323) and
 * the keyed hash they and SYN cookies share: SipHash-2-4
 * (rumpkern/siphash.c) of the connection's addresses and ports under a
 * secret drawn at boot, so nobody off the path can predict the sequence
 * space of a connection or forge a cookie.
 */
#include "rumpkern/siphash.h"
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"

static struct siphash_key tcp_secret;

void
tcp_isn_init(void)
{
	siphash_key_init(&tcp_secret);
}

uint32_t
tcp_hash4(struct in_addr laddr, in_port_t lport, struct in_addr faddr,
    in_port_t fport, uint32_t extra)
{
	uint8_t msg[16];

	memcpy(msg, &laddr, 4);
	memcpy(msg + 4, &faddr, 4);
	memcpy(msg + 8, &lport, 2);
	memcpy(msg + 10, &fport, 2);
	memcpy(msg + 12, &extra, 4);
	return (uint32_t)siphash24(&tcp_secret, msg, sizeof(msg));
}

/*
 * RFC 6528 3: ISN = M + F(localip, localport, remoteip, remoteport,
 * secretkey), M a clock ticking every 4 microseconds.
 */
tcp_seq
tcp_new_isn(const struct inpcb *inp)
{
	return (tcp_seq)(tcp_now() / 4000) + tcp_hash4(inp->inp_laddr,
	    inp->inp_lport, inp->inp_faddr, inp->inp_fport, 0);
}

/*
 * RFC 7323 7.1: the timestamp clock starts at a random offset, so that
 * it tells nobody the host's uptime.  As Linux, the offset is the keyed
 * hash of the address pair, without the ports: every connection between
 * two hosts then shares one clock whose timestamps only grow, so a new
 * incarnation of a connection can end the peer's TIME-WAIT (RFC 6191),
 * and no connection calls the host for random bytes.
 */
uint32_t
tcp_new_tsoffset(const struct inpcb *inp)
{
	return tcp_hash4(inp->inp_laddr, 0, inp->inp_faddr, 0, 1);
}
