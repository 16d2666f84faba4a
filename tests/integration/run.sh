#!/usr/bin/env bash
# run.sh - protocol integration suite: a private PostgreSQL and deskd with the demo data, then
# desk_itest against them. Arguments are passed to desk_itest (test-name filters).
#
# Environment: DESKD_BIN (deskd to test) and ITEST_BIN (desk_itest), both required;
# DESK_SRC (repository root; default: the one holding this script).
set -euo pipefail

DESK_SRC=${DESK_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
[[ -n ${ITEST_BIN:-} ]] || { echo "run.sh: ITEST_BIN is not set (path to desk_itest)" >&2; exit 1; }
[[ -x $ITEST_BIN ]] || { echo "run.sh: ITEST_BIN=$ITEST_BIN is not executable" >&2; exit 1; }

# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$DESK_SRC/tests/lib/harness.sh"
# shellcheck disable=SC2119 # harness_start takes its own options, not the script's arguments
harness_start
# A second deskd on the same database: changes made through one must reach the other's
# subscribers.
harness_start_deskd DESK_PORT2 DESKD_PID2
export DESK_PORT2

rc=0
"$ITEST_BIN" "$@" || rc=$?

# The hostile-input tests must not have taken a daemon down, even if they passed.
# shellcheck disable=SC2153 # DESKD_PID2 is set by harness_start_deskd
for pid in "$DESKD_PID" "$DESKD_PID2"; do
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "run.sh: deskd (pid $pid) is no longer running after the tests" >&2
		rc=1
	fi
done
exit "$rc"
