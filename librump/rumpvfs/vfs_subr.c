/*
 * Small helpers every file system uses: attribute conversions, the POSIX
 * permission check and timestamps.
 */
#include "rumpkern/ktime.h"
#include "rumpvfs/vnode.h"

void
vattr_null(struct vattr *vap)
{
	memset(vap, 0, sizeof(*vap));
	vap->va_type = VNON;
}

unsigned char
vtype_to_dt(enum vtype type)
{
	static const unsigned char dt[] = {
		[VREG] = DT_REG, [VDIR] = DT_DIR, [VBLK] = DT_BLK,
		[VCHR] = DT_CHR, [VLNK] = DT_LNK, [VSOCK] = DT_SOCK,
		[VFIFO] = DT_FIFO,
	};

	return (unsigned)type < __arraycount(dt) ? dt[type] : DT_UNKNOWN;
}

mode_t
vtype_to_ifmt(enum vtype type)
{
	static const mode_t ifmt[] = {
		[VREG] = S_IFREG, [VDIR] = S_IFDIR, [VBLK] = S_IFBLK,
		[VCHR] = S_IFCHR, [VLNK] = S_IFLNK, [VSOCK] = S_IFSOCK,
		[VFIFO] = S_IFIFO,
	};

	return (unsigned)type < __arraycount(ifmt) ? ifmt[type] : 0;
}

enum vtype
ifmt_to_vtype(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return VREG;
	case S_IFDIR: return VDIR;
	case S_IFBLK: return VBLK;
	case S_IFCHR: return VCHR;
	case S_IFLNK: return VLNK;
	case S_IFSOCK: return VSOCK;
	case S_IFIFO: return VFIFO;
	default: return VNON;
	}
}

/*
 * POSIX.1-2017 4.5 (file access permissions): the owner class if the
 * effective uid owns the file, else the group class if the file's group
 * is one of the caller's, else the other class; only that class's bits
 * count.  Root passes every check except execution of a regular file
 * no class may execute.
 */
int
vaccess(enum vtype type, mode_t file_mode, uid_t uid, gid_t gid,
    int acc_mode, kauth_cred_t cred)
{
	mode_t granted = 0;
	int want = acc_mode & (VREAD | VWRITE | VEXEC);

	if (kauth_cred_geteuid(cred) == 0) {
		if ((want & VEXEC) != 0 && type != VDIR &&
		    (file_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0)
			return EACCES;
		return 0;
	}
	if (kauth_cred_geteuid(cred) == uid)
		granted = (file_mode >> 6) & 7;
	else if (kauth_cred_groupmember(cred, gid))
		granted = (file_mode >> 3) & 7;
	else
		granted = file_mode & 7;
	/* VREAD, VWRITE, VEXEC are the owner bits 0400, 0200, 0100. */
	return ((mode_t)(want >> 6) & ~granted) == 0 ? 0 : EACCES;
}

void
vfs_timestamp(struct timespec *ts)
{
	uint64_t ns = getnstime();

	ts->tv_sec = (time_t)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
}

int
vfs_dirent_out(struct uio *uio, uint64_t ino, uint64_t next,
    unsigned char type, const char *name, size_t namelen)
{
	char buf[DIRENT64_RECLEN(NAME_MAX)] __aligned(8);
	struct dirent64 *d = (struct dirent64 *)buf;
	size_t reclen = DIRENT64_RECLEN(namelen);

	if (namelen > NAME_MAX || reclen > uio->uio_resid)
		return EINVAL;
	memset(buf, 0, reclen);
	d->d_ino = ino;
	d->d_off = (int64_t)next;
	d->d_reclen = (unsigned short)reclen;
	d->d_type = type;
	memcpy(d->d_name, name, namelen);
	return uiomove(buf, reclen, uio);
}
