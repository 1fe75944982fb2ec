/*
 * rump_httpd: an HTTP/1.1 file server on a rump kernel's TCP sockets,
 * serving a host directory, or with --image the files of a disk image
 * that the rump kernel mounts (at HTTPD_IMAGE_MNT, through --mount's
 * code) and reads through its VFS; the HTTP logic is in
 * tools/common/http_*.c, where struct http_fsops is the seam between
 * the two kinds of storage;
 * this file moves bytes: one poll loop over the listening socket and every
 * connection, all non-blocking, no thread per connection.  A connection
 * reads until a request head is complete, then answers it: the head (and
 * any in-memory body) first, then the file in HTTPD_CHUNK pieces read
 * with pread() and written as far as the socket takes them, waiting for
 * POLLOUT when it takes no more.  Pipelined requests wait in the input
 * buffer and are answered in order; no more is read while an answer is
 * being sent, so a client that sends without reading is held back by TCP.
 *
 * Exit status: 0 after SIGINT/SIGTERM, 1 when it could not serve, 2 for
 * bad options.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_netconfig.h>

#include "http.h"
#include "librumpserver/rumpserver.h"
#include "netopts.h"
#include "toolboot.h"
#include "toolsig.h"
#include "toolusage.h"
#include "toolutil.h"

#define PROG		"rump_httpd"
#define HTTPD_CHUNK	(256 * 1024)	/* file bytes read and written at once */
#define HTTPD_READ	16384		/* request bytes read at once */
#define HTTPD_BACKLOG	128
#define HTTPD_IMAGE_MNT	"/image"	/* where --image is mounted */

static const char usage_text[] =
"usage: rump_httpd [interface options] --port PORT --root DIR\n"
"                  [--max-conns N] [--timeout SECS] [--listen URL] [-q] [-v]\n"
"       rump_httpd [interface options] --port PORT --image IMAGE[,ro]\n"
"                  [--root /DIR-IN-IMAGE] [...]\n"
"       rump_httpd --help\n"
"\n"
"An HTTP/1.1 file server on the TCP sockets of a rump kernel configured by\n"
"the interface options, serving the host directory DIR, or the files of\n"
"the disk image IMAGE (its type detected): GET and HEAD, keep-alive and\n"
"pipelining, single byte ranges, If-Modified-Since, HTML listings of\n"
"directories.  No path leads outside DIR, symlinks included.  Prints\n"
"\"rump_httpd: serving DIR on port PORT\" (IMAGE:DIR for an image) when\n"
"ready, then one line per request in common log format on standard output.\n"
"\n"
"  --port PORT     the TCP port to listen on\n"
"  --bind ADDR     listen on ADDR only (default: every address)\n"
"  --root DIR      the directory to serve: a host directory, or with\n"
"                  --image a directory in the image (default /)\n"
"  --image IMAGE[,ro]\n"
"                  serve the files of the disk image IMAGE, a host file that\n"
"                  the rump kernel mounts (at " HTTPD_IMAGE_MNT "); ro: never\n"
"                  written\n"
"  --max-conns N   connections served at once (default 256); more wait in\n"
"                  the listen backlog\n"
"  --timeout SECS  close a connection idle that long (default 60)\n"
"  --listen URL    also serve the system calls of remote clients (the rump.*\n"
"                  tools) at unix:///PATH (owner only) or tcp://ADDR:PORT,\n"
"                  as rump_server does, to inspect the running server\n"
"  -q              no log line per request\n"
"  -v              at exit, print the kernel counters that are not zero\n"
"                  (tcp.*, ip.*, ...) on standard error\n"
"  -h, --help      print this help and exit\n"
"\n";

