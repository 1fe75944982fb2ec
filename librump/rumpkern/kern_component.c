/* The registry of components, filled by their constructors before main(). */
#include "rumpkern/component.h"
#include "kern_private.h"

static struct rump_component *components;
static struct rump_component *initialised[64];
static unsigned ninitialised;

void
component_register(struct rump_component *rc)
{
	rc->rc_next = components;
	components = rc;
}

/* Initialises every component, level by level; stops at the first error. */
int
component_init_all(void)
{
	for (int level = 0; level < RUMP_COMPONENT_MAX; level++) {
		for (struct rump_component *rc = components; rc != NULL;
		    rc = rc->rc_next) {
			int error;

			if ((int)rc->rc_level != level)
				continue;
			KASSERT(ninitialised < __arraycount(initialised));
			error = rc->rc_init != NULL ? rc->rc_init() : 0;
			if (error != 0) {
				kprintf("rump: component %s failed to "
				    "initialise: error %d\n", rc->rc_name, error);
				return error;
			}
			initialised[ninitialised++] = rc;
		}
	}
	return 0;
}

/* Finalises the initialised components in reverse order. */
void
component_fini_all(void)
{
	while (ninitialised > 0) {
		struct rump_component *rc = initialised[--ninitialised];

		if (rc->rc_fini != NULL)
			rc->rc_fini();
	}
}
