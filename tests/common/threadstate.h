/*
 * Waiting until another host thread is asleep in the host kernel, for
 * tests that must act only once a thread is really blocked (in a read, or
 * waiting for a virtual CPU): a sleep of some milliseconds would let such
 * a test pass without the thread ever having blocked.
 *
 * The thread stores its id (thread_self_id()) where the waiter can see it;
 * the waiter reads the thread's state from /proc.  Include after <cmocka.h>.
 */
#ifndef TESTS_THREADSTATE_H
#define TESTS_THREADSTATE_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline pid_t
thread_self_id(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* The state letter of thread tid of this process (R, S, D, ...), or 0. */
static inline char
thread_state(pid_t tid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "tid (comm) S ...": the comm may hold spaces, the last ')' ends it. */
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' ? p[2] : 0;
}

/* Waits (up to ten seconds) until the thread whose id *tidp gets sleeps. */
static inline void
wait_thread_asleep(const pid_t *tidp)
{
	const struct timespec ms = { 0, 1000000 };

	for (int i = 0; i < 10000; i++) {
		pid_t tid = __atomic_load_n(tidp, __ATOMIC_ACQUIRE);

		if (tid != 0 && thread_state(tid) == 'S')
			return;
		nanosleep(&ms, NULL);
	}
	fail_msg("the thread never went to sleep");
}

/*
 * Waits (up to ten seconds) until every other thread of the process
 * sleeps: a kernel thread started before (a driver's receive thread) has
 * then taken what it holds while idle, so that memory does not grow under
 * the next test's leak check.
 */
static inline void
wait_other_threads_asleep(void)
{
	const struct timespec ms = { 0, 1000000 };
	pid_t self = thread_self_id();
	struct dirent *de;
	bool asleep;
	DIR *d;

	for (int i = 0; i < 10000; i++) {
		asleep = true;
		assert_non_null(d = opendir("/proc/self/task"));
		while ((de = readdir(d)) != NULL) {
			pid_t tid = (pid_t)atoi(de->d_name);

			if (tid > 0 && tid != self && thread_state(tid) != 'S')
				asleep = false;
		}
		closedir(d);
		if (asleep)
			return;
		nanosleep(&ms, NULL);
	}
	fail_msg("another thread never went to sleep");
}

#endif
