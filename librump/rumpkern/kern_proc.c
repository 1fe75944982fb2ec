/*
 * Processes.  proc0 (pid 0) holds the kernel threads; proc1 (pid 1) is
 * where host threads run unless they fork or attach elsewhere, and lives
 * as long as the kernel.  Processes made for remote clients
 * (rump_lwproc_newproc) live from their creation reference, dropped by
 * rump_lwproc_exit, and their lwps' references; the last release closes
 * the descriptors and lets go of the credentials and directories (the
 * reference rules are at struct proc in lwp.h).
 *
 * Pids: a table (a hash of lists by pid) of every process but proc0.  A
 * pid is unique while its process is alive, and is not reused at once:
 * pids are handed out in increasing order up to proc_pidmax (PID_MAX) and
 * then from 2 again, skipping those in use; with none left, a new process
 * is EAGAIN, as fork's is on Linux.
 */
#include "rumpkern/config.h"
#include "rumpkern/cred.h"
#include "rumpkern/filedesc.h"
#include "rumpkern/kmem.h"
#include "rumpkern/lwp.h"
#include "rump_private.h"
#include "kern_private.h"

KMEM_DEFINE(M_PROC, "proc");

kmutex_t proc_lock;
struct proc proc0;
static struct proc *proc1;
static LIST_HEAD(, proc) allproc = LIST_HEAD_INITIALIZER(allproc);
static LIST_HEAD(, proc) pidhash[PID_HASH_SIZE];
static pid_t proc_nextpid;
pid_t proc_pidmax = PID_MAX;
static const struct proc_vnodeops *proc_vnodeops;

CTASSERT((PID_HASH_SIZE & (PID_HASH_SIZE - 1)) == 0);
#define PIDHASH(pid)	(&pidhash[(unsigned)(pid) & (PID_HASH_SIZE - 1)])

/* A new process's umask, as Linux's init has it. */
#define CMASK	022

static void
proc_vnode_hold(struct vnode *vp)
{
	if (vp != NULL) {
		KASSERT(proc_vnodeops != NULL);
		proc_vnodeops->pvo_hold(vp);
	}
}

static void
proc_vnode_release(struct vnode *vp)
{
	if (vp != NULL) {
		KASSERT(proc_vnodeops != NULL);
		proc_vnodeops->pvo_release(vp);
	}
}

/*
 * What a process starts with: its parent's, or without one, umask 022,
 * no directories and the credentials cred (taken over) or root's.
 */
static void
proc_inherit(struct proc *p, struct proc *parent, struct cred *cred)
{
	mutex_init(&p->p_lock, MUTEX_DEFAULT);
	LIST_INIT(&p->p_lwps);
	if (parent == NULL) {
		p->p_cred = cred != NULL ? cred : cred_alloc(0);
		p->p_umask = CMASK;
		return;
	}
	p->p_cred = proc_cred(parent);
	p->p_umask = __atomic_load_n(&parent->p_umask, __ATOMIC_RELAXED);
	p->p_cwd = proc_cwd(parent);
	p->p_rdir = proc_rdir(parent);
}

/* The process of pid, or NULL; under proc_lock. */
struct proc *
proc_find(pid_t pid)
{
	struct proc *p;

	KASSERT(mutex_owned(&proc_lock));
	LIST_FOREACH(p, PIDHASH(pid), p_hash)
		if (p->p_pid == pid)
			return p;
	return NULL;
}

/* The next pid not in use, or 0 if all are; under proc_lock. */
static pid_t
proc_allocpid(void)
{
	for (pid_t n = 0; n < proc_pidmax; n++) {
		proc_nextpid = proc_nextpid >= proc_pidmax ? 2 :
		    proc_nextpid + 1;
		if (proc_find(proc_nextpid) == NULL)
			return proc_nextpid;
	}
	return 0;
}

/*
 * Lets go of what p holds and frees it.  Its descriptors are closed by the
 * caller's lwp, which meanwhile counts as exiting (lwp_closing()), so
 * closes that would sleep interruptibly do not wait (SO_LINGER), as
 * Linux's do not for an exiting task.
 */
static void
proc_free(struct proc *p)
{
	lwp_closing(true);
	fd_free(p->p_fd);
	lwp_closing(false);
	proc_vnode_release(p->p_cwd);
	proc_vnode_release(p->p_rdir);
	cred_release(p->p_cred);
	mutex_destroy(&p->p_lock);
	if (p != &proc0)
		kmem_free(&M_PROC, p, sizeof(*p));
}

