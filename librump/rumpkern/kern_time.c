/* Kernel time, read from the host's clocks on demand. */
#include "rump/rumpuser.h"
#include "rumpkern/ktime.h"
#include "rumpkern/lwp.h"

static uint64_t boot_ns;

static uint64_t
ktime_read(enum rumpuser_clock clk)
{
	int64_t sec;
	long nsec;

	if (rumpuser_clock_gettime(clk, &sec, &nsec) != 0)
		panic("ktime: host clock failed");
	return (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;
}

int
ktime_init(void)
{
	/* Uptime starts at one tick so that 0 can mean "never". */
	boot_ns = ktime_read(RUMPUSER_CLOCK_MONO) - NSEC_PER_TICK;
	return 0;
}

uint64_t
getnsuptime(void)
{
	return ktime_read(RUMPUSER_CLOCK_MONO) - boot_ns;
}

uint64_t
getticks(void)
{
	return getnsuptime() / NSEC_PER_TICK;
}

uint64_t
getnstime(void)
{
	return ktime_read(RUMPUSER_CLOCK_WALL);
}

void
kpause(uint64_t nsec)
{
	sched_block_begin();
	rumpuser_clock_sleep(RUMPUSER_SLEEP_RELATIVE,
	    (int64_t)(nsec / NSEC_PER_SEC), (long)(nsec % NSEC_PER_SEC));
	sched_block_end();
}
