/* Internet protocol control blocks and their lookup tables. */
#include "rumpkern/kmem.h"
#include "netinet/in_pcb.h"
#include "netinet/in_var.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"

KMEM_DEFINE(M_PCB, "inpcb");

static unsigned
in_pcbhash(const struct inpcbtable *t, struct in_addr faddr, in_port_t fport,
    struct in_addr laddr, in_port_t lport)
{
	uint32_t h = faddr.s_addr ^ laddr.s_addr ^
	    ((uint32_t)fport << 16 | lport);

	h ^= h >> 16;
	h *= 0x45d9f3bu;
	h ^= h >> 16;
	return h & t->inpt_hashmask;
}

static unsigned
in_pcblhash(const struct inpcbtable *t, in_port_t lport)
{
	return ((unsigned)lport * 0x9e3779b1u >> 16) & t->inpt_hashmask;
}

void
in_pcbtable_init(struct inpcbtable *t, const char *name, unsigned hashsize)
{
	KASSERT(hashsize > 0 && (hashsize & (hashsize - 1)) == 0);
	memset(t, 0, sizeof(*t));
	t->inpt_name = name;
	TAILQ_INIT(&t->inpt_queue);
	t->inpt_hash = kmem_zalloc(&M_PCB, hashsize * sizeof(*t->inpt_hash),
	    KM_SLEEP);
	t->inpt_lhash = kmem_zalloc(&M_PCB, hashsize * sizeof(*t->inpt_lhash),
	    KM_SLEEP);
	t->inpt_hashmask = hashsize - 1;
}

void
in_pcbtable_fini(struct inpcbtable *t)
{
	KASSERTMSG(TAILQ_EMPTY(&t->inpt_queue), "%s: PCBs left", t->inpt_name);
	kmem_free(&M_PCB, t->inpt_hash, (t->inpt_hashmask + 1) *
	    sizeof(*t->inpt_hash));
	kmem_free(&M_PCB, t->inpt_lhash, (t->inpt_hashmask + 1) *
	    sizeof(*t->inpt_lhash));
}

int
in_pcballoc(struct socket *so, struct inpcbtable *t)
{
	struct inpcb *inp = kmem_zalloc(&M_PCB, sizeof(*inp), KM_SLEEP);

	NET_ASSERT_LOCKED();
	inp->inp_socket = so;
	inp->inp_table = t;
	inp->inp_opts.ipo_ttl = IP_DEFTTL;
	inp->inp_opts.ipo_pmtudisc = IP_PMTUDISC_WANT;
	TAILQ_INSERT_TAIL(&t->inpt_queue, inp, inp_queue);
	t->inpt_count++;
	so->so_pcb = inp;
	return 0;
}

/* Puts inp in the hash tables that match its state. */
static void
in_pcbrehash(struct inpcb *inp)
{
	struct inpcbtable *t = inp->inp_table;

	if (inp->inp_hashed) {
		LIST_REMOVE(inp, inp_hash);
		inp->inp_hashed = false;
	}
	if (inp->inp_lhashed) {
		LIST_REMOVE(inp, inp_lhash);
		inp->inp_lhashed = false;
	}
	if (inp->inp_lport != 0) {
		LIST_INSERT_HEAD(&t->inpt_lhash[in_pcblhash(t, inp->inp_lport)],
		    inp, inp_lhash);
		inp->inp_lhashed = true;
	}
	if (inp->inp_faddr.s_addr != INADDR_ANY) {
		LIST_INSERT_HEAD(&t->inpt_hash[in_pcbhash(t, inp->inp_faddr,
		    inp->inp_fport, inp->inp_laddr, inp->inp_lport)],
		    inp, inp_hash);
		inp->inp_hashed = true;
	}
}

void
in_pcbdetach(struct inpcb *inp)
{
	struct socket *so = inp->inp_socket;
	struct inpcbtable *t = inp->inp_table;

	NET_ASSERT_LOCKED();
	inp->inp_lport = 0;
	inp->inp_faddr.s_addr = INADDR_ANY;
	in_pcbrehash(inp);
	TAILQ_REMOVE(&t->inpt_queue, inp, inp_queue);
	t->inpt_count--;
	kmem_free(&M_PCB, inp, sizeof(*inp));
	so->so_pcb = NULL;
	sofree(so);
}

