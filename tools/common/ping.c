/* ICMP echo as ping(8) does it (ping.h). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rump/rump.h>

#include "ping.h"
#include "toolusage.h"
#include "toolutil.h"

const char ping_usage_options[] =
"  -c COUNT      stop after COUNT requests (and their replies); default: until\n"
"                SIGINT\n"
"  -i INTERVAL   seconds between requests, fractions allowed (default 1,\n"
"                at least 0.001)\n"
"  -s SIZE       bytes of payload (default 56, at most 65507)\n"
"  -W TIMEOUT    seconds to wait for the last reply when none came at all\n"
"                (default 10, fractions allowed, 0: forever); once replies\n"
"                came, the wait is two of the longest round trips (at least\n"
"                one interval)\n"
"  -t TTL        IP time to live of the requests (1..255)\n"
"  -q            quiet: print only the summary\n"
"  -h, --help    print this help and exit\n"
"\n";

/* The Internet checksum (RFC 1071). */
static uint16_t
in_cksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static bool
rcvd_test(const struct ping *pg, uint16_t seq)
{
	return (pg->rcvd[seq >> 3] >> (seq & 7)) & 1;
}

static void
rcvd_set(struct ping *pg, uint16_t seq, bool on)
{
	if (on)
		pg->rcvd[seq >> 3] |= (uint8_t)(1u << (seq & 7));
	else
		pg->rcvd[seq >> 3] &= (uint8_t)~(1u << (seq & 7));
}

/* Sends request number ntransmitted + 1. */
static void
send_echo(struct ping *pg)
{
	struct sockaddr_in to;
	uint16_t seq = (uint16_t)(pg->ntransmitted + 1);
	uint8_t *icmp = pg->out;
	uint64_t now = tool_now_ns();
	size_t i;

	icmp[0] = ICMP_ECHO;
	icmp[1] = 0;
	icmp[2] = icmp[3] = 0;
	icmp[4] = (uint8_t)(pg->ident >> 8);
	icmp[5] = (uint8_t)pg->ident;
	icmp[6] = (uint8_t)(seq >> 8);
	icmp[7] = (uint8_t)seq;
	for (i = 0; i < pg->datalen; i++)
		icmp[8 + i] = (uint8_t)i;
	if (pg->timing)
		memcpy(icmp + 8, &now, sizeof(now));
	/* The checksum field is zero while the sum is taken. */
	{
		uint16_t ck = in_cksum(icmp, 8 + pg->datalen);

		icmp[2] = (uint8_t)(ck >> 8);
		icmp[3] = (uint8_t)ck;
	}
	/* A reply to an earlier use of this sequence number is no duplicate. */
	rcvd_set(pg, seq, false);

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr.s_addr = htonl(pg->target);
	if (pg->ntransmitted == 0)
		pg->first_send = now;
	pg->last_send = now;
	pg->ntransmitted++;
	if (rump_sys_sendto(pg->s, icmp, 8 + pg->datalen, 0,
	    (struct sockaddr *)&to, sizeof(to)) < 0) {
		/* As ping(8): the request counts as sent, and failed. */
		pg->nerrors++;
		if (!pg->quiet)
			printf("%s: icmp_seq=%u: sendto %s: %s\n", pg->prog, seq,
			    pg->host, strerror(errno));
	}
}

static void
print_time(long long us)
{
	/* ping(8)'s precision: three significant digits or so. */
	if (us >= 100000 - 50)
		printf(" time=%lld ms", (us + 500) / 1000);
	else if (us >= 10000 - 5)
		printf(" time=%lld.%01lld ms", (us + 50) / 1000,
		    ((us + 50) % 1000) / 100);
	else if (us >= 1000)
		printf(" time=%lld.%02lld ms", (us + 5) / 1000,
		    ((us + 5) % 1000) / 10);
	else
		printf(" time=%lld.%03lld ms", us / 1000, us % 1000);
}

