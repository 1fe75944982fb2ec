# Programs in tools/: each tools/<name>.c is one program, linked with the
# code the tools share (tools/common/, as an archive so that a program or a
# test takes only what it uses) and every kernel library.  Tools include
# public headers only (<rump/...>) and the host's.
#
# The socket tools also build as <tool>-sockin, linked with sockin (the
# host's TCP/IP, SOCKIN_LINK) instead of the rump TCP/IP stack, and with
# the sockin flavour of the interface options (tools/common/sockin/: they
# are refused) instead of netopts_apply.c, netopts_readback.c and
# netopts_rumpnet.c.
# rump_ping has none: it needs raw ICMP sockets, the rump stack's alone.
# Every tool has the VFS and the file systems for --mount (and
# rump_httpd's --image), the sockin flavour too (SOCKIN_TOOL_LINK).
TOOL_NAMES := $(basename $(notdir $(wildcard tools/*.c)))
SOCKIN_TOOL_NAMES := rump_nc rump_httpd
TOOLS := $(addprefix $(O)/bin/,$(TOOL_NAMES)) \
	$(patsubst %,$(O)/bin/%-sockin,$(SOCKIN_TOOL_NAMES))
TOOL_COMMON_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(wildcard tools/common/*.c))
TOOL_COMMON_LIB := $(O)/obj/tools/libtoolcommon.a
TOOL_STACK_OBJS := $(O)/obj/tools/common/netopts_apply.o \
	$(O)/obj/tools/common/netopts_readback.o \
	$(O)/obj/tools/common/netopts_rumpnet.o
TOOL_SOCKIN_OBJS := $(filter-out $(TOOL_STACK_OBJS),$(TOOL_COMMON_OBJS)) \
	$(patsubst %.c,$(O)/obj/%.o,$(wildcard tools/common/sockin/*.c))
TOOL_SOCKIN_LIB := $(O)/obj/tools/libtoolcommon-sockin.a
TOOL_CFLAGS := $(HOST_CFLAGS) -iquote tools/common
SOCKIN_TOOL_LINK := $(LIBDIR)/libukfs.a -Wl,--whole-archive \
	$(LIBDIR)/librumpfs_ext2fs.a $(LIBDIR)/librumpvfs.a -Wl,--no-whole-archive \
	$(SOCKIN_LINK)

# The file tools, remote clients (tools/remote/rump_files.c): one program
# under each name, linked with fsconsole's commands, the path calls of
# libukfs (no mounting code: ukfs_attach) and librumpclient, no kernel.
FILE_TOOL_NAMES := ls cat cp mkdir rm mount umount df
FILE_TOOLS := $(patsubst %,$(O)/bin/rump.%,$(FILE_TOOL_NAMES))
TOOLS += $(FILE_TOOLS)

tools: $(TOOLS)

$(FILE_TOOLS): $(O)/obj/tools/remote/rump_files.o $(TOOL_COMMON_LIB) \
	$(LIBDIR)/libukfs.a $(LIBDIR)/librumpclient.a
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(TOOL_COMMON_LIB) $(LIBDIR)/libukfs.a \
		$(LIBDIR)/librumpclient.a $(LDFLAGS) $(HOST_LIBS)

$(O)/obj/tools/%.o: tools/%.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(TOOL_CFLAGS) -c $< -o $@

$(TOOL_COMMON_LIB): $(TOOL_COMMON_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# A tool's own host libraries: toollibs_<name>.
toollibs_fsconsole := -lreadline

$(TOOL_SOCKIN_LIB): $(TOOL_SOCKIN_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(O)/bin/%-sockin: $(O)/obj/tools/%.o $(TOOL_SOCKIN_LIB) $(STATIC_LIBS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(TOOL_SOCKIN_LIB) $(LDFLAGS) $(SOCKIN_TOOL_LINK) -lm \
		$(toollibs_$*)

# The remote tools, tools/rump.<name>.c (rump.ifconfig, ...), are clients
# of a running rump_server: linked with librumpclient, no kernel in them.
$(O)/bin/rump.%: $(O)/obj/tools/rump.%.o $(TOOL_COMMON_LIB) \
		$(LIBDIR)/librumpclient.a
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(TOOL_COMMON_LIB) $(LIBDIR)/librumpclient.a \
		$(LDFLAGS) $(HOST_LIBS) -lm

$(O)/bin/%: $(O)/obj/tools/%.o $(TOOL_COMMON_LIB) $(STATIC_LIBS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(TOOL_COMMON_LIB) $(LDFLAGS) $(KERNEL_LINK) -lm \
		$(toollibs_$*)
