/*
 * Files with a position, through the descriptor layer: offsets for read,
 * write, pread, pwrite and lseek, the offset lock, fstat's conversion,
 * and the fileops entries a file may leave out.  The file is a small
 * in-memory one defined here, standing in for a vnode.
 */
#include "ktest.h"
#include "rumpkern/cred.h"
#include "rumpkern/filedesc.h"
#include "rumpkern/kthread.h"
#include "rumpkern/lwp.h"
#include "rumpkern/syscall.h"
#include "rumpkern/uio.h"
#include "syscallargs.h"

#define MEMSIZE		4096

struct memfile {
	char data[MEMSIZE];
	off_t size;
	unsigned nlocked;		/* transfers made with f_offlock held */
	unsigned nunlocked;		/* and without */
	unsigned nsetfl;
	long setfl;			/* the flags F_SETFL passed on */
	bool closed;
};

static int
mem_read(struct file *fp, struct uio *uio, int flags)
{
	struct memfile *mf = fp->f_data;

	(void)flags;
	if (mutex_owned(&fp->f_offlock))
		__atomic_add_fetch(&mf->nlocked, 1, __ATOMIC_RELAXED);
	else
		__atomic_add_fetch(&mf->nunlocked, 1, __ATOMIC_RELAXED);
	if (uio->uio_offset >= mf->size)
		return 0;
	return uiomove(mf->data + uio->uio_offset,
	    MIN(uio->uio_resid, (size_t)(mf->size - uio->uio_offset)), uio);
}

static int
mem_write(struct file *fp, struct uio *uio, int flags)
{
	struct memfile *mf = fp->f_data;
	size_t n;

	(void)flags;
	if (uio->uio_offset >= MEMSIZE)
		return 0;
	n = MIN(uio->uio_resid, (size_t)(MEMSIZE - uio->uio_offset));
	uiomove(mf->data + uio->uio_offset, n, uio);
	mf->size = MAX(mf->size, uio->uio_offset);
	return 0;
}

static int
mem_seek(struct file *fp, off_t delta, int whence, off_t *offp)
{
	struct memfile *mf = fp->f_data;

	return file_seek_offset(*offp, mf->size, delta, whence, offp);
}

static int
mem_stat(struct file *fp, struct filestat *st)
{
	struct memfile *mf = fp->f_data;

	st->st_dev = 7;
	st->st_ino = 42;
	st->st_mode = S_IFREG | 0644;
	st->st_nlink = 2;
	st->st_uid = fp->f_cred->cr_euid;
	st->st_gid = 5;
	st->st_size = mf->size;
	st->st_blocks = 8;
	st->st_blksize = 1024;
	st->st_atim.tv_sec = 1;
	st->st_mtim.tv_sec = 2;
	st->st_ctim.tv_sec = 3;
	st->st_ctim.tv_nsec = 4;
	return 0;
}

static int
mem_fcntl(struct file *fp, int cmd, long *argp)
{
	struct memfile *mf = fp->f_data;

	if (cmd != F_SETFL)
		return EINVAL;
	mf->nsetfl++;
	mf->setfl = *argp;
	return 0;
}

static int
mem_close(struct file *fp)
{
	struct memfile *mf = fp->f_data;

	mf->closed = true;
	return 0;
}

static const struct fileops memops = {
	.fo_name = "memfile",
	.fo_read = mem_read,
	.fo_write = mem_write,
	.fo_fcntl = mem_fcntl,
	.fo_stat = mem_stat,
	.fo_seek = mem_seek,
	.fo_close = mem_close,
};

/* A file that implements nothing but reading, writing and closing. */
static int
bare_rw(struct file *fp, struct uio *uio, int flags)
{
	(void)fp;
	(void)flags;
	uio->uio_resid = 0;
	return 0;
}

static const struct fileops bareops = {
	.fo_name = "bare",
	.fo_read = bare_rw,
	.fo_write = bare_rw,
};

static struct memfile mf;

