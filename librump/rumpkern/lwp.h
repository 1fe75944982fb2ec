/*
 * Light-weight processes, processes and virtual CPUs.
 *
 * Every host thread inside the kernel has an lwp.  Kernel threads have
 * theirs from birth; a host thread entering through a rump_sys_* call gets
 * one bound to it on first entry (in the default process, pid 1) that lives
 * until the host thread exits.  An lwp runs kernel code only while it holds
 * a virtual CPU; it gives the CPU back whenever it blocks.
 */
#ifndef RUMPKERN_LWP_H
#define RUMPKERN_LWP_H

#include "rumpkern/abi.h"
#include "rumpkern/kern.h"
#include "rumpkern/mutex.h"

struct filedesc;
struct cpu_info;
struct cred;
struct vnode;

/*
 * A process: its descriptors, who it acts as, its file-creation mask and
 * where its paths start.  The directories are vnodes, which the core does
 * not know: it holds and releases them through proc_vnodeops, which the
 * VFS fills in.  p_lock guards the pointers; a caller takes its own
 * reference (proc_cred(), proc_cwd(), proc_rdir()) and uses it unlocked.
 *
 * References (p_refcnt, under proc_lock): one per lwp in the process;
 * one that its maker holds (a fork's, until the forking lwp has moved in;
 * an attacher's, until it has); and the creation reference of a process
 * made by rump_lwproc_newproc() (and of process 1), which
 * rump_lwproc_exit() drops.  The last release closes the descriptors and
 * frees the process.  A process is found by pid (proc_find) while it is
 * in the pid table, from its making until its last release; an exiting
 * one (P_EXITING) is found but takes no new lwps.
 */
struct proc {
	pid_t p_pid;
	unsigned p_refcnt;		/* under proc_lock */
	int p_flags;			/* under proc_lock */
	struct filedesc *p_fd;
	kmutex_t p_lock;
	struct cred *p_cred;		/* under p_lock; never NULL */
	struct vnode *p_cwd;		/* under p_lock; NULL: the root */
	struct vnode *p_rdir;		/* under p_lock; NULL: the root */
	mode_t p_umask;			/* atomic */
	LIST_HEAD(, lwp) p_lwps;	/* under proc_lock */
	LIST_ENTRY(proc) p_list;	/* all processes, under proc_lock */
	LIST_ENTRY(proc) p_hash;	/* the pid table, under proc_lock */
};

#define P_CREATED	0x01	/* holds a creation reference */
#define P_EXITING	0x02	/* rump_lwproc_exit() was called */

/* How the core holds and lets go of a process's directories. */
struct proc_vnodeops {
	void (*pvo_hold)(struct vnode *vp);
	void (*pvo_release)(struct vnode *vp);
};

#define LW_SYSTEM	0x01	/* kernel thread */
#define LW_IMPLICIT	0x02	/* bound to a host thread on entry */
#define LW_JOINABLE	0x04	/* kernel thread freed by kthread_join() */

/* Why an interruptible sleep ends with EINTR (l_intr, under l_sleeplock). */
#define LI_PENDING	0x01	/* interrupted: the current or next sleep ends */
#define LI_EXIT		0x02	/* its process exits: every sleep ends */
#define LI_CLOSING	0x04	/* closes an exiting process's files: the same */

struct kcondvar;
LIST_HEAD(lwplist, lwp);

/*
 * An lwp sleeping interruptibly (cv_wait_sig) names its condition variable
 * and interlock in l_sleepcv and l_sleepmtx, so that an interrupter can
 * wake it; l_wakers counts interrupters between finding the sleep and
 * waking it, and the sleeper does not leave its sleep (after which the
 * two may be freed) before they are done.  kern_intr.c has the protocol.
 */
