/*
 * Path buffers of PATH_MAX bytes, kept for reuse as NetBSD's pnbuf_cache
 * keeps them.  Every call with a path takes two (the copy of the caller's
 * path and namei's working copy) and gives them back at once; through the
 * host's malloc each would be a block at the top of the heap, given back
 * to the host on free and faulted in again on the next call.  Up to
 * PNBUF_KEEP buffers wait here, all allocated at start so that the memory
 * the kernel uses does not move with the calls made.
 */
#include "rumpkern/kmem.h"
#include "rumpkern/mutex.h"
#include "rumpvfs/vfs_private.h"

KMEM_DEFINE(M_PNBUF, "pathbuf");

#define PNBUF_KEEP	8

static kmutex_t pnbuf_lock;
static char *pnbuf_free[PNBUF_KEEP];
static int pnbuf_nfree;

char *
pnbuf_get(void)
{
	char *p = NULL;

	mutex_enter(&pnbuf_lock);
	if (pnbuf_nfree > 0)
		p = pnbuf_free[--pnbuf_nfree];
	mutex_exit(&pnbuf_lock);
	return p != NULL ? p : kmem_alloc(&M_PNBUF, PATH_MAX, KM_SLEEP);
}

void
pnbuf_put(char *p)
{
	mutex_enter(&pnbuf_lock);
	if (pnbuf_nfree < PNBUF_KEEP) {
		pnbuf_free[pnbuf_nfree++] = p;
		p = NULL;
	}
	mutex_exit(&pnbuf_lock);
	if (p != NULL)
		kmem_free(&M_PNBUF, p, PATH_MAX);
}

void
pnbuf_init(void)
{
	mutex_init(&pnbuf_lock, MUTEX_DEFAULT);
	for (pnbuf_nfree = 0; pnbuf_nfree < PNBUF_KEEP; pnbuf_nfree++)
		pnbuf_free[pnbuf_nfree] = kmem_alloc(&M_PNBUF, PATH_MAX,
		    KM_SLEEP);
}

void
pnbuf_fini(void)
{
	KASSERTMSG(pnbuf_nfree == PNBUF_KEEP, "pnbuf_fini: %d buffers out",
	    PNBUF_KEEP - pnbuf_nfree);
	while (pnbuf_nfree > 0)
		kmem_free(&M_PNBUF, pnbuf_free[--pnbuf_nfree], PATH_MAX);
	mutex_destroy(&pnbuf_lock);
}
