/*
 * sockin: the PF_INET and PF_INET6 domains on the host's sockets, and the
 * component that starts them (see sockin_var.h for how it works).
 *
 * Host sockets are registered under a control block's id, never reused,
 * not under its address: an event the event thread has already taken from
 * epoll may be for a socket a user thread has closed meanwhile, and its
 * id then finds nothing, where an address would find freed memory.
 */
#include "rumpkern/component.h"
#include "rumpkern/kmem.h"
#include "rumpkern/kstat.h"
#include "rumpkern/kthread.h"
#include "rumpkern/lwp.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "sockin/sockin_user.h"
#include "sockin/sockin_var.h"

KMEM_DEFINE(M_SOCKIN, "sockin");

#define SOCKIN_HASHSIZE	1024	/* buckets of live control blocks, by id */

struct sockin_user *sockin_su;
static struct lwp *sockin_lwp;
/* Live control blocks by id, and the last id given (softnet_lock). */
static LIST_HEAD(, sockin_pcb) sockin_pcbs[SOCKIN_HASHSIZE];
static uint64_t sockin_lastid;

/*
 * "sockin.pcbs": control blocks alive, so a program can check that
 * every socket it closed is gone; "rests", "polltaken" and "leads": the
 * event thread's rests, events pollers took themselves, and pollers
 * that waited for the host themselves (sockin_rest.c); "resting": 1
 * while the event thread rests; "hostwaits": blocked calls that waited
 * on their host socket themselves, "plainwaits": those that could not
 * (sockin_wait.c); "registered": accepted streams registered because a
 * user was to wait for one (sockin_lazy.c).
 */
struct sockin_stats sockin_stats;
static const struct kstat_desc sockin_kstat_desc[] = {
	KSTAT_DESC(struct sockin_stats, pcbs, "pcbs"),
	KSTAT_DESC(struct sockin_stats, rests, "rests"),
	KSTAT_DESC(struct sockin_stats, polltaken, "polltaken"),
	KSTAT_DESC(struct sockin_stats, leads, "leads"),
	KSTAT_DESC(struct sockin_stats, resting, "resting"),
	KSTAT_DESC(struct sockin_stats, hostwaits, "hostwaits"),
	KSTAT_DESC(struct sockin_stats, plainwaits, "plainwaits"),
	KSTAT_DESC(struct sockin_stats, registered, "registered"),
};
static struct kstat_group sockin_kstat;

/*
 * The rump TCP/IP stack (librumpnet_netinet) defines this symbol too, so a
 * program linked with both stacks fails to link, naming it; a program
 * linked with shared libraries of both fails at rump_init instead, as the
 * second AF_INET domain is refused.
 */
const char inet_stack_both_sockin_and_netinet_linked__link_only_one_of_them[] =
    "sockin";

struct sockin_pcb *
sockin_pcballoc(struct socket *so)
{
	struct sockin_pcb *sp = kmem_zalloc(&M_SOCKIN, sizeof(*sp), KM_SLEEP);

	NET_ASSERT_LOCKED();
	sp->sp_so = so;
	sp->sp_fd = -1;
	sp->sp_id = ++sockin_lastid;
	so->so_pcb = sp;
	sockin_stats.pcbs++;
	LIST_INSERT_HEAD(&sockin_pcbs[sp->sp_id % SOCKIN_HASHSIZE], sp, sp_list);
	return sp;
}

void
sockin_pcbfree(struct sockin_pcb *sp, bool reset)
{
	NET_ASSERT_LOCKED();
	if (sp->sp_fd != -1)
		sockin_user_close(sp->sp_fd, reset);
	sp->sp_so->so_pcb = NULL;
	LIST_REMOVE(sp, sp_list);
	sockin_stats.pcbs--;
	kmem_free(&M_SOCKIN, sp, sizeof(*sp));
}

static struct sockin_pcb *
sockin_lookup(uint64_t id)
{
	struct sockin_pcb *sp;

	LIST_FOREACH(sp, &sockin_pcbs[id % SOCKIN_HASHSIZE], sp_list)
		if (sp->sp_id == id)
			return sp;
	return NULL;
}

