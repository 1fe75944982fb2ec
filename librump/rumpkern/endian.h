/*
 * Byte order.  Wire formats are big-endian; the host is little-endian
 * x86-64.  Fields of packets and disk structures are read and written
 * through these and nowhere converted by hand.
 */
#ifndef RUMPKERN_ENDIAN_H
#define RUMPKERN_ENDIAN_H

#include <stdint.h>

#define htons(x)	__builtin_bswap16((uint16_t)(x))
#define ntohs(x)	__builtin_bswap16((uint16_t)(x))
#define htonl(x)	__builtin_bswap32((uint32_t)(x))
#define ntohl(x)	__builtin_bswap32((uint32_t)(x))

/* Unaligned big- and little-endian access to bytes. */
static inline uint16_t
be16dec(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t
be32dec(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

static inline void
be16enc(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static inline void
be32enc(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = v >> 24;
	b[1] = (v >> 16) & 0xff;
	b[2] = (v >> 8) & 0xff;
	b[3] = v & 0xff;
}

static inline uint16_t
le16dec(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[1] << 8 | b[0]);
}

static inline uint32_t
le32dec(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[1] << 8 | b[0];
}

static inline void
le16enc(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = v & 0xff;
	b[1] = v >> 8;
}

static inline void
le32enc(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = v & 0xff;
	b[1] = (v >> 8) & 0xff;
	b[2] = (v >> 16) & 0xff;
	b[3] = v >> 24;
}

#endif
