/*
 * Waiting and posting on a shared-memory channel, the same for the
 * client and the server (see rpc_chan.h).
 *
 * No wake-up is lost: a poster stores the state, then reads the peer's
 * sleep word; a sleeper stores its sleep word, then reads the state
 * again before it sleeps.  Both with sequentially consistent fences, so
 * at least one of them sees the other's store (Dekker's pattern).
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rpc_chan.h"

/* Clock readings in a spin: one per this many looks at the state. */
#define RPC_CHAN_SPINCHECK	64

/*
 * The host's runnable threads when rpc_chan_loadat (ns) was, and its
 * CPUs: the program's, read and written by any thread, each word alone.
 */
static unsigned int rpc_chan_nrunning;
static uint64_t rpc_chan_loadat;
static unsigned int rpc_chan_ncpu;

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

unsigned int
rump_rpc_chan_loadfile(const char *path)
{
	char text[128];
	unsigned int running;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return 0;
	text[n] = '\0';
	if (sscanf(text, "%*f %*f %*f %u/", &running) != 1)
		return 0;
	return running;
}

/* rump_rpc_chan_cpufree() at time now. */
static bool
rpc_chan_cpufree(uint64_t now)
{
	long ncpu;

	if (__atomic_load_n(&rpc_chan_ncpu, __ATOMIC_RELAXED) == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		__atomic_store_n(&rpc_chan_ncpu, ncpu > 0 ? (unsigned int)ncpu : 1,
		    __ATOMIC_RELAXED);
	}
	if (now - __atomic_load_n(&rpc_chan_loadat, __ATOMIC_RELAXED) >=
	    RPC_CHAN_LOADAGE) {
		__atomic_store_n(&rpc_chan_loadat, now, __ATOMIC_RELAXED);
		__atomic_store_n(&rpc_chan_nrunning, rump_rpc_chan_loadfile("/proc/loadavg"),
		    __ATOMIC_RELAXED);
	}
	return __atomic_load_n(&rpc_chan_nrunning, __ATOMIC_RELAXED) <=
	    __atomic_load_n(&rpc_chan_ncpu, __ATOMIC_RELAXED);
}

bool
rump_rpc_chan_cpufree(void)
{
	return rpc_chan_cpufree(rump_rpc_chan_now());
}

/*
 * The first round of looks at the state comes before the question
 * whether a CPU is free: a microsecond or two, which catches a quick
 * answer on a busy machine too.
 */
bool
rump_rpc_chan_spin(const uint32_t *state, uint32_t old, uint64_t budget)
{
	uint64_t now, end;
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
		now = rump_rpc_chan_now();
		if (now >= end || !rpc_chan_cpufree(now))
			return false;
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