/*
 * Socket-level options the host must know too, because they change what
 * its socket does, set and read there; the others (timeouts) are the
 * socket layer's, which refuses SO_SNDLOWAT as Linux does.  The receive
 * low water mark holds back the host's readiness (Linux's poll says
 * "readable" from that many bytes on), which is what poll reports.  The
 * buffers are the host socket's: the data waits there both ways, never
 * in the socket layer's, so SO_SNDBUF and SO_RCVBUF size the host's, and
 * read back what the host made of them (Linux doubles and caps the
 * value, and its defaults are its own).  SO_DEBUG the host lets only a
 * privileged caller set (EACCES): its answer is sockin's.
 */
static bool
sockin_hostopt(int name)
{
	switch (name) {
	case SO_DEBUG: case SO_REUSEADDR: case SO_REUSEPORT: case SO_KEEPALIVE:
	case SO_BROADCAST: case SO_DONTROUTE: case SO_OOBINLINE: case SO_LINGER:
	case SO_SNDBUF: case SO_RCVBUF: case SO_RCVLOWAT:
		return true;
	default:
		return false;
	}
}

/*
 * A datagram socket's error (an ICMP error of a connected one) is the
 * socket layer's when the host's news brought it there, or else still the
 * host socket's: the event thread may rest (sockin_rest.c), nobody having
 * taken the news.  Read, it is gone from both, as on Linux.
 */
static int
sockin_dgramsoerror(struct sockin_pcb *sp, struct sockopt *sopt)
{
	int error;

	if (sockopt_getint(sopt, &error) == 0 && error == 0)
		return sockopt_setint(sopt,
		    sockin_user_connect_result(sp->sp_fd));
	return 0;
}

/*
 * Protocol-level options (IPPROTO_IP, IPPROTO_TCP, ...) mean the same to
 * the host: they go to the host socket as they are, and so do the
 * socket-level ones the socket layer has taken (PR_SOLOPTS).
 */
int
sockin_ctloutput(int dir, struct socket *so, struct sockopt *sopt)
{
	struct sockin_pcb *sp = sotosockin(so);
	unsigned len;
	int error;

	if (dir == SOPT_GET && sopt->sopt_level == SOL_SOCKET &&
	    sopt->sopt_name == SO_ERROR &&
	    !(so->so_proto->pr_flags & PR_CONNREQUIRED))
		return sockin_dgramsoerror(sp, sopt);
	/* A socket its user holds keeps its host socket until it is closed. */
	if (sopt->sopt_level == SOL_SOCKET &&
	    !sockin_hostopt(sopt->sopt_name))
		return 0;
	if (dir == SOPT_SET)
		return sockin_user_setopt(sp->sp_fd, sopt->sopt_level,
		    sopt->sopt_name, sopt->sopt_data, (unsigned)sopt->sopt_size);
	len = (unsigned)sopt->sopt_size;
	error = sockin_user_getopt(sp->sp_fd, sopt->sopt_level,
	    sopt->sopt_name, sopt->sopt_data, &len);
	if (error == 0)
		sopt->sopt_size = len;
	return error;
}

/* ---- the event thread ---- */

void
sockin_dispatch(const struct sockin_user_event *ev, size_t n)
{
	NET_ASSERT_LOCKED();
	for (size_t i = 0; i < n; i++) {
		struct sockin_pcb *sp = sockin_lookup(ev[i].sev_id);

		/* Closed since: its events mean nothing now. */
		if (sp != NULL)
			sockin_event(sp, ev[i].sev_events);
	}
}

static void
sockin_events(void *arg)
{
	struct sockin_user_event ev[SOCKIN_USER_NEVENTS];
	size_t n;
	int error;

	(void)arg;
	for (;;) {
		sockin_rest();
		sched_block_begin();
		error = sockin_user_wait(sockin_su, ev, &n, 1);
		sched_block_end();
		if (error == ECANCELED)
			break;
		if (error != 0) {
			kprintf("sockin: waiting for host sockets failed "
			    "(error %d); sockets no longer make progress\n",
			    error);
			break;
		}
		NET_LOCK();
		sockin_dispatch(ev, n);
		NET_UNLOCK();
	}
	kthread_exit(0);
}

/* ---- domains and the component ---- */

static struct domain sockin_inetdomain, sockin_inet6domain;

