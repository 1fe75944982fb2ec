/*
 * Host files as devices in the rump kernel's name space ("etfs", extra-
 * terrestrial file system, after NetBSD's).  Link with -lrumpvfs -lrump
 * -lrumpuser.  Every call returns 0 or an errno value.
 *
 *	rump_init();
 *	rump_etfs_register("/dev/img0", "disk.img", RUMP_ETFS_BLK);
 *	rump_sys_mount("/dev/img0", "/mnt", "ext2fs", 0, NULL);
 *
 * rump_etfs_register(key, hostpath, type)
 *	makes the host file hostpath appear at the absolute path key (its
 *	directories are made as needed) as a block device.  With
 *	RUMP_ETFS_RDONLY in type (RUMP_ETFS_BLK_RDONLY) the host file is
 *	opened read-only: writes fail with EROFS and it is never written.
 *	EEXIST: key exists; EINVAL: key is not absolute or type unknown;
 *	host errors (ENOENT, EACCES) as the host gives them.
 * rump_etfs_register_withsize(key, hostpath, type, begin, size)
 *	the same for size bytes from byte begin of the host file (one
 *	partition of an image); both multiples of 512.
 * rump_etfs_remove(key)
 *	removes the name and closes the host file; EBUSY while mounted or
 *	open.
 * rump_etfs_fault(key, spec)
 *	makes block I/O on the device fail with EIO at a rate, from a seeded
 *	generator: "rate=1%,seed=42,dir=read" (dir: read, write or both;
 *	rate as a fraction or a percentage); "" or "none" turns it off.
 */
#ifndef RUMP_RUMP_ETFS_H
#define RUMP_RUMP_ETFS_H

#include <rump/rumpdefs.h>
#include <rump/rumpvfs_if_pub.h>

#endif
