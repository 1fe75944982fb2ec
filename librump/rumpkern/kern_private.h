/* Private to librump/rumpkern: the pieces kernel core files share. */
#ifndef RUMPKERN_KERN_PRIVATE_H
#define RUMPKERN_KERN_PRIVATE_H

#include "rumpkern/lwp.h"
#include "rumpkern/mutex.h"

/*
 * Protects the process list and pid table, p_refcnt, p_flags, the lwp
 * lists and l_proc.  Taken before an lwp's l_sleeplock.
 */
extern kmutex_t proc_lock;

struct proc *proc_default(void);
struct proc *proc_find(pid_t pid);
/* The largest pid (PID_MAX); tests lower it to see pids run out. */
extern pid_t proc_pidmax;

/*
 * Interrupting lwps (kern_intr.c).  lwp_interrupt_mark(), under proc_lock,
 * sets why (LI_*) and says whether l sleeps and must be woken with
 * lwp_interrupt_wake() once proc_lock is given up; l stays in its sleep
 * until then.  lwp_closing() marks the calling lwp exiting while it
 * closes an exiting process's descriptors.  lwp_intr_reset() forgets
 * both marks when l changes process; under proc_lock.
 */
/* watched: told to lwp_sleepwatch's watcher. */
int lwp_sleep_begin(struct kcondvar *cv, kmutex_t *mtx, bool watched);
int lwp_sleep_end(struct kcondvar *cv, kmutex_t *mtx);
bool lwp_interrupt_mark(struct lwp *l, int why);
void lwp_interrupt_wake(struct lwp *l);
void lwp_closing(bool closing);
void lwp_intr_reset(struct lwp *l, struct proc *p);

void lwp_attach(struct lwp *l, struct proc *p);
void lwp_move(struct lwp *l, struct proc *p);
void lwp_detach(struct lwp *l);
void lwp_destroy(struct lwp *l);
void lwp_hostexit(void *lwp);
void lwp_enter(void);
void lwp_fini(void);
void lwp_check_none(void);

int component_init_all(void);
void component_fini_all(void);

int fd_sys_init(void);
void fd_sys_fini(void);

#endif
