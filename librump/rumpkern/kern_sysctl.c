/*
 * The sysctl registry and system call.  Leaves and subtrees are kept in
 * one list in registration order; a lookup walks it (a few dozen
 * entries, looked up by tools, never on a data path).
 */
#include "rumpkern/cred.h"
#include "rumpkern/lwp.h"
#include "rumpkern/mutex.h"
#include "rumpkern/sysctl.h"
#include "rumpkern/uio.h"
#include "syscallargs.h"

static TAILQ_HEAD(, sysctl_node) sysctl_nodes =
    TAILQ_HEAD_INITIALIZER(sysctl_nodes);
static kmutex_t sysctl_lock;

int
sysctl_init(void)
{
	mutex_init(&sysctl_lock, MUTEX_DEFAULT);
	return 0;
}

void
sysctl_fini(void)
{
	KASSERTMSG(TAILQ_EMPTY(&sysctl_nodes), "sysctl_fini: %s still "
	    "registered", TAILQ_FIRST(&sysctl_nodes)->sn_name);
	mutex_destroy(&sysctl_lock);
}

void
sysctl_register(struct sysctl_node *sn)
{
	KASSERT(strlen(sn->sn_name) < RUMP_SYSCTL_NAMEMAX);
	mutex_enter(&sysctl_lock);
	TAILQ_INSERT_TAIL(&sysctl_nodes, sn, sn_list);
	mutex_exit(&sysctl_lock);
}

void
sysctl_unregister(struct sysctl_node *sn)
{
	mutex_enter(&sysctl_lock);
	TAILQ_REMOVE(&sysctl_nodes, sn, sn_list);
	mutex_exit(&sysctl_lock);
}

void
sysctl_register_array(struct sysctl_node *sn, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sysctl_register(&sn[i]);
}

void
sysctl_unregister_array(struct sysctl_node *sn, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sysctl_unregister(&sn[i]);
}

int
sysctl_out(struct sysctl_req *req, const void *p, size_t len)
{
	int error = 0;

	if (req->sr_oldp != NULL && req->sr_oldidx <= req->sr_oldlen &&
	    len <= req->sr_oldlen - req->sr_oldidx)
		error = copyout(p, (char *)req->sr_oldp + req->sr_oldidx, len);
	req->sr_oldidx += len;
	return error;
}

int
sysctl_in(struct sysctl_req *req, void *p, size_t len)
{
	if (req->sr_newlen != len)
		return EINVAL;
	return copyin(req->sr_newp, p, len);
}

int
sysctl_instr(struct sysctl_req *req, char *buf, size_t len)
{
	size_t n = req->sr_newlen;
	int error;

	if (n > 0 && n <= len) {
		/* The NUL is optional, as with echo -n > /proc/sys/... */
		if ((error = copyin(req->sr_newp, buf, n)) != 0)
			return error;
		if (buf[n - 1] == '\0')
			n--;
	}
	if (n == 0 || n >= len || strnlen(buf, n) != n)
		return EINVAL;
	buf[n] = '\0';
	return 0;
}

/* name is prefix itself or below it ("" is above everything). */
static bool
sysctl_under(const char *name, const char *prefix)
{
	size_t plen = strlen(prefix);

	return plen == 0 || (strncmp(name, prefix, plen) == 0 &&
	    (name[plen] == '.' || name[plen] == '\0'));
}

int
sysctl_list_out(struct sysctl_req *req, const char *name, uint32_t type,
    uint32_t flags)
{
	struct rump_sysctl_entry e;

	if (!sysctl_under(name, req->sr_prefix))
		return 0;
	memset(&e, 0, sizeof(e));
	strlcpy(e.rse_name, name, sizeof(e.rse_name));
	e.rse_type = type;
	e.rse_flags = flags & RUMP_SYSCTL_WRITABLE;
	return sysctl_out(req, &e, sizeof(e));
}

int
sysctl_int(const struct sysctl_node *sn, const char *sub,
    struct sysctl_req *req)
{
	int *p = sn->sn_data, v = __atomic_load_n(p, __ATOMIC_RELAXED);
	int error;

	(void)sub;
	error = sysctl_out(req, &v, sizeof(v));
	if (error != 0 || req->sr_newp == NULL)
		return error;
	if ((error = sysctl_in(req, &v, sizeof(v))) != 0)
		return error;
	if (v < sn->sn_min || v > sn->sn_max)
		return EINVAL;
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
	return 0;
}

