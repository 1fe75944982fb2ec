# Tests.  Four kinds, by directory:
#   tests/<layer>/t_*.c   unit tests of kernel internals (librump/.., net, ..):
#                         built against private headers and renamed like the
#                         kernel, linked with every kernel library;
#   tests/host/t_*.c      tests of the host halves of components (*_user.c):
#                         built with host headers like the host halves
#                         themselves (HOST_CFLAGS -DRUMP_KERNEL, so they may
#                         include "virtif/virtif_user.h" and use poll, sockets,
#                         namespaces), then renamed like kernel tests so a call
#                         to virtif_user_open() reaches the kernel's
#                         rumpns_virtif_user_open(); linked like kernel tests.
#                         Their own names must not collide with a kernel
#                         global (see build/kern.syms);
#   tests/api/t_*.c       tests through the public interface only;
#   tests/tools/t_*.c     tests of the tools' own code (tools/common): host
#                         programs linked with the tools' archive and cmocka,
#                         not with the kernel; the few rump_* calls a test
#                         reaches it defines itself, as link-time mocks.
#                         Those in RUMP_TOOL_TESTS are built a second time
#                         into $(O)/tests/tools/rump, with TOOL_TEST_RUMP
#                         defined and linked with the kernel: the same suite
#                         on the rump kernel's VFS.  Those in
#                         KERNEL_TOOL_TESTS (the kernel side of a shared
#                         option) are linked with the kernel;
#   tests/integration/t_*.sh  the real thing in network namespaces, with host
#                         helpers built from tests/integration/*.c;
#   tests/install/t_*.sh  make install and programs built against the
#                         installed tree with pkg-config;
#   tests/sockin/t_*.c    tests through the public interface linked with
#                         sockin (SOCKIN_LINK) instead of the rump TCP/IP
#                         stack; the socket API tests SOCKIN_API_TESTS of
#                         tests/api are built a second time into
#                         $(O)/tests/sockin/api, with RUMP_TEST_SOCKIN
#                         defined, and linked the same way: one suite, two
#                         stacks.  When run as root, tests/run.sh runs the
#                         sockin programs as nobody.
# Tests named in CORE_ONLY_TESTS link librump alone (no networking);
# t_symbols only reads the libraries with nm and needs none of them.
KTEST_DIRS := rumpkern rumpvfs rumpnet net netinet virtif ext2fs
KTEST_SRCS := $(foreach d,$(KTEST_DIRS),$(wildcard tests/$(d)/t_*.c))
API_SRCS := $(wildcard tests/api/t_*.c) $(wildcard tests/symbols/t_*.c)
CORE_ONLY_TESTS := t_enosys t_collide t_symbols

HTEST_SRCS := $(wildcard tests/host/t_*.c)
KTESTS := $(patsubst %.c,$(O)/%,$(KTEST_SRCS))
HTESTS := $(patsubst %.c,$(O)/%,$(HTEST_SRCS))
APITESTS := $(patsubst %.c,$(O)/%,$(API_SRCS))
TEST_CFLAGS := -iquote tests/common -I tests/common
# Links librump alone.  Both link lines hold commas, so the rule below picks
# one by name: a comma written inside $(if ...) would split its arguments.
CORE_LINK := -Wl,--whole-archive $(LIBDIR)/librump.a -Wl,--no-whole-archive \
	$(LIBDIR)/librumpuser.a $(HOST_LIBS)

RUMP_TOOL_TESTS := t_http_serve
KERNEL_TOOL_TESTS := t_netopts_mount
TOOLTESTS := $(patsubst %.c,$(O)/%,$(wildcard tests/tools/t_*.c)) \
	$(addprefix $(O)/tests/tools/rump/,$(RUMP_TOOL_TESTS))