#define SOCKIN_PROTOSW(dom)						\
	{								\
		.pr_type = SOCK_STREAM,					\
		.pr_domain = (dom),					\
		.pr_protocol = SOCKIN_IPPROTO_TCP,			\
		.pr_flags = PR_CONNREQUIRED | PR_LISTEN | PR_SOLOPTS,	\
		.pr_ctloutput = sockin_ctloutput,			\
		.pr_usrreqs = &sockin_usrreqs,				\
	}, {								\
		.pr_type = SOCK_DGRAM,					\
		.pr_domain = (dom),					\
		.pr_protocol = SOCKIN_IPPROTO_UDP,			\
		.pr_flags = PR_ATOMIC | PR_ADDR | PR_SOLOPTS,		\
		.pr_ctloutput = sockin_ctloutput,			\
		.pr_usrreqs = &sockin_usrreqs,				\
	}

#define SOCKIN_IPPROTO_TCP	6	/* the host's numbers */
#define SOCKIN_IPPROTO_UDP	17

static const struct protosw sockin_inetsw[] = {
	SOCKIN_PROTOSW(&sockin_inetdomain)
};
static const struct protosw sockin_inet6sw[] = {
	SOCKIN_PROTOSW(&sockin_inet6domain)
};

static struct domain sockin_inetdomain = {
	.dom_family = AF_INET,
	.dom_name = "sockin",
	.dom_protosw = sockin_inetsw,
	.dom_nprotosw = __arraycount(sockin_inetsw),
	.dom_flags = DOM_HOSTIFS,
};

static struct domain sockin_inet6domain = {
	.dom_family = AF_INET6,
	.dom_name = "sockin6",
	.dom_protosw = sockin_inet6sw,
	.dom_nprotosw = __arraycount(sockin_inet6sw),
	.dom_flags = DOM_HOSTIFS,
};

static int
sockin_attach_domains(void)
{
	int error;

	NET_LOCK();
	error = domain_attach(&sockin_inetdomain);
	if (error == 0 && (error = domain_attach(&sockin_inet6domain)) != 0)
		domain_detach(&sockin_inetdomain);
	NET_UNLOCK();
	if (error == EEXIST)
		kprintf("sockin: another AF_INET stack is linked in "
		    "(librumpnet_netinet?): link librumpnet_sockin or the "
		    "rump TCP/IP stack, not both\n");
	return error;
}

static void
sockin_detach_domains(void)
{
	NET_LOCK();
	domain_detach(&sockin_inet6domain);
	domain_detach(&sockin_inetdomain);
	NET_UNLOCK();
}

static int
sockin_init(void)
{
	int error;

	for (unsigned i = 0; i < SOCKIN_HASHSIZE; i++)
		LIST_INIT(&sockin_pcbs[i]);
	if ((error = sockin_user_init(&sockin_su)) != 0)
		return error;
	sockin_rest_init();
	if ((error = sockin_attach_domains()) == 0) {
		error = kthread_create(KTHREAD_MUSTJOIN, sockin_events, NULL,
		    &sockin_lwp, "sockin");
		if (error != 0)
			sockin_detach_domains();
	}
	if (error != 0) {
		sockin_rest_stop();
		sockin_rest_fini();
		sockin_user_fini(sockin_su);
		return error;
	}
	kstat_register(&sockin_kstat, "sockin", sockin_kstat_desc,
	    __arraycount(sockin_kstat_desc), &sockin_stats);
	return 0;
}

/*
 * No socket is left: the processes, which ran before (rump_teardown),
 * closed their files and with them every socket, a listener's queued
 * connections too (soclose), and a socket has no other holder.
 */
static void
sockin_fini(void)
{
	kstat_unregister(&sockin_kstat);
	sockin_rest_stop();
	sockin_user_cancel(sockin_su);
	(void)kthread_join(sockin_lwp);
	KASSERTMSG(sockin_stats.pcbs == 0, "sockin: %llu sockets left at fini",
	    (unsigned long long)sockin_stats.pcbs);
	sockin_detach_domains();
	sockin_rest_fini();
	sockin_user_fini(sockin_su);
}

/*
 * At level NET_IF, after the rump stack's protocols: linked with them (as
 * shared libraries, where the link cannot refuse it), sockin is the one
 * that finds AF_INET taken, and says which stacks collide.
 */
RUMP_COMPONENT(sockin_component, "sockin", RUMP_COMPONENT_NET_IF,
    sockin_init, sockin_fini)
