/*
 * The mark of an AF_INET stack.  sockin (sockin/sockin.c) defines the same
 * symbol, so a program linked with both stacks fails to link, and the
 * linker's message names the mistake.
 */
const char inet_stack_both_sockin_and_netinet_linked__link_only_one_of_them[] =
    "netinet";