static const char example_text[] =
"\n"
"Example (as root): serve /srv/www on a new tap device tap0, fetch a file:\n"
"  rump_httpd --if virt0,tap=tap0 --addr virt0,198.18.0.2/24 \\\n"
"      --port 80 --root /srv/www &\n"
"  ip addr add 198.18.0.1/24 dev tap0 && ip link set tap0 up\n"
"  curl http://198.18.0.2/index.html\n"
"Serve the files of an ext2 image made by mke2fs, read-only:\n"
"  mke2fs -q -d /srv/www www.img 64M\n"
"  rump_httpd --if virt0,tap=tap0 --addr virt0,198.18.0.2/24 \\\n"
"      --port 80 --image www.img,ro &\n"
"\n"
"Exit status: 0 after SIGINT or SIGTERM, 1 if it could not serve, 2 for bad\n"
"options.\n";

static const struct tool_usage usage_info = {
	.prog = PROG,
	.synopsis = usage_text,
	.examples = example_text,
};

struct hconn {
	int s;				/* rump socket; -1: a free slot */
	char client[16];
	uint64_t active_ns;		/* the last time bytes moved */
	struct http_buf in;		/* received, not yet answered */
	bool peer_done;			/* the client sent its FIN */
	bool answering;
	struct http_request req;
	struct http_response resp;
	size_t head_off;		/* of resp.head, sent */
	uint64_t sent;			/* body bytes sent */
	char *chunk;			/* file bytes read, not yet sent */
	size_t chunk_len, chunk_off;
};

struct httpd {
	const struct http_fsops *fs;	/* where root is */
	char root[PATH_MAX];
	const char *image;		/* --image's file */
	const char *listen;		/* --listen's URL, or NULL */
	uint16_t port;
	uint32_t addr;			/* --bind, network order; 0: any */
	int maxconns;
	uint64_t timeout_ns;
	bool quiet, verbose;
	int ls;				/* listening socket */
	int nconns;
	bool full_said;			/* the limit was logged */
	struct hconn *conns;
	struct pollfd *pfd;
};

static void
httpd_log(struct httpd *h, struct hconn *c, int status, uint64_t bytes)
{
	struct http_buf line;

	if (h->quiet)
		return;
	http_buf_init(&line);
	http_log_line(&line, c->client, time(NULL), &c->req, status, bytes);
	if (!line.failed)
		printf("%.*s\n", (int)line.len, line.data);
	http_buf_free(&line);
}

static void
conn_close(struct httpd *h, struct hconn *c)
{
	/* Only an answer under way holds a response (a new slot is zeroes). */
	if (c->answering) {
		httpd_log(h, c, c->resp.status, c->sent);
		http_response_free(&c->resp);
	}
	http_buf_free(&c->in);
	free(c->chunk);
	c->chunk = NULL;
	rump_sys_close(c->s);
	c->s = -1;
	c->answering = false;
	h->nconns--;
}

static void
conn_answer_done(struct httpd *h, struct hconn *c)
{
	httpd_log(h, c, c->resp.status, c->sent);
	c->answering = false;
	http_response_free(&c->resp);
}

/*
 * Starts answering the request at the front of c->in once its head is
 * complete (1; 0: not yet; -1: out of memory); a bad one is answered and
 * ends the connection.
 */
static int
conn_next_request(struct httpd *h, struct hconn *c)
{
	struct http_error err;
	size_t used;

	switch (http_request_parse(c->in.data, c->in.len, &c->req, &used,
	    &err)) {
	case HTTP_PARSE_MORE:
		return 0;
	case HTTP_PARSE_OK:
		http_buf_consume(&c->in, used);
		http_serve(h->fs, h->root, &c->req, time(NULL), &c->resp);
		break;
	case HTTP_PARSE_ERROR:
		http_serve_error(&err, c->req.method == HTTP_HEAD, time(NULL),
		    &c->resp);
		break;
	}
	/* The head and an in-memory body go out as one. */
	http_buf_add(&c->resp.head, c->resp.body.data, c->resp.body.len);
	if (c->resp.head.failed) {
		fprintf(stderr, PROG ": %s: out of memory\n", c->client);
		http_response_free(&c->resp);
		return -1;
	}
	c->answering = true;
	c->head_off = 0;
	c->chunk_len = c->chunk_off = 0;
	c->sent = 0;
	return 1;
}

