/*
 * Fault injection on an interface: drop, duplicate, reorder and corrupt
 * frames at rates given in parts per million, drawn from a seeded
 * generator (splitmix64) so that a failing run can be repeated exactly.
 */
#include "rumpkern/callout.h"
#include "rumpkern/kmem.h"
#include "rumpkern/ktime.h"
#include "rumpnet/if_fault.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"

KMEM_DEFINE(M_IFFAULT, "iffault");

#define PPM		1000000u
#define REORDER_MS	10	/* a held frame goes out after this at the latest */

struct if_fault_dir {
	struct if_fault *fd_fault;
	int fd_dir;
	struct mbuf *fd_held;
	callout_t fd_flush;
};

struct if_fault {
	struct if_fault_params f_params;
	uint64_t f_state;
	struct if_fault_stats f_stats;
	struct ifnet *f_ifp;
	struct if_fault_dir f_dirs[2];	/* in, out */
	struct kstat_group f_kstat;
};

static const struct kstat_desc if_fault_kstat_desc[] = {
	KSTAT_DESC(struct if_fault_stats, dropped, "dropped"),
	KSTAT_DESC(struct if_fault_stats, duplicated, "duplicated"),
	KSTAT_DESC(struct if_fault_stats, reordered, "reordered"),
	KSTAT_DESC(struct if_fault_stats, corrupted, "corrupted"),
};

