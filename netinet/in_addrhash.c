/*
 * Our IPv4 addresses hashed, for the questions every packet asks: is this
 * address ours (in_islocal, in_ifaddr_byaddr), is it a broadcast address
 * of one of our subnets (in_isbroadcast).  The hash is SipHash under a
 * random key, so a sender cannot pick destinations that share a bucket.
 *
 * Linux counts all of a loopback subnet as ours (127.0.0.0/8 on lo);
 * that question is answered from the short list of loopback addresses
 * (one, in practice), not from the hash.
 */
#include "rumpkern/config.h"
#include "rumpkern/kmem.h"
#include "rumpkern/siphash.h"
#include "rumpnet/netlock.h"
#include "netinet/in_var.h"

static KMEM_DEFINE(M_INHASH, "in_addrhash");

LIST_HEAD(in_ifaddrhead, in_ifaddr);

static struct {
	struct siphash_key key;
	struct in_ifaddrhead *byaddr, *bybroad;
	struct in_ifaddrhead loop;
} inh;

CTASSERT((IN_ADDRHASH_SIZE & (IN_ADDRHASH_SIZE - 1)) == 0);

static struct in_ifaddrhead *
in_addrhash_bucket(struct in_ifaddrhead *table, struct in_addr addr)
{
	return &table[siphash24(&inh.key, &addr, sizeof(addr)) &
	    (IN_ADDRHASH_SIZE - 1)];
}

void
in_addrhash_init(void)
{
	size_t size = IN_ADDRHASH_SIZE * sizeof(struct in_ifaddrhead);

	siphash_key_init(&inh.key);
	inh.byaddr = kmem_alloc(&M_INHASH, size, KM_SLEEP);
	inh.bybroad = kmem_alloc(&M_INHASH, size, KM_SLEEP);
	for (unsigned i = 0; i < IN_ADDRHASH_SIZE; i++) {
		LIST_INIT(&inh.byaddr[i]);
		LIST_INIT(&inh.bybroad[i]);
	}
	LIST_INIT(&inh.loop);
}

void
in_addrhash_fini(void)
{
	size_t size = IN_ADDRHASH_SIZE * sizeof(struct in_ifaddrhead);

	kmem_free(&M_INHASH, inh.byaddr, size);
	kmem_free(&M_INHASH, inh.bybroad, size);
}

void
in_addrhash_insert(struct in_ifaddr *ia)
{
	NET_ASSERT_LOCKED();
	LIST_INSERT_HEAD(in_addrhash_bucket(inh.byaddr, ia->ia_addr), ia,
	    ia_hash);
	/* /31 and /32 subnets have no broadcast address (RFC 3021). */
	ia->ia_hasbroad = ia->ia_plen < 31;
	if (ia->ia_hasbroad)
		LIST_INSERT_HEAD(in_addrhash_bucket(inh.bybroad,
		    ia->ia_broadaddr), ia, ia_bhash);
	ia->ia_isloop = (ia->ia_ifa.ifa_ifp->if_flags & IFF_LOOPBACK) != 0;
	if (ia->ia_isloop)
		LIST_INSERT_HEAD(&inh.loop, ia, ia_loop);
}

void
in_addrhash_remove(struct in_ifaddr *ia)
{
	NET_ASSERT_LOCKED();
	LIST_REMOVE(ia, ia_hash);
	if (ia->ia_hasbroad)
		LIST_REMOVE(ia, ia_bhash);
	if (ia->ia_isloop)
		LIST_REMOVE(ia, ia_loop);
}

struct in_ifaddr *
in_ifaddr_byaddr(struct in_addr addr)
{
	struct in_ifaddr *ia;

	LIST_FOREACH(ia, in_addrhash_bucket(inh.byaddr, addr), ia_hash)
		if (ia->ia_addr.s_addr == addr.s_addr)
			return ia;
	return NULL;
}

bool
in_islocal(struct in_addr addr)
{
	struct in_ifaddr *ia;

	if (in_ifaddr_byaddr(addr) != NULL)
		return true;
	LIST_FOREACH(ia, &inh.loop, ia_loop)
		if ((addr.s_addr & ia->ia_netmask.s_addr) ==
		    (ia->ia_addr.s_addr & ia->ia_netmask.s_addr))
			return true;
	return false;
}

bool
in_isbroadcast(struct in_addr addr, struct ifnet *ifp)
{
	struct in_ifaddr *ia;

	if (addr.s_addr == INADDR_BROADCAST || addr.s_addr == INADDR_ANY)
		return true;
	LIST_FOREACH(ia, in_addrhash_bucket(inh.bybroad, addr), ia_bhash)
		if (ia->ia_broadaddr.s_addr == addr.s_addr &&
		    (ifp == NULL || ia->ia_ifa.ifa_ifp == ifp))
			return true;
	return false;
}
