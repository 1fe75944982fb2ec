# Programs in tools/: each tools/<name>.c is one program, linked with the
# shared option parser (tools/common/) and every kernel library.
TOOL_NAMES := $(basename $(notdir $(wildcard tools/*.c)))
TOOLS := $(addprefix $(O)/bin/,$(TOOL_NAMES))
TOOL_COMMON_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(wildcard tools/common/*.c))

tools: $(TOOLS)

$(O)/obj/tools/%.o: tools/%.c | $(GEN_PUBH)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -I tools/common -c $< -o $@

$(O)/bin/%: $(O)/obj/tools/%.o $(TOOL_COMMON_OBJS) $(STATIC_LIBS)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(TOOL_COMMON_OBJS) $(LDFLAGS) $(KERNEL_LINK)
