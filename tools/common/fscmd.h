/*
 * fsconsole's command lines: split into commands at ';' and newlines and
 * into words at blanks, with sh-like quoting ('...' literal, "..." with \"
 * and \\, a backslash outside quotes escaping the next character) and
 * '#' starting a comment at the beginning of a word; and the single-
 * letter flags of a command ("rm -rf x").
 */
#ifndef TOOLS_FSCMD_H
#define TOOLS_FSCMD_H

#include <stddef.h>

struct fscmd {
	int argc;
	char **argv;		/* argv[argc] is NULL */
};

struct fscmd_list {
	size_t n;
	struct fscmd *cmds;	/* empty commands are left out */
};

/*
 * Parses line into l; 0, or -1 with *err saying why (an unterminated
 * quote, no memory) and l empty.  fscmd_list_free() releases l.
 */
int fscmd_parse(const char *line, struct fscmd_list *l, const char **err);
void fscmd_list_free(struct fscmd_list *l);

/*
 * The leading flags of argv (words "-abc" up to the first other word or
 * "--"), each of which must be in allowed: sets *flags to the set of
 * letters seen (bit c - 'a' for lowercase, 26 + c - 'A' for uppercase) and
 * returns the index of the first operand, or -1 with *bad the letter not
 * allowed.
 */
int fscmd_flags(int argc, char *const argv[], const char *allowed,
    unsigned long *flags, char *bad);
/* The bit fscmd_flags sets for the letter c. */
unsigned long fscmd_flag(char c);

#endif
