# The one build of the rump kernel.  `make` builds every library into $(O);
# `make test` runs the tests, `make bench` the benchmarks, `make install
# PREFIX=dir` installs headers, libraries and pkg-config files.
#
#   make CC=clang            build with clang
#   make test SANITIZE=1     the same tests under AddressSanitizer and UBSan
#                            (built into build-san so both builds coexist)
#   make fuzz                the packet-input fuzzer (mk/tests.mk), built
#                            with FUZZ=1 into build-fuzz
#   make coverage            the tests with gcov (COVERAGE=1, in build-cov),
#                            then line coverage per kernel file (mk/tests.mk)
#
SANITIZE ?= 0
FUZZ ?= 0
COVERAGE ?= 0
ifeq ($(FUZZ),1)
# Kernel code instrumented for libFuzzer's coverage, under ASan and UBSan;
# only static libraries are built this way (see make fuzz).
O ?= build-fuzz
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
else ifeq ($(COVERAGE),1)
# gcov: every object counts its lines; unoptimised so lines stay lines.
O ?= build-cov
OPT ?= -O0 -g
SANFLAGS := --coverage
# Each shared library links gcov's runtime in; it must not export it.
SHLIB_LDFLAGS := -Wl,--exclude-libs,ALL
else ifeq ($(SANITIZE),1)
O ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
else
O ?= build
SANFLAGS :=
endif

# One name for each build directory.  The dependency files (-MMD) name
# their targets by $(O): a make given the directory the other way round
# (absolute, as the install tests pass it, or relative) would rewrite them
# under names the other never looks up, and a changed header would no
# longer rebuild what includes it.
override O := $(patsubst $(CURDIR)/%,%,$(abspath $(O)))

PREFIX ?= /usr/local
AWK ?= awk
OBJCOPY ?= objcopy
NM ?= nm
AR ?= ar

# Commands print one short line each; V=1 prints them whole.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-8s %s\n' $(1) $(2)
endif

OPT ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
COMMON_CFLAGS := -std=gnu11 $(OPT) $(WARN) -fPIC $(SANFLAGS) \
	-iquote . -iquote librump -iquote include -iquote $(O)/gen -MMD -MP
# Kernel code: no host headers are reachable, only the compiler's own.
KERN_CFLAGS := $(COMMON_CFLAGS) -DRUMP_KERNEL -ffreestanding -nostdinc \
	-I include -I $(O)/include \
	-isystem $(shell $(CC) -print-file-name=include)
HOST_CFLAGS := $(COMMON_CFLAGS) -D_GNU_SOURCE -I include -I $(O)/include
LIBRUMPUSER_CFLAGS := $(HOST_CFLAGS) -DLIBRUMPUSER
LDFLAGS += $(SANFLAGS)
HOST_LIBS := -lpthread

# Component libraries, bottom up.  Each is a directory of kernel sources;
# files named *_user.c are the host halves and see host headers.
KLIBS := rump rumpvfs rumpnet rumpnet_net rumpnet_netinet rumpnet_virtif rumpfs_ext2fs \
	rumpnet_sockin
dir_rump := librump/rumpkern
dir_rumpvfs := librump/rumpvfs
dir_rumpnet := librump/rumpnet
dir_rumpnet_net := net
dir_rumpnet_netinet := netinet
dir_rumpnet_virtif := virtif
dir_rumpfs_ext2fs := fs/ext2fs
dir_rumpnet_sockin := sockin
deps_rump :=
deps_rumpvfs := rump
deps_rumpnet := rump
deps_rumpnet_net := rumpnet rump
deps_rumpnet_netinet := rumpnet_net rumpnet rump
deps_rumpnet_virtif := rumpnet_net rumpnet rump
deps_rumpfs_ext2fs := rumpvfs rump
deps_rumpnet_sockin := rumpnet rump
hostlibs_rumpnet_net := -lpcap

# Which syscall component (syscalls.master, column 2) each library serves.
sysent_rump := kern
sysent_rumpnet := net

GEN := $(O)/gen
IFSPEC_COMPS := rumpkern rumpvfs rumpnet_net rumpnet_netinet
GEN_PUBH := $(O)/include/rump/rump_syscalls.h \
	$(foreach c,$(IFSPEC_COMPS),$(O)/include/rump/$(c)_if_pub.h)
GEN_PRIVH := $(GEN)/syscallargs.h $(foreach c,$(IFSPEC_COMPS),$(GEN)/$(c)_if_priv.h) \
	$(GEN)/rumpvfs/vnode_if.h
SYSCALLS := librump/rumpkern/syscalls.master

