# Remote system calls (see "Remote system calls" in docs/ARCHITECTURE.md).
#
# librumpclient (librumpclient/): the rump_sys_* calls made in a server
# over a socket: host code, no kernel in it, static and shared.
# librumpserver (librumpserver/): serves them from the kernel of the
# program that links it (rump_server): host code on the public interface,
# static only, linked after the kernel libraries, not installed: it is
# rump_server's.
# Both are driven by the tables gen_syscalls.awk makes from syscalls.master:
# rump_rpc_calls.h (every argument's kind and size), the client's stubs
# and the server's switch.
RPC_GEN := $(GEN)/rump_rpc_calls.h $(GEN)/rumpclient_syscalls.c \
	$(GEN)/rumpserver_dispatch.c
RCLIENT_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(sort $(wildcard librumpclient/*.c))) \
	$(O)/obj/remote/rumpclient_syscalls.o
RSERVER_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(sort $(wildcard librumpserver/*.c))) \
	$(O)/obj/remote/rumpserver_dispatch.o $(O)/obj/librumpclient/rpc_io.o \
	$(O)/obj/librumpclient/rpc_chan.o
RCLIENT_CFLAGS := $(HOST_CFLAGS) -iquote librumpclient
RSERVER_CFLAGS := $(HOST_CFLAGS) -iquote librumpserver
RSERVER_LIB := $(O)/obj/librumpserver/librumpserver.a

libs: $(LIBDIR)/librumpclient.a $(LIBDIR)/librumpclient.so.$(SOVERSION) \
	$(LIBDIR)/librumpclient.so $(RSERVER_LIB)
STATIC_LIBS += $(LIBDIR)/librumpclient.a
SHARED_LIBS += $(LIBDIR)/librumpclient.so.$(SOVERSION)
SO_LINKS += $(LIBDIR)/librumpclient.so

$(GEN)/rump_rpc_calls.h: $(SYSCALLS) mk/gen_syscalls.awk
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)$(AWK) -v out=rpctab -f mk/gen_syscalls.awk $< > $@.tmp && mv $@.tmp $@
$(GEN)/rumpclient_syscalls.c: $(SYSCALLS) mk/gen_syscalls.awk
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)$(AWK) -v out=client -f mk/gen_syscalls.awk $< > $@.tmp && mv $@.tmp $@
$(GEN)/rumpserver_dispatch.c: $(SYSCALLS) mk/gen_syscalls.awk
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)$(AWK) -v out=server -f mk/gen_syscalls.awk $< > $@.tmp && mv $@.tmp $@

$(O)/obj/librumpclient/%.o: librumpclient/%.c | $(GEN_PUBH) $(RPC_GEN)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(RCLIENT_CFLAGS) -c $< -o $@
$(O)/obj/remote/rumpclient_syscalls.o: $(GEN)/rumpclient_syscalls.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(RCLIENT_CFLAGS) -c $< -o $@
$(O)/obj/librumpserver/%.o: librumpserver/%.c | $(GEN_PUBH) $(RPC_GEN)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(RSERVER_CFLAGS) -c $< -o $@
$(O)/obj/remote/rumpserver_dispatch.o: $(GEN)/rumpserver_dispatch.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(RSERVER_CFLAGS) -c $< -o $@

$(LIBDIR)/librumpclient.a: $(RCLIENT_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^
$(LIBDIR)/librumpclient.so.$(SOVERSION): $(RCLIENT_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(@F) -Wl,-z,defs -o $@ $^ \
		$(LDFLAGS) $(SHLIB_LDFLAGS) $(HOST_LIBS)
$(RSERVER_LIB): $(RSERVER_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

# rump_server serves remote clients, and so does rump_httpd with --listen
# (in both flavours).
$(O)/bin/rump_server $(O)/bin/rump_httpd $(O)/bin/rump_httpd-sockin: \
	$(RSERVER_LIB)
toollibs_rump_server := $(RSERVER_LIB)
toollibs_rump_httpd := $(RSERVER_LIB)

# The API tests REMOTE_API_TESTS, built a third time (after the local and
# the sockin builds) with RUMP_TEST_REMOTE and linked with librumpclient
# alone: each program starts a rump_server and makes its calls there
# (tests/common/remotetest.h).  Tests of the protocol itself are in
# tests/remote/.
REMOTE_API_TESTS := t_vfs_file t_vfs_dir t_vfs_concurrent t_file t_fd t_udp t_tcp
REMOTETESTS := $(addprefix $(O)/tests/remote/api/,$(REMOTE_API_TESTS))

$(O)/obj/tests/remote/api/%.o: tests/api/%.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) $(TEST_CFLAGS) -DRUMP_TEST_REMOTE -c $< -o $@
$(O)/tests/remote/api/%: $(O)/obj/tests/remote/api/%.o $(LIBDIR)/librumpclient.a
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(LDFLAGS) $(LIBDIR)/librumpclient.a $(HOST_LIBS) -lcmocka
REMOTETESTS += $(patsubst %.c,$(O)/%,$(wildcard tests/remote/t_*.c))

# A coverage build counts what a forked child's atfork handler ran
# (tests/remote/gcov_fork.h).
ifeq ($(COVERAGE),1)
REMOTE_TEST_CFLAGS := -include tests/remote/gcov_fork.h
endif

$(O)/obj/tests/remote/%.o: tests/remote/%.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) $(TEST_CFLAGS) -iquote librumpclient \
		$(REMOTE_TEST_CFLAGS) -DRUMP_TEST_REMOTE -c $< -o $@
$(O)/tests/remote/t_%: $(O)/obj/tests/remote/t_%.o $(LIBDIR)/librumpclient.a
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(LDFLAGS) $(LIBDIR)/librumpclient.a $(HOST_LIBS) -lcmocka

# t_chan_nomem: the server's end of a channel alone (librumpserver, no
# kernel), its calloc failing on demand: a refusal with ENOMEM that no
# limit reaches (the channel's mapping comes first).
$(O)/obj/tests/remote/t_chan_nomem.o: TEST_CFLAGS += -iquote librumpserver
$(O)/tests/remote/t_chan_nomem: $(O)/obj/tests/remote/t_chan_nomem.o $(RSERVER_LIB)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(LDFLAGS) -Wl,--wrap=calloc $(RSERVER_LIB) \
		$(HOST_LIBS) -lcmocka

# The decoder's fuzzer (tests/fuzz/fuzz_rpc.h): a bounded run in make test
# (t_rpc_decode: the client's own calls as seeds, their truncations,
# 200,000 mutations; the sanitizer build catches what they break) and
# libFuzzer in make fuzz (fuzz-rpc: FUZZ_SECONDS, corpus kept in
# build-fuzz/fuzz/corpus-rpc).  t_rpc_decode links the client's
# marshaller with a mock of its transport, and the decoder alone.
RPC_FUZZ_CFLAGS := -iquote librumpclient -iquote librumpserver -iquote tests/fuzz
REMOTETESTS += $(O)/tests/fuzz/t_rpc_decode

$(O)/obj/tests/fuzz/t_rpc_decode.o $(O)/obj/tests/fuzz/fuzz_rpc.o: \
    $(O)/obj/tests/fuzz/%.o: tests/fuzz/%.c | $(GEN_PUBH) $(RPC_GEN)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) $(RPC_FUZZ_CFLAGS) -c $< -o $@
$(O)/tests/fuzz/t_rpc_decode: $(O)/obj/tests/fuzz/t_rpc_decode.o \
    $(LIBDIR)/librumpclient.a $(RSERVER_LIB)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(LDFLAGS) $(LIBDIR)/librumpclient.a $(RSERVER_LIB) \
		$(HOST_LIBS) -lcmocka
$(O)/tests/fuzz/fuzz_rpc: $(O)/obj/tests/fuzz/fuzz_rpc.o $(RSERVER_LIB)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -fsanitize=fuzzer -o $@ $< $(LDFLAGS) $(RSERVER_LIB) $(HOST_LIBS)

.PHONY: fuzz-rpc
fuzz-rpc:
	@if ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' | \
	    $(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then \
		echo "fuzz-rpc: skipped: $(FUZZ_CC) cannot link -fsanitize=fuzzer"; \
		exit 0; \
	fi; \
	$(MAKE) --no-print-directory FUZZ=1 CC=$(FUZZ_CC) O=$(FUZZ_O) \
		$(FUZZ_O)/tests/fuzz/fuzz_rpc $(FUZZ_O)/tests/fuzz/t_rpc_decode && \
	mkdir -p $(FUZZ_O)/fuzz/corpus-rpc $(FUZZ_O)/fuzz/artifacts && \
	rm -rf $(FUZZ_O)/fuzz/seeds-rpc && mkdir -p $(FUZZ_O)/fuzz/seeds-rpc && \
	$(FUZZ_O)/tests/fuzz/t_rpc_decode $(FUZZ_O)/fuzz/seeds-rpc && \
	$(FUZZ_O)/tests/fuzz/fuzz_rpc -max_total_time=$(FUZZ_SECONDS) \
		-max_len=65536 -artifact_prefix=$(FUZZ_O)/fuzz/artifacts/rpc- \
		$(FUZZ_ARGS) $(FUZZ_O)/fuzz/corpus-rpc $(FUZZ_O)/fuzz/seeds-rpc

# make bench: rpc_bench (tests/bench/remote/) built with the kernel and
# with librumpclient, for tests/bench/remote_bench.sh.
bench: $(O)/tests/bench/rpc_bench_local $(O)/tests/bench/rpc_bench_remote

$(O)/obj/tests/bench/remote/rpc_bench.o: tests/bench/remote/rpc_bench.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@
# The local build mounts its image itself with libukfs (RPC_BENCH_LOCAL).
$(O)/obj/tests/bench/remote/rpc_bench_local.o: tests/bench/remote/rpc_bench.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) -DRPC_BENCH_LOCAL -c $< -o $@
$(O)/tests/bench/rpc_bench_local: $(O)/obj/tests/bench/remote/rpc_bench_local.o $(STATIC_LIBS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(LDFLAGS) $(KERNEL_LINK)
$(O)/tests/bench/rpc_bench_remote: $(O)/obj/tests/bench/remote/rpc_bench.o \
    $(LIBDIR)/librumpclient.a
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(LDFLAGS) $(LIBDIR)/librumpclient.a $(HOST_LIBS)
