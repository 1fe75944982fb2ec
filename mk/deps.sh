#!/bin/sh
# Installs the Debian packages the build, the tests, the demo and the
# benchmarks need, when they are missing, and says what it installs.
# Run as root on Debian 12.  Usage: sh mk/deps.sh
set -e
need="make gcc clang binutils pkg-config libcmocka-dev libpcap-dev iproute2
iputils-ping netcat-openbsd tcpdump procps curl wrk e2fsprogs
iperf ethtool libreadline-dev valgrind lld"
missing=""
for p in $need; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root (or install them) to continue" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q $missing
