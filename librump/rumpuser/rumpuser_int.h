/* Private to librumpuser. */
#ifndef RUMPUSER_INT_H
#define RUMPUSER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "rump/rumpuser.h"

extern const struct rumpuser_hyperup *rumpuser_hyp;

int rumpuser_thread_init(void);

#endif
