/*
 * Initial sequence numbers (RFC 6528), timestamp offsets (RFC 7323) and
 * the keyed hash they and SYN cookies share: SipHash-2-4 of the connection's addresses and ports
 * under a secret drawn at boot, so nobody off the path can predict the
 * sequence space of a connection or forge a cookie.
 */
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"

static uint64_t tcp_secret[2];

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void
sipround(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

/* SipHash-2-4 of two 64-bit words (a fixed 16-byte message). */
static uint64_t
siphash_2w(uint64_t m0, uint64_t m1)
{
	uint64_t v[4] = {
		tcp_secret[0] ^ 0x736f6d6570736575ULL,
		tcp_secret[1] ^ 0x646f72616e646f6dULL,
		tcp_secret[0] ^ 0x6c7967656e657261ULL,
		tcp_secret[1] ^ 0x7465646279746573ULL,
	};
	uint64_t b = (uint64_t)16 << 56;

	v[3] ^= m0; sipround(v); sipround(v); v[0] ^= m0;
	v[3] ^= m1; sipround(v); sipround(v); v[0] ^= m1;
	v[3] ^= b; sipround(v); sipround(v); v[0] ^= b;
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

void
tcp_isn_init(void)
{
	cprng_bytes(tcp_secret, sizeof(tcp_secret));
}

uint32_t
tcp_hash4(struct in_addr laddr, in_port_t lport, struct in_addr faddr,
    in_port_t fport, uint32_t extra)
{
	uint64_t m0 = (uint64_t)laddr.s_addr << 32 | faddr.s_addr;
	uint64_t m1 = (uint64_t)lport << 48 | (uint64_t)fport << 32 | extra;

	return (uint32_t)siphash_2w(m0, m1);
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