static void
echo_reply(struct ping *pg, const uint8_t *icmp, size_t icmplen, int ttl,
    uint32_t from, uint64_t now)
{
	uint16_t seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
	bool csfailed = in_cksum(icmp, icmplen) != 0, dup = false;
	long long us = 0;
	char a[16];

	if (pg->timing && icmplen >= 8 + TIMELEN) {
		uint64_t sent;

		memcpy(&sent, icmp + 8, sizeof(sent));
		us = now >= sent ? (long long)((now - sent) / 1000) : 0;
		if (!csfailed) {
			pg->tsum += us;
			pg->tsum2 += (double)us * (double)us;
			if (us < pg->tmin)
				pg->tmin = us;
			if (us > pg->tmax)
				pg->tmax = us;
		}
	}
	if (csfailed) {
		pg->nchecksum++;
	} else if (rcvd_test(pg, seq)) {
		pg->nrepeats++;
		dup = true;
	} else {
		rcvd_set(pg, seq, true);
		pg->nreceived++;
	}
	if (pg->quiet)
		return;
	printf("%zu bytes from %s: icmp_seq=%u ttl=%d", icmplen,
	    tool_format_ipv4(from, a), seq, ttl);
	if (icmplen < 8 + pg->datalen) {
		printf(" (truncated)\n");
		return;
	}
	if (pg->timing)
		print_time(us);
	if (dup)
		printf(" (DUP!)");
	if (csfailed)
		printf(" (BAD CHECKSUM!)");
	if (from != pg->target)
		printf(" (DIFFERENT ADDRESS!)");
	printf("\n");
}

static const char *
icmp_error_text(int type, int code, char *buf, size_t len)
{
	static const char *const unreach[] = {
		"Destination Net Unreachable",
		"Destination Host Unreachable",
		"Destination Protocol Unreachable",
		"Destination Port Unreachable",
		"Frag needed and DF set",
		"Source Route Failed",
		"Destination Net Unknown",
		"Destination Host Unknown",
		"Source Host Isolated",
		"Destination Net Prohibited",
		"Destination Host Prohibited",
		"Destination Net Unreachable for Type of Service",
		"Destination Host Unreachable for Type of Service",
		"Packet filtered",
		"Precedence Violation",
		"Precedence Cutoff",
	};

	switch (type) {
	case ICMP_DEST_UNREACH:
		if (code >= 0 && code < (int)(sizeof(unreach) / sizeof(unreach[0])))
			return unreach[code];
		snprintf(buf, len, "Dest Unreachable, Bad Code: %d", code);
		return buf;
	case ICMP_SOURCE_QUENCH:
		return "Source Quench";
	case ICMP_REDIRECT:
		return code == 0 ? "Redirect Network" : code == 1 ?
		    "Redirect Host" : "Redirect";
	case ICMP_TIME_EXCEEDED:
		return code == 0 ? "Time to live exceeded" :
		    code == 1 ? "Frag reassembly time exceeded" :
		    "Time exceeded, Bad Code";
	case ICMP_PARAMETERPROB:
		return "Parameter problem";
	default:
		snprintf(buf, len, "Bad ICMP type: %d", type);
		return buf;
	}
}

/*
 * An ICMP error about one of our requests: it quotes the request's IP
 * header and the first 8 bytes of its ICMP header (RFC 792).
 */
static void
echo_error(struct ping *pg, const uint8_t *icmp, size_t icmplen,
    uint32_t from)
{
	const uint8_t *ip2 = icmp + 8, *icmp2;
	size_t hlen2;
	uint16_t seq;
	char a[16], buf[64];

	if (icmplen < 8 + 20)
		return;
	hlen2 = (size_t)(ip2[0] & 0x0f) * 4;
	if ((ip2[0] >> 4) != 4 || hlen2 < 20 || icmplen < 8 + hlen2 + 8)
		return;
	icmp2 = ip2 + hlen2;
	if (ip2[9] != IPPROTO_ICMP ||
	    (uint32_t)(ip2[16] << 24 | ip2[17] << 16 | ip2[18] << 8 | ip2[19]) !=
	    pg->target || icmp2[0] != ICMP_ECHO ||
	    (uint16_t)(icmp2[4] << 8 | icmp2[5]) != pg->ident)
		return;
	seq = (uint16_t)(icmp2[6] << 8 | icmp2[7]);
	if (icmp[0] != ICMP_REDIRECT)
		pg->nerrors++;
	if (pg->quiet)
		return;
	printf("From %s icmp_seq=%u %s\n", tool_format_ipv4(from, a), seq,
	    icmp_error_text(icmp[0], icmp[1], buf, sizeof(buf)));
}

