#!/usr/bin/env bash
# run-bench.sh - ticket.create through deskd (deskbench) against the same SQL sent straight to
# PostgreSQL (pgbench), on a private database with the demo data; prints both rates and their
# ratio.
#
# Environment: DESKD_BIN and DESKBENCH_BIN (required); DESK_SRC (default: this repository);
# BENCH_CONNS (16), BENCH_SECONDS (20), PGBENCH (/usr/lib/postgresql/15/bin/pgbench).
set -euo pipefail

DESK_SRC=${DESK_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
conns=${BENCH_CONNS:-16}
secs=${BENCH_SECONDS:-20}
PGBENCH=${PGBENCH:-/usr/lib/postgresql/15/bin/pgbench}
[[ -n ${DESKBENCH_BIN:-} && -x ${DESKBENCH_BIN:-} ]] ||
	{ echo "run-bench.sh: DESKBENCH_BIN must name the deskbench binary" >&2; exit 1; }
[[ -x $PGBENCH ]] || { echo "run-bench.sh: no pgbench at $PGBENCH (set PGBENCH)" >&2; exit 1; }

# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$DESK_SRC/tests/lib/harness.sh"
# shellcheck disable=SC2119 # harness_start takes its own options, not the script's arguments
harness_start

echo "== deskbench: $conns connections, $secs s"
desk_out=$("$DESKBENCH_BIN" --host "$DESK_HOST" --port "$DESK_PORT" --conns "$conns" \
	--seconds "$secs" --login ana --password demo) || {
	echo "$desk_out"
	echo "run-bench.sh: deskbench failed" >&2
	exit 1
}
echo "$desk_out"
desk_rate=$(awk -F': ' '$1 == "creates/s" { print $2 }' <<<"$desk_out")
actor=$(awk -F': ' '$1 == "agent_id" { print $2 }' <<<"$desk_out")

script=$HARNESS_DIR/ticket-create.pgbench
"$DESKBENCH_BIN" --pgbench-script "$script" --actor "$actor"
echo "== pgbench: $conns clients, $secs s, script $script"
cat "$script"
pg_out=$("$PGBENCH" -c "$conns" -j 2 -T "$secs" -n -f "$script" "$DESKD_DB" 2>&1) || {
	echo "$pg_out"
	echo "run-bench.sh: pgbench failed" >&2
	exit 1
}
echo "$pg_out"
# PostgreSQL 15 prints "tps = N (without initial connection time)".
pg_tps=$(awk '$1 == "tps" && $2 == "=" { print $3; exit }' <<<"$pg_out")
[[ -n $desk_rate && -n $pg_tps ]] ||
	{ echo "run-bench.sh: could not read the rates" >&2; exit 1; }

echo "== result"
awk -v d="$desk_rate" -v p="$pg_tps" 'BEGIN {
	printf "deskd ticket.create:   %10.1f /s\n", d
	printf "pgbench, same SQL:     %10.1f tps\n", p
	printf "ratio deskd/pgbench:   %10.2f\n", (p > 0 ? d / p : 0)
}'
