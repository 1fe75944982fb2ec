/*
 * A host thread that blocks in a rump call, for tests of interruption
 * (rump_lwproc_interrupt) and exit (rump_lwproc_exit): it attaches to a
 * process (or stays in process 1), runs prepare() and then call(), and
 * records what the call returned and errno.  blocker_start() returns once
 * the thread is asleep in the host, so in the call (a thread that is not
 * yet asleep in it when interrupted gets EINTR on its sleep anyway).
 * Include after <cmocka.h> and <rump/rump.h>.
 */
#ifndef TESTS_BLOCKER_H
#define TESTS_BLOCKER_H

#include <pthread.h>
#include <string.h>

#include "threadstate.h"

struct blocker {
	pid_t pid;		/* 0: stays in process 1 */
	int fds[2];		/* for prepare and call */
	int lid;		/* the thread's lwp, for rump_lwproc_interrupt */
	pid_t tid;		/* host thread id, once about to call */
	void (*prepare)(struct blocker *);
	long (*call)(struct blocker *);
	long ret;
	int error;
	pthread_t thread;
};

static void *
blocker_run(void *arg)
{
	struct blocker *b = arg;

	if (b->pid != 0 && rump_lwproc_attach(b->pid) != 0)
		abort();
	if (rump_lwproc_curlwpid(&b->lid) != 0)
		abort();
	if (b->prepare != NULL)
		b->prepare(b);
	__atomic_store_n(&b->tid, thread_self_id(), __ATOMIC_RELEASE);
	errno = 0;
	b->ret = b->call(b);
	b->error = errno;
	if (rump_lwproc_releaselwp() != 0)
		abort();
	return NULL;
}

static inline void
blocker_start(struct blocker *b, pid_t pid, void (*prepare)(struct blocker *),
    long (*call)(struct blocker *), const int *fds)
{
	memset(b, 0, sizeof(*b));
	b->pid = pid;
	b->prepare = prepare;
	b->call = call;
	if (fds != NULL)
		memcpy(b->fds, fds, sizeof(b->fds));
	assert_int_equal(pthread_create(&b->thread, NULL, blocker_run, b), 0);
	wait_thread_asleep(&b->tid);
}

static inline void
blocker_join(struct blocker *b)
{
	assert_int_equal(pthread_join(b->thread, NULL), 0);
}

/* Joins b, whose call must have failed with error. */
static inline void
blocker_join_failed(struct blocker *b, int error)
{
	blocker_join(b);
	assert_int_equal(b->ret, -1);
	assert_int_equal(b->error, error);
}

#endif