static uint64_t
fault_next(struct if_fault *f)
{
	uint64_t z = (f->f_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static bool
fault_roll(struct if_fault *f, uint32_t ppm)
{
	return ppm != 0 && fault_next(f) % PPM < ppm;
}

/* Parses a rate: "0.01" (a fraction) or "1%" into parts per million. */
static int
fault_parse_rate(const char *s, size_t len, uint32_t *ppm)
{
	uint64_t whole = 0, frac = 0, scale = PPM;
	bool percent = len > 0 && s[len - 1] == '%';
	size_t i = 0;

	if (percent) {
		len--;
		scale = PPM / 100;
	}
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		whole = whole * 10 + (uint64_t)(s[i] - '0');
	if (i == 0 && (i >= len || s[i] != '.'))
		return EINVAL;
	if (i < len && s[i] == '.') {
		uint64_t div = 1;

		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			if (div < PPM) {
				frac = frac * 10 + (uint64_t)(s[i] - '0');
				div *= 10;
			}
		}
		frac = frac * scale / div;
	}
	if (i != len || whole > (percent ? 100 : 1))
		return EINVAL;
	*ppm = (uint32_t)(whole * scale + frac);
	return *ppm <= PPM ? 0 : EINVAL;
}

static int
fault_parse_item(const char *key, size_t klen, const char *val, size_t vlen,
    struct if_fault_params *p)
{
	char buf[32];
	uint64_t seed;

#define KEY(k)	(klen == sizeof(k) - 1 && strncmp(key, k, klen) == 0)
	if (KEY("drop"))
		return fault_parse_rate(val, vlen, &p->drop_ppm);
	if (KEY("dup"))
		return fault_parse_rate(val, vlen, &p->dup_ppm);
	if (KEY("reorder"))
		return fault_parse_rate(val, vlen, &p->reorder_ppm);
	if (KEY("corrupt"))
		return fault_parse_rate(val, vlen, &p->corrupt_ppm);
	if (KEY("seed")) {
		if (vlen == 0 || vlen >= sizeof(buf))
			return EINVAL;
		memcpy(buf, val, vlen);
		buf[vlen] = '\0';
		if (kstrtou64(buf, 0, &seed) != 0)
			return EINVAL;
		p->seed = seed;
		return 0;
	}
	if (KEY("dir")) {
		if (vlen == 2 && strncmp(val, "in", 2) == 0)
			p->dirs = IF_FAULT_IN;
		else if (vlen == 3 && strncmp(val, "out", 3) == 0)
			p->dirs = IF_FAULT_OUT;
		else if (vlen == 4 && strncmp(val, "both", 4) == 0)
			p->dirs = IF_FAULT_IN | IF_FAULT_OUT;
		else
			return EINVAL;
		return 0;
	}
#undef KEY
	return EINVAL;
}

int
if_fault_parse(const char *spec, struct if_fault_params *p)
{
	const char *s = spec;

	memset(p, 0, sizeof(*p));
	p->seed = 1;
	p->dirs = IF_FAULT_IN | IF_FAULT_OUT;
	while (*s != '\0') {
		const char *comma = s, *eq;
		int error;

		while (*comma != '\0' && *comma != ',')
			comma++;
		for (eq = s; eq < comma && *eq != '='; eq++)
			continue;
		if (eq == comma)
			return EINVAL;
		error = fault_parse_item(s, (size_t)(eq - s), eq + 1,
		    (size_t)(comma - eq - 1), p);
		if (error != 0)
			return error;
		s = *comma == ',' ? comma + 1 : comma;
	}
	return 0;
}

static void
fault_flush(void *arg)
{
	struct if_fault_dir *fd = arg;
	struct mbuf *m;

	NET_LOCK();
	m = fd->fd_held;
	fd->fd_held = NULL;
	if (m != NULL)
		if_fault_release(fd->fd_fault->f_ifp, m, fd->fd_dir);
	NET_UNLOCK();
}

/*
 * Frees a fault injector nobody can reach any more.  Halting its callouts
 * may release softnet_lock for a while; by then ifp points elsewhere, so
 * whatever happens meanwhile cannot find this one.
 */
static void
fault_destroy(struct if_fault *f)
{
	NET_ASSERT_LOCKED();
	for (int i = 0; i < 2; i++) {
		callout_halt(&f->f_dirs[i].fd_flush, &softnet_lock);
		callout_destroy(&f->f_dirs[i].fd_flush);
		if (f->f_dirs[i].fd_held != NULL)
			m_freem(f->f_dirs[i].fd_held);
	}
	kmem_free(&M_IFFAULT, f, sizeof(*f));
}

/* Takes ifp's injector out and puts f (or none) in its place, at once. */
static void
fault_swap(struct ifnet *ifp, struct if_fault *f)
{
	struct if_fault *old = ifp->if_fault;

	if (old != NULL)
		kstat_unregister(&old->f_kstat);
	ifp->if_fault = f;
	if (f != NULL) {
		char prefix[sizeof(ifp->if_xname) + 8];

		ksnprintf(prefix, sizeof(prefix), "%s.fault", ifp->if_xname);
		kstat_register(&f->f_kstat, prefix, if_fault_kstat_desc,
		    __arraycount(if_fault_kstat_desc), &f->f_stats);
	}
	if (old != NULL)
		fault_destroy(old);
}

int
if_fault_set(struct ifnet *ifp, const struct if_fault_params *p)
{
	struct if_fault *f;

	NET_ASSERT_LOCKED();
	if (ifp->if_detaching)
		return ENXIO;
	f = kmem_zalloc(&M_IFFAULT, sizeof(*f), KM_SLEEP);
	f->f_params = *p;
	f->f_state = p->seed;
	f->f_ifp = ifp;
	for (int i = 0; i < 2; i++) {
		f->f_dirs[i].fd_fault = f;
		f->f_dirs[i].fd_dir = i == 0 ? IF_FAULT_IN : IF_FAULT_OUT;
		callout_init(&f->f_dirs[i].fd_flush, 0);
		callout_setfunc(&f->f_dirs[i].fd_flush, fault_flush, &f->f_dirs[i]);
	}
	fault_swap(ifp, f);
	return 0;
}

void
if_fault_clear(struct ifnet *ifp)
{
	NET_ASSERT_LOCKED();
	fault_swap(ifp, NULL);
}

int
if_fault_stats(struct ifnet *ifp, struct if_fault_stats *st)
{
	NET_ASSERT_LOCKED();
	if (ifp->if_fault == NULL)
		return ENOENT;
	*st = ifp->if_fault->f_stats;
	return 0;
}

/* Flips one random bit of a private copy of m (the original may be shared). */
static struct mbuf *
fault_corrupt(struct if_fault *f, struct mbuf *m)
{
	struct mbuf *c = m_dup(m, 0, M_COPYALL, M_DONTWAIT);
	int off;
	uint8_t byte;

	m_freem(m);
	if (c == NULL || c->m_pkthdr.len == 0)
		return c;
	off = (int)(fault_next(f) % (uint64_t)c->m_pkthdr.len);
	m_copydata(c, off, 1, &byte);
	byte ^= (uint8_t)(1u << (fault_next(f) % 8));
	m_copyback(c, off, 1, &byte);
	/* What a device verified of the frame before the flip holds no more. */
	c->m_pkthdr.csum_flags &= ~(M_CSUM_IPv4_OK | M_CSUM_DATA_OK);
	return c;
}

struct mbuf *
if_fault_apply(struct ifnet *ifp, struct mbuf *m, int dir)
{
	struct if_fault *f = ifp->if_fault;
	struct if_fault_dir *fd = &f->f_dirs[dir == IF_FAULT_IN ? 0 : 1];
	const struct if_fault_params *p = &f->f_params;
	struct mbuf *dup;

	if (!(p->dirs & dir))
		return m;
	if (fault_roll(f, p->drop_ppm)) {
		f->f_stats.dropped++;
		if_drop(ifp, m, IFDROP_FAULT);
		return NULL;
	}
	if (fault_roll(f, p->corrupt_ppm)) {
		f->f_stats.corrupted++;
		if ((m = fault_corrupt(f, m)) == NULL)
			return NULL;
	}
	if (fd->fd_held == NULL && fault_roll(f, p->reorder_ppm)) {
		f->f_stats.reordered++;
		fd->fd_held = m;
		callout_schedule(&fd->fd_flush, mstohz(REORDER_MS));
		return NULL;
	}
	if (fault_roll(f, p->dup_ppm) &&
	    (dup = m_copym(m, 0, M_COPYALL, M_DONTWAIT)) != NULL) {
		f->f_stats.duplicated++;
		m->m_nextpkt = dup;
	}
	if (fd->fd_held != NULL) {
		/* The held frame goes out after this one: they swap places. */
		struct mbuf *last = m->m_nextpkt != NULL ? m->m_nextpkt : m;

		callout_stop(&fd->fd_flush);
		last->m_nextpkt = fd->fd_held;
		fd->fd_held = NULL;
	}
	return m;
}
