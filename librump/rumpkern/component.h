/*
 * Components register themselves before main() runs; rump_init() then
 * initialises them in order of level, and rump_fini() finalises them in
 * reverse.  The core never names a component.
 */
#ifndef RUMPKERN_COMPONENT_H
#define RUMPKERN_COMPONENT_H

#include "rumpkern/kern.h"

enum rump_component_level {
	RUMP_COMPONENT_KERN,		/* kernel services */
	RUMP_COMPONENT_NET,		/* sockets layer, domains */
	RUMP_COMPONENT_NET_ROUTE,	/* routing, link layers */
	RUMP_COMPONENT_NET_PROTO,	/* protocol families */
	RUMP_COMPONENT_NET_IF,		/* interfaces */
	RUMP_COMPONENT_VFS,
	RUMP_COMPONENT_FS,
	RUMP_COMPONENT_MAX
};

struct rump_component {
	const char *rc_name;
	enum rump_component_level rc_level;
	int (*rc_init)(void);
	void (*rc_fini)(void);
	struct rump_component *rc_next;
};

void component_register(struct rump_component *rc);

/*
 * The descriptor is global: a component library's anchor object names it
 * so that a program's link keeps the library (see "Shared libraries and
 * their anchors" in docs/ARCHITECTURE.md).
 */
#define RUMP_COMPONENT(var, name, level, init, fini)			\
	struct rump_component var = {					\
		.rc_name = name, .rc_level = level,			\
		.rc_init = init, .rc_fini = fini,			\
	};								\
	static void __attribute__((__constructor__))			\
	var##_register(void) { component_register(&var); }

#endif
