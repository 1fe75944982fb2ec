/*
 * What the packet-input fuzzer's files share: fuzz_input.c (the harness,
 * the interfaces and the input) and fuzz_tcp.c (TCP's connections and
 * oracles).  Kernel-internal, like the harness.
 */
#ifndef TESTS_FUZZ_HARNESS_H
#define TESTS_FUZZ_HARNESS_H

#include "rumpkern/kern.h"

struct ifnet;

/* Fails the run: panics with what was wrong. */
void fz_fail(const char *what) __attribute__((noreturn));
/* The Internet checksum of len bytes at p, sum added in. */
uint16_t fz_cksum(const uint8_t *p, int len, uint32_t sum);
/* Interface i (0: fz0, 1: fz1). */
struct ifnet *fz_ifp(int i);

/* fuzz_tcp.c.  The listener and connections of fuzz_input.h, made anew. */
void fz_tcp_start(void);
/* Reads and checks what is left, closes everything: before the reset. */
void fz_tcp_stop(void);
/* The application reads up to n bytes from connection k and checks them. */
void fz_tcp_read(int k, int n);
/* FZ_FIXL4SUM on a TCP segment in an IPv4 packet (tlen of iplen valid). */
void fz_tcp_fixup(uint8_t *ip, int hlen, int tlen);
/* A frame goes in: its data for a connection joins the shadow stream. */
void fz_tcp_note_in(const uint8_t *f, int len);
/* A TCP segment in an IPv4 packet the stack sends (not a fragment). */
void fz_tcp_check_out(const uint8_t *ip, int hlen, int len);

#endif
