/* librumpuser: host threads and the kernel lwp each one carries. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rumpuser_int.h"

/*
 * A thread's lwp is kept in a key, whose destructor tells the kernel when
 * the host thread exits.  The kernel reads its lwp from a thread-local
 * variable of its own (lwp_cur), which it sets beside this.
 */
static pthread_key_t rumpuser_lwpkey;

static void
rumpuser_lwpkey_dtor(void *lwp)
{
	/* Runs at host thread exit; the value was already cleared to NULL. */
	if (lwp != NULL && rumpuser_hyp != NULL && rumpuser_hyp->hyp_lwpexit)
		rumpuser_hyp->hyp_lwpexit(lwp);
}

static int rumpuser_lwpkey_error;

static void
rumpuser_lwpkey_create(void)
{
	rumpuser_lwpkey_error = pthread_key_create(&rumpuser_lwpkey,
	    rumpuser_lwpkey_dtor);
}

/* The key is made once per process, however often the kernel boots. */
int
rumpuser_thread_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, rumpuser_lwpkey_create);
	return rumpuser_lwpkey_error;
}

int
rumpuser_thread_create(void *(*fun)(void *), void *arg, const char *name,
    int joinable, void **cookiep)
{
	pthread_t *thread;
	int error;

	thread = malloc(sizeof(*thread));
	if (thread == NULL)
		return ENOMEM;
	/*
	 * Created joinable and detached only after it is named: a thread
	 * created detached may be gone, and its handle with it, before
	 * pthread_create() returns.
	 */
	error = pthread_create(thread, NULL, fun, arg);
	if (error != 0) {
		free(thread);
		return error;
	}
	if (name != NULL) {
		char shortname[16];

		/* Linux keeps 15 characters of a thread name. */
		strncpy(shortname, name, sizeof(shortname) - 1);
		shortname[sizeof(shortname) - 1] = '\0';
		pthread_setname_np(*thread, shortname);
	}
	if (joinable) {
		*cookiep = thread;
	} else {
		pthread_detach(*thread);
		free(thread);
		if (cookiep != NULL)
			*cookiep = NULL;
	}
	return 0;
}

void
rumpuser_thread_exit(void)
{
	pthread_exit(NULL);
}

int
rumpuser_thread_join(void *cookie)
{
	pthread_t *thread = cookie;
	int error;

	error = pthread_join(*thread, NULL);
	free(thread);
	return error;
}

void
rumpuser_curlwpop(enum rumpuser_lwpop op, void *lwp)
{
	pthread_setspecific(rumpuser_lwpkey, op == RUMPUSER_LWP_SET ? lwp : NULL);
}
