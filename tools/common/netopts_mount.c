/*
 * --mount FSTYPE,IMAGE,MOUNTPOINT[,ro], parsed and checked on the host
 * before the kernel boots (see netopts.h).  The image path may not hold a
 * comma; every message names the option and the part of its value that
 * is wrong.  rump_httpd's --image adds its mount with netopts_mount_add().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netopts.h"
#include "toolutil.h"

static const char mount_form[] = "expected FSTYPE,IMAGE,MOUNTPOINT[,ro]";

/* A type name: lower-case letters and digits ("ext2fs"), or "auto". */
static int
mount_fstype(struct netopts *no, const char *arg, size_t n, char *out)
{
	size_t i;

	if (n == 0)
		return netopts_seterr(no, "--mount %s: no file system type (%s)",
		    arg, mount_form);
	if (n >= NETOPTS_FSTYPELEN)
		return netopts_seterr(no, "--mount %s: file system type '%.*s' "
		    "is too long", arg, (int)n, arg);
	for (i = 0; i < n; i++)
		if ((arg[i] < 'a' || arg[i] > 'z') &&
		    (arg[i] < '0' || arg[i] > '9'))
			return netopts_seterr(no, "--mount %s: bad file system "
			    "type '%.*s' (a name like ext2fs, or auto)", arg,
			    (int)n, arg);
	memcpy(out, arg, n);
	out[n] = '\0';
	return 0;
}

/* The image: a regular file (or a block device) we may read, and write. */
static int
mount_image(struct netopts *no, const struct netopts_mount *m)
{
	struct stat st;

	if (m->image[0] == '\0')
		return netopts_seterr(no, "%s: no image", m->given);
	if (stat(m->image, &st) != 0 ||
	    access(m->image, m->rdonly ? R_OK : R_OK | W_OK) != 0)
		return netopts_seterr(no, "%s: image %s: %s%s", m->given,
		    m->image, strerror(errno), errno == EACCES && !m->rdonly ?
		    " (add ,ro to mount it read-only)" : "");
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return netopts_seterr(no, "%s: image %s is not a file", m->given,
		    m->image);
	return 0;
}

int
netopts_mount_add(struct netopts *no, const struct netopts_mount *m)
{
	const char *mp = m->mountpoint;

	if (no->nmounts == NETOPTS_MAXMOUNT)
		return netopts_seterr(no, "%s: too many mounts (at most %d)",
		    m->given, NETOPTS_MAXMOUNT);
	if (mount_image(no, m) != 0)
		return -1;
	if (mp[0] != '/' || mp[strspn(mp, "/")] == '\0')
		return netopts_seterr(no, "%s: mount point '%s' is not an "
		    "absolute path below / (such as /mnt)", m->given, mp);
	no->mounts[no->nmounts++] = *m;
	return 0;
}

/* Copies the field at p (n bytes) into out[NETOPTS_PATHLEN]. */
static int
mount_field(struct netopts *no, const char *arg, const char *what,
    const char *p, size_t n, char *out)
{
	if (n >= NETOPTS_PATHLEN)
		return netopts_seterr(no, "--mount %s: %s is too long", arg,
		    what);
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

int
netopts_mount_parse(struct netopts *no, const char *arg)
{
	static struct netopts_mount m;	/* 8 KiB: not on the stack */
	const char *p = arg;
	size_t n;

	memset(&m, 0, sizeof(m));
	if (strlen(arg) >= sizeof(m.given) - sizeof("--mount "))
		return netopts_seterr(no, "--mount: the value is too long");
	snprintf(m.given, sizeof(m.given), "--mount %s", arg);
	n = tool_field_len(p);
	if (mount_fstype(no, arg, n, m.fstype) != 0)
		return -1;
	if (p[n] != ',')
		return netopts_seterr(no, "--mount %s: no image (%s)", arg,
		    mount_form);
	p += n + 1;
	n = tool_field_len(p);
	if (mount_field(no, arg, "the image path", p, n, m.image) != 0)
		return -1;
	p += n;
	if (*p != ',')
		return netopts_seterr(no, "--mount %s: no mount point (%s)", arg,
		    mount_form);
	p++;
	n = tool_field_len(p);
	if (mount_field(no, arg, "the mount point", p, n, m.mountpoint) != 0)
		return -1;
	p += n;
	if (*p == ',') {
		if (strcmp(p + 1, "ro") != 0)
			return netopts_seterr(no, "--mount %s: unknown option "
			    "'%s' (the only one is ro)", arg, p + 1);
		m.rdonly = true;
	}
	return netopts_mount_add(no, &m);
}
