# Programs in tools/: each tools/<name>.c is one program, linked with the
# code the tools share (tools/common/, as an archive so that a program or a
# test takes only what it uses) and every kernel library.  Tools include
# public headers only (<rump/...>) and the host's.
TOOL_NAMES := $(basename $(notdir $(wildcard tools/*.c)))
TOOLS := $(addprefix $(O)/bin/,$(TOOL_NAMES))
TOOL_COMMON_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(wildcard tools/common/*.c))
TOOL_COMMON_LIB := $(O)/obj/tools/libtoolcommon.a
TOOL_CFLAGS := $(HOST_CFLAGS) -iquote tools/common

tools: $(TOOLS)

$(O)/obj/tools/%.o: tools/%.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(TOOL_CFLAGS) -c $< -o $@

$(TOOL_COMMON_LIB): $(TOOL_COMMON_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# A tool's own host libraries: toollibs_<name>.
toollibs_fsconsole := -lreadline

$(O)/bin/%: $(O)/obj/tools/%.o $(TOOL_COMMON_LIB) $(STATIC_LIBS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $< $(TOOL_COMMON_LIB) $(LDFLAGS) $(KERNEL_LINK) -lm \
		$(toollibs_$*)
