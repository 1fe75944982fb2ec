/*
 * httpreqs: a fixed number of HTTP GET requests, for sockin_instr.sh,
 * which counts a server's instructions per request (wrk runs for a time,
 * not for a number of requests).
 *
 * usage: httpreqs PORT PATH N CONNS keep-alive|close
 *
 * Sends N requests for PATH to 127.0.0.1:PORT over CONNS connections at
 * once, each connection one request at a time: keep-alive reuses a
 * connection, close opens one per request ("Connection: close").  A
 * response is complete when its head and Content-Length bytes came (and,
 * closing, the server's end of file).  Exit status 0 when all N came.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HR_MAXCONNS	256
#define HR_BUF		65536
#define HR_TIMEOUT_MS	30000

struct hr_conn {
	int fd;
	size_t got;		/* bytes of the current response */
	size_t want;		/* its length once its head came, else 0 */
	char head[HR_BUF];	/* its first bytes, for the head */
};

static struct sockaddr_in hr_addr;
static char hr_req[512];
static bool hr_closing;

static int
hr_connect(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&hr_addr,
	    sizeof(hr_addr)) != 0) {
		perror("httpreqs: connect");
		exit(1);
	}
	return fd;
}

/* Starts a request on c: a new connection when closing. */
static void
hr_send(struct hr_conn *c)
{
	size_t len = strlen(hr_req);

	if (hr_closing)
		c->fd = hr_connect();
	c->got = 0;
	c->want = 0;
	if (write(c->fd, hr_req, len) != (ssize_t)len) {
		perror("httpreqs: write");
		exit(1);
	}
}

/* The response's whole length once its head is there (0: not yet). */
static size_t
hr_length(const struct hr_conn *c)
{
	const char *end, *cl;
	size_t n = c->got < HR_BUF ? c->got : HR_BUF - 1;
	char head[HR_BUF];

	memcpy(head, c->head, n);
	head[n] = '\0';
	if ((end = strstr(head, "\r\n\r\n")) == NULL)
		return 0;
	if ((cl = strstr(head, "Content-Length: ")) == NULL || cl > end) {
		fprintf(stderr, "httpreqs: a response without a length\n");
		exit(1);
	}
	return (size_t)(end + 4 - head) + strtoul(cl + 16, NULL, 10);
}

/* Reads what came on c; true when its response is complete. */
static bool
hr_read(struct hr_conn *c)
{
	char buf[HR_BUF];
	ssize_t r = read(c->fd, buf, sizeof(buf));

	if (r < 0 || (r == 0 && !hr_closing)) {
		fprintf(stderr, "httpreqs: the connection failed\n");
		exit(1);
	}
	if (c->got < HR_BUF)
		memcpy(c->head + c->got, buf,
		    (size_t)r < HR_BUF - c->got ? (size_t)r : HR_BUF - c->got);
	c->got += (size_t)r;
	if (c->want == 0)
		c->want = hr_length(c);
	if (hr_closing)
		return r == 0 && c->want != 0 && c->got == c->want;
	return c->want != 0 && c->got >= c->want;
}

int
main(int argc, char **argv)
{
	static struct hr_conn conns[HR_MAXCONNS];
	struct pollfd pfd[HR_MAXCONNS];
	long n, sent = 0, done = 0;
	int nconns;

	if (argc != 6 || (nconns = atoi(argv[4])) < 1 ||
	    nconns > HR_MAXCONNS || (n = atol(argv[3])) < 1) {
		fprintf(stderr, "usage: httpreqs PORT PATH N CONNS "
		    "keep-alive|close\n");
		return 2;
	}
	hr_closing = strcmp(argv[5], "close") == 0;
	hr_addr.sin_family = AF_INET;
	hr_addr.sin_port = htons((uint16_t)atoi(argv[1]));
	hr_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	snprintf(hr_req, sizeof(hr_req), "GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n",
	    argv[2], hr_closing ? "Connection: close\r\n" : "");
	for (int i = 0; i < nconns; i++) {
		conns[i].fd = -1;
		if (sent == n)
			continue;
		if (!hr_closing)
			conns[i].fd = hr_connect();
		hr_send(&conns[i]);
		sent++;
	}
	while (done < n) {
		for (int i = 0; i < nconns; i++) {
			pfd[i].fd = conns[i].fd;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)nconns, HR_TIMEOUT_MS) <= 0) {
			fprintf(stderr, "httpreqs: no answer after %ld\n", done);
			return 1;
		}
		for (int i = 0; i < nconns; i++) {
			if (pfd[i].revents == 0 || !hr_read(&conns[i]))
				continue;
			done++;
			if (hr_closing) {
				close(conns[i].fd);
				conns[i].fd = -1;
			}
			if (sent < n) {
				hr_send(&conns[i]);
				sent++;
			} else if (!hr_closing) {
				close(conns[i].fd);
				conns[i].fd = -1;
			}
		}
	}
	return 0;
}