struct lwp {
	struct proc *l_proc;		/* changes under proc_lock */
	struct cpu_info *l_cpu;		/* NULL while not running */
	struct cpu_info *l_lastcpu;	/* affinity hint */
	unsigned l_nesting;		/* rump_schedule depth */
	int l_flags;
	int l_lid;			/* unique among lwps alive */
	void *l_hostthread;		/* join cookie of a kernel thread */
	void (*l_func)(void *);
	void *l_arg;
	char l_name[24];
	kmutex_t l_sleeplock;		/* the four fields below; a leaf */
	int l_intr;
	struct kcondvar *l_sleepcv;
	kmutex_t *l_sleepmtx;
	unsigned l_wakers;
	void (*l_sleeptold)(bool);	/* the lwp_sleepwatch told of it */
	/* What rump_lwproc_progress() watches (kern_uioprogress.c). */
	char *l_progstart;		/* NULL: nothing */
	size_t l_proglen;
	size_t l_progdone;
	uint64_t *l_progword;
	LIST_ENTRY(lwp) l_list;		/* all lwps, under proc_lock */
	LIST_ENTRY(lwp) l_sibling;	/* l_proc's lwps, under proc_lock */
	LIST_ENTRY(lwp) l_wakelist;	/* private to lwproc_exit */
};

struct cpu_info {
	unsigned ci_index;
	struct lwp *ci_curlwp;		/* owner; NULL when free */
	uint64_t ci_nswitch;		/* times taken */
};

extern struct proc proc0;		/* the kernel's own, pid 0 */
extern unsigned ncpu;

/*
 * The calling thread's lwp, NULL for a thread outside the kernel: a
 * thread-local variable of the kernel's, set with lwp_setcur().  The
 * kernel asks for its lwp some hundred times per request of a server
 * (every mutex); a hypercall each time cost a tenth of sockin's own work.
 * Initial-exec: the kernel's libraries are loaded at start (or linked
 * in), so the variable is at a fixed offset from the thread pointer.
 */
extern __thread struct lwp *lwp_cur __attribute__((tls_model("initial-exec")));
void lwp_setcur(struct lwp *l);
void lwp_nocur(void) __noreturn;

static inline struct lwp *
curlwp_get(void)
{
	struct lwp *l = lwp_cur;

	if (__builtin_expect(l == NULL, 0))
		lwp_nocur();
	return l;
}
#define curlwp		(curlwp_get())
#define curproc		(curlwp->l_proc)
#define curcpu()	(curlwp->l_cpu)

/* Taking and giving back a virtual CPU (kern_sched.c). */
void sched_take_cpu(struct lwp *l);
void sched_give_cpu(struct lwp *l);
int sched_init(unsigned ncpus);
void sched_fini(void);
/* Around a host call that may block. */
void sched_block_begin(void);
void sched_block_end(void);
/*
 * fn (NULL: none) is told when an interruptible sleep begins (true) and
 * ends (false), by the sleeper, holding the sleep's interlock: a component
 * whose thread serves sleepers (sockin's event thread) need only run while
 * someone sleeps.  Set once, before the component's first sleep matters.
 */
void lwp_sleepwatch(void (*fn)(bool asleep));

/* lwps and processes (kern_lwp.c, kern_proc.c). */
struct lwp *lwp_alloc(struct proc *p, int flags, const char *name);
void lwp_free(struct lwp *l);
void proc_release(struct proc *p);
int proc_init(void);
void proc_fini(void);
void proc_shutdown(void);

/* The credentials (kern_proc.c): a held reference; cred_release() it. */
struct cred *proc_cred(struct proc *p);

/*
 * Directories.  The VFS installs its ops before it sets any directory
 * and may remove them (NULL) once none is set.  proc_cwd() and
 * proc_rdir() return a held vnode or NULL; the setters take over the
 * caller's reference (or NULL) and release the old one.
 */
void proc_setvnodeops(const struct proc_vnodeops *ops);
struct vnode *proc_cwd(struct proc *p);
struct vnode *proc_rdir(struct proc *p);
void proc_setcwd(struct proc *p, struct vnode *vp);
void proc_setrdir(struct proc *p, struct vnode *vp);

#endif
