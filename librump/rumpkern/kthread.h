/* Kernel threads: host threads that run kernel code from birth. */
#ifndef RUMPKERN_KTHREAD_H
#define RUMPKERN_KTHREAD_H

#include "rumpkern/lwp.h"

#define KTHREAD_MUSTJOIN	0x01

int kthread_create(int flags, void (*func)(void *), void *arg,
    struct lwp **lp, const char *name);
void kthread_exit(int ecode) __noreturn;
int kthread_join(struct lwp *l);

#endif
