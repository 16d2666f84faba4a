#!/usr/bin/env bash
# free-port.sh - print a TCP port that nothing on this machine is using, for private servers.
#
# Usage: scripts/free-port.sh
#
# Ports come from 20000..32767, below Linux's usual ephemeral range (32768..60999) so that an
# outgoing connection is unlikely to grab the port between this check and the bind. The
# search starts at a random port, so parallel test runs rarely pick the same one; callers
# still retry when the bind fails, because a check-then-bind can never be race-free.
set -euo pipefail

lo=20000
hi=32767
span=$((hi - lo + 1))

# All local TCP ports in any state (listening, established, TIME_WAIT) according to ss, one
# per line; empty when ss is missing, in which case the /dev/tcp probe alone decides.
used=""
if command -v ss >/dev/null 2>&1; then
	used=$(ss -Htan 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }' | sort -u) || used=""
fi

port_in_use() {
	local p=$1
	if [[ -n $used ]] && grep -qx -- "$p" <<<"$used"; then
		return 0
	fi
	# A successful connect means something listens there. Run in a subshell so the
	# descriptor closes at once.
	if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		return 0
	fi
	return 1
}

start=$((lo + (RANDOM * 32768 + RANDOM) % span))
for ((i = 0; i < span; i++)); do
	p=$((lo + (start - lo + i) % span))
	if ! port_in_use "$p"; then
		echo "$p"
		exit 0
	fi
done
echo "free-port.sh: no free TCP port in $lo..$hi" >&2
exit 1
