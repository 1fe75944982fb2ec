/*
 * Processes.  proc0 (pid 0) holds the kernel threads; proc1 (pid 1) is
 * where host threads run unless they fork.  A forked process exits, closing
 * its descriptors and letting go of its credentials and directories, when
 * its last lwp leaves.
 */
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
static pid_t proc_nextpid = 1;
static const struct proc_vnodeops *proc_vnodeops;

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

/* What a process starts with: its parent's, or root's. */
static void
proc_inherit(struct proc *p, struct proc *parent)
{
	mutex_init(&p->p_lock, MUTEX_DEFAULT);
	if (parent == NULL) {
		p->p_cred = cred_alloc(0);
		p->p_umask = CMASK;
		return;
	}
	p->p_cred = proc_cred(parent);
	p->p_umask = __atomic_load_n(&parent->p_umask, __ATOMIC_RELAXED);
	p->p_cwd = proc_cwd(parent);
	p->p_rdir = proc_rdir(parent);
}

int
proc_init(void)
{
	mutex_init(&proc_lock, MUTEX_DEFAULT);
	/* Nothing of a previous boot survives in the static proc0. */
	memset(&proc0, 0, sizeof(proc0));
	proc0.p_fd = fd_create();
	proc_inherit(&proc0, NULL);
	LIST_INSERT_HEAD(&allproc, &proc0, p_list);
	proc1 = proc_create(NULL, fd_create());
	/* Process 1 lives as long as the kernel, lwps or not. */
	proc1->p_nlwps++;
	return 0;
}

struct proc *
proc_default(void)
{
	return proc1;
}

struct proc *
proc_create(struct proc *parent, struct filedesc *fdp)
{
	struct proc *p = kmem_zalloc(&M_PROC, sizeof(*p), KM_SLEEP);

	p->p_fd = fdp;
	proc_inherit(p, parent);
	mutex_enter(&proc_lock);
	p->p_pid = proc_nextpid++;
	LIST_INSERT_HEAD(&allproc, p, p_list);
	mutex_exit(&proc_lock);
	return p;
}

static void
proc_exit(struct proc *p)
{
	mutex_enter(&proc_lock);
	LIST_REMOVE(p, p_list);
	mutex_exit(&proc_lock);
	fd_free(p->p_fd);
	proc_vnode_release(p->p_cwd);
	proc_vnode_release(p->p_rdir);
	cred_release(p->p_cred);
	mutex_destroy(&p->p_lock);
	if (p != &proc0)
		kmem_free(&M_PROC, p, sizeof(*p));
}

/* Drops one lwp's membership; the process exits with its last lwp. */
void
proc_release(struct proc *p)
{
	bool last;

	mutex_enter(&proc_lock);
	KASSERT(p->p_nlwps > 0);
	last = --p->p_nlwps == 0 && p != &proc0;
	mutex_exit(&proc_lock);
	if (last)
		proc_exit(p);
}

/* At shutdown, after every lwp but the caller's is gone. */
void
proc_fini(void)
{
	struct proc *p;

	proc_release(proc1);
	while ((p = LIST_FIRST(&allproc)) != NULL) {
		KASSERTMSG(p == &proc0, "proc_fini: pid %d still has %u lwps",
		    p->p_pid, p->p_nlwps);
		proc_exit(p);
	}
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

	if (flags != RUMP_RFFDG && flags != RUMP_RFCFDG)
		return EINVAL;
	if (l->l_flags & LW_SYSTEM)
		return EPERM;
	fdp = flags == RUMP_RFFDG ? fd_copy(l->l_proc->p_fd) : fd_create();
	lwp_move(l, proc_create(l->l_proc, fdp));
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
