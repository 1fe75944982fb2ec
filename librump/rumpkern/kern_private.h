/* Private to librump/rumpkern: the pieces kernel core files share. */
#ifndef RUMPKERN_KERN_PRIVATE_H
#define RUMPKERN_KERN_PRIVATE_H

#include "rumpkern/lwp.h"
#include "rumpkern/mutex.h"

/* Protects the process list, p_nlwps and the lwp list. */
extern kmutex_t proc_lock;

struct proc *proc_default(void);

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
