/* System calls on descriptors: close, dup, dup2, dup3, fcntl, getpid. */
#include "rumpkern/filedesc.h"
#include "rumpkern/lwp.h"
#include "syscallargs.h"

int
sys_close(struct lwp *l, const struct sys_close_args *uap, long *retval)
{
	(void)retval;
	return fd_close(l->l_proc->p_fd, uap->fd);
}

int
sys_dup(struct lwp *l, const struct sys_dup_args *uap, long *retval)
{
	int newfd, error;

	error = fd_dup(l->l_proc->p_fd, uap->fd, 0, false, &newfd);
	if (error == 0)
		*retval = newfd;
	return error;
}

int
sys_dup2(struct lwp *l, const struct sys_dup2_args *uap, long *retval)
{
	int error = fd_dup2(l->l_proc->p_fd, uap->oldfd, uap->newfd, false);

	if (error == 0)
		*retval = uap->newfd;
	return error;
}

int
sys_dup3(struct lwp *l, const struct sys_dup3_args *uap, long *retval)
{
	int error;

	if (uap->oldfd == uap->newfd || (uap->flags & ~O_CLOEXEC) != 0)
		return EINVAL;
	error = fd_dup2(l->l_proc->p_fd, uap->oldfd, uap->newfd,
	    (uap->flags & O_CLOEXEC) != 0);
	if (error == 0)
		*retval = uap->newfd;
	return error;
}

/* The status flags fcntl(F_SETFL) may change. */
#define FCNTLFLAGS	(O_NONBLOCK | O_APPEND)

/* f_flag keeps FREAD/FWRITE; fcntl(F_GETFL) answers in O_* terms. */
static int
fflag_to_oflags(int fflag)
{
	int acc;

	if ((fflag & (FREAD | FWRITE)) == (FREAD | FWRITE))
		acc = O_RDWR;
	else if (fflag & FWRITE)
		acc = O_WRONLY;
	else
		acc = O_RDONLY;
	return acc | (fflag & FCNTLFLAGS);
}

static int
fcntl_setfl(struct file *fp, int flags)
{
	int old, new;
	long arg;

	old = __atomic_load_n(&fp->f_flag, __ATOMIC_RELAXED);
	do
		new = (old & ~FCNTLFLAGS) | (flags & FCNTLFLAGS);
	while (!__atomic_compare_exchange_n(&fp->f_flag, &old, new, false,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	/* Tell the object too, as BSD does. */
	arg = fflag_to_oflags(new);
	return fo_fcntl(fp, F_SETFL, &arg);
}

int
sys_fcntl(struct lwp *l, const struct sys_fcntl_args *uap, long *retval)
{
	struct filedesc *fdp = l->l_proc->p_fd;
	struct file *fp;
	bool cloexec;
	long arg;
	int fd, error = 0;

	fp = fd_getfile(uap->fd);
	if (fp == NULL)
		return EBADF;
	switch (uap->cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (uap->arg < 0 || uap->arg > INT32_MAX) {
			error = EINVAL;
			break;
		}
		error = fd_dup(fdp, uap->fd, (int)uap->arg,
		    uap->cmd == F_DUPFD_CLOEXEC, &fd);
		if (error == 0)
			*retval = fd;
		break;
	case F_GETFD:
		error = fd_getcloexec(fdp, uap->fd, &cloexec);
		if (error == 0)
			*retval = cloexec ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		error = fd_setcloexec(fdp, uap->fd, (uap->arg & FD_CLOEXEC) != 0);
		break;
	case F_GETFL:
		*retval = fflag_to_oflags(fp->f_flag);
		break;
	case F_SETFL:
		error = fcntl_setfl(fp, (int)uap->arg);
		break;
	default:
		arg = uap->arg;
		error = fo_fcntl(fp, uap->cmd, &arg);
		if (error == 0)
			*retval = arg;
		break;
	}
	fd_putfile(fp);
	return error;
}

int
sys_getpid(struct lwp *l, const struct sys_getpid_args *uap, long *retval)
{
	(void)uap;
	*retval = l->l_proc->p_pid;
	return 0;
}
