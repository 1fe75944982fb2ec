/*
 * Intrusive lists in the style of BSD <sys/queue.h>: LIST (doubly linked,
 * head points at the first element), TAILQ (doubly linked with a tail
 * pointer) and STAILQ (singly linked with a tail pointer).
 *
 * The removal and insertion macros check the links they touch and panic on
 * a corrupted list, so a use-after-free or double removal is caught where
 * it happens instead of far away.
 */
#ifndef RUMPKERN_QUEUE_H
#define RUMPKERN_QUEUE_H

void panic(const char *fmt, ...) __attribute__((__noreturn__));

#define QUEUE_CHECK(cond, what) do {					\
	if (__builtin_expect(!(cond), 0))				\
		panic("queue: %s at %s:%d", what, __FILE__, __LINE__);	\
} while (0)

/* LIST */
#define LIST_HEAD(name, type)						\
struct name { struct type *lh_first; }
#define LIST_HEAD_INITIALIZER(head)	{ NULL }
#define LIST_ENTRY(type)						\
struct { struct type *le_next; struct type **le_prev; }
#define LIST_FIRST(head)	((head)->lh_first)
#define LIST_EMPTY(head)	((head)->lh_first == NULL)
#define LIST_NEXT(elm, field)	((elm)->field.le_next)
#define LIST_INIT(head)		do { (head)->lh_first = NULL; } while (0)
#define LIST_FOREACH(var, head, field)					\
	for ((var) = (head)->lh_first; (var); (var) = (var)->field.le_next)
#define LIST_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = LIST_FIRST(head);					\
	    (var) && ((tvar) = LIST_NEXT(var, field), 1); (var) = (tvar))
#define LIST_INSERT_HEAD(head, elm, field) do {				\
	QUEUE_CHECK((head)->lh_first == NULL ||				\
	    (head)->lh_first->field.le_prev == &(head)->lh_first,	\
	    "LIST_INSERT_HEAD corrupted head");				\
	if (((elm)->field.le_next = (head)->lh_first) != NULL)		\
		(head)->lh_first->field.le_prev = &(elm)->field.le_next;\
	(head)->lh_first = (elm);					\
	(elm)->field.le_prev = &(head)->lh_first;			\
} while (0)
#define LIST_REMOVE(elm, field) do {					\
	QUEUE_CHECK((elm)->field.le_prev != NULL &&			\
	    *(elm)->field.le_prev == (elm), "LIST_REMOVE bad prev");	\
	QUEUE_CHECK((elm)->field.le_next == NULL ||			\
	    (elm)->field.le_next->field.le_prev == &(elm)->field.le_next,\
	    "LIST_REMOVE bad next");					\
	if ((elm)->field.le_next != NULL)				\
		(elm)->field.le_next->field.le_prev = (elm)->field.le_prev;\
	*(elm)->field.le_prev = (elm)->field.le_next;			\
	(elm)->field.le_next = NULL;					\
	(elm)->field.le_prev = NULL;					\
} while (0)