/* The next piece of the file into c->chunk; -1 on a host read error. */
static int
conn_fill(struct hconn *c)
{
	size_t want, n;
	int error;

	if (c->chunk == NULL && (c->chunk = malloc(HTTPD_CHUNK)) == NULL)
		return -1;
	want = c->resp.len < HTTPD_CHUNK ? (size_t)c->resp.len : HTTPD_CHUNK;
	error = c->resp.fs->fs_pread(c->resp.fd, c->chunk, want, c->resp.off,
	    &n);
	if (error != 0 || n == 0) {
		fprintf(stderr, PROG ": %s: reading the file: %s\n", c->client,
		    error == 0 ? "it became shorter" : strerror(error));
		return -1;
	}
	c->chunk_len = n;
	c->chunk_off = 0;
	c->resp.off += (uint64_t)n;
	c->resp.len -= (uint64_t)n;
	return 0;
}

/*
 * Sends as much of the answer as the socket takes: 1 all of it, 0 the
 * rest later (POLLOUT), -1 on errors.  The head and the first piece of a
 * file go out in one writev, so that a small answer is one segment and
 * not a head that Nagle holds back the body behind.
 */
static int
conn_send(struct hconn *c)
{
	struct iovec iov[2];
	size_t hrest, crest, took;
	ssize_t n;

	for (;;) {
		if (c->chunk_off == c->chunk_len && c->resp.len > 0 &&
		    conn_fill(c) != 0)
			return -1;
		hrest = c->resp.head.len - c->head_off;
		crest = c->chunk_len - c->chunk_off;
		if (hrest + crest == 0)
			break;
		iov[0] = (struct iovec){ c->resp.head.data + c->head_off, hrest };
		iov[1] = (struct iovec){ c->chunk + c->chunk_off, crest };
		n = rump_sys_writev(c->s, iov, 2);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->active_ns = tool_now_ns();
		took = (size_t)n < hrest ? (size_t)n : hrest;
		c->head_off += took;
		c->chunk_off += (size_t)n - took;
		c->sent += (uint64_t)((size_t)n - took);
	}
	/* An in-memory body went out with the head. */
	c->sent += c->resp.body.len;
	return 1;
}

/* Reads what arrived; -1 when the connection failed. */
static int
conn_read(struct hconn *c)
{
	char buf[HTTPD_READ];
	ssize_t n;

	/* A head is at most HTTP_HEAD_MAX: the parser refuses more. */
	while (!c->peer_done && c->in.len <= HTTP_HEAD_MAX) {
		n = rump_sys_read(c->s, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (n == 0)
			c->peer_done = true;
		http_buf_add(&c->in, buf, (size_t)n);
		if (c->in.failed)
			return -1;
		c->active_ns = tool_now_ns();
	}
	return 0;
}

/* Moves a connection on as far as it goes without waiting. */
static void
conn_step(struct httpd *h, struct hconn *c, short revents)
{
	int rc;

	if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0 && !c->answering &&
	    conn_read(c) != 0) {
		conn_close(h, c);
		return;
	}
	for (;;) {
		if (!c->answering && (rc = conn_next_request(h, c)) != 1) {
			/* No complete request and none will come. */
			if (rc < 0 || c->peer_done)
				conn_close(h, c);
			return;
		}
		if ((rc = conn_send(c)) == 0)
			return;
		if (rc < 0 || !c->resp.keep_alive) {
			conn_close(h, c);
			return;
		}
		conn_answer_done(h, c);
	}
}

