/* The registry of protocol families and the lookup of their protocols. */
#include "rumpnet/domain.h"
#include "rumpnet/netlock.h"
#include "rumpnet_private.h"

static LIST_HEAD(, domain) domains = LIST_HEAD_INITIALIZER(domains);

int
domain_attach(struct domain *dp)
{
	if (pffinddomain(dp->dom_family) != NULL)
		return EEXIST;
	LIST_INSERT_HEAD(&domains, dp, dom_list);
	if (dp->dom_init != NULL)
		dp->dom_init();
	for (int i = 0; i < dp->dom_nprotosw; i++)
		if (dp->dom_protosw[i].pr_init != NULL)
			dp->dom_protosw[i].pr_init();
	return 0;
}

void
domain_detach(struct domain *dp)
{
	for (int i = dp->dom_nprotosw - 1; i >= 0; i--)
		if (dp->dom_protosw[i].pr_fini != NULL)
			dp->dom_protosw[i].pr_fini();
	LIST_REMOVE(dp, dom_list);
}

struct domain *
pffinddomain(int family)
{
	struct domain *dp;

	LIST_FOREACH(dp, &domains, dom_list)
		if (dp->dom_family == family)
			return dp;
	return NULL;
}

/* The first protocol of the type: protocol 0 of a socket call. */
static const struct protosw *
pffindtype(const struct domain *dp, int type)
{
	for (int i = 0; i < dp->dom_nprotosw; i++) {
		const struct protosw *pr = &dp->dom_protosw[i];

		if (pr->pr_type == type && pr->pr_usrreqs != NULL)
			return pr;
	}
	return NULL;
}

/*
 * The protocol of socket(family, type, protocol).  A raw socket of any
 * protocol number falls back to the family's wildcard raw entry (protocol
 * 0), which then delivers packets of that protocol number.
 */
const struct protosw *
pffindproto(const struct domain *dp, int protocol, int type)
{
	const struct protosw *wildcard = NULL;

	if (protocol == 0)
		return pffindtype(dp, type);
	for (int i = 0; i < dp->dom_nprotosw; i++) {
		const struct protosw *pr = &dp->dom_protosw[i];

		if (pr->pr_usrreqs == NULL || pr->pr_type != type)
			continue;
		if (pr->pr_protocol == protocol)
			return pr;
		if (type == SOCK_RAW && pr->pr_protocol == 0)
			wildcard = pr;
	}
	return wildcard;
}
