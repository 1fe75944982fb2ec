/*
 * The rump calls the socket tools make, implemented by the host's own
 * system calls, for the benchmark only: rump_nc and rump_httpd linked
 * with this instead of a kernel are the same programs on the Linux
 * kernel's sockets, the figure sockin is measured against (issue 8).
 * The types are the host's in both (rump_syscalls.h uses them), so each
 * call passes its arguments through; errno is the host's, as a rump_sys_*
 * wrapper sets it.  Nothing boots: rump_init and rump_fini succeed, and
 * there are no kernel counters to print.
 */
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <rump/rump.h>

int rump_init(void) { return 0; }
int rump_fini(void) { return 0; }
int rump_kstat_dump(const char *prefix) { (void)prefix; return 0; }

ssize_t rump_sys_read(int fd, void *buf, size_t n) { return read(fd, buf, n); }
ssize_t rump_sys_write(int fd, const void *buf, size_t n) { return write(fd, buf, n); }
ssize_t rump_sys_writev(int fd, const struct iovec *iov, int n) { return writev(fd, iov, n); }
int rump_sys_close(int fd) { return close(fd); }
int rump_sys_pipe2(int *fds, int flags) { return pipe2(fds, flags); }
int rump_sys_poll(struct pollfd *fds, nfds_t n, int ms) { return poll(fds, n, ms); }
int rump_sys_fcntl(int fd, int cmd, long arg) { return fcntl(fd, cmd, arg); }
int rump_sys_socket(int d, int t, int p) { return socket(d, t, p); }
int rump_sys_bind(int s, const struct sockaddr *a, socklen_t l) { return bind(s, a, l); }
int rump_sys_listen(int s, int backlog) { return listen(s, backlog); }
int rump_sys_connect(int s, const struct sockaddr *a, socklen_t l) { return connect(s, a, l); }
int rump_sys_accept4(int s, struct sockaddr *a, socklen_t *l, int flags) { return accept4(s, a, l, flags); }
int rump_sys_shutdown(int s, int how) { return shutdown(s, how); }
int rump_sys_getpeername(int s, struct sockaddr *a, socklen_t *l) { return getpeername(s, a, l); }
int rump_sys_setsockopt(int s, int lv, int nm, const void *v, socklen_t l) { return setsockopt(s, lv, nm, v, l); }
ssize_t rump_sys_sendto(int s, const void *b, size_t n, int f, const struct sockaddr *a, socklen_t l) { return sendto(s, b, n, f, a, l); }
ssize_t rump_sys_recvfrom(int s, void *b, size_t n, int f, struct sockaddr *a, socklen_t *l) { return recvfrom(s, b, n, f, a, l); }
