/* How fsconsole shows and reads file attributes. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsfmt.h"

static char
fsfmt_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return 'd';
	case S_IFLNK: return 'l';
	case S_IFCHR: return 'c';
	case S_IFBLK: return 'b';
	case S_IFIFO: return 'p';
	case S_IFSOCK: return 's';
	default: return '-';
	}
}

/* The execute position: x, or s/t (S/T without x) for the special bit. */
static char
fsfmt_exec(mode_t mode, mode_t xbit, mode_t special, char set)
{
	if (mode & special)
		return (mode & xbit) ? set : (char)(set - 'a' + 'A');
	return (mode & xbit) ? 'x' : '-';
}

void
fsfmt_mode(mode_t mode, char *buf)
{
	buf[0] = fsfmt_type(mode);
	buf[1] = (mode & S_IRUSR) ? 'r' : '-';
	buf[2] = (mode & S_IWUSR) ? 'w' : '-';
	buf[3] = fsfmt_exec(mode, S_IXUSR, S_ISUID, 's');
	buf[4] = (mode & S_IRGRP) ? 'r' : '-';
	buf[5] = (mode & S_IWGRP) ? 'w' : '-';
	buf[6] = fsfmt_exec(mode, S_IXGRP, S_ISGID, 's');
	buf[7] = (mode & S_IROTH) ? 'r' : '-';
	buf[8] = (mode & S_IWOTH) ? 'w' : '-';
	buf[9] = fsfmt_exec(mode, S_IXOTH, S_ISVTX, 't');
	buf[10] = '\0';
}

long
fsfmt_parse_mode(const char *s)
{
	char *end;
	long m;

	if (*s == '\0' || strspn(s, "01234567") != strlen(s))
		return -1;
	m = strtol(s, &end, 8);
	return m > 07777 ? -1 : m;
}

/* A decimal id filling s[0..len). */
static int
fsfmt_parse_id(const char *s, size_t len, unsigned *id)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 0xfffffffeul)	/* (unsigned)-1 means "unchanged" */
		return -1;
	*id = (unsigned)v;
	return 0;
}

int
fsfmt_parse_owner(const char *s, unsigned *uid, unsigned *gid, int *hasuid,
    int *hasgid)
{
	const char *colon = strchr(s, ':');
	size_t ulen = colon ? (size_t)(colon - s) : strlen(s);

	*hasuid = ulen > 0;
	*hasgid = colon != NULL;
	if (*hasuid && fsfmt_parse_id(s, ulen, uid) != 0)
		return -1;
	if (*hasgid && fsfmt_parse_id(colon + 1, strlen(colon + 1), gid) != 0)
		return -1;
	return *hasuid || *hasgid ? 0 : -1;
}