static void
httpd_accept(struct httpd *h)
{
	struct sockaddr_in sin;
	socklen_t len;
	struct hconn *c;
	int s, i;

	while (h->nconns < h->maxconns) {
		len = sizeof(sin);
		s = rump_sys_accept4(h->ls, (struct sockaddr *)&sin, &len,
		    SOCK_NONBLOCK);
		if (s < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				fprintf(stderr, PROG ": accept: %s\n",
				    strerror(errno));
			return;
		}
		for (i = 0; h->conns[i].s >= 0; i++)
			continue;
		c = &h->conns[i];
		c->s = s;
		tool_format_ipv4(ntohl(sin.sin_addr.s_addr), c->client);
		c->active_ns = tool_now_ns();
		c->peer_done = false;
		c->answering = false;
		http_buf_init(&c->in);
		h->nconns++;
	}
	if (!h->full_said) {
		printf(PROG ": %d connections open, the limit (--max-conns): new "
		    "ones wait in the listen backlog\n", h->nconns);
		h->full_said = true;
	}
}

static int
httpd_listen(struct httpd *h)
{
	struct sockaddr_in sin;
	int one = 1;

	h->ls = rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (h->ls < 0) {
		fprintf(stderr, PROG ": cannot create a TCP socket: %s\n",
		    strerror(errno));
		return -1;
	}
	if (rump_sys_setsockopt(h->ls, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) != 0)
		fprintf(stderr, PROG ": SO_REUSEADDR: %s\n", strerror(errno));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(h->port);
	sin.sin_addr.s_addr = h->addr;
	if (rump_sys_bind(h->ls, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    rump_sys_listen(h->ls, HTTPD_BACKLOG) != 0) {
		fprintf(stderr, PROG ": cannot listen on TCP port %u: %s\n",
		    h->port, strerror(errno));
		return -1;
	}
	return 0;
}

/* The poll timeout: until the first idle connection times out. */
static int
httpd_expire(struct httpd *h, uint64_t now)
{
	uint64_t next = UINT64_MAX, at;
	int i;

	for (i = 0; i < h->maxconns; i++) {
		if (h->conns[i].s < 0)
			continue;
		at = h->conns[i].active_ns + h->timeout_ns;
		if (at <= now)
			conn_close(h, &h->conns[i]);
		else if (at < next)
			next = at;
	}
	if (next == UINT64_MAX)
		return -1;
	return (int)((next - now + 999999) / 1000000);
}

/* Fills h->pfd: the signal, the listener (below the limit), conns. */
static nfds_t
httpd_pollset(struct httpd *h, int sigfd)
{
	nfds_t n = 2;
	int i;

	h->pfd[0] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
	h->pfd[1] = (struct pollfd){ .fd = h->nconns < h->maxconns ? h->ls :
	    -1, .events = POLLIN };
	if (h->nconns < h->maxconns)
		h->full_said = false;
	for (i = 0; i < h->maxconns; i++) {
		if (h->conns[i].s < 0)
			continue;
		h->pfd[n++] = (struct pollfd){ .fd = h->conns[i].s,
		    .events = h->conns[i].answering ? POLLOUT : POLLIN };
	}
	return n;
}

static int
httpd_run(struct httpd *h, int sigfd)
{
	struct hconn *c;
	nfds_t n, k;
	int timeout, i;

	for (;;) {
		timeout = httpd_expire(h, tool_now_ns());
		n = httpd_pollset(h, sigfd);
		if (rump_sys_poll(h->pfd, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			return -1;
		}
		if (h->pfd[0].revents != 0)
			return 0;
		/* The connections polled, in the order httpd_pollset took. */
		for (i = 0, k = 2; k < n; i++) {
			c = &h->conns[i];
			if (c->s < 0)
				continue;
			if (h->pfd[k++].revents != 0)
				conn_step(h, c, h->pfd[k - 1].revents);
		}
		if (h->pfd[1].revents != 0)
			httpd_accept(h);
	}
}

/*
 * h->root: the real path of root in h->fs; -1 with errno when it is not
 * there or not a directory.
 */
static int
root_resolve(struct httpd *h, const char *root)
{
	struct stat st;
	int error, fd;

	if ((error = h->fs->fs_realpath(root, h->root)) != 0 ||
	    (error = h->fs->fs_open(h->root, &fd)) != 0) {
		errno = error;
		return -1;
	}
	error = h->fs->fs_fstat(fd, &st);
	h->fs->fs_close(fd);
	if (error == 0 && !S_ISDIR(st.st_mode))
		error = ENOTDIR;
	errno = error;
	return error != 0 ? -1 : 0;
}

/*
 * --image IMAGE[,ro] becomes a mount of type auto at HTTPD_IMAGE_MNT (the
 * code of --mount); the root, a directory in it, is resolved once the
 * kernel has mounted it.
 */
static void
image_option(struct netopts *no, struct httpd *h, const char *root)
{
	static struct netopts_mount m;
	const char *comma = strrchr(h->image, ',');
	size_t n = comma != NULL ? (size_t)(comma - h->image) :
	    strlen(h->image);

	if (comma != NULL && strcmp(comma + 1, "ro") != 0)
		usage_error("--image %s: unknown option '%s' (the only one is "
		    "ro)", h->image, comma + 1);
	if (n >= sizeof(m.image))
		usage_error("--image %s: the path is too long", h->image);
	if (root != NULL && root[0] != '/')
		usage_error("--root %s: with --image, a path in the image "
		    "starting with /", root);
	snprintf(m.given, sizeof(m.given), "--image %s", h->image);
	strcpy(m.fstype, "auto");
	memcpy(m.image, h->image, n);
	strcpy(m.mountpoint, HTTPD_IMAGE_MNT);
	m.rdonly = comma != NULL;
	if (netopts_mount_add(no, &m) != 0)
		usage_error("%s", no->err);
	snprintf(h->root, sizeof(h->root), HTTPD_IMAGE_MNT "%s",
	    root != NULL ? root : "");
	h->fs = &http_fs_rump;
	h->image = m.image;
}

/* A path below HTTPD_IMAGE_MNT as a path in the image. */
static const char *
image_path(const char *path)
{
	path += strlen(HTTPD_IMAGE_MNT);
	return *path != '\0' ? path : "/";
}

/* The root in the mounted image: a directory, not outside the image. */
static int
image_root(struct httpd *h)
{
	char want[PATH_MAX];
	size_t n = strlen(HTTPD_IMAGE_MNT);

	memcpy(want, h->root, sizeof(want));
	if (root_resolve(h, want) != 0) {
		fprintf(stderr, PROG ": --root %s: %s in image %s\n",
		    image_path(want), strerror(errno), h->image);
		return -1;
	}
	if (strncmp(h->root, HTTPD_IMAGE_MNT, n) != 0 ||
	    (h->root[n] != '\0' && h->root[n] != '/')) {
		fprintf(stderr, PROG ": --root %s: leads out of image %s\n",
		    image_path(want), h->image);
		return -1;
	}
	return 0;
}

static void
parse_options(int argc, char **argv, struct netopts *no, struct httpd *h)
{
	static const struct option longopts[] = {
		NETOPTS_LONGOPTS,
		{ "port", required_argument, NULL, 'P' },
		{ "bind", required_argument, NULL, 'B' },
		{ "root", required_argument, NULL, 'R' },
		{ "image", required_argument, NULL, 'I' },
		{ "max-conns", required_argument, NULL, 'M' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "listen", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL;
	double secs;
	long v;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qvh", longopts, NULL)) != -1) {
		if (netopts_isopt(c)) {
			if (netopts_parse(no, c, optarg) != 0)
				usage_error("%s", no->err);
			continue;
		}
		switch (c) {
		case 'P':
			if (tool_parse_port(optarg, &h->port) != 0)
				usage_error("--port: bad port '%s': expected "
				    "1..65535", optarg);
			break;
		case 'B':
			if (inet_pton(AF_INET, optarg, &h->addr) != 1)
				usage_error("--bind: bad address '%s': expected "
				    "A.B.C.D", optarg);
			break;
		case 'R':
			root = optarg;
			break;
		case 'I':
			h->image = optarg;
			break;
		case 'M':
			if (tool_parse_long(optarg, 1, 65536, &v) != 0)
				usage_error("--max-conns: bad number '%s': "
				    "expected 1..65536", optarg);
			h->maxconns = (int)v;
			break;
		case 'T':
			if (tool_parse_decimal(optarg, 0.001, 86400, &secs) != 0)
				usage_error("--timeout: bad time '%s': expected "
				    "seconds from 0.001 to 86400", optarg);
			h->timeout_ns = (uint64_t)(secs * 1e9);
			break;
		case 'L':
			h->listen = optarg;
			break;
		case 'q':
			h->quiet = true;
			break;
		case 'v':
			h->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage_bad_option(c, argv);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (h->port == 0)
		usage_error("no port to listen on: give --port PORT");
	if (h->image != NULL)
		image_option(no, h, root);
	else if (root == NULL)
		usage_error("nothing to serve: give --root DIR or --image IMAGE");
	else if (root_resolve(h, root) != 0)
		usage_error("--root %s: %s", root, strerror(errno));
	if (no->nifs == 0 && !netopts_hostnet)
		usage_error("%s", "no interface to serve on: give --if and "
		    "--addr");
	if (netopts_check(no) != 0)
		usage_error("%s", no->err);
}

static int
httpd_alloc(struct httpd *h)
{
	int i;

	h->conns = calloc((size_t)h->maxconns, sizeof(*h->conns));
	h->pfd = calloc((size_t)h->maxconns + 2, sizeof(*h->pfd));
	if (h->conns == NULL || h->pfd == NULL) {
		fprintf(stderr, PROG ": out of memory for %d connections\n",
		    h->maxconns);
		return -1;
	}
	for (i = 0; i < h->maxconns; i++)
		h->conns[i].s = -1;
	return 0;
}

static void
httpd_free(struct httpd *h)
{
	int i;

	for (i = 0; h->conns != NULL && i < h->maxconns; i++)
		if (h->conns[i].s >= 0)
			conn_close(h, &h->conns[i]);
	free(h->conns);
	free(h->pfd);
	if (h->ls >= 0)
		rump_sys_close(h->ls);
}

int
main(int argc, char **argv)
{
	static struct netopts no;
	static struct httpd h = {
		.fs = &http_fs_host,
		.maxconns = 256,
		.timeout_ns = 60 * 1000000000ULL,
		.ls = -1,
	};
	struct rump_server *srv = NULL;
	int sigfd, status = 1;

	tool_usage_init(&usage_info);
	setvbuf(stdout, NULL, _IOLBF, 0);
	netopts_init(&no);
	parse_options(argc, argv, &no, &h);

	switch (tool_boot(PROG, &no, &sigfd)) {
	case TOOL_BOOT_NOKERNEL:
		return 1;
	case TOOL_BOOT_FAILED:
		goto out;
	case TOOL_BOOT_OK:
		break;
	}
	if ((h.image != NULL && image_root(&h) != 0) || httpd_alloc(&h) != 0 ||
	    httpd_listen(&h) != 0)
		goto out;
	if (h.listen != NULL) {
		if (rump_server_start(h.listen, h.verbose, &srv) != 0)
			goto out;
		printf(PROG ": listening on %s\n", rump_server_where(srv));
	}
	if (h.image != NULL)
		printf(PROG ": serving %s:%s on port %u\n", h.image,
		    image_path(h.root), h.port);
	else
		printf(PROG ": serving %s on port %u\n", h.root, h.port);
	if (httpd_run(&h, sigfd) == 0) {
		printf(PROG ": %s, shutting down\n",
		    toolsig_name(toolsig_caught()));
		status = 0;
	}
out:
	if (srv != NULL)
		rump_server_stop(srv);
	httpd_free(&h);
	if (h.verbose) {
		fflush(stdout);
		rump_kstat_dump("");
	}
	if (tool_shutdown(PROG, &no) != 0)
		status = 1;
	return status;
}