struct proc *
proc_default(void)
{
	return proc1;
}

/*
 * A new process (in *pp) with descriptor table fdp, which it takes over,
 * and what proc_inherit() gives it; with one reference for the caller, in
 * the pid table.  With P_CREATED in flags that is its creation reference
 * from the start, so an exit may find it at once: the caller learns its
 * pid in *pidp, read before that.  EAGAIN when no pid is free (fdp and
 * cred are let go).
 */
static int
proc_alloc(struct proc *parent, struct filedesc *fdp, struct cred *cred,
    int flags, pid_t *pidp, struct proc **pp)
{
	struct proc *p = kmem_zalloc(&M_PROC, sizeof(*p), KM_SLEEP);

	p->p_fd = fdp;
	p->p_refcnt = 1;
	p->p_flags = flags;
	proc_inherit(p, parent, cred);
	mutex_enter(&proc_lock);
	p->p_pid = proc_allocpid();
	if (p->p_pid == 0) {
		mutex_exit(&proc_lock);
		proc_free(p);
		return EAGAIN;
	}
	if (pidp != NULL)
		*pidp = p->p_pid;
	LIST_INSERT_HEAD(&allproc, p, p_list);
	LIST_INSERT_HEAD(PIDHASH(p->p_pid), p, p_hash);
	mutex_exit(&proc_lock);
	if (pp != NULL)
		*pp = p;
	return 0;
}

int
proc_init(void)
{
	mutex_init(&proc_lock, MUTEX_DEFAULT);
	for (unsigned i = 0; i < PID_HASH_SIZE; i++)
		LIST_INIT(&pidhash[i]);
	proc_nextpid = 0;
	/* Nothing of a previous boot survives in the static proc0. */
	memset(&proc0, 0, sizeof(proc0));
	proc0.p_fd = fd_create();
	proc_inherit(&proc0, NULL, NULL);
	LIST_INSERT_HEAD(&allproc, &proc0, p_list);
	/* Process 1 keeps its creation reference as long as the kernel. */
	return proc_alloc(NULL, fd_create(), NULL, P_CREATED, NULL, &proc1);
}

/* The last reference went. */
static void
proc_exit(struct proc *p)
{
	mutex_enter(&proc_lock);
	LIST_REMOVE(p, p_list);
	if (p != &proc0) {
		KASSERT(LIST_EMPTY(&p->p_lwps));
		LIST_REMOVE(p, p_hash);
	}
	mutex_exit(&proc_lock);
	proc_free(p);
}

/* Drops one reference; the process exits with its last. */
void
proc_release(struct proc *p)
{
	bool last;

	mutex_enter(&proc_lock);
	KASSERT(p->p_refcnt > 0);
	last = --p->p_refcnt == 0 && p != &proc0;
	mutex_exit(&proc_lock);
	if (last)
		proc_exit(p);
}

/*
 * At shutdown, after every lwp but the caller's is gone: the processes
 * left are held only by their creation references.
 */
void
proc_fini(void)
{
	struct proc *p;

	for (;;) {
		mutex_enter(&proc_lock);
		LIST_FOREACH(p, &allproc, p_list)
			if (p != &proc0)
				break;
		if (p == NULL) {
			mutex_exit(&proc_lock);
			break;
		}
		KASSERTMSG(p->p_refcnt == 1 && (p->p_flags & P_CREATED),
		    "proc_fini: pid %d still has %u references", p->p_pid,
		    p->p_refcnt);
		p->p_flags &= ~P_CREATED;
		mutex_exit(&proc_lock);
		proc_release(p);
	}
	proc_exit(&proc0);
}

/* Last of all, once the kernel threads are joined. */
void
proc_shutdown(void)
{
	mutex_destroy(&proc_lock);
}

int
rumppriv_lwproc_rfork(int flags)
{
	struct lwp *l = curlwp;
	struct filedesc *fdp;
	struct proc *p;
	int error;

	if (flags != RUMP_RFFDG && flags != RUMP_RFCFDG)
		return EINVAL;
	if (l->l_flags & LW_SYSTEM)
		return EPERM;
	fdp = flags == RUMP_RFFDG ? fd_copy(l->l_proc->p_fd) : fd_create();
	error = proc_alloc(l->l_proc, fdp, NULL, 0, NULL, &p);
	if (error != 0)
		return error;
	lwp_move(l, p);
	proc_release(p);
	return 0;
}

