/*
 * Path lookup (vfs_lookup.c).
 *
 * namei() walks a path from the process's root ("/...") or from a start
 * directory (ni_atdir, else the current directory), one component at a
 * time: it checks search permission (VEXEC) on every directory with the
 * caller's credentials, crosses mount points down (a directory with
 * v_mountedhere becomes the root of that mount) and up ("..": from the
 * root of a mount to the directory it covers; never above the process's
 * root), and follows symbolic links (in the middle of a path always, at
 * the end with FOLLOW) up to MAXSYMLINKS of them (ELOOP).  Errors as
 * POSIX and Linux give them: ENAMETOOLONG for a path of PATH_MAX bytes or
 * more or a component over NAME_MAX, ENOTDIR for a component that is not
 * a directory but is followed by one, ENOENT for a missing one or an
 * empty path, EACCES when search permission is refused.
 *
 * Intents (ni_cnd.cn_nameiop) say what the caller will do with the last
 * component, so the file system can prepare and namei can check:
 *   LOOKUP   find it;
 *   CREATE   it may be absent: then ni_vp is NULL and ni_dvp the
 *            directory to create it in (EEXIST is the caller's to say);
 *   DELETE   it must exist; "." or ".." as last component: EINVAL/ENOTEMPTY;
 *   RENAME   as DELETE for the source, as CREATE for the target.
 *
 * Results on success (all referenced; the caller releases them):
 *   ni_vp    the file (NULL for CREATE/RENAME of an absent name), locked
 *            exclusive with LOCKLEAF;
 *   ni_dvp   with LOCKPARENT, the directory holding the last component,
 *            locked exclusive; otherwise NULL.  For a path naming "/",
 *            ni_dvp is NULL even with LOCKPARENT (there is no parent).
 *   ni_cnd   the last component (its name points into ni_pnbuf).
 * namei_done() then frees ni_pnbuf.  On error nothing is held or
 * allocated.
 */
#ifndef RUMPVFS_NAMEI_H
#define RUMPVFS_NAMEI_H

#include "rumpvfs/vnode.h"

/* cn_nameiop. */
enum nameiop { LOOKUP, CREATE, DELETE, RENAME };

struct componentname {
	enum nameiop cn_nameiop;
	uint32_t cn_flags;		/* the ni_flags below and ISLASTCN.. */
	kauth_cred_t cn_cred;
	const char *cn_nameptr;		/* not NUL-terminated */
	size_t cn_namelen;
};

/* ni_flags (also seen by file systems in cn_flags). */
#define FOLLOW		0x0001	/* follow a symlink as last component */
#define NOFOLLOW	0x0000
#define LOCKLEAF	0x0002	/* lock ni_vp */
#define LOCKPARENT	0x0004	/* return ni_dvp, locked */
#define CREATEDIR	0x0008	/* a trailing slash is allowed on CREATE */
#define ISLASTCN	0x0100	/* (cn_flags) this is the last component */
#define ISDOTDOT	0x0200	/* (cn_flags) the component is ".." */
#define REQUIREDIR	0x0400	/* (cn_flags) the path ended with '/' */
#define EMPTYPATH	0x0800	/* "" names ni_atdir (AT_EMPTY_PATH) */

struct nameidata {
	/* In. */
	const char *ni_path;		/* a kernel string */
	struct vnode *ni_atdir;		/* relative start; NULL: the cwd */
	uint32_t ni_flags;
	/* Out. */
	struct vnode *ni_vp;
	struct vnode *ni_dvp;
	struct componentname ni_cnd;
	/* Private. */
	char *ni_pnbuf;			/* PATH_MAX bytes */
	unsigned ni_loopcnt;
};

void NDINIT(struct nameidata *ndp, enum nameiop op, uint32_t flags,
    const char *path, kauth_cred_t cred);
/* Sets the start directory for a relative path (openat's dirfd). */
void NDAT(struct nameidata *ndp, struct vnode *atdir);
int namei(struct nameidata *ndp);
void namei_done(struct nameidata *ndp);
/*
 * Releases what a successful namei returned: ni_vp and ni_dvp (unlocking
 * them as the flags locked them), and ni_pnbuf.
 */
void namei_release(struct nameidata *ndp);

#endif
