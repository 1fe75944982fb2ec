/* librumpuser: clocks and sleep. */
#include <errno.h>
#include <time.h>

#include "rumpuser_int.h"

int
rumpuser_clock_gettime(enum rumpuser_clock clk, int64_t *sec, long *nsec)
{
	struct timespec ts;

	if (clock_gettime(clk == RUMPUSER_CLOCK_WALL ? CLOCK_REALTIME :
	    CLOCK_MONOTONIC, &ts) == -1)
		return errno;
	*sec = ts.tv_sec;
	*nsec = ts.tv_nsec;
	return 0;
}

int
rumpuser_clock_sleep(enum rumpuser_sleep how, int64_t sec, long nsec)
{
	struct timespec ts = { .tv_sec = sec, .tv_nsec = nsec };
	int error;

	do {
		if (how == RUMPUSER_SLEEP_ABSMONO)
			error = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
			    &ts, NULL);
		else
			error = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts);
	} while (error == EINTR);
	return error;
}