/* Opens mf (filled with bytes i % 251) in the calling process. */
static int
mem_open(const struct fileops *ops)
{
	struct file *fp;
	int fd, error;

	memset(&mf, 0, sizeof(mf));
	for (int i = 0; i < MEMSIZE; i++)
		mf.data[i] = (char)(i % 251);
	mf.size = MEMSIZE;
	KTEST_ENTER();
	fp = file_alloc(FREAD | FWRITE);
	fp->f_type = DTYPE_VNODE;
	fp->f_ops = ops;
	fp->f_data = &mf;
	error = fd_affix(fp, &fd);
	KTEST_EXIT();
	assert_int_equal(error, 0);
	return fd;
}

static int
ksys(int num, const void *args, long *retval)
{
	int error;

	KTEST_ENTER();
	error = rumppriv_syscall(num, args, retval);
	KTEST_EXIT();
	return error;
}

static void
kclose(int fd)
{
	struct sys_close_args a = { .fd = fd };
	long rv;

	assert_int_equal(ksys(SYS_close, &a, &rv), 0);
}

static long
kread(int fd, void *buf, size_t n)
{
	struct sys_read_args a = { .fd = fd, .buf = buf, .nbyte = n };
	long rv = -1;

	assert_int_equal(ksys(SYS_read, &a, &rv), 0);
	return rv;
}

static int
klseek(int fd, off_t off, int whence, long *rv)
{
	struct sys_lseek_args a = { .fd = fd, .offset = off, .whence = whence };

	return ksys(SYS_lseek, &a, rv);
}

static long
kseek(int fd, off_t off, int whence)
{
	long rv = -1;

	assert_int_equal(klseek(fd, off, whence, &rv), 0);
	return rv;
}

static int
kpread(int fd, void *buf, size_t n, off_t off, long *rv)
{
	struct sys_pread_args a = { .fd = fd, .buf = buf, .nbyte = n,
	    .offset = off };

	return ksys(SYS_pread, &a, rv);
}

/* ---- offsets ------------------------------------------------------------- */

static void
read_advances_the_offset_and_pread_does_not(void **state)
{
	char buf[16];
	long rv;
	int fd = mem_open(&memops);

	(void)state;
	assert_int_equal(kread(fd, buf, 10), 10);
	assert_int_equal(buf[9], 9);
	assert_int_equal(kpread(fd, buf, 4, 1000, &rv), 0);
	assert_int_equal(rv, 4);
	assert_int_equal((unsigned char)buf[0], 1000 % 251);
	assert_int_equal(kread(fd, buf, 1), 1);
	assert_int_equal(buf[0], 10);
	assert_int_equal(kseek(fd, 0, SEEK_CUR), 11);
	kclose(fd);
	assert_true(mf.closed);
}

static void
write_advances_the_offset_and_pwrite_does_not(void **state)
{
	struct sys_write_args w = { .buf = "abc", .nbyte = 3 };
	struct sys_pwrite_args pw = { .buf = "XY", .nbyte = 2, .offset = 100 };
	long rv;
	int fd = mem_open(&memops);

	(void)state;
	w.fd = pw.fd = fd;
	assert_int_equal(ksys(SYS_write, &w, &rv), 0);
	assert_int_equal(rv, 3);
	assert_int_equal(ksys(SYS_pwrite, &pw, &rv), 0);
	assert_int_equal(rv, 2);
	assert_int_equal(kseek(fd, 0, SEEK_CUR), 3);
	assert_memory_equal(mf.data, "abc", 3);
	assert_memory_equal(mf.data + 100, "XY", 2);
	kclose(fd);
}

static void
preadv_and_pwritev_use_their_own_offset(void **state)
{
	char a[2], b[3];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct sys_preadv_args pr = { .iov = iov, .iovcnt = 2, .offset = 20 };
	struct sys_pwritev_args pw = { .iov = iov, .iovcnt = 2, .offset = 300 };
	long rv;
	int fd = mem_open(&memops);

	(void)state;
	pr.fd = pw.fd = fd;
	assert_int_equal(ksys(SYS_preadv, &pr, &rv), 0);
	assert_int_equal(rv, 5);
	assert_int_equal(a[0], 20);
	assert_int_equal(b[2], 24);
	iov[0].iov_base = a;
	iov[0].iov_len = sizeof(a);
	iov[1].iov_base = b;
	iov[1].iov_len = sizeof(b);
	assert_int_equal(ksys(SYS_pwritev, &pw, &rv), 0);
	assert_int_equal(rv, 5);
	assert_int_equal(mf.data[300], 20);
	assert_int_equal(mf.data[304], 24);
	assert_int_equal(kseek(fd, 0, SEEK_CUR), 0);
	kclose(fd);
}