/*
 * Whether lport on laddr is taken for inp.  Two sockets may share a port
 * when both set SO_REUSEPORT, or when both set SO_REUSEADDR and their
 * addresses differ or one of them is a datagram socket.
 */
static bool
in_pcbinuse(struct inpcb *inp, struct in_addr laddr, in_port_t lport)
{
	struct inpcbtable *t = inp->inp_table;
	int opts = inp->inp_socket->so_options;
	struct inpcb *other;

	LIST_FOREACH(other, &t->inpt_lhash[in_pcblhash(t, lport)], inp_lhash) {
		int oopts = other->inp_socket->so_options;

		if (other == inp || other->inp_lport != lport)
			continue;
		if (other->inp_laddr.s_addr != INADDR_ANY &&
		    laddr.s_addr != INADDR_ANY &&
		    other->inp_laddr.s_addr != laddr.s_addr)
			continue;
		if ((opts & oopts & SO_OPT_REUSEPORT) != 0)
			continue;
		if ((opts & oopts & SO_OPT_REUSEADDR) != 0 &&
		    (inp->inp_socket->so_type == SOCK_DGRAM ||
		    other->inp_laddr.s_addr != laddr.s_addr))
			continue;
		return true;
	}
	return false;
}

/*
 * An ephemeral port by RFC 6056 section 3.3.1 (Algorithm 1, simple port
 * randomization): the first free port from a random one on, wrapping
 * around the range.  Whoever saw our last port cannot tell the next, and
 * the search looks at each port of the range at most once.
 */
static int
in_pcbpickport(struct inpcb *inp, struct in_addr laddr, in_port_t *lportp)
{
	const unsigned first = IPPORT_EPHEMERALFIRST;
	const unsigned num = IPPORT_EPHEMERALLAST - first + 1;
	unsigned next = cprng_u32() % num;

	for (unsigned count = 0; count < num; count++) {
		in_port_t port = htons((in_port_t)(first + next));

		if (!in_pcbinuse(inp, laddr, port)) {
			*lportp = port;
			return 0;
		}
		next = next + 1 < num ? next + 1 : 0;
	}
	return EADDRINUSE;
}

int
in_pcbbind(struct inpcb *inp, const struct sockaddr_in *sin)
{
	struct in_addr laddr = { INADDR_ANY };
	in_port_t lport = 0;
	int error;

	NET_ASSERT_LOCKED();
	if (inp->inp_lport != 0)
		return EINVAL;
	if (sin != NULL) {
		laddr = sin->sin_addr;
		lport = sin->sin_port;
		/* Only our own addresses (or a broadcast, for datagrams). */
		if (laddr.s_addr != INADDR_ANY && !in_islocal(laddr) &&
		    !in_isbroadcast(laddr, NULL))
			return EADDRNOTAVAIL;
	}
	if (lport == 0)
		error = in_pcbpickport(inp, laddr, &lport);
	else
		error = in_pcbinuse(inp, laddr, lport) ? EADDRINUSE : 0;
	if (error != 0)
		return error;
	inp->inp_laddr = laddr;
	inp->inp_lport = lport;
	if (laddr.s_addr != INADDR_ANY)
		inp->inp_flags |= INP_BOUNDADDR;
	in_pcbrehash(inp);
	return 0;
}

