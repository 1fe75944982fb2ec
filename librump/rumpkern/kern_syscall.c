/* The system call switch: a table of handlers indexed by call number. */
#include "rumpkern/lwp.h"
#include "rumpkern/syscall.h"
#include "syscallargs.h"

static sy_call_t sysent[SYS_MAXSYSCALL];

int
syscall_establish(const struct sysent_init *calls)
{
	for (const struct sysent_init *si = calls; si->si_call != NULL; si++) {
		if (si->si_num < 0 || si->si_num >= SYS_MAXSYSCALL)
			return EINVAL;
		if (sysent[si->si_num] != NULL && sysent[si->si_num] != si->si_call)
			return EEXIST;
	}
	for (const struct sysent_init *si = calls; si->si_call != NULL; si++)
		sysent[si->si_num] = si->si_call;
	return 0;
}

void
syscall_disestablish(const struct sysent_init *calls)
{
	for (const struct sysent_init *si = calls; si->si_call != NULL; si++)
		if (sysent[si->si_num] == si->si_call)
			sysent[si->si_num] = NULL;
}

int
rumppriv_syscall(int num, const void *args, long *retval)
{
	sy_call_t call;

	if (num < 0 || num >= SYS_MAXSYSCALL)
		return ENOSYS;
	call = __atomic_load_n(&sysent[num], __ATOMIC_ACQUIRE);
	if (call == NULL)
		return ENOSYS;
	return call(curlwp, args, retval);
}
