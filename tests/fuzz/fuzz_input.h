/*
 * The input format of the packet-input fuzzer (fuzz_input.c), shared with
 * the seed generator (fuzz_seeds.c).  Plain definitions only: the harness
 * is built as kernel code and the generator as a host program.
 *
 * An input is a sequence of records, each a 4-byte header and, for a
 * frame, the frame itself:
 *
 *   byte 0     flags (FZ_*), or FZ_CMD and a command (FZ_CMD_*)
 *   byte 1     a parameter: the piece size for FZ_SPLIT, the allocation
 *              to fail for FZ_FAILALLOC
 *   bytes 2-3  big-endian: the frame's length (cut to what the input still
 *              holds), or the argument of a command
 *
 * Commands carry no frame:
 *
 *   FZ_CMD_CLOCK   the clock advances by the argument in milliseconds, and
 *                  every timer then due runs
 *   FZ_CMD_PAD     the next frame is padded with zeros to the argument's
 *                  length: large datagrams from small inputs
 *   FZ_CMD_REPEAT  the previous frame goes in again, as many times as the
 *                  argument says (at most FZ_MAXREPEAT), its IPv4 id one
 *                  higher each time (fix-ups as before): the limits of
 *                  ARP's hold queues and of reassembly
 *   FZ_CMD_READ    the application reads up to the argument's bytes from
 *                  TCP connection param % FZ_TCPCONNS (below)
 *
 * An input hands in at most 256 KiB of frames, padding and repeats
 * included; frames beyond are ignored.
 *
 * A record's fix-ups make a mutated frame valid again where libFuzzer
 * cannot (it does not invert checksums), so mutations get past the checks
 * to the code behind them; records without them test the checks.
 *
 * FZ_FIXL4SUM on a TCP segment from FZ_TCPPEER port FZ_TCPPEERPORT + k to
 * FZ_ADDR0 port FZ_TCPPORT (connection k, set up at each input's start)
 * also makes its sequence numbers relative, as Wireshark shows them: the
 * frame's seq counts from the peer's ISN (FZ_TCPISN; 1 is the first byte
 * of data) and its ack and SACK blocks from the stack's ISN of connection k
 * (ack 1 acknowledges its SYN).  libFuzzer cannot guess the stack's 32-bit
 * ISN.
 */
#ifndef TESTS_FUZZ_INPUT_H
#define TESTS_FUZZ_INPUT_H

#define FZ_HDRLEN	4

#define FZ_IF1		0x01	/* received on fz1 (else fz0) */
#define FZ_FIXIPLEN	0x02	/* IPv4: ip_len set to what the frame holds */
#define FZ_FIXIPSUM	0x04	/* IPv4: header checksum computed */
#define FZ_FIXL4SUM	0x08	/* IPv4, not a fragment: UDP/ICMP checksum */
#define FZ_SPLIT	0x10	/* a chain of mbufs of param bytes each */
#define FZ_SHARED	0x20	/* in storage shared with another mbuf */
#define FZ_FAILALLOC	0x40	/* the param-th M_DONTWAIT mbuf allocation fails */
#define FZ_CMD		0x80	/* no frame: a command (the low bits) */

#define FZ_CMD_CLOCK	0x00
#define FZ_CMD_PAD	0x01
#define FZ_CMD_REPEAT	0x02
#define FZ_CMD_READ	0x03
#define FZ_CMD_MASK	0x03
#define FZ_MAXREPEAT	256

#define FZ_FIXALL	(FZ_FIXIPLEN | FZ_FIXIPSUM | FZ_FIXL4SUM)

/* The setup the harness builds, for seeds to aim at. */
#define FZ_MAC0		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 }
#define FZ_MAC1		{ 0x02, 0x00, 0x00, 0x00, 0x01, 0x01 }
#define FZ_ADDR0	0xc6120002u	/* 198.18.0.2/24 on fz0 */
#define FZ_ADDR1	0xc6120102u	/* 198.18.1.2/24 on fz1, MTU FZ_MTU1 */
/*
 * Neighbours whose MACs ARP knows when an input starts (so what goes to
 * them leaves at once): a host on fz0, the router and the connected
 * socket's peer on fz1.
 */
#define FZ_HOST0	0xc6120001u	/* 198.18.0.1, FZ_NMAC0 */
#define FZ_NMAC0	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x09 }
#define FZ_NMAC1	{ 0x02, 0x00, 0x00, 0x00, 0x01, 0x09 }
#define FZ_GATEWAY	0xc6120101u	/* a router on fz1, FZ_NMAC1 */
#define FZ_MTU1		1280
#define FZ_ROUTED	0x08000000u	/* 8.0.0.0/8 through FZ_GATEWAY, */
#define FZ_ROUTED_PLEN	8
#define FZ_ROUTED_MTU	1000		/* with a smaller MTU than fz1's */
#define FZ_REJECT	0xcb007100u	/* 203.0.113.0/24: a reject route */
#define FZ_REJECT_PLEN	24
#define FZ_REJECTHOST	0xcb007107u	/* 203.0.113.7: a reject host route */
#define FZ_UDPPORT	7		/* a UDP socket bound to *:7 */
#define FZ_CONNPORT	5353		/* one on fz1's address, connected to */
#define FZ_CONNPEER	0xc6120109u	/* 198.18.1.9 port FZ_PEERPORT, FZ_NMAC1 */
#define FZ_PEERPORT	53
#define FZ_RAWPROTO	253		/* raw sockets: ICMP and this protocol */

/*
 * TCP.  At each input's start a listener on FZ_ADDR0:FZ_TCPPORT (backlog
 * FZ_TCPBACKLOG) accepts FZ_TCPCONNS connections from the peer FZ_TCPPEER
 * (FZ_NMAC0) ports FZ_TCPPEERPORT + k, each a handshake with the options
 * MSS FZ_TCPMSS, window scale FZ_TCPWSCALE, SACK permitted and timestamps
 * (the peer's TSval is 1).  Connection FZ_TCP_EST is established and its
 * application has written FZ_TCPSEND bytes, FZ_TCPBYTE(offset) each;
 * the peer has sent FIN on FZ_TCP_CLOSEWAIT (relative seq 1), and the
 * stack's FIN on FZ_TCP_FINWAIT2 is acknowledged (relative ack 2).
 */
#define FZ_TCPPORT	80
#define FZ_TCPBACKLOG	2
#define FZ_TCPPEER	FZ_HOST0
#define FZ_TCPPEERPORT	40000
#define FZ_TCPCONNS	3
#define FZ_TCP_EST	0
#define FZ_TCP_CLOSEWAIT	1
#define FZ_TCP_FINWAIT2	2
#define FZ_TCPISN	0xfffff000u	/* the sequence space wraps 4 KiB on */
#define FZ_TCPMSS	1000
#define FZ_TCPWSCALE	2
#define FZ_TCPSEND	6000
#define FZ_TCPBYTE(off)	((uint8_t)((off) * 7 + 3))

#endif