static void
pread_at_a_negative_offset_is_einval(void **state)
{
	char buf[4];
	long rv;
	int fd = mem_open(&memops);

	(void)state;
	assert_int_equal(kpread(fd, buf, sizeof(buf), -1, &rv), EINVAL);
	kclose(fd);
}

static void
pread_running_past_the_largest_offset_is_einval(void **state)
{
	char buf[4];
	long rv;
	int fd = mem_open(&memops);

	(void)state;
	assert_int_equal(kpread(fd, buf, sizeof(buf), INT64_MAX - 2, &rv),
	    EINVAL);
	assert_int_equal(kpread(fd, buf, sizeof(buf), INT64_MAX - 4, &rv), 0);
	assert_int_equal(rv, 0);
	kclose(fd);
}

static void
lseek_moves_from_the_start_the_offset_and_the_end(void **state)
{
	int fd = mem_open(&memops);

	(void)state;
	assert_int_equal(kseek(fd, 100, SEEK_SET), 100);
	assert_int_equal(kseek(fd, -30, SEEK_CUR), 70);
	assert_int_equal(kseek(fd, 5, SEEK_END), MEMSIZE + 5);
	assert_int_equal(kseek(fd, -MEMSIZE, SEEK_END), 0);
	kclose(fd);
}

static void
lseek_before_the_start_is_einval_and_keeps_the_offset(void **state)
{
	long rv;
	int fd = mem_open(&memops);

	(void)state;
	assert_int_equal(kseek(fd, 10, SEEK_SET), 10);
	assert_int_equal(klseek(fd, -11, SEEK_CUR, &rv), EINVAL);
	assert_int_equal(klseek(fd, -1, SEEK_SET, &rv), EINVAL);
	assert_int_equal(kseek(fd, 0, SEEK_CUR), 10);
	kclose(fd);
}

static void
lseek_past_the_largest_offset_is_eoverflow(void **state)
{
	long rv;
	int fd = mem_open(&memops);

	(void)state;
	assert_int_equal(kseek(fd, INT64_MAX, SEEK_SET), INT64_MAX);
	assert_int_equal(klseek(fd, 1, SEEK_CUR, &rv), EOVERFLOW);
	assert_int_equal(klseek(fd, INT64_MAX, SEEK_END, &rv), EOVERFLOW);
	kclose(fd);
}

static void
lseek_with_an_unknown_whence_is_einval(void **state)
{
	long rv;
	int fd = mem_open(&memops);

	(void)state;
	assert_int_equal(klseek(fd, 0, 17, &rv), EINVAL);
	kclose(fd);
}

/* ---- the offset lock ----------------------------------------------------- */

static void
read_holds_the_offset_lock_and_pread_does_not(void **state)
{
	char buf[4];
	long rv;
	int fd = mem_open(&memops);

	(void)state;
	kread(fd, buf, sizeof(buf));
	assert_int_equal(mf.nlocked, 1);
	assert_int_equal(kpread(fd, buf, sizeof(buf), 0, &rv), 0);
	assert_int_equal(mf.nunlocked, 1);
	assert_int_equal(mf.nlocked, 1);
	kclose(fd);
}

#define CHUNK		8
#define NCHUNKS		(MEMSIZE / CHUNK)

struct reader {
	int fd;
	unsigned nread;
	uint16_t seen[NCHUNKS];		/* the chunk numbers read, in order */
};

/* Reads CHUNK bytes at a time until the end of the file. */
static void
chunk_reader(void *arg)
{
	struct reader *r = arg;
	char buf[CHUNK];
	struct sys_read_args a = { .fd = r->fd, .buf = buf, .nbyte = CHUNK };
	long rv;

	for (;;) {
		if (rumppriv_syscall(SYS_read, &a, &rv) != 0 || rv != CHUNK)
			break;
		memcpy(&r->seen[r->nread++], buf, sizeof(uint16_t));
	}
}

