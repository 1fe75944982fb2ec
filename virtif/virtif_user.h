/*
 * The contract between the two halves of the virtN Ethernet driver.
 *
 * The kernel half (if_virt.c: mbufs, ifnet) calls the host half
 * (virtif_user.c), which drives a Linux tap device through /dev/net/tun
 * (IFF_TAP | IFF_NO_PI: one read or write is one whole Ethernet frame,
 * without the FCS).  Both halves include this header, so it includes only
 * freestanding headers and uses plain C types.
 *
 * Every call returning int returns 0 or an errno value (Linux numbering);
 * a call returning anything else never fails.  The host half keeps no
 * global state: everything lives in the opaque struct virtif_user.
 *
 * Blocking: virtif_user_recv() blocks until a frame arrives or shutdown is
 * requested; the kernel half gives back its virtual CPU around it.  No
 * other call blocks: a frame the tap does not take at once is not sent.
 *
 * Threads: one thread at a time may receive; sending may happen at the
 * same time as receiving, from any number of threads.  Shutdown may be
 * called from any thread at any time; close only once nobody uses the
 * handle any more.
 */
#ifndef VIRTIF_VIRTIF_USER_H
#define VIRTIF_VIRTIF_USER_H

#include <stddef.h>
#include <stdint.h>

struct virtif_user;

/* The longest tap name, terminating NUL included (Linux's IFNAMSIZ). */
#define VIRTIF_USER_NAMELEN	16

/*
 * With VIRTIF_USER_OFFLOAD the tap is opened with IFF_VNET_HDR and asked
 * (TUNSETOFFLOAD) to hand over frames with partial checksums and TCP/IPv4
 * super-frames of up to 64 KiB: every frame, received or sent, is then
 * preceded by a virtio-net header of VIRTIF_USER_VNETLEN bytes, which this
 * half passes through without looking at it (virtif_vnet.h reads it).
 */
#define VIRTIF_USER_OFFLOAD	0x01
#define VIRTIF_USER_VNETLEN	10

/*
 * Opens the tap device named tapname, creating it if no interface of that
 * name exists (a NULL or empty name lets Linux pick "tapN").  A tap created
 * here is not persistent: Linux removes it when the handle is closed; an
 * existing tap is left as it was found.  The host side's configuration
 * (addresses, up or down) is the user's business and is not touched, except
 * that a non-zero mtu sets the host side's MTU.
 *
 * Errors: EPERM when the process may not open /dev/net/tun or may not
 * create or attach to the tap (it needs root or CAP_NET_ADMIN; EACCES is
 * reported as EPERM too); ENOENT when /dev/net/tun does not exist (no tun
 * driver); EBUSY when the tap is in use by another process; EINVAL for a
 * name of VIRTIF_USER_NAMELEN or more characters, a name of an interface
 * that is not a tap, an MTU the tap refuses, or offloads it refuses;
 * ENOMEM; EMFILE, ENFILE.
 */
int virtif_user_open(const char *tapname, int mtu, int flags,
    struct virtif_user **vup);

/* The tap's name as Linux knows it (useful when Linux picked it). */
const char *virtif_user_name(const struct virtif_user *vu);

/* Whether virtif_user_open() created the tap (1) or found it (0). */
int virtif_user_created(const struct virtif_user *vu);

/* One piece of a frame to send or of a buffer to receive into. */
struct virtif_user_seg {
	const void *vs_base;
	size_t vs_len;
};

/*
 * One received frame.  The caller sets where it goes: vf_buf (vf_buflen
 * bytes), continued by the vf_nmore buffers of vf_more (NULL, 0: none),
 * and with VIRTIF_USER_OFFLOAD vf_vnet for the header
 * (VIRTIF_USER_VNETLEN bytes).  virtif_user_recv() sets the frame's length
 * vf_len, the header not counted.  A frame longer than the buffers is cut
 * to their length and flagged vf_truncated: the caller drops it (the rest
 * of it is lost).  Buffers of the interface's MTU plus 18 bytes (Ethernet
 * header and one VLAN tag) hold every frame the host side may send when
 * its MTU is not larger; with offloads, 64 KiB plus 18.
 */
struct virtif_user_frame {
	void *vf_buf;
	size_t vf_buflen;
	const struct virtif_user_seg *vf_more;
	int vf_nmore;
	void *vf_vnet;
	size_t vf_len;
	int vf_truncated;
};

/* The most buffers one received frame may continue into (vf_nmore). */
#define VIRTIF_USER_RXMORE	8

/*
 * Receives a batch: blocks until at least one frame is available or
 * shutdown was requested, then reads every frame the tap holds, up to
 * nframes, without blocking again.  *nrecvp is set to the number of
 * frames filled in, in order from frames[0]; it is at least 1 when 0 is
 * returned.
 *
 * May block.  Errors: ECANCELED once virtif_user_shutdown() was called
 * (also when frames are waiting); EINVAL when nframes is 0 or a frame's
 * vf_nmore is over VIRTIF_USER_RXMORE; EBADFD when
 * the host deleted the tap; other errno values of read(2) and poll(2).
 */
int virtif_user_recv(struct virtif_user *vu, struct virtif_user_frame *frames,
    size_t nframes, size_t *nrecvp);

/*
 * Makes virtif_user_recv() busy-poll an empty tap for up to ns nanoseconds
 * before it sleeps (0, the default: sleep at once).  Trades a host CPU for
 * latency: a frame found while spinning costs no wake-up of a sleeping
 * thread.  Set before the first virtif_user_recv().
 */
void virtif_user_setspin(struct virtif_user *vu, uint64_t ns);

/* The largest number of segments one frame may have (Linux's IOV_MAX). */
#define VIRTIF_USER_MAXSEGS	1024

/*
 * Sends one frame gathered from nsegs segments, without copying it.  The
 * frame is sent whole or not at all; the caller keeps its buffers.  With
 * VIRTIF_USER_OFFLOAD the first VIRTIF_USER_VNETLEN bytes are the header.
 *
 * Never blocks.  Errors (the frame was not sent): EIO when the host side
 * of the tap is down; EINVAL for a frame shorter than an Ethernet header,
 * longer than the tap takes, or of more than VIRTIF_USER_MAXSEGS
 * segments; EBADFD when the host deleted the tap; EAGAIN when the tap
 * has no room (not with the unlimited send buffer a tap has unless
 * TUNSETSNDBUF lowered it).
 */
int virtif_user_send(struct virtif_user *vu, const struct virtif_user_seg *segs,
    int nsegs);

/*
 * Wakes a thread blocked in virtif_user_recv() and makes every later virtif_user_recv() return ECANCELED at once.
 * Idempotent; never blocks.
 */
void virtif_user_shutdown(struct virtif_user *vu);

/*
 * Closes the tap (a tap created by virtif_user_open() disappears) and frees
 * vu.  Nobody may be using vu any more: shut down and join the receiver
 * first.
 */
void virtif_user_close(struct virtif_user *vu);

#endif /* VIRTIF_VIRTIF_USER_H */
