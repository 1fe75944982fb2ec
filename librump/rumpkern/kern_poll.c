/*
 * poll(2) wait queues.  One lock protects every pollhead list and waiter:
 * recording and waking are short, and a single lock keeps the ordering
 * argument of poll.h simple.
 */
#include "rumpkern/poll.h"

static kmutex_t poll_lock;
static const struct poll_hostops *poll_hostops;

int
poll_init(void)
{
	mutex_init(&poll_lock, MUTEX_DEFAULT);
	return 0;
}

void
poll_fini(void)
{
	mutex_destroy(&poll_lock);
}

void
poll_hostops_set(const struct poll_hostops *ops)
{
	__atomic_store_n(&poll_hostops, ops, __ATOMIC_RELEASE);
}

void
poll_prescan(void)
{
	const struct poll_hostops *ops = __atomic_load_n(&poll_hostops,
	    __ATOMIC_ACQUIRE);

	if (ops != NULL)
		ops->po_prescan();
}

void
pollhead_init(struct pollhead *ph)
{
	LIST_INIT(&ph->ph_list);
}

void
pollwaiter_init(struct pollwaiter *pw)
{
	cv_init(&pw->pw_cv);
	pw->pw_woken = false;
}

void
pollwaiter_destroy(struct pollwaiter *pw)
{
	cv_destroy(&pw->pw_cv);
}

void
pollent_init(struct pollent *pe, struct pollwaiter *pw)
{
	pe->pe_waiter = pw;
	pe->pe_head = NULL;
}

void
pollrecord(struct pollhead *ph, struct pollent *pe)
{
	if (pe == NULL || pe->pe_head != NULL)
		return;
	mutex_enter(&poll_lock);
	pe->pe_head = ph;
	LIST_INSERT_HEAD(&ph->ph_list, pe, pe_link);
	mutex_exit(&poll_lock);
}

/*
 * Only the poller records pe; the lock is taken only if it did, and a
 * destroyer that took the record away already (pe_head NULL, stored
 * last, under the lock) no longer touches pe nor its waiter.
 */
void
pollent_unrecord(struct pollent *pe)
{
	if (__atomic_load_n(&pe->pe_head, __ATOMIC_ACQUIRE) == NULL)
		return;
	mutex_enter(&poll_lock);
	if (pe->pe_head != NULL) {
		LIST_REMOVE(pe, pe_link);
		pe->pe_head = NULL;
	}
	mutex_exit(&poll_lock);
}

static void
pollwakeup_locked(struct pollhead *ph, bool detach)
{
	struct pollent *pe, *next;

	LIST_FOREACH_SAFE(pe, &ph->ph_list, pe_link, next) {
		pe->pe_waiter->pw_woken = true;
		cv_signal(&pe->pe_waiter->pw_cv);
		if (detach) {
			LIST_REMOVE(pe, pe_link);
			__atomic_store_n(&pe->pe_head, NULL, __ATOMIC_RELEASE);
		}
	}
}

void
pollwakeup(struct pollhead *ph)
{
	/*
	 * Unlocked peek: the caller changed state under the object's lock,
	 * and a recorder records and checks state in one hold of it.
	 */
	if (__atomic_load_n(&ph->ph_list.lh_first, __ATOMIC_ACQUIRE) == NULL)
		return;
	mutex_enter(&poll_lock);
	pollwakeup_locked(ph, false);
	mutex_exit(&poll_lock);
}

/*
 * Nobody polls an object being destroyed any more: every record on it was
 * made by a poller that held a reference to it, released before the last
 * one, so an empty list seen now stays empty (most are: a served
 * connection that nobody waited for was never recorded).
 */
void
pollhead_destroy(struct pollhead *ph)
{
	if (__atomic_load_n(&ph->ph_list.lh_first, __ATOMIC_ACQUIRE) == NULL)
		return;
	mutex_enter(&poll_lock);
	pollwakeup_locked(ph, true);
	mutex_exit(&poll_lock);
}

int
pollwaiter_sleep(struct pollwaiter *pw, uint64_t deadline_ns)
{
	int error = 0;

	mutex_enter(&poll_lock);
	while (!pw->pw_woken && error == 0) {
		const struct poll_hostops *ops = __atomic_load_n(&poll_hostops,
		    __ATOMIC_ACQUIRE);

		if (ops != NULL && ops->po_lead()) {
			struct cv_hostwait hw = {
				.hw_wait = ops->po_wait,
				.hw_kick = ops->po_kick,
			};

			error = cv_wait_sig_host(&pw->pw_cv, &poll_lock,
			    deadline_ns, &hw);
			ops->po_unlead();
		} else {
			error = cv_wait_sig_until(&pw->pw_cv, &poll_lock,
			    deadline_ns);
		}
	}
	pw->pw_woken = false;
	mutex_exit(&poll_lock);
	return error;
}
