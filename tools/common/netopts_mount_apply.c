/*
 * --mount, the kernel side: each image is mounted with ukfs_mount(), which
 * registers it as a block device (etfs), makes the mount point in rumpfs
 * and mounts it; "auto" is told from the image by ukfs_fstype_detect(),
 * the detection fsconsole uses.  The reason of a failure names the part
 * of the option that is wrong.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rump/ukfs.h>

#include "netopts.h"

/* Why ukfs_mount() of m as type fstype failed with error. */
static const char *
mount_why(int error, const char *fstype, const struct netopts_mount *m,
    char *buf, size_t len)
{
	switch (error) {
	case ENODEV:
		snprintf(buf, len, "this program has no file system type '%s'",
		    fstype);
		break;
	case EINVAL:
	case EUCLEAN:
		snprintf(buf, len, "image %s cannot be mounted as %s: its "
		    "file system is not one %s takes (%s)", m->image, fstype,
		    fstype, strerror(error));
		break;
	case EROFS:
		snprintf(buf, len, "image %s can only be mounted read-only "
		    "(add ,ro)", m->image);
		break;
	default:
		snprintf(buf, len, "mount point %s: %s", m->mountpoint,
		    strerror(error));
		break;
	}
	return buf;
}

static int
mount_one(struct netopts *no, struct netopts_mount *m)
{
	const char *fstype = m->fstype;
	char why[NETOPTS_PATHLEN + 128];

	if (strcmp(fstype, "auto") == 0 &&
	    (fstype = ukfs_fstype_detect(m->image)) == NULL)
		return netopts_seterr(no, "%s: cannot tell the file system type "
		    "of image %s: %s", m->given, m->image, errno == ENODEV ?
		    "no signature this program knows" : strerror(errno));
	m->fs = ukfs_mount(fstype, m->image, m->mountpoint,
	    m->rdonly ? UKFS_RDONLY : 0);
	if (m->fs == NULL)
		return netopts_seterr(no, "%s: %s", m->given, mount_why(errno,
		    fstype, m, why, sizeof(why)));
	return 0;
}

int
netopts_mount_apply(struct netopts *no)
{
	int i;

	for (i = 0; i < no->nmounts; i++)
		if (mount_one(no, &no->mounts[i]) != 0)
			return -1;
	return 0;
}

void
netopts_mount_release(struct netopts *no)
{
	int i;

	for (i = no->nmounts - 1; i >= 0; i--) {
		if (no->mounts[i].fs == NULL)
			continue;
		if (ukfs_release(no->mounts[i].fs) != 0)
			fprintf(stderr, "--mount: cannot unmount %s: %s\n",
			    no->mounts[i].mountpoint, strerror(errno));
		no->mounts[i].fs = NULL;
	}
}
