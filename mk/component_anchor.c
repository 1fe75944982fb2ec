/*
 * A component library's anchor: a regular object that names the library's
 * component descriptor, so a program linked with -l<component> keeps the
 * library even under --as-needed.  Nothing in a program calls a component
 * by name (it registers itself from a constructor); a linker drops a
 * shared library no regular object refers to, and a kernel without, say,
 * its AF_INET stack would boot.  lib<component>.so is a linker script
 * naming this object before the library itself (GNU ld decides on a
 * library when it reads it, so the reference must come first).
 *
 * Compiled once per component library with RUMP_ANCHOR set to its
 * descriptor (the Makefile's anchor_<library>), renamed like the kernel
 * (rumpns_), and installed beside the library.  See "Shared libraries and
 * their anchors" in docs/ARCHITECTURE.md.
 */
#include "rumpkern/component.h"

extern struct rump_component RUMP_ANCHOR;

/* used: kept by the compiler; retain: kept by --gc-sections. */
static struct rump_component *const component_anchor
    __attribute__((__used__, __retain__)) = &RUMP_ANCHOR;
