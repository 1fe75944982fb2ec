/*
 * virtif, the host half: a Linux tap device through /dev/net/tun.
 *
 * The tap's file descriptor is nonblocking.  A receiver drains the tap with
 * read(2) until EAGAIN and sleeps in poll(2) only when it found nothing; an
 * eventfd polled beside the tap wakes it for shutdown.  Errno values are
 * captured right after each host call.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "virtif/virtif_user.h"

/* Segments are handed to writev(2) as they are. */
_Static_assert(sizeof(struct virtif_user_seg) == sizeof(struct iovec) &&
    offsetof(struct virtif_user_seg, vs_base) == offsetof(struct iovec, iov_base) &&
    offsetof(struct virtif_user_seg, vs_len) == offsetof(struct iovec, iov_len),
    "struct virtif_user_seg is not laid out like struct iovec");
_Static_assert(VIRTIF_USER_NAMELEN == IFNAMSIZ, "VIRTIF_USER_NAMELEN");
_Static_assert(VIRTIF_USER_MAXSEGS <= IOV_MAX, "VIRTIF_USER_MAXSEGS");

struct virtif_user {
	int vu_fd;			/* the tap, nonblocking */
	int vu_wakefd;			/* eventfd, readable after shutdown */
	atomic_bool vu_dying;
	bool vu_created;
	bool vu_offload;		/* IFF_VNET_HDR: a header before frames */
	bool vu_empty;			/* the last read found the tap empty */
	uint64_t vu_spin_ns;		/* busy-poll this long before sleeping */
	char vu_name[IFNAMSIZ];
	/* Catches the first byte past a receive buffer: truncation. */
	unsigned char vu_spill;
};

/* Permission errors all read "needs root or CAP_NET_ADMIN" to the kernel. */
static int
permerror(int error)
{
	return error == EACCES ? EPERM : error;
}

static int
setmtu(const char *name, int mtu)
{
	struct ifreq ifr;
	int s, error = 0;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s == -1)
		return errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, IFNAMSIZ);
	ifr.ifr_mtu = mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) == -1)
		error = permerror(errno);
	close(s);
	return error;
}

/*
 * Asks the host for partial checksums and TCP/IPv4 super-frames (the
 * header stays 10 bytes, struct virtio_net_hdr, Linux's default size), or
 * for none: a tap keeps the offloads it was given while it exists, and a
 * tap without the header must not get frames that need one.
 */
static int
setoffload(int fd, bool on)
{
	_Static_assert(VIRTIF_USER_VNETLEN == sizeof(struct virtio_net_hdr),
	    "VIRTIF_USER_VNETLEN");
	if (ioctl(fd, TUNSETOFFLOAD, on ? TUN_F_CSUM | TUN_F_TSO4 : 0) == -1)
		return permerror(errno);
	return 0;
}

int
virtif_user_open(const char *tapname, int mtu, int flags,
    struct virtif_user **vup)
{
	struct virtif_user *vu;
	struct ifreq ifr;
	size_t namelen;
	int error;

	if (tapname == NULL)
		tapname = "";
	namelen = strlen(tapname);
	if (namelen >= IFNAMSIZ || mtu < 0 || (flags & ~VIRTIF_USER_OFFLOAD))
		return EINVAL;

	vu = malloc(sizeof(*vu));
	if (vu == NULL)
		return ENOMEM;
	memset(vu, 0, sizeof(*vu));
	atomic_init(&vu->vu_dying, false);

	vu->vu_fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (vu->vu_fd == -1) {
		error = permerror(errno);
		goto fail_free;
	}
	vu->vu_wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (vu->vu_wakefd == -1) {
		error = errno;
		goto fail_tap;
	}

	/*
	 * TUNSETIFF attaches to the tap of that name or creates it.  Whether
	 * it existed is looked up just before; a tap made in between by
	 * someone else would be taken as ours, which only changes what is
	 * reported: ours is not persistent and goes when we close it.
	 */
	vu->vu_created = namelen == 0 || if_nametoindex(tapname) == 0;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, tapname, namelen);
	vu->vu_offload = (flags & VIRTIF_USER_OFFLOAD) != 0;
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vu->vu_offload ? IFF_VNET_HDR : 0);
	if (ioctl(vu->vu_fd, TUNSETIFF, &ifr) == -1) {
		error = permerror(errno);
		goto fail_wake;
	}
	if ((error = setoffload(vu->vu_fd, vu->vu_offload)) != 0)
		goto fail_wake;
	memcpy(vu->vu_name, ifr.ifr_name, IFNAMSIZ);
	vu->vu_name[IFNAMSIZ - 1] = '\0';

	if (mtu != 0) {
		error = setmtu(vu->vu_name, mtu);
		if (error != 0)
			goto fail_wake;
	}
	*vup = vu;
	return 0;

fail_wake:
	close(vu->vu_wakefd);
fail_tap:
	close(vu->vu_fd);
fail_free:
	free(vu);
	return error;
}

const char *
virtif_user_name(const struct virtif_user *vu)
{
	return vu->vu_name;
}

int
virtif_user_created(const struct virtif_user *vu)
{
	return vu->vu_created;
}

/*
 * Reads frames until the tap is empty or every slot is full.  Returns the
 * number read; *errorp is set when a read failed for another reason than
 * an empty tap.
 */
