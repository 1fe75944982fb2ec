/* Internet protocol control blocks and their lookup tables. */
#include "rumpkern/config.h"
#include "rumpkern/kmem.h"
#include "netinet/in_pcb.h"
#include "netinet/in_var.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"

KMEM_DEFINE(M_PCB, "inpcb");

/* The hash of an address pair and port pair, in network byte order. */
static unsigned
in_pcbhashkey(const struct inpcbtable *t, struct in_addr faddr,
    in_port_t fport, struct in_addr laddr, in_port_t lport)
{
	uint8_t key[12];

	memcpy(key, &faddr, 4);
	memcpy(key + 4, &laddr, 4);
	memcpy(key + 8, &fport, 2);
	memcpy(key + 10, &lport, 2);
	return (unsigned)siphash24(&t->inpt_key, key, sizeof(key)) &
	    t->inpt_hashmask;
}

static struct inpcbhead *
in_pcbhash(const struct inpcbtable *t, struct in_addr faddr, in_port_t fport,
    struct in_addr laddr, in_port_t lport)
{
	return &t->inpt_hash[in_pcbhashkey(t, faddr, fport, laddr, lport)];
}

/* The two others use the same hash with the foreign half left out. */
static struct inpcbhead *
in_pcbbhash(const struct inpcbtable *t, struct in_addr laddr, in_port_t lport)
{
	struct in_addr any = { INADDR_ANY };

	return &t->inpt_bhash[in_pcbhashkey(t, any, 0, laddr, lport)];
}

static struct inpcbhead *
in_pcbphash(const struct inpcbtable *t, in_port_t lport)
{
	struct in_addr any = { INADDR_ANY };

	return &t->inpt_phash[in_pcbhashkey(t, any, 0, any, lport)];
}

static struct inpcbhead *
in_pcbhash_alloc(unsigned nbuckets, int flags)
{
	struct inpcbhead *h = kmem_alloc(&M_PCB, nbuckets * sizeof(*h), flags);

	if (h != NULL)
		for (unsigned i = 0; i < nbuckets; i++)
			LIST_INIT(&h[i]);
	return h;
}

static void
in_pcbhash_free(struct inpcbhead *h, unsigned nbuckets)
{
	kmem_free(&M_PCB, h, nbuckets * sizeof(*h));
}

void
in_pcbtable_init(struct inpcbtable *t, const char *name, unsigned hashsize)
{
	KASSERT(hashsize > 0 && (hashsize & (hashsize - 1)) == 0);
	memset(t, 0, sizeof(*t));
	t->inpt_name = name;
	TAILQ_INIT(&t->inpt_queue);
	siphash_key_init(&t->inpt_key);
	t->inpt_hash = in_pcbhash_alloc(hashsize, KM_SLEEP);
	t->inpt_bhash = in_pcbhash_alloc(hashsize, KM_SLEEP);
	t->inpt_phash = in_pcbhash_alloc(hashsize, KM_SLEEP);
	t->inpt_hashmask = hashsize - 1;
	t->inpt_hashmin = hashsize;
}

void
in_pcbtable_fini(struct inpcbtable *t)
{
	unsigned n = t->inpt_hashmask + 1;

	KASSERTMSG(TAILQ_EMPTY(&t->inpt_queue), "%s: PCBs left", t->inpt_name);
	in_pcbhash_free(t->inpt_hash, n);
	in_pcbhash_free(t->inpt_bhash, n);
	in_pcbhash_free(t->inpt_phash, n);
}

/* Takes inp out of every hash table it is in. */
static void
in_pcbunhash(struct inpcb *inp)
{
	if (inp->inp_hashed)
		LIST_REMOVE(inp, inp_hash);
	if (inp->inp_bhashed)
		LIST_REMOVE(inp, inp_bhash);
	if (inp->inp_phashed)
		LIST_REMOVE(inp, inp_phash);
	inp->inp_hashed = inp->inp_bhashed = inp->inp_phashed = false;
}

/*
 * Puts inp in the hash tables that match its state.  Each bucket is
 * hashed once into a local: LIST_INSERT_HEAD names its head four times.
 */
static void
in_pcbhashin(struct inpcb *inp)
{
	struct inpcbtable *t = inp->inp_table;
	struct inpcbhead *h;

	if (inp->inp_lport == 0)
		return;
	h = in_pcbphash(t, inp->inp_lport);
	LIST_INSERT_HEAD(h, inp, inp_phash);
	inp->inp_phashed = true;
	if (inp->inp_faddr.s_addr != INADDR_ANY) {
		h = in_pcbhash(t, inp->inp_faddr, inp->inp_fport,
		    inp->inp_laddr, inp->inp_lport);
		LIST_INSERT_HEAD(h, inp, inp_hash);
		inp->inp_hashed = true;
	} else {
		h = in_pcbbhash(t, inp->inp_laddr, inp->inp_lport);
		LIST_INSERT_HEAD(h, inp, inp_bhash);
		inp->inp_bhashed = true;
	}
}

/*
 * Rehashes every PCB into tables of nn buckets.  Without memory the tables
 * stay as they are: slower, still right.
 */