/* One packet from the raw socket: an IP header and what follows. */
static void
input(struct ping *pg, size_t cc, uint32_t from, uint64_t now)
{
	const uint8_t *ip = pg->in, *icmp;
	size_t hlen;

	if (cc < 20 || (ip[0] >> 4) != 4)
		return;
	hlen = (size_t)(ip[0] & 0x0f) * 4;
	if (hlen < 20 || cc < hlen + 8)
		return;
	icmp = ip + hlen;
	switch (icmp[0]) {
	case ICMP_ECHOREPLY:
		if ((uint16_t)(icmp[4] << 8 | icmp[5]) == pg->ident)
			echo_reply(pg, icmp, cc - hlen, ip[8], from, now);
		break;
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		echo_error(pg, icmp, cc - hlen, from);
		break;
	default:
		break;
	}
}

/* Takes every packet waiting on the socket; -1 on a hard error. */
static int
drain(struct ping *pg)
{
	struct sockaddr_in from;
	socklen_t fromlen;
	ssize_t n;

	for (;;) {
		fromlen = sizeof(from);
		n = rump_sys_recvfrom(pg->s, pg->in, sizeof(pg->in), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return 0;
			fprintf(stderr, "%s: recvfrom: %s\n", pg->prog,
			    strerror(errno));
			return -1;
		}
		input(pg, (size_t)n, ntohl(from.sin_addr.s_addr), tool_now_ns());
	}
}

static int
ms_until(uint64_t now, uint64_t when)
{
	uint64_t ms;

	if (when <= now)
		return 0;
	/* Rounded up: waking early would only spin. */
	ms = (when - now + 999999) / 1000000;
	return ms > 60000 ? 60000 : (int)ms;
}

/* The main loop of ping(8): send on schedule, take replies, wait for the last. */
static int
ping_run(struct ping *pg, int sigfd)
{
	struct pollfd pfd[2];
	uint64_t next_send = tool_now_ns(), deadline = 0, now;
	bool waiting_last = false;
	int timeout;

	for (;;) {
		if (pg->count != 0 && pg->nreceived + pg->nerrors >= pg->count)
			return 0;
		now = tool_now_ns();
		if (pg->count == 0 || pg->ntransmitted < pg->count) {
			if (now >= next_send) {
				send_echo(pg);
				/* No bursts to catch up after a stall. */
				next_send += pg->interval_ns;
				if (next_send < now)
					next_send = now;
				continue;
			}
			timeout = ms_until(now, next_send);
		} else {
			if (!waiting_last) {
				uint64_t wait;

				/* As ping(8), fixed when the last one is sent. */
				if (pg->nreceived > 0) {
					wait = 2 * (uint64_t)pg->tmax * 1000;
					if (wait < pg->interval_ns)
						wait = pg->interval_ns;
				} else {
					wait = pg->linger_ns;
				}
				deadline = wait != 0 ? pg->last_send + wait : 0;
				waiting_last = true;
			}
			if (deadline != 0 && now >= deadline)
				return 0;
			timeout = deadline != 0 ? ms_until(now, deadline) : -1;
		}
		pfd[0].fd = sigfd;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		pfd[1].fd = pg->s;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		if (rump_sys_poll(pfd, 2, timeout) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: poll: %s\n", pg->prog,
			    strerror(errno));
			return -1;
		}
		if (pfd[0].revents != 0)
			return 0;
		if (pfd[1].revents != 0 && drain(pg) != 0)
			return -1;
	}
}

static void
ping_statistics(const struct ping *pg)
{
	uint64_t span = pg->ntransmitted > 0 ? pg->last_send - pg->first_send : 0;

	printf("\n--- %s ping statistics ---\n", pg->host);
	printf("%ld packets transmitted, %ld received", pg->ntransmitted,
	    pg->nreceived);
	if (pg->nrepeats != 0)
		printf(", +%ld duplicates", pg->nrepeats);
	if (pg->nchecksum != 0)
		printf(", +%ld corrupted", pg->nchecksum);
	if (pg->nerrors != 0)
		printf(", +%ld errors", pg->nerrors);
	if (pg->ntransmitted != 0) {
		printf(", %g%% packet loss", (double)(float)((double)(pg->ntransmitted -
		    pg->nreceived) * 100.0 / (double)pg->ntransmitted));
		printf(", time %llums",
		    (unsigned long long)((span + 500000) / 1000000));
	}
	printf("\n");
	if (pg->nreceived != 0 && pg->timing) {
		long long total = pg->nreceived + pg->nrepeats;
		long long avg = pg->tsum / total;
		double var = pg->tsum2 / (double)total - (double)avg * (double)avg;
		long long mdev = var > 0 ? (long long)sqrt(var) : 0;

		printf("rtt min/avg/max/mdev = %lld.%03lld/%lld.%03lld/"
		    "%lld.%03lld/%lld.%03lld ms\n", pg->tmin / 1000,
		    pg->tmin % 1000, avg / 1000, avg % 1000, pg->tmax / 1000,
		    pg->tmax % 1000, mdev / 1000, mdev % 1000);
	}
}

