/* Kernel reader/writer locks; waiting gives back the virtual CPU. */
#ifndef RUMPKERN_RWLOCK_H
#define RUMPKERN_RWLOCK_H

#include "rumpkern/kern.h"

struct lwp;
struct rumpuser_rw;

typedef struct krwlock {
	struct rumpuser_rw *rw_host;
	struct lwp *rw_writer;
	unsigned rw_readers;
} krwlock_t;

typedef enum { RW_READER, RW_WRITER } krw_t;

void rw_init(krwlock_t *rw);
void rw_destroy(krwlock_t *rw);
void rw_enter(krwlock_t *rw, krw_t op);
bool rw_tryenter(krwlock_t *rw, krw_t op);
void rw_exit(krwlock_t *rw);
bool rw_write_held(const krwlock_t *rw);
bool rw_lock_held(const krwlock_t *rw);

#endif
