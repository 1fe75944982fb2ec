/*
 * The ceiling of any stack on a tap device: a trivial program that answers
 * ARP requests and ICMP echo requests for one address on a tap, with one
 * thread doing poll, read and write and nothing else.  The ping benchmark
 * measures it beside the rump stack and Linux.
 *
 * Usage: tapecho TAP IPV4ADDR      (the tap must exist; runs until killed)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const uint8_t mymac[6] = { 0x02, 0x00, 0x00, 0x00, 0xec, 0x01 };

static uint16_t
cksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Turns an ARP request for ip into the reply, in place; 0 if not one. */
static size_t
arp_reply(uint8_t *f, size_t len, uint32_t ip)
{
	if (len < 42 || f[12] != 0x08 || f[13] != 0x06 || f[21] != 1 ||
	    memcmp(f + 38, &ip, 4) != 0)
		return 0;
	memcpy(f, f + 6, 6);
	memcpy(f + 6, mymac, 6);
	f[21] = 2;
	memcpy(f + 32, f + 22, 10);		/* target = sender */
	memcpy(f + 22, mymac, 6);
	memcpy(f + 28, &ip, 4);
	return 42;
}

/* Turns an ICMP echo request to ip into the reply, in place; 0 if not one. */
static size_t
echo_reply(uint8_t *f, size_t len, uint32_t ip)
{
	size_t hl;
	uint16_t sum;

	if (len < 42 || f[12] != 0x08 || f[13] != 0x00 || f[23] != 1 ||
	    memcmp(f + 30, &ip, 4) != 0)
		return 0;
	hl = (size_t)(f[14] & 0xf) * 4;
	if (len < 14 + hl + 8 || f[14 + hl] != 8)
		return 0;
	memcpy(f, f + 6, 6);
	memcpy(f + 6, mymac, 6);
	memcpy(f + 30, f + 26, 4);
	memcpy(f + 26, &ip, 4);
	f[14 + hl] = 0;
	f[14 + hl + 2] = f[14 + hl + 3] = 0;
	sum = cksum(f + 14 + hl, len - 14 - hl);
	f[14 + hl + 2] = (uint8_t)(sum >> 8);
	f[14 + hl + 3] = (uint8_t)sum;
	return len;
}

int
main(int argc, char **argv)
{
	struct ifreq ifr;
	struct in_addr addr;
	uint8_t frame[65536];
	int fd;

	if (argc != 3 || inet_pton(AF_INET, argv[2], &addr) != 1) {
		fprintf(stderr, "usage: tapecho TAP IPV4ADDR\n");
		return 2;
	}
	fd = open("/dev/net/tun", O_RDWR);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0) {
		perror("tapecho: tap");
		return 1;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		size_t out;

		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return 1;
		n = read(fd, frame, sizeof(frame));
		if (n <= 0)
			continue;
		out = arp_reply(frame, (size_t)n, addr.s_addr);
		if (out == 0)
			out = echo_reply(frame, (size_t)n, addr.s_addr);
		if (out != 0 && write(fd, frame, out) < 0)
			perror("tapecho: write");
	}
}