/* The leaf or subtree answering for name; *sub is the rest of the name. */
static struct sysctl_node *
sysctl_find(const char *name, const char **sub)
{
	struct sysctl_node *sn;
	size_t len;

	KASSERT(mutex_owned(&sysctl_lock));
	TAILQ_FOREACH(sn, &sysctl_nodes, sn_list) {
		len = strlen(sn->sn_name);
		if (!(sn->sn_flags & SYSCTL_SUBTREE)) {
			if (strcmp(name, sn->sn_name) == 0) {
				*sub = "";
				return sn;
			}
		} else if (strncmp(name, sn->sn_name, len) == 0 &&
		    name[len] == '.' && name[len + 1] != '\0') {
			*sub = name + len + 1;
			return sn;
		}
	}
	return NULL;
}

/* Lists every leaf under node name; ENOENT when there is none. */
static int
sysctl_list(const char *name, struct sysctl_req *req)
{
	struct sysctl_node *sn;
	size_t start = req->sr_oldidx;
	int error = 0;

	KASSERT(mutex_owned(&sysctl_lock));
	req->sr_prefix = name;
	TAILQ_FOREACH(sn, &sysctl_nodes, sn_list) {
		if (!(sn->sn_flags & SYSCTL_SUBTREE))
			error = sysctl_list_out(req, sn->sn_name, sn->sn_type,
			    sn->sn_flags);
		else if (sysctl_under(sn->sn_name, name) ||
		    sysctl_under(name, sn->sn_name))
			error = sn->sn_lister(sn, req);
		if (error != 0)
			return error;
	}
	return req->sr_oldidx > start ? 0 : ENOENT;
}

/* Whether name is a node: something is listed under it. */
static bool
sysctl_isnode(const char *name)
{
	struct sysctl_req probe;

	memset(&probe, 0, sizeof(probe));
	return sysctl_list(name, &probe) == 0;
}

static int
sysctl_dispatch(const char *name, struct sysctl_req *req)
{
	struct sysctl_node *sn;
	const char *sub;
	int error;

	sn = sysctl_find(name, &sub);
	if (sn != NULL) {
		if (req->sr_newp != NULL &&
		    !(sn->sn_flags & RUMP_SYSCTL_WRITABLE))
			return EPERM;
		error = sn->sn_handler(sn, sub, req);
		/* A subtree's node rather than one of its leaves? */
		if (error != ENOENT || !(sn->sn_flags & SYSCTL_SUBTREE))
			return error;
	}
	if (req->sr_newp != NULL)
		return sysctl_isnode(name) ? EISDIR : ENOENT;
	return sysctl_list(name, req);
}

static bool
sysctl_canset(void)
{
	struct cred *c = proc_cred(curproc);
	bool root = cred_is_root(c);

	cred_release(c);
	return root;
}

int
sys_sysctl(struct lwp *l, const struct sys_sysctl_args *uap, long *retval)
{
	char name[RUMP_SYSCTL_NAMEMAX];
	struct sysctl_req req;
	size_t oldlen = 0, done;
	int error;

	(void)l;
	(void)retval;
	if ((error = copyinstr(uap->name, name, sizeof(name), &done)) != 0)
		return error;
	if (uap->oldlenp != NULL &&
	    (error = copyin(uap->oldlenp, &oldlen, sizeof(oldlen))) != 0)
		return error;
	if (uap->oldp != NULL && uap->oldlenp == NULL)
		return EFAULT;
	if (uap->newp != NULL && !sysctl_canset())
		return EPERM;
	memset(&req, 0, sizeof(req));
	req.sr_oldp = uap->oldp;
	req.sr_oldlen = oldlen;
	req.sr_newp = uap->newp;
	req.sr_newlen = uap->newlen;
	mutex_enter(&sysctl_lock);
	error = sysctl_dispatch(name, &req);
	mutex_exit(&sysctl_lock);
	if (error == 0 && uap->oldp != NULL && req.sr_oldidx > oldlen)
		error = ENOMEM;
	if ((error == 0 || error == ENOMEM) && uap->oldlenp != NULL) {
		int error2 = copyout(&req.sr_oldidx, uap->oldlenp,
		    sizeof(req.sr_oldidx));

		if (error2 != 0)
			error = error2;
	}
	return error;
}
