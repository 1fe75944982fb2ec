/*
 * The socket system calls, and sockets as files.  Arguments arrive in the
 * host's ABI (Linux structures and constants); addresses are copied into
 * kernel memory here and handed to the socket layer.
 */
#include "rumpkern/config.h"
#include "rumpkern/cred.h"
#include "rumpkern/filedesc.h"
#include "rumpkern/lwp.h"
#include "rumpkern/uio.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "syscallargs.h"


/* ---- sockets as files ---- */

static int
soo_read(struct file *fp, struct uio *uio, int flags)
{
	return soreceive(fp->f_data, NULL, NULL, uio, NULL, NULL,
	    (flags & FNONBLOCK) != 0, NULL);
}

static int
soo_write(struct file *fp, struct uio *uio, int flags)
{
	return sosend(fp->f_data, NULL, 0, uio, NULL, NULL, 0,
	    (flags & FNONBLOCK) != 0);
}

static int
soo_ioctl(struct file *fp, unsigned long cmd, void *data)
{
	return soioctl(fp->f_data, cmd, data);
}

static int
soo_poll(struct file *fp, int events, struct pollent *pe)
{
	return sopoll(fp->f_data, events, pe);
}

/* As Linux: a socket of mode 0777 owned by its creator. */
static int
soo_stat(struct file *fp, struct filestat *st)
{
	st->st_mode = S_IFSOCK | 0777;
	st->st_nlink = 1;
	st->st_uid = fp->f_cred->cr_euid;
	st->st_gid = fp->f_cred->cr_egid;
	st->st_blksize = PAGE_SIZE;
	return 0;
}

static int
soo_close(struct file *fp)
{
	return soclose(fp->f_data);
}

static const struct fileops socketops = {
	.fo_name = "socket",
	.fo_read = soo_read,
	.fo_write = soo_write,
	.fo_ioctl = soo_ioctl,
	.fo_poll = soo_poll,
	.fo_stat = soo_stat,
	.fo_close = soo_close,
};

/* The socket behind descriptor fd, with the file held; ENOTSOCK, EBADF. */
static int
fd_getsock(int fd, struct file **fpp)
{
	struct file *fp = fd_getfile(fd);

	if (fp == NULL)
		return EBADF;
	if (fp->f_ops != &socketops) {
		fd_putfile(fp);
		return ENOTSOCK;
	}
	*fpp = fp;
	return 0;
}

static bool
fp_nbio(const struct file *fp)
{
	return (__atomic_load_n(&fp->f_flag, __ATOMIC_RELAXED) & FNONBLOCK) != 0;
}

/*
 * Gives so a descriptor.  On failure the file's last reference is gone,
 * and with it the socket: soo_close() closed it, so the caller must not.
 */
static int
so_affix(struct socket *so, int flags, long *retval)
{
	struct file *fp = file_alloc(FREAD | FWRITE | (flags & SOCK_NONBLOCK));
	int fd, error;

	fp->f_type = DTYPE_SOCKET;
	fp->f_ops = &socketops;
	fp->f_data = so;
	error = fd_affix(fp, &fd);
	if (error != 0)
		return error;
	if (flags & SOCK_CLOEXEC)
		fd_setcloexec(curproc->p_fd, fd, true);
	*retval = fd;
	return 0;
}

/* Copies a caller's address in; its length is checked against the buffer. */
static int
sockaddr_copyin(const struct sockaddr *uaddr, socklen_t len,
    struct sockaddr_storage *ss)
{
	if (len > sizeof(*ss) || len < sizeof(sa_family_t))
		return EINVAL;
	memset(ss, 0, sizeof(*ss));
	return copyin(uaddr, ss, len);
}

/* Copies an address out, truncated to the caller's room; *alen gets the full length. */
static int
sockaddr_copyout(const struct sockaddr_storage *ss, socklen_t len,
    struct sockaddr *uaddr, socklen_t *alen)
{
	socklen_t room;
	int error;

	if (uaddr == NULL)
		return 0;
	if (alen == NULL)
		return EFAULT;
	if ((error = copyin(alen, &room, sizeof(room))) != 0)
		return error;
	if ((int)room < 0)
		return EINVAL;
	if ((error = copyout(ss, uaddr, MIN(room, len))) != 0)
		return error;
	return copyout(&len, alen, sizeof(len));
}

/* ---- system calls ---- */

