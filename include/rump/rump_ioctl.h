/*
 * The ioctl requests a remote client may make, with the size and the
 * direction of each one's argument.  A local call hands the kernel a
 * pointer into the caller's memory and needs none of this; a remote one
 * must know how many bytes to carry and which way, and the request number
 * alone does not say it on Linux.  librumpclient and the server both read
 * this table; a request missing from it travels with a NULL argument, and
 * the kernel answers it as it would any request it does not know.
 *
 * Requests and structure layouts are Linux's: the rump kernel numbers
 * them as Linux does.  A host header, kernel-independent.
 */
#ifndef RUMP_RUMP_IOCTL_H
#define RUMP_RUMP_IOCTL_H

#include <stddef.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <sys/ioctl.h>
#include <rump/rump_netinfo.h>

enum rump_ioctl_dir {
	RUMP_IOCTL_IN = 1,	/* the argument is read by the kernel */
	RUMP_IOCTL_OUT,		/* the argument is written by the kernel */
	RUMP_IOCTL_INOUT,	/* both */
	/*
	 * struct ifconf: ifc_len in, ifc_len and ifc_len bytes at ifc_buf
	 * out (ifc_buf NULL asks for the length needed).
	 */
	RUMP_IOCTL_IFCONF,
	/* struct rtentry in, with the interface name rt_dev points to. */
	RUMP_IOCTL_RTENTRY,
};

struct rump_ioctl_desc {
	unsigned long	request;
	unsigned int	size;
	enum rump_ioctl_dir dir;
};

static const struct rump_ioctl_desc rump_ioctl_table[] = {
	{ FIONBIO,		sizeof(int),		RUMP_IOCTL_IN },
	{ FIONREAD,		sizeof(int),		RUMP_IOCTL_OUT },
	{ SIOCGIFCONF,		sizeof(struct ifconf),	RUMP_IOCTL_IFCONF },
	{ SIOCGIFFLAGS,		sizeof(struct ifreq),	RUMP_IOCTL_INOUT },
	{ SIOCSIFFLAGS,		sizeof(struct ifreq),	RUMP_IOCTL_IN },
	{ SIOCGIFADDR,		sizeof(struct ifreq),	RUMP_IOCTL_INOUT },
	{ SIOCSIFADDR,		sizeof(struct ifreq),	RUMP_IOCTL_IN },
	{ SIOCGIFNETMASK,	sizeof(struct ifreq),	RUMP_IOCTL_INOUT },
	{ SIOCSIFNETMASK,	sizeof(struct ifreq),	RUMP_IOCTL_IN },
	{ SIOCGIFMTU,		sizeof(struct ifreq),	RUMP_IOCTL_INOUT },
	{ SIOCSIFMTU,		sizeof(struct ifreq),	RUMP_IOCTL_IN },
	{ SIOCGIFHWADDR,	sizeof(struct ifreq),	RUMP_IOCTL_INOUT },
	{ SIOCGIFINDEX,		sizeof(struct ifreq),	RUMP_IOCTL_INOUT },
	{ SIOCADDRT,		sizeof(struct rtentry),	RUMP_IOCTL_RTENTRY },
	{ SIOCDELRT,		sizeof(struct rtentry),	RUMP_IOCTL_RTENTRY },
	{ SIOCSARP,		sizeof(struct arpreq),	RUMP_IOCTL_IN },
	{ SIOCGARP,		sizeof(struct arpreq),	RUMP_IOCTL_INOUT },
	{ SIOCDARP,		sizeof(struct arpreq),	RUMP_IOCTL_IN },
	{ RUMP_SIOCIFCREATE,	sizeof(struct rump_ifcreate), RUMP_IOCTL_IN },
	{ RUMP_SIOCIFDESTROY,	sizeof(struct ifreq),	RUMP_IOCTL_IN },
};

/* The table's entry for a request, or NULL. */
static inline const struct rump_ioctl_desc *
rump_ioctl_lookup(unsigned long request)
{
	size_t i;

	for (i = 0; i < sizeof(rump_ioctl_table) / sizeof(rump_ioctl_table[0]);
	    i++)
		if (rump_ioctl_table[i].request == request)
			return &rump_ioctl_table[i];
	return NULL;
}

#endif /* RUMP_RUMP_IOCTL_H */