gen_srcs_rump := $(GEN)/rump_syscalls.c $(GEN)/kern_sysent.c \
	$(GEN)/rumpkern_if_wrappers.c
gen_srcs_rumpvfs := $(GEN)/vnode_if.c $(GEN)/vfs_sysent.c \
	$(GEN)/rumpvfs_if_wrappers.c
gen_srcs_rumpnet := $(GEN)/net_sysent.c
gen_srcs_rumpnet_net := $(GEN)/rumpnet_net_if_wrappers.c
gen_srcs_rumpnet_netinet := $(GEN)/rumpnet_netinet_if_wrappers.c

srcs_of = $(sort $(wildcard $(dir_$(1))/*.c))
objs_of = $(patsubst %.c,$(O)/robj/%.o,$(call srcs_of,$(1))) \
	$(patsubst $(GEN)/%.c,$(O)/robj/gen/%.o,$(gen_srcs_$(1)))
KOBJS := $(foreach l,$(KLIBS),$(patsubst $(O)/robj/%,$(O)/obj/%,$(call objs_of,$(l))))

RUMPUSER_SRCS := $(sort $(wildcard librump/rumpuser/*.c))
RUMPUSER_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(RUMPUSER_SRCS))

# libukfs (fs/ukfs): host code over the public rump_sys_* calls, not
# kernel code: built with host headers and not renamed.
UKFS_SRCS := $(sort $(wildcard fs/ukfs/*.c))
UKFS_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(UKFS_SRCS))

LIBDIR := $(O)/lib
STATIC_LIBS := $(LIBDIR)/librumpuser.a $(foreach l,$(KLIBS),$(LIBDIR)/lib$(l).a) \
	$(LIBDIR)/libukfs.a
# A shared library is the file lib<name>.so.$(SOVERSION), also its soname
# (what a program's DT_NEEDED names).  lib<name>.so, what -l<name> finds,
# is a symlink to it, except for a component library: there it is a
# linker script that adds the library's anchor, an object naming the
# component, so that --as-needed keeps a library nothing calls by name
# (mk/component_anchor.c; "Shared libraries and their anchors" in
# docs/ARCHITECTURE.md).  Every kernel library but the core is a component.
SOVERSION := 0
COMPONENT_KLIBS := $(filter-out rump,$(KLIBS))
anchor_rumpvfs := vfs_component
anchor_rumpnet := rumpnet_component
anchor_rumpnet_net := net_component
anchor_rumpnet_netinet := netinet_component
anchor_rumpnet_virtif := virtif_component
anchor_rumpfs_ext2fs := ext2fs_component
anchor_rumpnet_sockin := sockin_component
SHARED_LIBS := $(LIBDIR)/librumpuser.so.$(SOVERSION) \
	$(foreach l,$(KLIBS),$(LIBDIR)/lib$(l).so.$(SOVERSION)) \
	$(LIBDIR)/libukfs.so.$(SOVERSION)
LINK_SCRIPTS := $(foreach l,$(COMPONENT_KLIBS),$(LIBDIR)/lib$(l).so)
ANCHORS := $(foreach l,$(COMPONENT_KLIBS),$(LIBDIR)/lib$(l)_anchor.o)
SO_LINKS := $(LIBDIR)/librumpuser.so $(LIBDIR)/librump.so $(LIBDIR)/libukfs.so

reverse = $(if $(1),$(call reverse,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))
# Tools and tests link everything statically; --whole-archive keeps every
# component's self-registration.  A program has one AF_INET stack: the rump
# TCP/IP stack (KERNEL_LINK) or sockin, the host's (SOCKIN_LINK); linking
# both fails (see sockin/sockin.c).
STACK_KLIBS := $(filter-out rumpnet_sockin,$(KLIBS))
SOCKIN_KLIBS := rump rumpnet rumpnet_sockin
KERNEL_LINK := $(LIBDIR)/libukfs.a -Wl,--whole-archive $(foreach l,$(call reverse,$(STACK_KLIBS)),$(LIBDIR)/lib$(l).a) \
	-Wl,--no-whole-archive $(LIBDIR)/librumpuser.a -lpcap $(HOST_LIBS)
SOCKIN_LINK := -Wl,--whole-archive $(foreach l,$(call reverse,$(SOCKIN_KLIBS)),$(LIBDIR)/lib$(l).a) \
	-Wl,--no-whole-archive $(LIBDIR)/librumpuser.a $(HOST_LIBS)

all: libs tools tests
libs: $(STATIC_LIBS) $(SHARED_LIBS) $(LINK_SCRIPTS) $(SO_LINKS)

.PHONY: all libs tools tests test bench demo install clean
# Generated sources are kept, not treated as intermediate files.
.SECONDARY:

# ---- generated glue --------------------------------------------------------

$(O)/include/rump/rump_syscalls.h: $(SYSCALLS) mk/gen_syscalls.awk
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)$(AWK) -v out=pubh -f mk/gen_syscalls.awk $< > $@.tmp && mv $@.tmp $@
$(GEN)/syscallargs.h: $(SYSCALLS) mk/gen_syscalls.awk
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)$(AWK) -v out=argsh -f mk/gen_syscalls.awk $< > $@.tmp && mv $@.tmp $@
$(GEN)/rump_syscalls.c: $(SYSCALLS) mk/gen_syscalls.awk
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)$(AWK) -v out=wrappers -f mk/gen_syscalls.awk $< > $@.tmp && mv $@.tmp $@
$(GEN)/%_sysent.c: $(SYSCALLS) mk/gen_syscalls.awk
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)$(AWK) -v out=sysent -v comp=$* -f mk/gen_syscalls.awk $< > $@.tmp && mv $@.tmp $@
# The vnode operations, from one table (librump/rumpvfs/vnode_if.src).
$(GEN)/rumpvfs/vnode_if.h: librump/rumpvfs/vnode_if.src mk/gen_vnodeif.awk
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)$(AWK) -v out=h -f mk/gen_vnodeif.awk $< > $@.tmp && mv $@.tmp $@
$(GEN)/vnode_if.c: librump/rumpvfs/vnode_if.src mk/gen_vnodeif.awk
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)$(AWK) -v out=c -f mk/gen_vnodeif.awk $< > $@.tmp && mv $@.tmp $@
vpath %.ifspec librump/rumpkern librump/rumpvfs net netinet virtif
$(O)/include/rump/%_if_pub.h: %.ifspec mk/gen_ifspec.awk
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)$(AWK) -v out=pubh -v comp=$* -f mk/gen_ifspec.awk $< > $@.tmp && mv $@.tmp $@
$(GEN)/%_if_priv.h: %.ifspec mk/gen_ifspec.awk
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)$(AWK) -v out=privh -v comp=$* -f mk/gen_ifspec.awk $< > $@.tmp && mv $@.tmp $@
$(GEN)/%_if_wrappers.c: %.ifspec mk/gen_ifspec.awk
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)$(AWK) -v out=wrappers -v comp=$* -f mk/gen_ifspec.awk $< > $@.tmp && mv $@.tmp $@

# ---- compiling -------------------------------------------------------------

$(O)/obj/librump/rumpuser/%.o: librump/rumpuser/%.c | $(GEN_PUBH) $(GEN_PRIVH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(LIBRUMPUSER_CFLAGS) -c $< -o $@
$(O)/obj/%_user.o: %_user.c | $(GEN_PUBH) $(GEN_PRIVH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) -DRUMP_KERNEL -c $< -o $@
$(O)/obj/fs/ukfs/%.o: fs/ukfs/%.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@
$(O)/obj/gen/%.o: $(GEN)/%.c | $(GEN_PUBH) $(GEN_PRIVH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(KERN_CFLAGS) -c $< -o $@
$(O)/obj/%.o: %.c | $(GEN_PUBH) $(GEN_PRIVH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(KERN_CFLAGS) -c $< -o $@

# Every global the kernel defines, except the public rump_* and the
# hypercalls, is renamed to rumpns_*: a program may define its own ip_input
# or kmem_alloc next to the kernel and nothing clashes.
$(O)/kern.syms: $(KOBJS) mk/kern_syms.sh
	@sh mk/kern_syms.sh $(NM) $@ $(KOBJS)
$(O)/robj/%.o: $(O)/obj/%.o $(O)/kern.syms
	@mkdir -p $(@D)
	$(Q)$(OBJCOPY) --redefine-syms=$(O)/kern.syms $< $@

# ---- libraries -------------------------------------------------------------

$(LIBDIR)/librumpuser.a: $(RUMPUSER_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^
$(LIBDIR)/librumpuser.so.$(SOVERSION): $(RUMPUSER_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(@F) -o $@ $^ $(LDFLAGS) \
		$(SHLIB_LDFLAGS) $(HOST_LIBS)

$(LIBDIR)/libukfs.a: $(UKFS_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^
# The file systems register themselves when loaded: -lrumpfs_ext2fs links
# its anchor in, which keeps it although nothing here calls it.
$(LIBDIR)/libukfs.so.$(SOVERSION): $(UKFS_OBJS) $(LIBDIR)/librumpfs_ext2fs.so \
		$(LIBDIR)/librumpvfs.so $(LIBDIR)/librump.so $(LIBDIR)/librumpuser.so
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(@F) -Wl,-rpath,'$$ORIGIN' \
		-Wl,-z,defs -o $@ $(UKFS_OBJS) $(LDFLAGS) $(SHLIB_LDFLAGS) \
		-L$(LIBDIR) -lrumpfs_ext2fs -lrumpvfs -lrump -lrumpuser \
		$(HOST_LIBS)

# The anchors: kernel objects (renamed like the rest, so RUMP_ANCHOR's
# rumpns_ name is the one the library exports) without sanitizer or
# coverage instrumentation, which would make every program linking them
# link its runtime too.
ANCHOR_CFLAGS := $(filter-out $(SANFLAGS),$(KERN_CFLAGS))
$(O)/obj/anchor/lib%_anchor.o: mk/component_anchor.c | $(GEN_PUBH) $(GEN_PRIVH)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(ANCHOR_CFLAGS) -DRUMP_ANCHOR=$(anchor_$*) -c $< -o $@
$(ANCHORS): $(LIBDIR)/%: $(O)/obj/anchor/% $(O)/kern.syms
	@mkdir -p $(@D)
	$(Q)$(OBJCOPY) --redefine-syms=$(O)/kern.syms $< $@
# The names in the script are looked up on the library search path, as
# the script itself was: the installed tree may move.
$(LINK_SCRIPTS): $(LIBDIR)/%.so: $(LIBDIR)/%.so.$(SOVERSION) $(LIBDIR)/%_anchor.o
	$(call say,GEN,$@)
	$(Q)printf '%s\n%s\n' \
	    '/* GNU ld script, made by the Makefile: DO NOT EDIT.  $*_anchor.o (mk/component_anchor.c) keeps $(<F) under --as-needed. */' \
	    'INPUT ( $*_anchor.o $(<F) )' > $@.tmp && mv $@.tmp $@
$(LIBDIR)/%.so: $(LIBDIR)/%.so.$(SOVERSION)
	ln -sf $(<F) $@

define KLIB_RULES
$(LIBDIR)/lib$(1).a: $(call objs_of,$(1))
	@mkdir -p $$(@D)
	rm -f $$@ && $(AR) rcs $$@ $$^
$(LIBDIR)/lib$(1).so.$(SOVERSION): $(call objs_of,$(1)) $(foreach d,$(deps_$(1)),$(LIBDIR)/lib$(d).so) $(LIBDIR)/librumpuser.so
	@mkdir -p $$(@D)
	$(CC) -shared -Wl,-soname,$$(@F) -Wl,-rpath,'$$$$ORIGIN' \
		-Wl,-z,defs -o $$@ $(call objs_of,$(1)) \
		$(LDFLAGS) $(SHLIB_LDFLAGS) -L$(LIBDIR) \
		$(foreach d,$(deps_$(1)),-l$(d)) -lrumpuser \
		$(hostlibs_$(1)) $(HOST_LIBS)
endef
$(foreach l,$(KLIBS),$(eval $(call KLIB_RULES,$(l))))

include mk/remote.mk
include mk/tools.mk
include mk/tests.mk

# ---- installing ------------------------------------------------------------

PUB_HEADERS := include/rump/rump.h include/rump/rumpdefs.h include/rump/rumpuser.h \
	include/rump/ukfs.h \
	$(wildcard include/rump/rump_*.h) $(GEN_PUBH)

install: libs tools
	install -d $(DESTDIR)$(PREFIX)/include/rump $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/bin
	install -m 644 $(sort $(PUB_HEADERS)) $(DESTDIR)$(PREFIX)/include/rump/
	install -m 644 $(STATIC_LIBS) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(SHARED_LIBS) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 $(LINK_SCRIPTS) $(ANCHORS) $(DESTDIR)$(PREFIX)/lib/
	for l in $(notdir $(SO_LINKS)); do \
		ln -sf $$l.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/$$l; \
	done
	$(if $(TOOLS),install -m 755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin/)
	for pc in mk/*.pc.in; do \
		sed -e 's|@PREFIX@|$(PREFIX)|g' $$pc > \
		    $(DESTDIR)$(PREFIX)/lib/pkgconfig/$$(basename $$pc .in); \
	done

# The networking demo (needs root): see tools/demo.sh.
demo: all
	@O=$(O) sh tools/demo.sh

clean:
	rm -rf build build-san build-clang build-fuzz

-include $(shell find $(O) -name '*.d' 2>/dev/null)