static void
in_pcbtable_resize(struct inpcbtable *t, unsigned nn)
{
	unsigned n = t->inpt_hashmask + 1;
	struct inpcbhead *h, *bh, *ph;
	struct inpcb *inp;

	h = in_pcbhash_alloc(nn, KM_NOSLEEP);
	bh = in_pcbhash_alloc(nn, KM_NOSLEEP);
	ph = in_pcbhash_alloc(nn, KM_NOSLEEP);
	if (h == NULL || bh == NULL || ph == NULL) {
		if (h != NULL)
			in_pcbhash_free(h, nn);
		if (bh != NULL)
			in_pcbhash_free(bh, nn);
		if (ph != NULL)
			in_pcbhash_free(ph, nn);
		return;
	}
	TAILQ_FOREACH(inp, &t->inpt_queue, inp_queue)
		in_pcbunhash(inp);
	in_pcbhash_free(t->inpt_hash, n);
	in_pcbhash_free(t->inpt_bhash, n);
	in_pcbhash_free(t->inpt_phash, n);
	t->inpt_hash = h;
	t->inpt_bhash = bh;
	t->inpt_phash = ph;
	t->inpt_hashmask = nn - 1;
	TAILQ_FOREACH(inp, &t->inpt_queue, inp_queue)
		in_pcbhashin(inp);
}

/*
 * The tables double once the PCBs outnumber twice the buckets, so chains
 * stay short however many sockets there are, and halve (down to the size
 * they started with) once the PCBs are fewer than half the buckets: the
 * gap between the two keeps a table from resizing back and forth.
 */
static void
in_pcbtable_fit(struct inpcbtable *t)
{
	unsigned n = t->inpt_hashmask + 1;

	if (t->inpt_count > 2 * n && 2 * n <= INP_HASHMAX)
		in_pcbtable_resize(t, 2 * n);
	else if (t->inpt_count < n / 2 && n / 2 >= t->inpt_hashmin)
		in_pcbtable_resize(t, n / 2);
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
	inp->inp_opts.ipo_route = &inp->inp_route;
	TAILQ_INSERT_TAIL(&t->inpt_queue, inp, inp_queue);
	t->inpt_count++;
	so->so_pcb = inp;
	in_pcbtable_fit(t);
	return 0;
}

static void
in_pcbrehash(struct inpcb *inp)
{
	in_pcbunhash(inp);
	in_pcbhashin(inp);
}

void
in_pcbdetach(struct inpcb *inp)
{
	struct socket *so = inp->inp_socket;
	struct inpcbtable *t = inp->inp_table;

	NET_ASSERT_LOCKED();
	in_pcbunhash(inp);
	TAILQ_REMOVE(&t->inpt_queue, inp, inp_queue);
	t->inpt_count--;
	in_pcbtable_fit(t);
	kmem_free(&M_PCB, inp, sizeof(*inp));
	so->so_pcb = NULL;
	sofree(so);
}

/*
 * Whether lport on laddr is taken for inp.  Two sockets may share a port
 * when both set SO_REUSEPORT, or when both set SO_REUSEADDR and their
 * addresses differ, one of them is a datagram socket, or the other does
 * not listen (a stream connection, TIME_WAIT included: Linux's rule).
 */
static bool
in_pcbinuse(struct inpcb *inp, struct in_addr laddr, in_port_t lport)
{
	struct inpcbtable *t = inp->inp_table;
	int opts = inp->inp_socket->so_options;
	struct inpcb *other;

	LIST_FOREACH(other, in_pcbphash(t, lport), inp_phash) {
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
		    other->inp_laddr.s_addr != laddr.s_addr ||
		    !(oopts & SO_OPT_ACCEPTCONN)))
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
	    (error = in_selectsrc_rc(faddr, &inp->inp_route, &laddr)) != 0)
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

	LIST_FOREACH(inp, in_pcbhash(t, faddr, fport, laddr, lport), inp_hash) {
		if (inp->inp_faddr.s_addr == faddr.s_addr &&
		    inp->inp_fport == fport && inp->inp_lport == lport &&
		    inp->inp_laddr.s_addr == laddr.s_addr)
			return inp;
	}
	return NULL;
}

static struct inpcb *
in_pcblookup_bound(struct inpcbtable *t, struct in_addr laddr,
    in_port_t lport)
{
	struct inpcb *inp;

	LIST_FOREACH(inp, in_pcbbhash(t, laddr, lport), inp_bhash) {
		if (inp->inp_lport == lport &&
		    inp->inp_laddr.s_addr == laddr.s_addr)
			return inp;
	}
	return NULL;
}

struct inpcb *
in_pcblookup_bind(struct inpcbtable *t, struct in_addr laddr, in_port_t lport)
{
	struct in_addr any = { INADDR_ANY };
	struct inpcb *inp = in_pcblookup_bound(t, laddr, lport);

	if (inp == NULL && laddr.s_addr != INADDR_ANY)
		inp = in_pcblookup_bound(t, any, lport);
	return inp;
}

struct inpcb *
in_pcblookup(struct inpcbtable *t, struct in_addr faddr, in_port_t fport,
    struct in_addr laddr, in_port_t lport)
{
	struct inpcb *inp = in_pcblookup_connect(t, faddr, fport, laddr, lport);

	return inp != NULL ? inp : in_pcblookup_bind(t, laddr, lport);
}

void
in_pcbforeach_port(struct inpcbtable *t, in_port_t lport,
    void (*fn)(struct inpcb *inp, void *arg), void *arg)
{
	struct inpcb *inp, *next;

	LIST_FOREACH_SAFE(inp, in_pcbphash(t, lport), inp_phash, next)
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

/*
 * A TCP socket whose connection ended has no PCB until it is used again
 * (so_renew): it is bound to nothing.
 */
int
in_pcb_sockaddr(struct socket *so, struct sockaddr_storage *ss,
    socklen_t *len)
{
	const struct inpcb *inp = sotoinpcb(so);

	if (inp == NULL) {
		in_fillsin(ss, len, (struct in_addr){ INADDR_ANY }, 0);
		return 0;
	}
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