int
rumppriv_lwproc_releaselwp(void)
{
	struct lwp *l = curlwp;

	if (l->l_flags & LW_SYSTEM)
		return EPERM;
	if (l->l_proc != proc1)
		lwp_move(l, proc1);
	return 0;
}

int
rumppriv_lwproc_newproc(pid_t *pidp)
{
	/* Only its creation reference holds it: an exit may free it now. */
	return proc_alloc(NULL, fd_create(), proc_cred(proc1), P_CREATED, pidp,
	    NULL);
}

/*
 * A remote client's fork (librumpserver): its process copied as fork
 * copies it, held like newproc's by its creation reference alone.
 */
int
rumppriv_lwproc_forkproc(pid_t *pidp)
{
	struct proc *parent = curlwp->l_proc;

	return proc_alloc(parent, fd_copy(parent->p_fd), NULL, P_CREATED, pidp,
	    NULL);
}

int
rumppriv_lwproc_attach(pid_t pid)
{
	struct lwp *l = curlwp;
	struct proc *p;

	if (l->l_flags & LW_SYSTEM)
		return EPERM;
	mutex_enter(&proc_lock);
	p = proc_find(pid);
	if (p == NULL || (p->p_flags & P_EXITING)) {
		mutex_exit(&proc_lock);
		return ESRCH;
	}
	/* A reference of our own until the lwp holds one. */
	p->p_refcnt++;
	mutex_exit(&proc_lock);
	lwp_move(l, p);
	proc_release(p);
	return 0;
}

/*
 * Marks p exiting and interrupts its lwps, under proc_lock; those asleep
 * go on *wake for the caller to wake without it.  Drops (returns) the
 * creation reference, if p has one.
 */
static bool
proc_markexit(struct proc *p, struct lwplist *wake)
{
	struct lwp *l;
	bool created = (p->p_flags & P_CREATED) != 0;

	p->p_flags = (p->p_flags & ~P_CREATED) | P_EXITING;
	LIST_FOREACH(l, &p->p_lwps, l_sibling)
		if (lwp_interrupt_mark(l, LI_EXIT))
			LIST_INSERT_HEAD(wake, l, l_wakelist);
	return created;
}

int
rumppriv_lwproc_exit(pid_t pid)
{
	struct lwplist wake = LIST_HEAD_INITIALIZER(wake);
	struct lwp *l, *next;
	struct proc *p;
	bool created;

	mutex_enter(&proc_lock);
	p = proc_find(pid);
	if (p == NULL || (p->p_flags & P_EXITING)) {
		mutex_exit(&proc_lock);
		return ESRCH;
	}
	if (p == proc1) {
		mutex_exit(&proc_lock);
		return EPERM;
	}
	created = proc_markexit(p, &wake);
	mutex_exit(&proc_lock);
	/* Each marked sleeper waits for its wake, so it is still there. */
	LIST_FOREACH_SAFE(l, &wake, l_wakelist, next)
		lwp_interrupt_wake(l);
	if (created)
		proc_release(p);
	return 0;
}

struct cred *
proc_cred(struct proc *p)
{
	struct cred *c;

	mutex_enter(&p->p_lock);
	c = p->p_cred;
	cred_hold(c);
	mutex_exit(&p->p_lock);
	return c;
}

void
proc_setvnodeops(const struct proc_vnodeops *ops)
{
	proc_vnodeops = ops;
}

/* A held reference to *vpp, read under p's lock. */
static struct vnode *
proc_getvnode(struct proc *p, struct vnode **vpp)
{
	struct vnode *vp;

	mutex_enter(&p->p_lock);
	vp = *vpp;
	proc_vnode_hold(vp);
	mutex_exit(&p->p_lock);
	return vp;
}

static void
proc_setvnode(struct proc *p, struct vnode **vpp, struct vnode *vp)
{
	struct vnode *old;

	mutex_enter(&p->p_lock);
	old = *vpp;
	*vpp = vp;
	mutex_exit(&p->p_lock);
	proc_vnode_release(old);
}

struct vnode *
proc_cwd(struct proc *p)
{
	return proc_getvnode(p, &p->p_cwd);
}

struct vnode *
proc_rdir(struct proc *p)
{
	return proc_getvnode(p, &p->p_rdir);
}

void
proc_setcwd(struct proc *p, struct vnode *vp)
{
	proc_setvnode(p, &p->p_cwd, vp);
}

void
proc_setrdir(struct proc *p, struct vnode *vp)
{
	proc_setvnode(p, &p->p_rdir, vp);
}
