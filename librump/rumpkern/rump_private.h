/*
 * Private to the kernel: the rumppriv_* side of every public rump_* call,
 * and entry into the kernel.
 */
#ifndef RUMP_PRIVATE_H
#define RUMP_PRIVATE_H

#include "rump/rumpdefs.h"
#include "rumpkern/kern.h"
#include "rumpkern_if_priv.h"

int rump_init(void);
int rump_fini(void);
void rump_schedule(void);
void rump_unschedule(void);
/* rump_schedule(), or ENOSYS when the kernel is not running. */
int rumppriv_enter(void);
bool kernel_running(void);

/* Kernel parameter from the environment: ENOENT when unset, EINVAL when bad. */
int param_get_u64(const char *name, uint64_t min, uint64_t max,
    uint64_t *valp);

#endif
