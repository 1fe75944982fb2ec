/* The single-letter flags of an fsconsole command ("ls -la"). */
#include <string.h>

#include "fscmd.h"

unsigned long
fscmd_flag(char c)
{
	if (c >= 'a' && c <= 'z')
		return 1ul << (c - 'a');
	return 1ul << (26 + c - 'A');
}

int
fscmd_flags(int argc, char *const argv[], const char *allowed,
    unsigned long *flags, char *bad)
{
	int i;

	*flags = 0;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		for (const char *c = argv[i] + 1; *c != '\0'; c++) {
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' &&
			    *c <= 'Z')) || strchr(allowed, *c) == NULL) {
				*bad = *c;
				return -1;
			}
			*flags |= fscmd_flag(*c);
		}
	}
	return i;
}