int
sys_socket(struct lwp *l, const struct sys_socket_args *uap, long *retval)
{
	int type = uap->type & SOCK_TYPE_MASK;
	int flags = uap->type & ~SOCK_TYPE_MASK;
	struct socket *so;
	int error;

	(void)l;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return EINVAL;
	error = socreate(uap->domain, &so, type, uap->protocol);
	if (error != 0)
		return error;
	return so_affix(so, flags, retval);
}

int
sys_bind(struct lwp *l, const struct sys_bind_args *uap, long *retval)
{
	struct sockaddr_storage ss;
	struct file *fp;
	int error;

	(void)l;
	(void)retval;
	if ((error = fd_getsock(uap->s, &fp)) != 0)
		return error;
	error = sockaddr_copyin(uap->name, uap->namelen, &ss);
	if (error == 0)
		error = sobind(fp->f_data, (struct sockaddr *)&ss, uap->namelen);
	fd_putfile(fp);
	return error;
}

int
sys_listen(struct lwp *l, const struct sys_listen_args *uap, long *retval)
{
	struct file *fp;
	int error;

	(void)l;
	(void)retval;
	if ((error = fd_getsock(uap->s, &fp)) != 0)
		return error;
	error = solisten(fp->f_data, uap->backlog);
	fd_putfile(fp);
	return error;
}

int
sys_connect(struct lwp *l, const struct sys_connect_args *uap, long *retval)
{
	struct sockaddr_storage ss;
	struct file *fp;
	int error;

	(void)l;
	(void)retval;
	if ((error = fd_getsock(uap->s, &fp)) != 0)
		return error;
	error = sockaddr_copyin(uap->name, uap->namelen, &ss);
	if (error == 0)
		error = soconnect(fp->f_data, (struct sockaddr *)&ss,
		    uap->namelen, fp_nbio(fp));
	fd_putfile(fp);
	return error;
}

static int
do_accept(int s, struct sockaddr *name, socklen_t *anamelen, int flags,
    long *retval)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	struct socket *so;
	struct file *fp;
	int error;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return EINVAL;
	if ((error = fd_getsock(s, &fp)) != 0)
		return error;
	memset(&ss, 0, sizeof(ss));
	error = soaccept(fp->f_data, &so, &ss, &len, fp_nbio(fp));
	fd_putfile(fp);
	if (error != 0)
		return error;
	/* The descriptor comes last, as on Linux: nothing to undo after it. */
	error = sockaddr_copyout(&ss, len, name, anamelen);
	if (error != 0) {
		soclose(so);
		return error;
	}
	return so_affix(so, flags, retval);
}

int
sys_accept(struct lwp *l, const struct sys_accept_args *uap, long *retval)
{
	(void)l;
	return do_accept(uap->s, uap->name, uap->anamelen, 0, retval);
}

int
sys_accept4(struct lwp *l, const struct sys_accept4_args *uap, long *retval)
{
	(void)l;
	return do_accept(uap->s, uap->name, uap->anamelen, uap->flags, retval);
}

/* Control data of sendmsg as an MT_CONTROL mbuf. */
static int
control_copyin(const struct msghdr *msg, struct mbuf **controlp)
{
	struct mbuf *m;

	*controlp = NULL;
	if (msg->msg_control == NULL || msg->msg_controllen == 0)
		return 0;
	if (msg->msg_controllen > (size_t)MCLBYTES ||
	    msg->msg_controllen < sizeof(struct cmsghdr))
		return EINVAL;
	m = m_getcl(M_WAIT, MT_CONTROL, 0);
	m->m_len = (int)msg->msg_controllen;
	if (copyin(msg->msg_control, mtod(m, void *), msg->msg_controllen) != 0) {
		m_freem(m);
		return EFAULT;
	}
	*controlp = m;
	return 0;
}

/* The common part of sendto and sendmsg. */
static int
do_sendmsg(int s, const struct msghdr *msg, int flags, long *retval)
{
	struct sockaddr_storage ss;
	struct sockaddr *to = NULL;
	struct iovec small[UIO_SMALLIOV], *iov;
	struct mbuf *control;
	struct file *fp;
	struct uio uio;
	int error;

	if (msg->msg_iovlen > IOV_MAX)
		return EMSGSIZE;
	if ((error = fd_getsock(s, &fp)) != 0)
		return error;
	if (msg->msg_name != NULL) {
		error = sockaddr_copyin(msg->msg_name, msg->msg_namelen, &ss);
		to = (struct sockaddr *)&ss;
	}
	if (error == 0)
		error = iovec_copyin(msg->msg_iov, (int)msg->msg_iovlen, small,
		    &iov);
	if (error != 0) {
		fd_putfile(fp);
		return error;
	}
	error = uio_setup(&uio, iov, (int)msg->msg_iovlen, UIO_WRITE);
	if (error == 0)
		error = control_copyin(msg, &control);
	if (error == 0) {
		size_t total = uio.uio_resid;

		/* Data moved is a success, the error the next call's (sosend). */
		error = sosend(fp->f_data, to, to != NULL ? msg->msg_namelen : 0,
		    &uio, NULL, control, flags, fp_nbio(fp));
		*retval = (long)(total - uio.uio_resid);
	}
	iovec_free(iov, (int)msg->msg_iovlen, small);
	fd_putfile(fp);
	return error;
}

