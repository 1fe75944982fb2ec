/*
 * Waiting and posting on a shared-memory channel, the same for the
 * client and the server (see rpc_chan.h).
 *
 * No wake-up is lost: a poster stores the state, then reads the peer's
 * sleep word; a sleeper stores its sleep word, then reads the state
 * again before it sleeps.  Both with sequentially consistent fences, so
 * at least one of them sees the other's store (Dekker's pattern).
 */
#include <sched.h>
#include <sys/socket.h>
#include <time.h>

#include "rpc_chan.h"

/* Clock readings in a spin: one per this many looks at the state. */
#define RPC_CHAN_SPINCHECK	64

uint64_t
rump_rpc_chan_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void
rpc_chan_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

bool
rump_rpc_chan_spin(const uint32_t *state, uint32_t old, uint64_t budget)
{
	uint64_t end;
	int i;

	if (__atomic_load_n(state, __ATOMIC_ACQUIRE) != old)
		return true;
	if (budget == 0)
		return false;
	end = rump_rpc_chan_now() + budget;
	for (;;) {
		for (i = 0; i < RPC_CHAN_SPINCHECK; i++) {
			if (__atomic_load_n(state, __ATOMIC_ACQUIRE) != old)
				return true;
			rpc_chan_relax();
		}
		if (rump_rpc_chan_now() >= end)
			return false;
		/* The peer may be waiting for this very CPU. */
		sched_yield();
	}
}

uint64_t
rump_rpc_chan_budget(uint64_t budget, bool caught)
{
	if (caught)
		return budget * 2 < RPC_CHAN_SPINMAX ? budget * 2 : RPC_CHAN_SPINMAX;
	return budget / 2 > RPC_CHAN_SPINMIN ? budget / 2 : RPC_CHAN_SPINMIN;
}

bool
rump_rpc_chan_presleep(uint32_t *sleep, const uint32_t *state, uint32_t old)
{
	__atomic_store_n(sleep, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(state, __ATOMIC_ACQUIRE) == old)
		return true;
	__atomic_store_n(sleep, 0, __ATOMIC_RELAXED);
	return false;
}

void
rump_rpc_chan_post(uint32_t *state, uint32_t v, const uint32_t *peersleep,
    int wakefd)
{
	static const char one = 1;

	__atomic_store_n(state, v, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/*
	 * Fails when the pair is full (bytes the peer has yet to read wake
	 * it anyway) or its end closed (it is gone).
	 */
	if (__atomic_load_n(peersleep, __ATOMIC_RELAXED) != 0)
		(void)!send(wakefd, &one, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
}
