#!/bin/sh
# The TCP integration tests again with the taps' checksum and segmentation
# offloads off (RUMP_VIRTIF_OFFLOAD=0: one frame per read and write, every
# checksum computed by the stack), so both paths of virtif and TCP run:
# t_tcp.sh (8 MiB each way through the faults: the losses, their repair
# and the counters are the same as with t_tcp.sh's 64 MiB, which runs with
# the offloads on), t_tcp_nc.sh (a 64 MiB bulk transfer) and t_httpd.sh
# with its faults.  Each prints its own results; this fails if any of
# them does.
dir=$(dirname "$0")
RUMP_VIRTIF_OFFLOAD=0
TCP_TEST_BYTES=${TCP_TEST_BYTES:-67108864}
TCP_LOSSY_BYTES=${TCP_LOSSY_BYTES:-8388608}
export RUMP_VIRTIF_OFFLOAD TCP_TEST_BYTES TCP_LOSSY_BYTES
rc=0
for t in t_tcp.sh t_tcp_nc.sh t_httpd.sh; do
	echo "=== $t, offloads off"
	sh "$dir/$t" || rc=1
done
exit $rc
