/*
 * The hypercall interface: everything the rump kernel asks of its host.
 *
 * This header is a contract between the kernel (librump and the kernel halves
 * of components) and the host implementation (librumpuser).  It includes
 * nothing, uses only opaque types and compiler-provided types, and every call
 * that returns int returns 0 or an errno value (Linux numbering).  A call
 * returning void never fails.
 *
 * A hypercall that may block for long (waiting on a host condition, reading a
 * device) is entered only after the caller gave back its virtual CPU; the
 * kernel's wrappers in librump/rumpkern take care of that.
 */
#ifndef RUMP_RUMPUSER_H
#define RUMP_RUMPUSER_H

#if !defined(RUMP_KERNEL) && !defined(LIBRUMPUSER)
#error "rumpuser.h is the kernel/host contract; user programs include <rump/rump.h>"
#endif

#define RUMPUSER_VERSION 1

typedef __SIZE_TYPE__ rumpuser_size_t;
typedef __INT64_TYPE__ rumpuser_off_t;

/* Calls the host makes back into the kernel. */
struct rumpuser_hyperup {
	/* A host thread that had a kernel lwp bound to it is exiting. */
	void (*hyp_lwpexit)(void *lwp);
};

int rumpuser_init(int version, const struct rumpuser_hyperup *hyp);

/* Parameters: RUMP_* environment variables. ENOENT when unset. */
int rumpuser_getparam(const char *name, char *buf, rumpuser_size_t buflen);

/* Memory.  alignment is a power of two or 0 for the natural alignment. */
int rumpuser_malloc(rumpuser_size_t len, rumpuser_size_t alignment, void **memp);
void rumpuser_free(void *mem, rumpuser_size_t len);

/* Host threads. */
int rumpuser_thread_create(void *(*fun)(void *), void *arg, const char *name,
    int joinable, void **cookiep);
void rumpuser_thread_exit(void) __attribute__((__noreturn__));
int rumpuser_thread_join(void *cookie);

/*
 * The kernel lwp bound to the calling host thread, kept for the host
 * thread's exit, when hyp_lwpexit is called with it.
 */
enum rumpuser_lwpop { RUMPUSER_LWP_SET, RUMPUSER_LWP_CLEAR };
void rumpuser_curlwpop(enum rumpuser_lwpop op, void *lwp);

/* Locks.  These block the host thread; the kernel releases its CPU first. */
struct rumpuser_mtx;
#define RUMPUSER_MTX_SPIN	0x01	/* short critical sections, never sleeps */
void rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags);
void rumpuser_mutex_enter(struct rumpuser_mtx *mtx);
int rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx);	/* 0 or EBUSY */
void rumpuser_mutex_exit(struct rumpuser_mtx *mtx);
void rumpuser_mutex_destroy(struct rumpuser_mtx *mtx);

struct rumpuser_rw;
enum rumpuser_rwop { RUMPUSER_RW_READER, RUMPUSER_RW_WRITER };
void rumpuser_rw_init(struct rumpuser_rw **rwp);
void rumpuser_rw_enter(struct rumpuser_rw *rw, enum rumpuser_rwop op);
int rumpuser_rw_tryenter(struct rumpuser_rw *rw, enum rumpuser_rwop op);
void rumpuser_rw_exit(struct rumpuser_rw *rw);
void rumpuser_rw_destroy(struct rumpuser_rw *rw);

struct rumpuser_cv;
void rumpuser_cv_init(struct rumpuser_cv **cvp);
void rumpuser_cv_destroy(struct rumpuser_cv *cv);
void rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx);
/* Waits at most sec+nsec (relative); ETIMEDOUT when the time ran out. */
int rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
    __INT64_TYPE__ sec, long nsec);
void rumpuser_cv_signal(struct rumpuser_cv *cv);
void rumpuser_cv_broadcast(struct rumpuser_cv *cv);

/* Clocks. */
enum rumpuser_clock { RUMPUSER_CLOCK_WALL, RUMPUSER_CLOCK_MONO };
int rumpuser_clock_gettime(enum rumpuser_clock clk, __INT64_TYPE__ *sec,
    long *nsec);
/* Sleeps for a relative interval (RUMPUSER_CLOCK_MONO: until an absolute time). */
enum rumpuser_sleep { RUMPUSER_SLEEP_RELATIVE, RUMPUSER_SLEEP_ABSMONO };
int rumpuser_clock_sleep(enum rumpuser_sleep how, __INT64_TYPE__ sec, long nsec);

/* Host files, used as block devices and images. */
#define RUMPUSER_OPEN_RDONLY	0x0000
#define RUMPUSER_OPEN_WRONLY	0x0001
#define RUMPUSER_OPEN_RDWR	0x0002
#define RUMPUSER_OPEN_ACCMODE	0x0003
#define RUMPUSER_OPEN_CREATE	0x0004
#define RUMPUSER_OPEN_EXCL	0x0008
int rumpuser_open(const char *path, int flags, int *fdp);
int rumpuser_close(int fd);
int rumpuser_pread(int fd, void *buf, rumpuser_size_t len, rumpuser_off_t off,
    rumpuser_size_t *retlen);
int rumpuser_pwrite(int fd, const void *buf, rumpuser_size_t len,
    rumpuser_off_t off, rumpuser_size_t *retlen);
int rumpuser_fsync(int fd);
int rumpuser_getfilesize(int fd, rumpuser_off_t *sizep);

/* Random bytes from the host. */
int rumpuser_getrandom(void *buf, rumpuser_size_t len, rumpuser_size_t *retlen);

/* Console output. */
void rumpuser_putchar(int ch);
void rumpuser_flush(void);

/* The caller's errno, set by the public rump_sys_* wrappers. */
void rumpuser_seterrno(int error);

/* Ending the process: RUMPUSER_PANIC aborts with a core dump. */
#define RUMPUSER_PANIC	(-1)
void rumpuser_exit(int value) __attribute__((__noreturn__));

#endif /* RUMP_RUMPUSER_H */
