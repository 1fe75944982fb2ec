/*
 * Fault injection on an interface: drops, duplicates, reorders and
 * corrupts frames at given rates, from a seeded generator so that a run
 * can be repeated.  Applied by the interface layer to frames in the chosen
 * directions; the network has no other way to be made lossy here.
 *
 * Rates are in parts per million.  A reordered frame is held back and sent
 * after the next one (or after reorder_ms, whichever comes first).
 */
#ifndef RUMPNET_IF_FAULT_H
#define RUMPNET_IF_FAULT_H

#include "rumpnet/if.h"

#define IF_FAULT_IN	0x1
#define IF_FAULT_OUT	0x2

struct if_fault_params {
	uint32_t drop_ppm;
	uint32_t dup_ppm;
	uint32_t reorder_ppm;
	uint32_t corrupt_ppm;
	uint64_t seed;
	int dirs;		/* IF_FAULT_IN | IF_FAULT_OUT */
};

struct if_fault_stats {
	uint64_t dropped, duplicated, reordered, corrupted;
};

/*
 * Parses "drop=0.01,dup=0.001,reorder=0.02,corrupt=0.001,seed=42,dir=both"
 * (rates as fractions 0..1 or percentages with '%').  EINVAL on bad text.
 */
int if_fault_parse(const char *spec, struct if_fault_params *p);
int if_fault_set(struct ifnet *ifp, const struct if_fault_params *p);
void if_fault_clear(struct ifnet *ifp);
int if_fault_stats(struct ifnet *ifp, struct if_fault_stats *st);

/*
 * Applies faults to m travelling in dir; returns the list (m_nextpkt) of
 * frames to pass on now: none, m, m twice, or a held frame with m.
 */
struct mbuf *if_fault_apply(struct ifnet *ifp, struct mbuf *m, int dir);

#endif