static size_t
drain(struct virtif_user *vu, struct virtif_user_frame *frames, size_t nframes,
    int *errorp)
{
	struct iovec iov[VIRTIF_USER_RXMORE + 3];
	size_t n = 0, hdrlen = vu->vu_offload ? VIRTIF_USER_VNETLEN : 0, cap;
	ssize_t len;
	int niov, i;

	*errorp = 0;
	while (n < nframes) {
		struct virtif_user_frame *f = &frames[n];

		if (f->vf_nmore < 0 || f->vf_nmore > VIRTIF_USER_RXMORE) {
			*errorp = EINVAL;
			break;
		}
		niov = 0;
		if (hdrlen != 0) {
			iov[niov].iov_base = f->vf_vnet;
			iov[niov++].iov_len = hdrlen;
		}
		iov[niov].iov_base = f->vf_buf;
		iov[niov++].iov_len = cap = f->vf_buflen;
		for (i = 0; i < f->vf_nmore; i++) {
			iov[niov].iov_base = (void *)(uintptr_t)f->vf_more[i].vs_base;
			iov[niov++].iov_len = f->vf_more[i].vs_len;
			cap += f->vf_more[i].vs_len;
		}
		iov[niov].iov_base = &vu->vu_spill;
		iov[niov++].iov_len = 1;
		len = readv(vu->vu_fd, iov, niov);
		if (len == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				*errorp = errno;
			break;
		}
		/* A frame shorter than its header is a frame of nothing. */
		len = (size_t)len > hdrlen ? len - (ssize_t)hdrlen : 0;
		f->vf_truncated = (size_t)len > cap;
		f->vf_len = f->vf_truncated ? cap : (size_t)len;
		n++;
	}
	return n;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void
virtif_user_setspin(struct virtif_user *vu, uint64_t ns)
{
	vu->vu_spin_ns = ns;
}

/*
 * Busy-polls the empty tap for up to vu_spin_ns: a frame that arrives
 * meanwhile is read without the host waking a sleeping thread, which is
 * most of the round-trip time of a tap.  Returns the frames read.
 */
static size_t
spin(struct virtif_user *vu, struct virtif_user_frame *frames, size_t nframes,
    int *errorp)
{
	uint64_t deadline = now_ns() + vu->vu_spin_ns;
	size_t n;

	*errorp = 0;
	do {
		if (atomic_load_explicit(&vu->vu_dying, memory_order_relaxed))
			return 0;
		if ((n = drain(vu, frames, nframes, errorp)) > 0 || *errorp != 0)
			return n;
		/* Let a thread that shares our host CPU (the sender) run. */
		sched_yield();
	} while (now_ns() < deadline);
	return 0;
}

int
virtif_user_recv(struct virtif_user *vu, struct virtif_user_frame *frames,
    size_t nframes, size_t *nrecvp)
{
	struct pollfd pfd[2];
	size_t n = 0;
	int error = 0;

	*nrecvp = 0;
	if (nframes == 0)
		return EINVAL;
	pfd[0].fd = vu->vu_fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = vu->vu_wakefd;
	pfd[1].events = POLLIN;
	for (;;) {
		if (atomic_load_explicit(&vu->vu_dying, memory_order_acquire))
			return ECANCELED;
		/*
		 * Under load the frames are already there: no poll at all.
		 * When the last read found the tap empty, reading again before
		 * sleeping would only cost a system call.
		 */
		if (!vu->vu_empty)
			n = drain(vu, frames, nframes, &error);
		else if (vu->vu_spin_ns != 0)
			n = spin(vu, frames, nframes, &error);
		/* The batch ended either full or on an empty tap. */
		vu->vu_empty = n < nframes && error == 0;
		if (n > 0) {
			/* An error after some frames shows on the next call. */
			*nrecvp = n;
			return 0;
		}
		if (error != 0)
			return error;
		if (poll(pfd, 2, -1) == -1 && errno != EINTR)
			return errno;
		vu->vu_empty = false;
	}
}

int
virtif_user_send(struct virtif_user *vu, const struct virtif_user_seg *segs,
    int nsegs)
{
	ssize_t len;

	if (nsegs < 0 || nsegs > VIRTIF_USER_MAXSEGS)
		return EINVAL;
	do
		len = writev(vu->vu_fd, (const struct iovec *)(const void *)segs,
		    nsegs);
	while (len == -1 && errno == EINTR);
	if (len == -1)
		return errno;
	/* A tap takes a frame whole; nothing written is an empty frame. */
	return len > 0 ? 0 : EINVAL;
}

void
virtif_user_shutdown(struct virtif_user *vu)
{
	uint64_t one = 1;

	atomic_store_explicit(&vu->vu_dying, true, memory_order_release);
	/*
	 * The eventfd stays readable from now on, so every poll returns.
	 * Writing fails only if the counter would overflow, and then it is
	 * readable already.
	 */
	while (write(vu->vu_wakefd, &one, sizeof(one)) == -1 && errno == EINTR)
		continue;
}

void
virtif_user_close(struct virtif_user *vu)
{
	close(vu->vu_wakefd);
	close(vu->vu_fd);
	free(vu);
}
