/*
 * TCP sequence number arithmetic (RFC 9293 3.4): sequence numbers are 32-bit
 * and wrap, so they are compared by the sign of their difference, which is
 * right as long as the two are less than 2^31 apart.
 */
#ifndef NETINET_TCP_SEQ_H
#define NETINET_TCP_SEQ_H

#include "rumpkern/kern.h"

#define SEQ_LT(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

/* The later and the earlier of two sequence numbers. */
#define SEQ_MAX(a, b)	(SEQ_GT(a, b) ? (uint32_t)(a) : (uint32_t)(b))
#define SEQ_MIN(a, b)	(SEQ_LT(a, b) ? (uint32_t)(a) : (uint32_t)(b))

#endif
