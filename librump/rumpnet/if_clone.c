/*
 * Interface cloning: drivers register a name prefix ("virt"), and
 * interfaces named prefix + unit ("virt0") are created and destroyed
 * through them by name.
 */
#include "rumpnet/if.h"
#include "rumpnet/netlock.h"

static LIST_HEAD(, if_clone) if_clones = LIST_HEAD_INITIALIZER(if_clones);

void
if_clone_attach(struct if_clone *ifc)
{
	NET_LOCK();
	LIST_INSERT_HEAD(&if_clones, ifc, ifc_list);
	NET_UNLOCK();
}

void
if_clone_detach(struct if_clone *ifc)
{
	NET_LOCK();
	LIST_REMOVE(ifc, ifc_list);
	NET_UNLOCK();
}

/* Splits "virt12" into its clone and unit 12; ENXIO or EINVAL. */
static int
if_clone_lookup(const char *name, struct if_clone **ifcp, int *unitp)
{
	struct if_clone *ifc;
	size_t plen = 0;
	uint64_t unit;

	while (name[plen] != '\0' && !(name[plen] >= '0' && name[plen] <= '9'))
		plen++;
	if (plen == 0 || strlen(name) >= IFNAMSIZ)
		return EINVAL;
	if (kstrtou64(name + plen, 10, &unit) != 0 || unit > 9999)
		return EINVAL;
	LIST_FOREACH(ifc, &if_clones, ifc_list) {
		if (strlen(ifc->ifc_name) == plen &&
		    strncmp(ifc->ifc_name, name, plen) == 0) {
			*ifcp = ifc;
			*unitp = (int)unit;
			return 0;
		}
	}
	return ENXIO;
}

int
if_clone_create(const char *name, const char *params)
{
	struct if_clone *ifc;
	struct ifnet *ifp;
	int unit, error;

	NET_LOCK();
	error = if_clone_lookup(name, &ifc, &unit);
	if (error == 0 && (ifp = if_find_byname(name)) != NULL) {
		if_rele(ifp);
		error = EEXIST;
	}
	NET_UNLOCK();
	if (error != 0)
		return error;
	/* The driver attaches the interface, which takes softnet_lock. */
	return ifc->ifc_create(ifc, unit, params);
}

int
if_clone_destroy(const char *name)
{
	struct if_clone *ifc;
	struct ifnet *ifp;
	int unit, error;

	NET_LOCK();
	error = if_clone_lookup(name, &ifc, &unit);
	ifp = error == 0 ? if_find_byname(name) : NULL;
	/* The first of two concurrent destroys wins; the second finds none. */
	if (error == 0 && (ifp == NULL || ifp->if_detaching))
		error = ENXIO;
	if (error == 0)
		ifp->if_detaching = true;
	if (ifp != NULL)
		if_rele(ifp);
	NET_UNLOCK();
	if (error != 0)
		return error;
	return ifc->ifc_destroy(ifp);
}