/* TAILQ */
#define TAILQ_HEAD(name, type)						\
struct name { struct type *tqh_first; struct type **tqh_last; }
#define TAILQ_HEAD_INITIALIZER(head)	{ NULL, &(head).tqh_first }
#define TAILQ_ENTRY(type)						\
struct { struct type *tqe_next; struct type **tqe_prev; }
#define TAILQ_FIRST(head)	((head)->tqh_first)
#define TAILQ_EMPTY(head)	((head)->tqh_first == NULL)
#define TAILQ_NEXT(elm, field)	((elm)->field.tqe_next)
#define TAILQ_INIT(head) do {						\
	(head)->tqh_first = NULL;					\
	(head)->tqh_last = &(head)->tqh_first;				\
} while (0)
#define TAILQ_FOREACH(var, head, field)					\
	for ((var) = (head)->tqh_first; (var); (var) = (var)->field.tqe_next)
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) && ((tvar) = TAILQ_NEXT(var, field), 1); (var) = (tvar))
#define TAILQ_INSERT_HEAD(head, elm, field) do {			\
	if (((elm)->field.tqe_next = (head)->tqh_first) != NULL)	\
		(head)->tqh_first->field.tqe_prev = &(elm)->field.tqe_next;\
	else								\
		(head)->tqh_last = &(elm)->field.tqe_next;		\
	(head)->tqh_first = (elm);					\
	(elm)->field.tqe_prev = &(head)->tqh_first;			\
} while (0)
#define TAILQ_INSERT_TAIL(head, elm, field) do {			\
	QUEUE_CHECK(*(head)->tqh_last == NULL,				\
	    "TAILQ_INSERT_TAIL corrupted tail");			\
	(elm)->field.tqe_next = NULL;					\
	(elm)->field.tqe_prev = (head)->tqh_last;			\
	*(head)->tqh_last = (elm);					\
	(head)->tqh_last = &(elm)->field.tqe_next;			\
} while (0)
#define TAILQ_INSERT_AFTER(head, listelm, elm, field) do {		\
	if (((elm)->field.tqe_next = (listelm)->field.tqe_next) != NULL)\
		(elm)->field.tqe_next->field.tqe_prev =			\
		    &(elm)->field.tqe_next;				\
	else								\
		(head)->tqh_last = &(elm)->field.tqe_next;		\
	(listelm)->field.tqe_next = (elm);				\
	(elm)->field.tqe_prev = &(listelm)->field.tqe_next;		\
} while (0)
#define TAILQ_INSERT_BEFORE(listelm, elm, field) do {			\
	(elm)->field.tqe_prev = (listelm)->field.tqe_prev;		\
	(elm)->field.tqe_next = (listelm);				\
	*(listelm)->field.tqe_prev = (elm);				\
	(listelm)->field.tqe_prev = &(elm)->field.tqe_next;		\
} while (0)
#define TAILQ_REMOVE(head, elm, field) do {				\
	QUEUE_CHECK((elm)->field.tqe_prev != NULL &&			\
	    *(elm)->field.tqe_prev == (elm), "TAILQ_REMOVE bad prev");	\
	if ((elm)->field.tqe_next != NULL) {				\
		QUEUE_CHECK((elm)->field.tqe_next->field.tqe_prev ==	\
		    &(elm)->field.tqe_next, "TAILQ_REMOVE bad next");	\
		(elm)->field.tqe_next->field.tqe_prev =			\
		    (elm)->field.tqe_prev;				\
	} else {							\
		QUEUE_CHECK((head)->tqh_last == &(elm)->field.tqe_next,	\
		    "TAILQ_REMOVE bad tail");				\
		(head)->tqh_last = (elm)->field.tqe_prev;		\
	}								\
	*(elm)->field.tqe_prev = (elm)->field.tqe_next;			\
	(elm)->field.tqe_next = NULL;					\
	(elm)->field.tqe_prev = NULL;					\
} while (0)

/* STAILQ */
#define STAILQ_HEAD(name, type)						\
struct name { struct type *stqh_first; struct type **stqh_last; }
#define STAILQ_HEAD_INITIALIZER(head)	{ NULL, &(head).stqh_first }
#define STAILQ_ENTRY(type)	struct { struct type *stqe_next; }
#define STAILQ_FIRST(head)	((head)->stqh_first)
#define STAILQ_EMPTY(head)	((head)->stqh_first == NULL)
#define STAILQ_NEXT(elm, field)	((elm)->field.stqe_next)
#define STAILQ_INIT(head) do {						\
	(head)->stqh_first = NULL;					\
	(head)->stqh_last = &(head)->stqh_first;			\
} while (0)
#define STAILQ_FOREACH(var, head, field)				\
	for ((var) = (head)->stqh_first; (var); (var) = (var)->field.stqe_next)
#define STAILQ_INSERT_TAIL(head, elm, field) do {			\
	(elm)->field.stqe_next = NULL;					\
	*(head)->stqh_last = (elm);					\
	(head)->stqh_last = &(elm)->field.stqe_next;			\
} while (0)
#define STAILQ_INSERT_HEAD(head, elm, field) do {			\
	if (((elm)->field.stqe_next = (head)->stqh_first) == NULL)	\
		(head)->stqh_last = &(elm)->field.stqe_next;		\
	(head)->stqh_first = (elm);					\
} while (0)
#define STAILQ_REMOVE_HEAD(head, field) do {				\
	if (((head)->stqh_first =					\
	    (head)->stqh_first->field.stqe_next) == NULL)		\
		(head)->stqh_last = &(head)->stqh_first;		\
} while (0)

#endif /* RUMPKERN_QUEUE_H */
