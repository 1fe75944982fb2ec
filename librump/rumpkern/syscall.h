/*
 * The system call switch.  Every slot starts out answering ENOSYS; a
 * component fills in the calls it implements when it initialises, from the
 * table the generator made out of syscalls.master.  So a program calling a
 * system call whose component is not linked gets ENOSYS, not a link error.
 */
#ifndef RUMPKERN_SYSCALL_H
#define RUMPKERN_SYSCALL_H

#include "rumpkern/kern.h"

struct lwp;

typedef int (*sy_call_t)(struct lwp *l, const void *args, long *retval);

struct sysent_init {
	int si_num;
	sy_call_t si_call;
};

/* Registers a component's calls; the list ends with a NULL si_call. */
int syscall_establish(const struct sysent_init *calls);
void syscall_disestablish(const struct sysent_init *calls);

int rumppriv_syscall(int num, const void *args, long *retval);

#endif
