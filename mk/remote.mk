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
	$(O)/obj/remote/rumpserver_dispatch.o
RCLIENT_CFLAGS := $(HOST_CFLAGS) -iquote librumpclient
RSERVER_CFLAGS := $(HOST_CFLAGS) -iquote librumpserver
RSERVER_LIB := $(O)/obj/librumpserver/librumpserver.a

libs: $(LIBDIR)/librumpclient.a $(LIBDIR)/librumpclient.so $(RSERVER_LIB)
STATIC_LIBS += $(LIBDIR)/librumpclient.a
SHARED_LIBS += $(LIBDIR)/librumpclient.so

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
$(LIBDIR)/librumpclient.so: $(RCLIENT_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,librumpclient.so -Wl,-z,defs -o $@ $^ \
		$(LDFLAGS) $(SHLIB_LDFLAGS) $(HOST_LIBS)
$(RSERVER_LIB): $(RSERVER_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

# rump_server serves remote clients.
$(O)/bin/rump_server: $(RSERVER_LIB)
toollibs_rump_server := $(RSERVER_LIB)
