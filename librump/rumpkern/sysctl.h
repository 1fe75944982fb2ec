/*
 * sysctl: the kernel's tunables and tables by dotted name
 * ("net.inet.ip.forwarding"), read and set by the sysctl system call
 * (<rump/rump_sysctl.h> says what a caller sees).
 *
 * A component registers a leaf (struct sysctl_node) for each value it
 * publishes, from its init function, and unregisters it in its fini; the
 * core never names a component.  Nodes ("net.inet") exist only as the
 * prefixes of leaves.  A subtree (SYSCTL_SUBTREE) is one registration
 * that answers for every name below it ("kern.counters"): its handler
 * gets the rest of the name, its lister names its leaves.
 *
 * A handler writes the current value with sysctl_out() and, when the
 * call sets one (req->sr_newp != NULL), takes it with sysctl_in() and
 * applies it; the core has checked the caller may set.  Handlers run
 * with sysctl_lock held and no other lock: they take softnet_lock or
 * their own (sysctl_lock comes before every other).  Registration is
 * never made holding softnet_lock.
 */
#ifndef RUMPKERN_SYSCTL_H
#define RUMPKERN_SYSCTL_H

#include "rumpkern/kern.h"
#include "rump/rump_sysctl.h"

struct sysctl_req {
	void *sr_oldp;			/* the caller's buffer, or NULL */
	size_t sr_oldlen;		/* its size */
	size_t sr_oldidx;		/* bytes produced so far (may exceed) */
	const void *sr_newp;		/* the new value, or NULL */
	size_t sr_newlen;
	const char *sr_prefix;		/* listing: the node asked for */
};

struct sysctl_node;
typedef int (*sysctl_handler_t)(const struct sysctl_node *sn,
    const char *sub, struct sysctl_req *req);

struct sysctl_node {
	const char *sn_name;		/* full name of the leaf or subtree */
	uint32_t sn_type;		/* RUMP_SYSCTL_*; a subtree's leaves' */
	uint32_t sn_flags;		/* RUMP_SYSCTL_WRITABLE, SYSCTL_SUBTREE */
	sysctl_handler_t sn_handler;	/* sub: "" for a leaf */
	/* A subtree lists its leaves with sysctl_list_out(). */
	int (*sn_lister)(const struct sysctl_node *sn, struct sysctl_req *req);
	void *sn_data;			/* for the handlers below */
	int sn_min, sn_max;		/* sysctl_int's range */
	TAILQ_ENTRY(sysctl_node) sn_list;
};

#define SYSCTL_SUBTREE	0x100

void sysctl_register(struct sysctl_node *sn);
void sysctl_unregister(struct sysctl_node *sn);
/* The same for an array of n nodes. */
void sysctl_register_array(struct sysctl_node *sn, size_t n);
void sysctl_unregister_array(struct sysctl_node *sn, size_t n);

/* Appends len bytes to what the call returns (ENOMEM comes at the end). */
int sysctl_out(struct sysctl_req *req, const void *p, size_t len);
/* Copies the new value in: exactly len bytes (EINVAL otherwise). */
int sysctl_in(struct sysctl_req *req, void *p, size_t len);
/* A new string value into buf of size len, NUL-terminated (EINVAL: longer). */
int sysctl_instr(struct sysctl_req *req, char *buf, size_t len);
/* One listing entry, if name is under the node being listed. */
int sysctl_list_out(struct sysctl_req *req, const char *name, uint32_t type,
    uint32_t flags);

/*
 * Ready-made handlers.  sysctl_int: sn_data is an int (or unsigned, with
 * sn_min >= 0) in [sn_min, sn_max], read and set as it is, without lock.
 * Tables and values needing a lock write their own.
 */
int sysctl_int(const struct sysctl_node *sn, const char *sub,
    struct sysctl_req *req);

int sysctl_init(void);
void sysctl_fini(void);

#endif
