/*
 * fstat(2), and the one place where the kernel's struct filestat becomes
 * the caller's struct stat (Linux's x86-64 layout, see abi.h).
 */
#include "rumpkern/filedesc.h"
#include "rumpkern/lwp.h"
#include "rumpkern/uio.h"
#include "syscallargs.h"

int
stat_copyout(const struct filestat *st, struct stat *ub)
{
	struct stat sb;

	memset(&sb, 0, sizeof(sb));
	sb.st_dev = st->st_dev;
	sb.st_ino = st->st_ino;
	sb.st_nlink = st->st_nlink;
	sb.st_mode = st->st_mode;
	sb.st_uid = st->st_uid;
	sb.st_gid = st->st_gid;
	sb.st_rdev = st->st_rdev;
	sb.st_size = st->st_size;
	sb.st_blksize = st->st_blksize;
	sb.st_blocks = st->st_blocks;
	sb.st_atim = st->st_atim;
	sb.st_mtim = st->st_mtim;
	sb.st_ctim = st->st_ctim;
	return copyout(&sb, ub, sizeof(sb));
}

int
sys_fstat(struct lwp *l, const struct sys_fstat_args *uap, long *retval)
{
	struct filestat st;
	struct file *fp;
	int error;

	(void)l;
	(void)retval;
	fp = fd_getfile(uap->fd);
	if (fp == NULL)
		return EBADF;
	memset(&st, 0, sizeof(st));
	error = fo_stat(fp, &st);
	fd_putfile(fp);
	if (error == 0)
		error = stat_copyout(&st, uap->sb);
	return error;
}
