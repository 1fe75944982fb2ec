/*
 * rlisten PORT: a client of rump_server (librumpclient, RUMP_SERVER) that
 * listens on TCP PORT in the server, prints "listening", accepts one
 * connection, prints "accepted", and keeps both until it is ended, so a
 * test sees a listening and an established socket in the server.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rump/rump.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int ls, as;

	if (argc != 2) {
		fprintf(stderr, "usage: rlisten PORT\n");
		return 2;
	}
	sin.sin_port = htons((uint16_t)atoi(argv[1]));
	if (rump_init() != 0)
		return 1;
	if ((ls = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    rump_sys_bind(ls, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    rump_sys_listen(ls, 8) != 0) {
		perror("rlisten: listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	if ((as = rump_sys_accept(ls, NULL, NULL)) < 0) {
		perror("rlisten: accept");
		return 1;
	}
	printf("accepted\n");
	fflush(stdout);
	pause();
	return 0;
}