int
in_pcbconnect(struct inpcb *inp, const struct sockaddr_in *sin)
{
	struct in_addr laddr = inp->inp_laddr;
	struct in_addr faddr = in_thishost(sin->sin_addr, laddr);
	int error;

	NET_ASSERT_LOCKED();
	if (sin->sin_port == 0 && inp->inp_socket->so_type != SOCK_RAW)
		return EADDRNOTAVAIL;
	if (laddr.s_addr == INADDR_ANY &&
	    (error = in_selectsrc(faddr, &laddr)) != 0)
		return error;
	if (inp->inp_socket->so_type != SOCK_RAW &&
	    in_pcblookup_connect(inp->inp_table, faddr, sin->sin_port,
	    laddr, inp->inp_lport) != NULL && inp->inp_lport != 0)
		return EADDRINUSE;
	if (inp->inp_lport == 0 && inp->inp_socket->so_type != SOCK_RAW) {
		struct sockaddr_in any = { .sin_family = AF_INET };

		if ((error = in_pcbbind(inp, &any)) != 0)
			return error;
	}
	inp->inp_laddr = laddr;
	inp->inp_faddr = faddr;
	inp->inp_fport = sin->sin_port;
	in_pcbrehash(inp);
	return 0;
}

void
in_pcbdisconnect(struct inpcb *inp)
{
	inp->inp_faddr.s_addr = INADDR_ANY;
	inp->inp_fport = 0;
	in_pcbrehash(inp);
}

struct inpcb *
in_pcblookup_connect(struct inpcbtable *t, struct in_addr faddr,
    in_port_t fport, struct in_addr laddr, in_port_t lport)
{
	struct inpcb *inp;

	LIST_FOREACH(inp, &t->inpt_hash[in_pcbhash(t, faddr, fport, laddr,
	    lport)], inp_hash) {
		if (inp->inp_faddr.s_addr == faddr.s_addr &&
		    inp->inp_fport == fport && inp->inp_lport == lport &&
		    inp->inp_laddr.s_addr == laddr.s_addr)
			return inp;
	}
	return NULL;
}

struct inpcb *
in_pcblookup_bind(struct inpcbtable *t, struct in_addr laddr, in_port_t lport)
{
	struct inpcb *inp, *wild = NULL;

	LIST_FOREACH(inp, &t->inpt_lhash[in_pcblhash(t, lport)], inp_lhash) {
		if (inp->inp_lport != lport || inp->inp_faddr.s_addr != INADDR_ANY)
			continue;
		if (inp->inp_laddr.s_addr == laddr.s_addr)
			return inp;
		if (inp->inp_laddr.s_addr == INADDR_ANY)
			wild = inp;
	}
	return wild;
}

void
in_pcbforeach_port(struct inpcbtable *t, in_port_t lport,
    void (*fn)(struct inpcb *inp, void *arg), void *arg)
{
	struct inpcb *inp, *next;

	LIST_FOREACH_SAFE(inp, &t->inpt_lhash[in_pcblhash(t, lport)],
	    inp_lhash, next)
		if (inp->inp_lport == lport)
			fn(inp, arg);
}

void
in_pcbnotify(struct inpcbtable *t, struct in_addr faddr, in_port_t fport,
    struct in_addr laddr, in_port_t lport, int error)
{
	struct inpcb *inp = in_pcblookup_connect(t, faddr, fport, laddr, lport);

	if (inp != NULL)
		soseterror(inp->inp_socket, error);
}

static void
in_fillsin(struct sockaddr_storage *ss, socklen_t *len, struct in_addr addr,
    in_port_t port)
{
	memset(ss, 0, sizeof(*ss));
	sockaddr_in_init((struct sockaddr_in *)ss, addr, port);
	*len = sizeof(struct sockaddr_in);
}

int
in_pcb_sockaddr(struct socket *so, struct sockaddr_storage *ss,
    socklen_t *len)
{
	const struct inpcb *inp = sotoinpcb(so);

	in_fillsin(ss, len, inp->inp_laddr, inp->inp_lport);
	return 0;
}

int
in_pcb_peeraddr(struct socket *so, struct sockaddr_storage *ss,
    socklen_t *len)
{
	const struct inpcb *inp = sotoinpcb(so);

	in_fillsin(ss, len, inp->inp_faddr, inp->inp_fport);
	return 0;
}

void
in_pcb_detach(struct socket *so)
{
	in_pcbdetach(sotoinpcb(so));
}

void
in_pcb_abort(struct socket *so)
{
	soisdisconnected(so);
	in_pcbdetach(sotoinpcb(so));
}

