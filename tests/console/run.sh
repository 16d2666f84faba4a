#!/usr/bin/env bash
# run.sh - console suite: a private PostgreSQL and deskd with the demo data, then the tmux-driven
# console tests against them.
#
# Environment: DESKD_BIN (deskd) and DESK_BIN (desk), both required; DESK_SRC (repository root;
# default: the one holding this script).
set -euo pipefail

DESK_SRC=${DESK_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
[[ -n ${DESK_BIN:-} && -x ${DESK_BIN:-} ]] || { echo "run.sh: DESK_BIN must name the desk binary" >&2; exit 1; }
command -v tmux >/dev/null || { echo "run.sh: tmux is required (scripts/setup-deps.sh installs it)" >&2; exit 1; }
export DESK_BIN

# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$DESK_SRC/tests/lib/harness.sh"
# shellcheck disable=SC2119
harness_start

rc=0
for t in "$DESK_SRC"/tests/console/console_*.sh; do
	echo "# $(basename "$t")"
	bash "$t" || { echo "not ok - $(basename "$t")"; rc=1; }
done
if ! kill -0 "$DESKD_PID" 2>/dev/null; then
	echo "run.sh: deskd is no longer running after the console tests" >&2
	rc=1
fi
exit "$rc"