static void
concurrent_reads_take_disjoint_consecutive_ranges(void **state)
{
	static struct reader r[2];
	static unsigned count[NCHUNKS];
	struct lwp *t[2];
	struct file *fp;
	int fd, err[2];

	(void)state;
	/* Every chunk starts with its own number. */
	fd = mem_open(&memops);
	for (uint16_t c = 0; c < NCHUNKS; c++)
		memcpy(mf.data + c * CHUNK, &c, sizeof(c));
	memset(r, 0, sizeof(r));
	memset(count, 0, sizeof(count));
	KTEST_ENTER();
	/* The kernel threads live in proc0 and look the file up there. */
	fp = fd_getfile(fd);
	assert_int_equal(fd_install(proc0.p_fd, fp, 0, &r[0].fd), 0);
	fd_putfile(fp);
	r[1].fd = r[0].fd;
	err[0] = kthread_create(KTHREAD_MUSTJOIN, chunk_reader, &r[0], &t[0],
	    "reader 0");
	err[1] = kthread_create(KTHREAD_MUSTJOIN, chunk_reader, &r[1], &t[1],
	    "reader 1");
	kthread_join(t[0]);
	kthread_join(t[1]);
	fd_close(proc0.p_fd, r[0].fd);
	KTEST_EXIT();
	assert_int_equal(err[0], 0);
	assert_int_equal(err[1], 0);
	assert_int_equal(r[0].nread + r[1].nread, NCHUNKS);
	for (int i = 0; i < 2; i++)
		for (unsigned k = 0; k < r[i].nread; k++) {
			assert_true(r[i].seen[k] < NCHUNKS);
			count[r[i].seen[k]]++;
			/* Each thread's chunks come in file order. */
			if (k > 0)
				assert_true(r[i].seen[k] > r[i].seen[k - 1]);
		}
	for (int c = 0; c < NCHUNKS; c++)
		assert_int_equal(count[c], 1);
	assert_int_equal(kseek(fd, 0, SEEK_CUR), MEMSIZE);
	kclose(fd);
}

/* ---- fstat, fcntl and missing entries ---------------------------------- */

static void
fstat_gives_what_the_file_filled_in_the_linux_layout(void **state)
{
	struct stat sb;
	struct sys_fstat_args a = { .sb = &sb };
	long rv;

	(void)state;
	a.fd = mem_open(&memops);
	memset(&sb, 0xff, sizeof(sb));
	assert_int_equal(ksys(SYS_fstat, &a, &rv), 0);
	assert_int_equal(sb.st_dev, 7);
	assert_int_equal(sb.st_ino, 42);
	assert_int_equal(sb.st_mode, S_IFREG | 0644);
	assert_int_equal(sb.st_nlink, 2);
	assert_int_equal(sb.st_uid, 0);
	assert_int_equal(sb.st_gid, 5);
	assert_int_equal(sb.st_size, MEMSIZE);
	assert_int_equal(sb.st_blocks, 8);
	assert_int_equal(sb.st_blksize, 1024);
	assert_int_equal(sb.st_atim.tv_sec, 1);
	assert_int_equal(sb.st_mtim.tv_sec, 2);
	assert_int_equal(sb.st_ctim.tv_sec, 3);
	assert_int_equal(sb.st_ctim.tv_nsec, 4);
	assert_int_equal(sb.st_pad0, 0);
	assert_int_equal(sb.st_pad[2], 0);
	kclose(a.fd);
}

static void
fstat_into_a_null_buffer_is_efault(void **state)
{
	struct sys_fstat_args a = { .sb = NULL };
	long rv;

	(void)state;
	a.fd = mem_open(&memops);
	assert_int_equal(ksys(SYS_fstat, &a, &rv), EFAULT);
	kclose(a.fd);
}

static void
fcntl_setfl_tells_the_file_its_new_flags(void **state)
{
	struct sys_fcntl_args a = { .cmd = F_SETFL,
	    .arg = O_NONBLOCK | O_APPEND };
	long rv;

	(void)state;
	a.fd = mem_open(&memops);
	assert_int_equal(ksys(SYS_fcntl, &a, &rv), 0);
	assert_int_equal(mf.nsetfl, 1);
	assert_int_equal(mf.setfl, O_RDWR | O_NONBLOCK | O_APPEND);
	kclose(a.fd);
}