int
in_pcb_ctloutput(int dir, struct socket *so, struct sockopt *sopt)
{
	return in_ctloutput(dir, sotoinpcb(so), sopt);
}

int
in_pcb_dgram_shutdown(struct socket *so)
{
	socantsendmore(so);
	return 0;
}

int
in_pcb_dgram_sendcheck(struct mbuf *m, const struct sockaddr *nam,
    socklen_t namelen, struct mbuf *control, int flags)
{
	int error = 0;

	if (control != NULL)
		m_freem(control);
	if (flags & MSG_OOB)
		error = EOPNOTSUPP;
	else if (nam != NULL)
		error = in_sockaddr_check(nam, namelen);
	if (error != 0)
		m_freem(m);
	return error;
}

void
in_pcb_iphdr(const struct inpcb *inp, struct ip *ip, int proto,
    struct in_addr src, struct in_addr dst)
{
	memset(ip, 0, sizeof(*ip));
	ip->ip_vhl = IP_VHL(IPVERSION, sizeof(struct ip));
	ip->ip_p = (uint8_t)proto;
	ip->ip_src = src;
	ip->ip_dst = dst;
	ip->ip_ttl = inp->inp_opts.ipo_ttl;
	ip->ip_tos = inp->inp_opts.ipo_tos;
	if (inp->inp_opts.ipo_pmtudisc == IP_PMTUDISC_DO)
		ip->ip_off = htons(IP_DF);
}

int
in_pcb_outflags(const struct inpcb *inp)
{
	int opts = inp->inp_socket->so_options, flags = 0;

	if (opts & SO_OPT_BROADCAST)
		flags |= IP_ALLOWBROADCAST;
	if (opts & SO_OPT_DONTROUTE)
		flags |= IP_ROUTETOIF;
	return flags;
}

int
in_sockaddr_check(const struct sockaddr *nam, socklen_t len)
{
	if (len < sizeof(struct sockaddr_in))
		return EINVAL;
	if (nam->sa_family != AF_INET)
		return EAFNOSUPPORT;
	return 0;
}

int
in_ctloutput(int dir, struct inpcb *inp, struct sockopt *sopt)
{
	int val, error;

	if (sopt->sopt_level != IPPROTO_IP)
		return ENOPROTOOPT;
	if (dir == SOPT_GET) {
		switch (sopt->sopt_name) {
		case IP_TTL:
			return sockopt_setint(sopt, inp->inp_opts.ipo_ttl);
		case IP_TOS:
			return sockopt_setint(sopt, inp->inp_opts.ipo_tos);
		case IP_MTU_DISCOVER:
			return sockopt_setint(sopt, inp->inp_opts.ipo_pmtudisc);
		case IP_HDRINCL:
			return sockopt_setint(sopt,
			    (inp->inp_flags & INP_HDRINCL) != 0);
		default:
			return ENOPROTOOPT;
		}
	}
	if ((error = sockopt_getint(sopt, &val)) != 0)
		return error;
	switch (sopt->sopt_name) {
	case IP_TTL:
		/* Linux: -1 restores the default. */
		if (val == -1)
			val = IP_DEFTTL;
		if (val < 1 || val > IP_MAXTTL)
			return EINVAL;
		inp->inp_opts.ipo_ttl = (uint8_t)val;
		return 0;
	case IP_TOS:
		inp->inp_opts.ipo_tos = (uint8_t)val;
		return 0;
	case IP_MTU_DISCOVER:
		if (val < IP_PMTUDISC_DONT || val > IP_PMTUDISC_DO)
			return EINVAL;
		inp->inp_opts.ipo_pmtudisc = val;
		return 0;
	case IP_HDRINCL:
		if (inp->inp_socket->so_type != SOCK_RAW)
			return ENOPROTOOPT;
		if (val)
			inp->inp_flags |= INP_HDRINCL;
		else
			inp->inp_flags &= ~INP_HDRINCL;
		return 0;
	default:
		return ENOPROTOOPT;
	}
}
