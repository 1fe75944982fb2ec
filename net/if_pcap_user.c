/* The host half of packet capture: pcap files through libpcap. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

#include "net/if_pcap_user.h"

#define SNAPLEN	65535

struct if_pcap_user {
	pcap_t *pcap;
	pcap_dumper_t *dumper;
};

int
if_pcap_user_open(const char *path, int linktype, struct if_pcap_user **pup)
{
	struct if_pcap_user *pu = calloc(1, sizeof(*pu));

	if (pu == NULL)
		return ENOMEM;
	pu->pcap = pcap_open_dead(linktype == IF_PCAP_DLT_NULL ? DLT_NULL :
	    DLT_EN10MB, SNAPLEN);
	if (pu->pcap == NULL) {
		free(pu);
		return ENOMEM;
	}
	errno = 0;
	pu->dumper = pcap_dump_open(pu->pcap, path);
	if (pu->dumper == NULL) {
		int error = errno != 0 ? errno : EIO;

		fprintf(stderr, "pcap: %s: %s\n", path, pcap_geterr(pu->pcap));
		pcap_close(pu->pcap);
		free(pu);
		return error;
	}
	*pup = pu;
	return 0;
}

void
if_pcap_user_write(struct if_pcap_user *pu, const void *frame, size_t len,
    uint64_t ns)
{
	struct pcap_pkthdr hdr = {
		.ts = { .tv_sec = (time_t)(ns / 1000000000),
		    .tv_usec = (suseconds_t)(ns % 1000000000 / 1000) },
		.caplen = (bpf_u_int32)(len < SNAPLEN ? len : SNAPLEN),
		.len = (bpf_u_int32)len,
	};

	pcap_dump((u_char *)pu->dumper, &hdr, frame);
}

void
if_pcap_user_close(struct if_pcap_user *pu)
{
	pcap_dump_flush(pu->dumper);
	pcap_dump_close(pu->dumper);
	pcap_close(pu->pcap);
	free(pu);
}