int
sys_sendto(struct lwp *l, const struct sys_sendto_args *uap, long *retval)
{
	struct iovec iov = { (void *)(uintptr_t)uap->buf, uap->len };
	struct msghdr msg = {
		.msg_name = (void *)(uintptr_t)uap->to,
		.msg_namelen = uap->tolen,
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};

	(void)l;
	return do_sendmsg(uap->s, &msg, uap->flags, retval);
}

int
sys_send(struct lwp *l, const struct sys_send_args *uap, long *retval)
{
	struct iovec iov = { (void *)(uintptr_t)uap->buf, uap->len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	(void)l;
	return do_sendmsg(uap->s, &msg, uap->flags, retval);
}

int
sys_sendmsg(struct lwp *l, const struct sys_sendmsg_args *uap, long *retval)
{
	struct msghdr msg;
	int error;

	(void)l;
	if ((error = copyin(uap->msg, &msg, sizeof(msg))) != 0)
		return error;
	return do_sendmsg(uap->s, &msg, uap->flags, retval);
}

/* Copies received control data into the caller's buffer, as recvmsg does. */
static int
control_copyout(struct mbuf *control, struct msghdr *msg)
{
	size_t room = msg->msg_controllen, used = 0;

	for (struct mbuf *m = control; m != NULL; m = m->m_next) {
		size_t n = MIN((size_t)m->m_len, room - used);

		if (n < (size_t)m->m_len)
			msg->msg_flags |= MSG_CTRUNC;
		if (n > 0 && copyout(mtod(m, void *),
		    (char *)msg->msg_control + used, n) != 0)
			return EFAULT;
		used += n;
	}
	msg->msg_controllen = used;
	return 0;
}

/* The common part of recvfrom and recvmsg; msg is in kernel memory. */
static int
do_recvmsg(int s, struct msghdr *msg, int flags, long *retval)
{
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	struct mbuf *control = NULL;
	struct iovec small[UIO_SMALLIOV], *iov;
	struct file *fp;
	struct uio uio;
	int error;

	if (msg->msg_iovlen > IOV_MAX)
		return EMSGSIZE;
	if ((error = fd_getsock(s, &fp)) != 0)
		return error;
	error = iovec_copyin(msg->msg_iov, (int)msg->msg_iovlen, small, &iov);
	if (error != 0) {
		fd_putfile(fp);
		return error;
	}
	error = uio_setup(&uio, iov, (int)msg->msg_iovlen, UIO_READ);
	if (error == 0) {
		size_t total = uio.uio_resid, reclen = 0;
		int inflags = flags;

		memset(&ss, 0, sizeof(ss));
		error = soreceivemsg(fp->f_data, &ss, &sslen, &uio,
		    msg->msg_control != NULL ? &control : NULL,
		    msg->msg_controllen, &flags, fp_nbio(fp), &reclen);
		*retval = (long)(total - uio.uio_resid);
		/* MSG_TRUNC given asks for the whole datagram's length (Linux). */
		if ((inflags & MSG_TRUNC) && reclen > (size_t)*retval)
			*retval = (long)reclen;
		msg->msg_flags = flags;
	}
	if (error == 0 && msg->msg_name != NULL) {
		socklen_t room = msg->msg_namelen;

		if (sslen > 0 && copyout(&ss, msg->msg_name, MIN(room, sslen)) != 0)
			error = EFAULT;
		msg->msg_namelen = sslen;
	}
	if (error == 0 && msg->msg_control != NULL)
		error = control_copyout(control, msg);
	if (control != NULL)
		m_freem(control);
	iovec_free(iov, (int)msg->msg_iovlen, small);
	fd_putfile(fp);
	return error;
}

int
sys_recvfrom(struct lwp *l, const struct sys_recvfrom_args *uap, long *retval)
{
	struct iovec iov = { uap->buf, uap->len };
	struct sockaddr_storage ss;
	struct msghdr msg = {
		.msg_name = uap->from != NULL ? &ss : NULL,
		.msg_namelen = sizeof(ss),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	int error;

	(void)l;
	error = do_recvmsg(uap->s, &msg, uap->flags, retval);
	if (error == 0 && uap->from != NULL)
		error = sockaddr_copyout(&ss, msg.msg_namelen, uap->from,
		    uap->fromlenaddr);
	return error;
}

int
sys_recv(struct lwp *l, const struct sys_recv_args *uap, long *retval)
{
	struct iovec iov = { uap->buf, uap->len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	(void)l;
	return do_recvmsg(uap->s, &msg, uap->flags, retval);
}

int
sys_recvmsg(struct lwp *l, const struct sys_recvmsg_args *uap, long *retval)
{
	struct msghdr msg;
	int error;

	(void)l;
	if ((error = copyin(uap->msg, &msg, sizeof(msg))) != 0)
		return error;
	error = do_recvmsg(uap->s, &msg, uap->flags, retval);
	if (error == 0)
		error = copyout(&msg, uap->msg, sizeof(msg));
	return error;
}

int
sys_shutdown(struct lwp *l, const struct sys_shutdown_args *uap, long *retval)
{
	struct file *fp;
	int error;

	(void)l;
	(void)retval;
	if ((error = fd_getsock(uap->s, &fp)) != 0)
		return error;
	error = soshutdown(fp->f_data, uap->how);
	fd_putfile(fp);
	return error;
}

static int
do_getname(int s, struct sockaddr *asa, socklen_t *alen, bool peer)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	struct socket *so;
	struct file *fp;
	int error;

	if ((error = fd_getsock(s, &fp)) != 0)
		return error;
	so = fp->f_data;
	memset(&ss, 0, sizeof(ss));
	NET_LOCK();
	if (peer)
		pru_connpoll(so);
	if (peer && !(so->so_state & SS_ISCONNECTED))
		error = ENOTCONN;
	else if (peer)
		error = pru_peeraddr(so, &ss, &len);
	else
		error = pru_sockaddr(so, &ss, &len);
	NET_UNLOCK();
	fd_putfile(fp);
	if (error == 0)
		error = sockaddr_copyout(&ss, len, asa, alen);
	return error;
}

int
sys_getsockname(struct lwp *l, const struct sys_getsockname_args *uap,
    long *retval)
{
	(void)l;
	(void)retval;
	return do_getname(uap->s, uap->asa, uap->alen, false);
}

int
sys_getpeername(struct lwp *l, const struct sys_getpeername_args *uap,
    long *retval)
{
	(void)l;
	(void)retval;
	return do_getname(uap->s, uap->asa, uap->alen, true);
}

int
sys_setsockopt(struct lwp *l, const struct sys_setsockopt_args *uap,
    long *retval)
{
	char buf[SOCKOPT_MAX];
	struct sockopt sopt = {
		.sopt_dir = SOPT_SET,
		.sopt_level = uap->level,
		.sopt_name = uap->name,
		.sopt_data = buf,
		.sopt_size = uap->valsize,
	};
	struct file *fp;
	int error;

	(void)l;
	(void)retval;
	if (uap->valsize > sizeof(buf))
		return EINVAL;
	if (uap->valsize > 0 && (error = copyin(uap->val, buf, uap->valsize)) != 0)
		return error;
	if ((error = fd_getsock(uap->s, &fp)) != 0)
		return error;
	error = sosetopt(fp->f_data, &sopt);
	fd_putfile(fp);
	return error;
}

int
sys_getsockopt(struct lwp *l, const struct sys_getsockopt_args *uap,
    long *retval)
{
	char buf[SOCKOPT_MAX];
	struct sockopt sopt = {
		.sopt_dir = SOPT_GET,
		.sopt_level = uap->level,
		.sopt_name = uap->name,
		.sopt_data = buf,
	};
	socklen_t room;
	struct file *fp;
	int error;

	(void)l;
	(void)retval;
	if ((error = copyin(uap->avalsize, &room, sizeof(room))) != 0)
		return error;
	if ((int)room < 0)
		return EINVAL;
	sopt.sopt_size = MIN(room, sizeof(buf));
	if ((error = fd_getsock(uap->s, &fp)) != 0)
		return error;
	memset(buf, 0, sizeof(buf));
	error = sogetopt(fp->f_data, &sopt);
	fd_putfile(fp);
	if (error == 0) {
		room = (socklen_t)MIN(sopt.sopt_size, room);
		error = copyout(buf, uap->val, room);
	}
	if (error == 0)
		error = copyout(&room, uap->avalsize, sizeof(room));
	return error;
}
