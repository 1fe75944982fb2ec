# Tests.  Three kinds, by directory:
#   tests/<layer>/t_*.c   unit tests of kernel internals (librump/.., net, ..):
#                         built against private headers and renamed like the
#                         kernel, linked with every kernel library;
#   tests/api/t_*.c       tests through the public interface only;
#   tests/tools/t_*.c     tests of the tools' own code (tools/common): host
#                         programs linked with the tools' archive and cmocka,
#                         not with the kernel; the few rump_* calls a test
#                         reaches it defines itself, as link-time mocks;
#   tests/integration/*.sh  the real thing in network namespaces, with host
#                         helpers built from tests/integration/*.c.
# Tests named in CORE_ONLY_TESTS link librump alone (no networking).
KTEST_DIRS := rumpkern rumpnet net netinet virtif
KTEST_SRCS := $(foreach d,$(KTEST_DIRS),$(wildcard tests/$(d)/t_*.c))
API_SRCS := $(wildcard tests/api/t_*.c) $(wildcard tests/symbols/t_*.c)
CORE_ONLY_TESTS := t_enosys t_collide

KTESTS := $(patsubst %.c,$(O)/%,$(KTEST_SRCS))
APITESTS := $(patsubst %.c,$(O)/%,$(API_SRCS))
TEST_CFLAGS := -iquote tests/common -I tests/common
CORE_LINK := $(LIBDIR)/librump.a $(LIBDIR)/librumpuser.a $(HOST_LIBS)

ifneq ($(TOOLS_ENABLED),)
TOOLTESTS := $(patsubst %.c,$(O)/%,$(wildcard tests/tools/t_*.c))
INTEG_HELPERS := $(patsubst %.c,$(O)/%,$(wildcard tests/integration/*.c))
INTEG_SCRIPTS := $(wildcard tests/integration/t_*.sh)
endif

tests: $(KTESTS) $(APITESTS) $(TOOLTESTS) $(INTEG_HELPERS)

# Kernel-internal tests see kernel headers and the host's only through cmocka.
$(O)/obj/tests/%.ko: tests/%.c | $(GEN_PUBH) $(GEN_PRIVH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(COMMON_CFLAGS) -DRUMP_KERNEL -I include -I $(O)/include $(TEST_CFLAGS) -c $< -o $@
$(O)/obj/tests/%.kro: $(O)/obj/tests/%.ko $(O)/kern.syms
	$(Q)$(OBJCOPY) --redefine-syms=$(O)/kern.syms $< $@
$(O)/obj/tests/%.o: tests/%.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) $(TEST_CFLAGS) -c $< -o $@

define KTEST_RULE
$(O)/tests/$(1)/%: $(O)/obj/tests/$(1)/%.kro $(STATIC_LIBS)
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)
	$(Q)$(CC) -o $$@ $$< $(LDFLAGS) $(KERNEL_LINK) -lcmocka
endef
$(foreach d,$(KTEST_DIRS),$(eval $(call KTEST_RULE,$(d))))

define APITEST_RULE
$(O)/tests/$(1)/%: $(O)/obj/tests/$(1)/%.o $(STATIC_LIBS)
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)
	$(Q)$(CC) -o $$@ $$< $(LDFLAGS) $$(if $$(filter $$*,$(CORE_ONLY_TESTS)),-Wl,--whole-archive $(CORE_LINK) -Wl,--no-whole-archive,$(KERNEL_LINK)) -lcmocka
endef
$(foreach d,api symbols,$(eval $(call APITEST_RULE,$(d))))

$(O)/obj/tests/tools/%.o: tests/tools/%.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(TOOL_CFLAGS) $(TEST_CFLAGS) -c $< -o $@
$(O)/tests/tools/%: $(O)/obj/tests/tools/%.o $(TOOL_COMMON_LIB)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(TOOL_COMMON_LIB) $(LDFLAGS) -lcmocka

# Host helpers of the integration scripts (plain host programs).
$(O)/tests/integration/%: tests/integration/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $< $(LDFLAGS)

test: all
	@O=$(O) sh tests/run.sh $(KTESTS) $(APITESTS) $(TOOLTESTS) $(INTEG_SCRIPTS)