static void
a_file_without_the_entries_cannot_stat_seek_or_fcntl(void **state)
{
	struct stat sb;
	struct sys_fstat_args st = { .sb = &sb };
	struct sys_fcntl_args fl = { .cmd = F_SETFL, .arg = O_NONBLOCK };
	struct sys_fcntl_args pipesz = { .cmd = F_GETPIPE_SZ };
	char buf[4];
	long rv;
	int fd = mem_open(&bareops);

	(void)state;
	st.fd = fl.fd = pipesz.fd = fd;
	assert_int_equal(ksys(SYS_fstat, &st, &rv), EOPNOTSUPP);
	assert_int_equal(klseek(fd, 0, SEEK_SET, &rv), ESPIPE);
	assert_int_equal(kpread(fd, buf, sizeof(buf), 0, &rv), ESPIPE);
	assert_int_equal(ksys(SYS_fcntl, &fl, &rv), 0);
	assert_int_equal(ksys(SYS_fcntl, &pipesz, &rv), EINVAL);
	/* Without a position, plain reads still work. */
	assert_int_equal(kread(fd, buf, sizeof(buf)), sizeof(buf));
	kclose(fd);
}

/* ---- credentials --------------------------------------------------------- */

static void
a_file_holds_the_credentials_of_its_opener(void **state)
{
	struct file *fp;
	struct cred *c;
	unsigned refs;
	int fd;

	(void)state;
	fd = mem_open(&memops);
	KTEST_ENTER();
	fp = fd_getfile(fd);
	c = proc_cred(curproc);
	/* The process, the file and this lookup. */
	refs = c->cr_refcnt;
	cred_release(c);
	fd_putfile(fp);
	KTEST_EXIT();
	assert_ptr_equal(fp->f_cred, c);
	assert_int_equal(refs, 3);
	kclose(fd);
}

static void
group_membership_is_the_effective_gid_or_a_supplementary_one(void **state)
{
	struct cred *c, *d;
	bool m[5];

	(void)state;
	KTEST_ENTER();
	c = cred_alloc(2);
	c->cr_egid = 10;
	c->cr_groups[0] = 20;
	c->cr_groups[1] = 30;
	m[0] = cred_groupmember(c, 10);
	m[1] = cred_groupmember(c, 30);
	m[2] = cred_groupmember(c, 40);
	/* A copy with room for fewer groups keeps the first ones. */
	d = cred_copy(c, 1);
	m[3] = cred_groupmember(d, 20);
	m[4] = cred_groupmember(d, 30);
	cred_release(c);
	cred_release(d);
	KTEST_EXIT();
	assert_true(m[0]);
	assert_true(m[1]);
	assert_false(m[2]);
	assert_true(m[3]);
	assert_false(m[4]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(read_advances_the_offset_and_pread_does_not),
		leak_test(write_advances_the_offset_and_pwrite_does_not),
		leak_test(preadv_and_pwritev_use_their_own_offset),
		leak_test(pread_at_a_negative_offset_is_einval),
		leak_test(pread_running_past_the_largest_offset_is_einval),
		leak_test(lseek_moves_from_the_start_the_offset_and_the_end),
		leak_test(lseek_before_the_start_is_einval_and_keeps_the_offset),
		leak_test(lseek_past_the_largest_offset_is_eoverflow),
		leak_test(lseek_with_an_unknown_whence_is_einval),
		leak_test(read_holds_the_offset_lock_and_pread_does_not),
		leak_test(concurrent_reads_take_disjoint_consecutive_ranges),
		leak_test(fstat_gives_what_the_file_filled_in_the_linux_layout),
		leak_test(fstat_into_a_null_buffer_is_efault),
		leak_test(fcntl_setfl_tells_the_file_its_new_flags),
		leak_test(a_file_without_the_entries_cannot_stat_seek_or_fcntl),
		leak_test(a_file_holds_the_credentials_of_its_opener),
		leak_test(group_membership_is_the_effective_gid_or_a_supplementary_one),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
