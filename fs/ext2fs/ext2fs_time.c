/*
 * Inode times: set to now to the nanosecond (the nanoseconds reach the
 * disk where a large inode has room, ext2fs_bswap.c), and the rule for
 * access times, Linux's default (relatime): a read updates the access
 * time only when it is not after the last modification or change, or is
 * a day old, so a file read over and over is written once a day at most.
 */
#include "rumpkern/kern.h"
#include "rumpkern/ktime.h"
#include "fs/ext2fs/ext2fs.h"

#define EXT2_RELATIME_SECS	(24 * 60 * 60)

void
ext2fs_settime(uint32_t *secp, uint32_t *nsp, const struct timespec *ts)
{
	*secp = (uint32_t)ts->tv_sec;
	*nsp = (uint32_t)ts->tv_nsec;
}

void
ext2fs_itimes(struct ext2fs_inode *ip, unsigned which)
{
	uint64_t now = getnstime();
	struct timespec ts = {
		.tv_sec = (time_t)(now / NSEC_PER_SEC),
		.tv_nsec = (long)(now % NSEC_PER_SEC),
	};

	if ((which & EXT2_ATIME) != 0)
		ext2fs_settime(&ip->i_atime, &ip->i_atime_ns, &ts);
	if ((which & EXT2_MTIME) != 0)
		ext2fs_settime(&ip->i_mtime, &ip->i_mtime_ns, &ts);
	if ((which & EXT2_CTIME) != 0)
		ext2fs_settime(&ip->i_ctime, &ip->i_ctime_ns, &ts);
}

/* Whether time a is not after time b. */
static bool
ext2fs_time_le(uint32_t asec, uint32_t ans, uint32_t bsec, uint32_t bns)
{
	return asec < bsec || (asec == bsec && ans <= bns);
}

bool
ext2fs_atime_due(const struct ext2fs_inode *ip)
{
	uint32_t now = (uint32_t)(getnstime() / NSEC_PER_SEC);

	return ext2fs_time_le(ip->i_atime, ip->i_atime_ns, ip->i_mtime,
	    ip->i_mtime_ns) ||
	    ext2fs_time_le(ip->i_atime, ip->i_atime_ns, ip->i_ctime,
	    ip->i_ctime_ns) ||
	    now - ip->i_atime >= EXT2_RELATIME_SECS;
}
