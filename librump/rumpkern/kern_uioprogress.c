/*
 * How far an lwp has written a buffer, told as it writes it: a watcher
 * in another thread (a remote client, copying a read's data out of the
 * channel the kernel writes it into) can take each piece as soon as it
 * is there, rather than all of it once the call returns.
 *
 * rump_lwproc_progress(start, len, word) watches [start, start + len)
 * for the calling thread's lwp: each move of a read into the caller's
 * memory (uiomove, or a host call's that uio_advance counts) that extends the written prefix of the buffer stores the prefix's
 * length at *word, with release order, so a reader that loads it with
 * acquire order sees the bytes before it.  A move elsewhere, or out of
 * order, tells nothing: the prefix only grows by what has really been
 * written there.  rump_lwproc_progress(NULL, 0, NULL) stops watching.
 * A read the host does straight into the buffer (ext2's long reads)
 * is told when uio_advance counts it, so such a path cuts a long read
 * into pieces when uio_watched().
 */
#include "rumpkern/lwp.h"
#include "rumpkern/uio.h"
#include "rump_private.h"

int
rumppriv_lwproc_progress(void *start, size_t len, uint64_t *word)
{
	struct lwp *l = curlwp;

	l->l_progstart = word != NULL ? start : NULL;
	l->l_proglen = len;
	l->l_progdone = 0;
	l->l_progword = word;
	return 0;
}

bool
uio_watched(void)
{
	return curlwp->l_progstart != NULL;
}

void
uio_progress(const void *dst, size_t len)
{
	struct lwp *l = curlwp;

	if (l->l_progstart == NULL ||
	    (const char *)dst != l->l_progstart + l->l_progdone ||
	    len > l->l_proglen - l->l_progdone)
		return;
	l->l_progdone += len;
	__atomic_store_n(l->l_progword, (uint64_t)l->l_progdone, __ATOMIC_RELEASE);
}
