/*
 * Waiting for readiness on many objects at once (poll(2)).
 *
 * An object that can be polled embeds a struct pollhead.  Its fo_poll
 * records the caller's pollent with pollrecord() and checks its state, in
 * either order but in one hold of the object's own lock, and whoever
 * changes that state calls pollwakeup() after, under that lock too.  Then
 * either the check sees the change or the waker sees the record: no
 * wakeup is lost.
 */
#ifndef RUMPKERN_POLL_H
#define RUMPKERN_POLL_H

#include "rumpkern/condvar.h"

struct pollwaiter {
	kcondvar_t pw_cv;
	bool pw_woken;
};

struct pollent {
	LIST_ENTRY(pollent) pe_link;
	struct pollwaiter *pe_waiter;
	struct pollhead *pe_head;	/* where recorded, or NULL */
};

struct pollhead {
	LIST_HEAD(, pollent) ph_list;
};

void pollhead_init(struct pollhead *ph);
/* Wakes and detaches every waiter: the object is going away. */
void pollhead_destroy(struct pollhead *ph);
void pollrecord(struct pollhead *ph, struct pollent *pe);
void pollwakeup(struct pollhead *ph);

/* The waiting side, used by the poll system call. */
void pollwaiter_init(struct pollwaiter *pw);
void pollwaiter_destroy(struct pollwaiter *pw);
void pollent_init(struct pollent *pe, struct pollwaiter *pw);
void pollent_unrecord(struct pollent *pe);
/*
 * Sleeps unless woken already; deadline_ns 0 is none.  ETIMEDOUT after it,
 * EINTR when the lwp is interrupted.
 */
int pollwaiter_sleep(struct pollwaiter *pw, uint64_t deadline_ns);

/*
 * A component whose readiness news comes from the host (sockin) may take
 * part in polls (poll_hostops_set; NULL: none):
 * - po_prescan runs before each pass of a poll over its descriptors,
 *   without locks held, and takes the news waiting, so that the pass sees
 *   it;
 * - po_lead, under the poll lock, says whether the poller about to sleep
 *   is to wait for the host itself (po_wait, cv_wait_sig_host) rather
 *   than for another thread to bring the news; if so, po_unlead follows
 *   the sleep, under the poll lock too.
 */
struct poll_hostops {
	void (*po_prescan)(void);
	bool (*po_lead)(void);
	void (*po_unlead)(void);
	/* The leader's wait and kick (cv_hostwait, copied for each sleep). */
	int (*po_wait)(struct cv_hostwait *hw, uint64_t deadline_ns);
	void (*po_kick)(struct cv_hostwait *hw);
};
void poll_hostops_set(const struct poll_hostops *ops);
void poll_prescan(void);

int poll_init(void);
void poll_fini(void);

#endif