SOCKIN_API_TESTS := t_udp t_udp_linux t_sockopt_linux t_tcp t_tcp_connect t_lwproc_net t_ifioctl t_sockcall t_raw
SOCKINTESTS := $(patsubst %.c,$(O)/%,$(wildcard tests/sockin/t_*.c)) \
	$(addprefix $(O)/tests/sockin/api/,$(SOCKIN_API_TESTS))
INTEG_HELPERS := $(patsubst %.c,$(O)/%,$(wildcard tests/integration/*.c))
INTEG_RUMP_HELPERS := $(patsubst %.c,$(O)/%,$(wildcard tests/integration/rump/*.c))
INTEG_SCRIPTS := $(wildcard tests/integration/t_*.sh) $(wildcard tests/install/t_*.sh)

# The ext2fs tests' images, made by the host's mke2fs from a generated tree.
EXT2FS_IMAGES := $(O)/tests/ext2fs/img/stamp

tests: $(KTESTS) $(HTESTS) $(APITESTS) $(TOOLTESTS) $(SOCKINTESTS) \
	$(REMOTETESTS) $(INTEG_HELPERS) $(INTEG_RUMP_HELPERS) $(EXT2FS_IMAGES)

$(EXT2FS_IMAGES): tests/ext2fs/mkimages.sh
	$(call say,MKE2FS,$(@D))
	$(Q)sh tests/ext2fs/mkimages.sh $(@D)

# Kernel-internal tests see kernel headers and the host's only through cmocka.
$(O)/obj/tests/%.ko: tests/%.c | $(GEN_PUBH) $(GEN_PRIVH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(COMMON_CFLAGS) -DRUMP_KERNEL -I include -I $(O)/include $(TEST_CFLAGS) -c $< -o $@
$(O)/obj/tests/%.kro: $(O)/obj/tests/%.ko $(O)/kern.syms
	$(Q)$(OBJCOPY) --redefine-syms=$(O)/kern.syms $< $@
# Host-half tests see the host's headers, like the host halves.
$(O)/obj/tests/host/%.ko: tests/host/%.c | $(GEN_PUBH) $(GEN_PRIVH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) -DRUMP_KERNEL $(TEST_CFLAGS) -c $< -o $@
$(O)/obj/tests/%.o: tests/%.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) $(TEST_CFLAGS) -c $< -o $@

# A kernel test may add link flags of its own in ldflags_<test> (a
# link-time mock: -Wl,--wrap=...).
ldflags_t_vnode := -Wl,--wrap=rumpuser_exit
ldflags_t_netinet_init_fail := -Wl,--wrap=rumpns_arp_init \
	-Wl,--wrap=rumpns_ether_proto_register -Wl,--wrap=rumpns_in_addr_add
ldflags_t_route_nomem := -Wl,--wrap=rumpuser_malloc
ldflags_t_virtif_create := -Wl,--wrap=rumpns_virtif_user_open \
	-Wl,--wrap=rumpns_kthread_create -Wl,--wrap=rumpns_if_attach
ldflags_t_random := -Wl,--wrap=rumpuser_exit -Wl,--wrap=rumpuser_getrandom
ldflags_t_if_pcap_user := -Wl,--wrap=calloc -Wl,--wrap=free \
	-Wl,--wrap=pcap_open_dead
ldflags_t_vfs_init := -Wl,--wrap=rumpns_bufcache_init \
	-Wl,--wrap=rumpns_syscall_establish

define KTEST_RULE
$(O)/tests/$(1)/%: $(O)/obj/tests/$(1)/%.kro $(STATIC_LIBS)
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)
	$(Q)$(CC) -o $$@ $$< $(LDFLAGS) $$(ldflags_$$*) $(KERNEL_LINK) -lcmocka
endef
$(foreach d,$(KTEST_DIRS) host,$(eval $(call KTEST_RULE,$(d))))

define APITEST_RULE
$(O)/tests/$(1)/%: $(O)/obj/tests/$(1)/%.o $(STATIC_LIBS)
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)
	$(Q)$(CC) -o $$@ $$< $(LDFLAGS) $$(if $$(filter $$*,$(CORE_ONLY_TESTS)),$$(CORE_LINK),$$(KERNEL_LINK)) -lcmocka
endef
$(foreach d,api symbols,$(eval $(call APITEST_RULE,$(d))))

$(O)/obj/tests/sockin/api/%.o: tests/api/%.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) $(TEST_CFLAGS) -DRUMP_TEST_SOCKIN -c $< -o $@
# t_sockin_lazy mocks the host's poll and epoll_ctl (link-time).
ldflags_t_sockin_lazy := -Wl,--wrap=poll -Wl,--wrap=epoll_ctl
# t_sockin_cmsg makes the host's recvmsg attach kilobytes of control.
ldflags_t_sockin_cmsg := -Wl,--wrap=recvmsg
# t_sockin_unlocked shuts a socket down while sockin asks the host.
ldflags_t_sockin_unlocked := -Wl,--wrap=recvmsg -Wl,--wrap=sendmsg
$(O)/tests/sockin/%: $(O)/obj/tests/sockin/%.o $(STATIC_LIBS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(LDFLAGS) $(ldflags_$*) $(SOCKIN_LINK) -lcmocka

$(O)/obj/tests/tools/%.o: tests/tools/%.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(TOOL_CFLAGS) $(TEST_CFLAGS) -c $< -o $@
$(O)/obj/tests/tools/rump/%.o: tests/tools/%.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(TOOL_CFLAGS) $(TEST_CFLAGS) -DTOOL_TEST_RUMP -c $< -o $@
$(O)/tests/tools/rump/%: $(O)/obj/tests/tools/rump/%.o $(TOOL_COMMON_LIB) $(STATIC_LIBS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(TOOL_COMMON_LIB) $(LDFLAGS) $(KERNEL_LINK) -lcmocka
$(O)/tests/tools/%: $(O)/obj/tests/tools/%.o $(TOOL_COMMON_LIB) $(STATIC_LIBS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(TOOL_COMMON_LIB) $(LDFLAGS) \
		$(if $(filter $*,$(KERNEL_TOOL_TESTS)),$(KERNEL_LINK)) -lcmocka

# Host helpers of the integration scripts (plain host programs); rlisten
# is a client of rump_server.
$(O)/tests/integration/rlisten: tests/integration/rlisten.c \
		$(LIBDIR)/librumpclient.a | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $< $(LIBDIR)/librumpclient.a $(LDFLAGS) \
		$(HOST_LIBS)
$(filter-out $(O)/tests/integration/rlisten,$(INTEG_HELPERS)): \
		$(O)/tests/integration/%: tests/integration/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $< $(LDFLAGS)

# Their rump-side helpers (tests/integration/rump/*.c): programs like the
# tools, with the tools' interface options, linked with the kernel.
$(O)/obj/tests/integration/rump/%.o: tests/integration/rump/%.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(TOOL_CFLAGS) -c $< -o $@
$(INTEG_RUMP_HELPERS): $(O)/tests/integration/rump/%: \
    $(O)/obj/tests/integration/rump/%.o \
    $(TOOL_COMMON_LIB) $(STATIC_LIBS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(TOOL_COMMON_LIB) $(LDFLAGS) $(KERNEL_LINK) -lm

# tests/run.sh runs the programs JOBS at a time (default: the number of
# CPUs; `make test JOBS=1` runs them one after another).  Every test names
# its namespaces, taps, ports and files so that it cannot collide with
# another running beside it.  Those in SERIAL_TESTS run alone:
SERIAL_TESTS :=
JOBS ?=
# The longest programs start first, so the short ones fill the time beside
# them instead of one long program running alone at the end.
LONG_TESTS := $(O)/tests/api/t_ext2fs_scale tests/integration/t_tcp.sh \
	$(O)/tests/api/t_ext2fs_mutate tests/integration/t_offload_off.sh \
	tests/integration/t_httpd.sh tests/integration/t_httpd_image.sh \
	tests/integration/t_tcp_nc.sh
TEST_PROGRAMS := $(LONG_TESTS) $(filter-out $(LONG_TESTS),$(INTEG_SCRIPTS) \
	$(KTESTS) $(HTESTS) $(APITESTS) $(TOOLTESTS) $(SOCKINTESTS) $(REMOTETESTS))

test: all
	@O=$(O) RUMP_TEST_SANITIZE=$(SANITIZE) JOBS=$(JOBS) SERIAL="$(SERIAL_TESTS)" \
		sh tests/run.sh $(TEST_PROGRAMS)

# Benchmarks: figures beside the Linux kernel doing the same work, never
# pass/fail.  Their host helpers (tests/bench/*.c) are plain host programs.
BENCH_HELPERS := $(patsubst %.c,$(O)/%,$(wildcard tests/bench/*.c))

$(O)/tests/bench/%: tests/bench/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $< $(LDFLAGS)

# ukfsread reads through libukfs in-process: it links the kernel.
$(O)/tests/bench/ukfsread: tests/bench/ukfsread.c $(STATIC_LIBS)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $< $(LDFLAGS) $(KERNEL_LINK)

# rump_nc and rump_httpd on the host's own system calls instead of a
# kernel (tests/bench/host/rump_host.c): what sockin is measured against.
BENCH_HOST_TOOLS := $(O)/tests/bench/rump_nc-host $(O)/tests/bench/rump_httpd-host

$(O)/tests/bench/%-host: $(O)/obj/tools/%.o tests/bench/host/rump_host.c $(TOOL_SOCKIN_LIB)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(TOOL_CFLAGS) -o $@ $< tests/bench/host/rump_host.c \
		$(TOOL_SOCKIN_LIB) $(LDFLAGS) -lm

bench: all $(BENCH_HELPERS) $(BENCH_HOST_TOOLS)
	@for b in tests/bench/*.sh; do O=$(O) sh $$b || exit 1; done

# ---- the fuzzer ------------------------------------------------------------
#
# `make fuzz` builds the packet-input fuzzer (tests/fuzz/fuzz_input.c, a
# libFuzzer target) and runs it for FUZZ_SECONDS from a corpus kept in
# build-fuzz/fuzz/corpus and seeds generated afresh by tests/fuzz/fuzz_seeds;
# then the ext2 mount-and-walk fuzzer (tests/fuzz/fuzz_ext2fs.c) for as
# long, from build-fuzz/fuzz/ext2fs-corpus and small images made by
# tests/fuzz/ext2fs_seeds.sh.
# It is not part of `make test`.  The kernel libraries are built with
# clang, FUZZ=1 (coverage instrumentation, ASan, UBSan) into build-fuzz; the
# target is compiled and renamed like a kernel-internal test and linked
# with -fsanitize=fuzzer and the harness's clock (-Wl,--wrap).  Without
# clang's libFuzzer runtime (Debian: libclang-rt-14-dev) it says so and
# stops, successfully.  FUZZ_ARGS passes more libFuzzer options; a crash
# is left in build-fuzz/fuzz/artifacts and is replayed with
# `build-fuzz/tests/fuzz/fuzz_input FILE`.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_O := build-fuzz
FUZZ_ARGS ?=
FUZZ_WRAP := -Wl,--wrap=rumpuser_clock_gettime -Wl,--wrap=rumpuser_cv_timedwait

.PHONY: fuzz fuzz-build
fuzz:
	@if ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' | \
	    $(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then \
		echo "fuzz: skipped: $(FUZZ_CC) cannot link -fsanitize=fuzzer (Debian: apt-get install libclang-rt-14-dev)"; \
		exit 0; \
	fi; \
	$(MAKE) --no-print-directory FUZZ=1 CC=$(FUZZ_CC) O=$(FUZZ_O) fuzz-build && \
	mkdir -p $(FUZZ_O)/fuzz/corpus $(FUZZ_O)/fuzz/artifacts && \
	rm -rf $(FUZZ_O)/fuzz/seeds && mkdir -p $(FUZZ_O)/fuzz/seeds && \
	$(FUZZ_O)/tests/fuzz/fuzz_seeds $(FUZZ_O)/fuzz/seeds && \
	$(FUZZ_O)/tests/fuzz/fuzz_input -max_total_time=$(FUZZ_SECONDS) \
		-max_len=4096 -artifact_prefix=$(FUZZ_O)/fuzz/artifacts/ \
		$(FUZZ_ARGS) $(FUZZ_O)/fuzz/corpus $(FUZZ_O)/fuzz/seeds && \
	mkdir -p $(FUZZ_O)/fuzz/ext2fs-corpus && \
	sh tests/fuzz/ext2fs_seeds.sh $(FUZZ_O)/fuzz/ext2fs-seeds && \
	$(FUZZ_O)/tests/fuzz/fuzz_ext2fs -max_total_time=$(FUZZ_SECONDS) \
		-max_len=131072 -artifact_prefix=$(FUZZ_O)/fuzz/artifacts/ \
		$(FUZZ_ARGS) $(FUZZ_O)/fuzz/ext2fs-corpus \
		$(FUZZ_O)/fuzz/ext2fs-seeds && \
	$(MAKE) --no-print-directory fuzz-rpc

fuzz-build: $(O)/tests/fuzz/fuzz_input $(O)/tests/fuzz/fuzz_seeds \
    $(O)/tests/fuzz/fuzz_ext2fs

$(O)/tests/fuzz/fuzz_input: $(O)/obj/tests/fuzz/fuzz_input.kro \
    $(O)/obj/tests/fuzz/fuzz_tcp.kro $(STATIC_LIBS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -fsanitize=fuzzer -o $@ $(filter %.kro,$^) $(LDFLAGS) \
		$(FUZZ_WRAP) $(KERNEL_LINK)

$(O)/tests/fuzz/fuzz_ext2fs: $(O)/obj/tests/fuzz/fuzz_ext2fs.kro $(STATIC_LIBS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -fsanitize=fuzzer -o $@ $< $(LDFLAGS) $(KERNEL_LINK)

# The seed generator is a plain host program, without instrumentation.
$(O)/tests/fuzz/fuzz_seeds: tests/fuzz/fuzz_seeds.c tests/fuzz/fuzz_input.h
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(filter-out $(SANFLAGS),$(HOST_CFLAGS)) -o $@ $<

# ---- coverage --------------------------------------------------------------
#
# `make coverage` builds everything with gcov (COVERAGE=1: --coverage, -O0)
# into build-cov, clears the counts of an earlier run, runs `make test`
# there and prints the line coverage of every kernel source file
# (mk/coverage.sh, with gcov from gcc).  A failing test fails it, after
# the figures are printed.  The sockin tests run as nobody (tests/run.sh),
# and a program writes its counts next to the objects: so the directories
# of build-cov are opened to everyone and the tests run with umask 0
# (counts files then are read-write for all, whoever made them first).
COV_O := build-cov
COV_DIRS := librump/rumpkern librump/rumpnet librump/rumpvfs net netinet virtif \
	sockin fs/ext2fs

.PHONY: coverage
coverage:
	@$(MAKE) --no-print-directory COVERAGE=1 O=$(COV_O) all
	@find $(COV_O) -name '*.gcda' -delete
	@find $(COV_O) -type d -exec chmod a+rwx {} +
	@umask 0; $(MAKE) --no-print-directory COVERAGE=1 O=$(COV_O) test; rc=$$?; \
	sh mk/coverage.sh $(COV_O) $(COV_DIRS) || rc=1; exit $$rc
