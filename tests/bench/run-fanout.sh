#!/usr/bin/env bash
# run-fanout.sh - how fast a change reaches every watching console: N connections subscribed
# to every queue while one agent creates tickets one at a time (deskbench --fanout), for each N
# in BENCH_SUBSCRIBERS; the time from sending ticket.create to the push at each subscriber,
# against the create's own round trip. A private PostgreSQL and deskd with the demo data.
#
# Environment: DESKD_BIN and DESKBENCH_BIN (required); DESK_SRC (default: this repository);
# BENCH_SUBSCRIBERS ("1 10 50 200"), BENCH_ROUNDS (50).
set -euo pipefail

DESK_SRC=${DESK_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
[[ -n ${DESKBENCH_BIN:-} && -x ${DESKBENCH_BIN:-} ]] ||
	{ echo "run-fanout.sh: DESKBENCH_BIN must name the deskbench binary" >&2; exit 1; }

# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$DESK_SRC/tests/lib/harness.sh"
# shellcheck disable=SC2119
harness_start

echo "| subscribers | create p50 ms | push p50 ms | push p99 ms | last subscriber p50 ms | last p99 ms | last / create |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in ${BENCH_SUBSCRIBERS:-1 10 50 200}; do
	out=$("$DESKBENCH_BIN" --host "$DESK_HOST" --port "$DESK_PORT" --login ana --password demo \
		--fanout "$n" --iterations "${BENCH_ROUNDS:-50}" --warm 3)
	f() { awk -F': ' -v k="$1" '$1 == k { print $2 }' <<<"$out"; }
	echo "| $n | $(f create_p50_ms) | $(f push_p50_ms) | $(f push_p99_ms) | $(f last_p50_ms) |" \
		"$(f last_p99_ms) | $(f last_over_create) |"
done
