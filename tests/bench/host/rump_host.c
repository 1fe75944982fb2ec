/*
 * The rump calls the socket tools make, implemented by the host's own
 * system calls, for the benchmark only: rump_nc and rump_httpd linked
 * with this instead of a kernel are the same programs on the Linux
 * kernel's sockets, the figure sockin is measured against (issue 8).
 * The types are the host's in both (rump_syscalls.h uses them), so each
 * call passes its arguments through; errno is the host's, as a rump_sys_*
 * wrapper sets it.  Nothing boots: rump_init and rump_fini succeed, and
 * there are no kernel counters to print.  File calls are the host's too
 * (rump_httpd --root serves host files anyway); --mount and --image find
 * no file system type, as a kernel built without any would answer
 * (ENODEV), and --listen has no kernel whose calls it could serve.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <rump/rump.h>
#include <rump/ukfs.h>

#include "librumpserver/rumpserver.h"

int rump_init(void) { return 0; }
int rump_fini(void) { return 0; }
int rump_kstat_dump(const char *prefix) { (void)prefix; return 0; }

const char *ukfs_fstype_detect(const char *image) { (void)image; errno = ENODEV; return NULL; }
struct ukfs *ukfs_mount(const char *t, const char *i, const char *m, int f) { (void)t; (void)i; (void)m; (void)f; errno = ENODEV; return NULL; }
int ukfs_release(struct ukfs *fs) { (void)fs; return 0; }

int rump_server_start(const char *url, bool v, struct rump_server **srvp) { (void)v; (void)srvp; fprintf(stderr, "--listen %s: no kernel here to serve\n", url); return EOPNOTSUPP; }
const char *rump_server_where(const struct rump_server *srv) { (void)srv; return ""; }
void rump_server_stop(struct rump_server *srv) { (void)srv; }

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
int rump_sys_open(const char *path, int flags, mode_t mode) { return open(path, flags, mode); }
int rump_sys_fstat(int fd, struct stat *sb) { return fstat(fd, sb); }
int rump_sys_lstat(const char *path, struct stat *sb) { return lstat(path, sb); }
int rump_sys_fstatat(int dfd, const char *path, struct stat *sb, int flags) { return fstatat(dfd, path, sb, flags); }
ssize_t rump_sys_pread(int fd, void *buf, size_t n, off_t off) { return pread(fd, buf, n, off); }
ssize_t rump_sys_readlink(const char *path, char *buf, size_t n) { return readlink(path, buf, n); }
ssize_t rump_sys_getdents64(int fd, void *dirp, size_t n) { return getdents64(fd, dirp, n); }