void
ping_init(struct ping *pg, const char *prog)
{
	memset(pg, 0, sizeof(*pg));
	pg->prog = prog;
	pg->s = -1;
	pg->datalen = 56;
	pg->interval_ns = 1000000000u;
	pg->linger_ns = 10 * 1000000000ull;
	pg->tmin = LLONG_MAX;
}

bool
ping_option(struct ping *pg, int c, const char *arg)
{
	double d;
	long v;

	switch (c) {
	case 'c':
		if (tool_parse_long(arg, 1, LONG_MAX, &pg->count) != 0)
			usage_error("-c: bad count '%s': expected a "
			    "number of at least 1", arg);
		return true;
	case 'i':
		if (tool_parse_decimal(arg, 0.001, 86400, &d) != 0)
			usage_error("-i: bad interval '%s': expected "
			    "seconds from 0.001 to 86400, like 0.2", arg);
		pg->interval_ns = (uint64_t)llround(d * 1e9);
		return true;
	case 's':
		if (tool_parse_long(arg, 0, MAXPAYLOAD, &v) != 0)
			usage_error("-s: bad size '%s': expected 0..%d "
			    "bytes", arg, MAXPAYLOAD);
		pg->datalen = (size_t)v;
		return true;
	case 'W':
		if (tool_parse_decimal(arg, 0, 86400, &d) != 0)
			usage_error("-W: bad timeout '%s': expected "
			    "seconds from 0 to 86400, like 2 or 0.5", arg);
		pg->linger_ns = (uint64_t)llround(d * 1e9);
		return true;
	case 't':
		if (tool_parse_long(arg, 1, 255, &v) != 0)
			usage_error("-t: bad TTL '%s': expected 1..255", arg);
		pg->ttl = (int)v;
		return true;
	case 'q':
		pg->quiet = true;
		return true;
	default:
		return false;
	}
}

void
ping_host(struct ping *pg, int argc, char **argv, int first)
{
	if (first == argc)
		usage_error("missing HOST");
	if (first + 1 < argc)
		usage_error("unexpected argument '%s' after HOST",
		    argv[first + 1]);
	if (tool_parse_ipv4(argv[first], &pg->target) != 0)
		usage_error("bad HOST '%s': expected an IPv4 address A.B.C.D "
		    "(no names: the rump kernel has no resolver)", argv[first]);
	tool_format_ipv4(pg->target, pg->host);
	pg->timing = pg->datalen >= TIMELEN;
	pg->ident = (uint16_t)getpid();
}

static int
ping_open(struct ping *pg)
{
	/* Room for a burst of replies; the default may do too. */
	int rcvbuf = 256 * 1024;

	pg->s = rump_sys_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (pg->s < 0) {
		fprintf(stderr, "%s: cannot create a raw ICMP socket: %s\n",
		    pg->prog, strerror(errno));
		return -1;
	}
	if (pg->ttl != 0 && rump_sys_setsockopt(pg->s, IPPROTO_IP, IP_TTL,
	    &pg->ttl, sizeof(pg->ttl)) != 0) {
		fprintf(stderr, "%s: -t: cannot set the TTL: %s\n", pg->prog,
		    strerror(errno));
		return -1;
	}
	rump_sys_setsockopt(pg->s, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
	    sizeof(rcvbuf));
	return 0;
}

int
ping_main(struct ping *pg, const char *hostarg, int sigfd)
{
	int status = 2;

	if (ping_open(pg) == 0) {
		printf("PING %s (%s) %zu(%zu) bytes of data.\n", hostarg,
		    pg->host, pg->datalen, pg->datalen + 28);
		if (ping_run(pg, sigfd) == 0) {
			ping_statistics(pg);
			status = pg->nreceived > 0 ? 0 : 1;
		}
	}
	if (pg->s >= 0)
		rump_sys_close(pg->s);
	pg->s = -1;
	return status;
}
