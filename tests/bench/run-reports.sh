#!/usr/bin/env bash
# run-reports.sh - the dashboard, the console's queue views and every report on a year of
# history (1,000,000 tickets by default): each request's round trip through deskd (deskbench
# --request) against the same SQL sent straight to PostgreSQL (pgbench), plus EXPLAIN (ANALYZE,
# BUFFERS) of every statement. Prints a results table; keeps everything in an output directory.
#
# Environment: DESKD_BIN and DESKBENCH_BIN (required); DESK_SRC (default: this repository);
# BENCH_TICKETS (1000000), BENCH_ITERATIONS (20: samples per side and case, at most),
# BENCH_MIN_ITERATIONS (3), BENCH_MAX_SECONDS (10: stop sampling a case after this long once
# the minimum is reached), BENCH_OUT (default: a new /tmp/desk-reports.XXXXXX),
# BENCH_ONLY (a regular expression: run only the cases whose names match), BENCH_EXTRA_SQL (a
# SQL file applied after the load, to measure a change to the functions;
# deskd is restarted after it so that its connections see new database settings), PGBENCH
# (/usr/lib/postgresql/15/bin/pgbench).
#
# How the two sides are made comparable (docs/benchmarks.md):
#   - The same SQL, byte for byte. A capture pass sends every request to deskd once with
#     statement logging on (log_min_duration_statement = 0) and takes the statements deskd
#     executed, with their parameters, from the PostgreSQL log. pgbench runs them with
#     -M extended and the same parameter values, as deskd does (PQsendQueryParams, unnamed
#     statement, untyped text parameters), and EXPLAIN runs them as PREPARE/EXECUTE.
#   - One client, one request at a time, on both sides; deskd with its default pool of 8.
#   - The same number of samples: pgbench runs -t N with N the number deskbench measured. Each
#     side first runs the case once unmeasured. The ratio deskd/pgbench of the medians is
#     taken per case from the two runs made back to back.
#   - The dashboard is one push holding five panels, computed one statement after another:
#     deskd's time is subscribe -> push; pgbench runs the five statements as one script.
set -euo pipefail

DESK_SRC=${DESK_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
tickets=${BENCH_TICKETS:-1000000}
iterations=${BENCH_ITERATIONS:-20}
min_iterations=${BENCH_MIN_ITERATIONS:-3}
max_seconds=${BENCH_MAX_SECONDS:-10}
only=${BENCH_ONLY:-}
extra_sql=${BENCH_EXTRA_SQL:-}
[[ -z $extra_sql || -r $extra_sql ]] || { echo "run-reports.sh: cannot read $extra_sql" >&2; exit 1; }
[[ -z $extra_sql ]] || extra_sql=$(cd "$(dirname "$extra_sql")" && pwd)/$(basename "$extra_sql")
PGBENCH=${PGBENCH:-/usr/lib/postgresql/15/bin/pgbench}
[[ -n ${DESKBENCH_BIN:-} && -x ${DESKBENCH_BIN:-} ]] ||
	{ echo "run-reports.sh: DESKBENCH_BIN must name the deskbench binary" >&2; exit 1; }
[[ -x $PGBENCH ]] || { echo "run-reports.sh: no pgbench at $PGBENCH (set PGBENCH)" >&2; exit 1; }
DESKBENCH_BIN=$(cd "$(dirname "$DESKBENCH_BIN")" && pwd)/$(basename "$DESKBENCH_BIN")
out=${BENCH_OUT:-$(mktemp -d /tmp/desk-reports.XXXXXX)}
mkdir -p "$out"/sql "$out"/explain "$out"/raw
out=$(cd "$out" && pwd)

# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$DESK_SRC/tests/lib/harness.sh"

note() { echo "run-reports.sh: $*" >&2; }
die() {
	echo "run-reports.sh: $*" >&2
	exit 1
}
q() { harness_psql "$@"; }

# ---------------------------------------------------------------- the machine and the data

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "host: $(uname -srm)"
	echo "cpus: $(nproc)"
	lscpu | grep -E '^(Model name|Thread\(s\) per core|Hypervisor vendor):' || true
	free -g | sed -n 2p | awk '{ print "memory_gib: " $2 }'
	echo "load_at_start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "tickets: $tickets, iterations: $iterations (min $min_iterations, max ${max_seconds}s)"
} >"$out/machine.txt"
cat "$out/machine.txt"

# shellcheck disable=SC2119 # harness_start takes its own options, not the script's arguments
harness_start
q "SELECT 'postgresql: ' || version()" | tee -a "$out/machine.txt"
q "SELECT name || ' = ' || setting || coalesce(' ' || unit, '') FROM pg_settings
    WHERE name IN ('shared_buffers', 'work_mem', 'effective_cache_size', 'jit',
                   'random_page_cost', 'max_parallel_workers_per_gather', 'fsync')
    ORDER BY name" | tee -a "$out/machine.txt"

echo "== generating $tickets tickets (tests/bench/gen-year.sql)"
t0=$SECONDS
"$(_harness_psql_bin)" -X -q -v ON_ERROR_STOP=1 -v tickets="$tickets" -d "$DESKD_DB" \
	-f "$DESK_SRC/tests/bench/gen-year.sql" >"$out/gen-year.log" 2>&1 ||
	{ cat "$out/gen-year.log"; die "gen-year.sql failed"; }
echo "generated in $((SECONDS - t0)) s" | tee -a "$out/machine.txt"
grep -v '^Time:' "$out/gen-year.log" | sed '/^$/d'
if [[ -n $extra_sql ]]; then
	echo "== applying $extra_sql"
	"$(_harness_psql_bin)" -X -q -v ON_ERROR_STOP=1 -d "$DESKD_DB" -f "$extra_sql" \
		>"$out/extra-sql.log" 2>&1 || { cat "$out/extra-sql.log"; die "$extra_sql failed"; }
	q "VACUUM ANALYZE" >/dev/null
	echo "extra sql: $extra_sql" >>"$out/machine.txt"
	harness_stop_deskd "$DESKD_PID" || true
	harness_start_deskd DESK_PORT DESKD_PID
fi
q "SELECT 'database size: ' || pg_size_pretty(pg_database_size(current_database()))" |
	tee -a "$out/machine.txt"

# What the views are opened on: the Service Desk, a tier-2 group, an L1 agent, the busiest
# caller and a median one; the year and the last month up to today (reporting zone UTC).
sd=$(q "SELECT id FROM queues WHERE name = 'Service Desk'")
hw=$(q "SELECT id FROM queues WHERE name = 'Hardware'")
ana=$(q "SELECT id FROM agents WHERE login = 'ana'")
read -r caller_busy caller_busy_n < <(q "SELECT requester_id, count(*) FROM tickets
    WHERE requester_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1" -F ' ')
read -r caller_med caller_med_n < <(q "SELECT requester_id, c FROM (
    SELECT requester_id, count(*) AS c, row_number() OVER (ORDER BY count(*), requester_id) AS k,
           count(*) OVER () AS n
      FROM tickets WHERE requester_id IS NOT NULL GROUP BY 1) x WHERE k = n / 2" -F ' ')
today=$(q "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD')")
year_from=$(q "SELECT to_char((now() AT TIME ZONE 'UTC')::date - 364, 'YYYY-MM-DD')")
month_from=$(q "SELECT to_char((now() AT TIME ZONE 'UTC')::date - 29, 'YYYY-MM-DD')")
echo "queues: Service Desk $sd, Hardware $hw; agent ana $ana; callers $caller_busy" \
	"($caller_busy_n tickets) and $caller_med ($caller_med_n); year $year_from..$today," \
	"month $month_from..$today" | tee -a "$out/machine.txt"

# ---------------------------------------------------------------- the cases

# name | what it is | request. Lists ask for pages of 200: the console asks for 500, but a
# page of 500 tickets encodes to ~450 KB, over the 256 KiB frame limit (see docs/benchmarks.md);
# the 500-row page is measured with pgbench alone (column "pgbench p50 @500").
cases=()
add() { cases+=("$1|$2|$3"); }
add dashboard "dashboard push (5 panels)" "dashboard"
add list.queue "Service Desk open, by updated" \
	"ticket.list queue_id=$sd open=true sort=updated desc=true limit=200"
add list.queue.due "Service Desk open, by SLA due" \
	"ticket.list queue_id=$sd open=true sort=due desc=false limit=200"
add list.esc "Hardware escalations (tier 2)" \
	"ticket.list queue_id=$hw open=true sort=escalated desc=false limit=200"
add list.mine "my tickets (ana)" \
	"ticket.list assignee_id=$ana open=true sort=updated desc=true limit=200"
add list.intake "tier-1 intake, by priority" \
	"ticket.list tier=1 open=true sort=priority desc=false limit=200"
add list.all "all open, by updated" "ticket.list open=true sort=updated desc=true limit=200"
add list.caller.busy "busiest caller's tickets ($caller_busy_n)" \
	"ticket.list requester_id=$caller_busy sort=updated desc=true limit=200"
add list.caller "median caller's tickets ($caller_med_n)" \
	"ticket.list requester_id=$caller_med sort=updated desc=true limit=200"
add list.resolved "recently resolved (limit 100)" \
	"ticket.list status=[resolved,closed] sort=updated desc=true limit=100"
add count.mine "count: my open tickets" "ticket.list assignee_id=$ana open=true limit=1"
add count.resolved "count: resolved + closed" "ticket.list status=[resolved,closed] limit=1"
for r in sla fcr first_response resolution backlog volume workload escalation trends; do
	for span in year month; do
		from=$year_from
		[[ $span == month ]] && from=$month_from
		for g in all queue; do
			add "report.$r.$span.$g" "report $r, $span, by $g" \
				"report.run name=$r from=$from to=$today group_by=$g"
		done
	done
done

selected=()
for c in "${cases[@]}"; do
	[[ -z $only || ${c%%|*} =~ $only ]] && selected+=("$c")
done
((${#selected[@]} > 0)) || die "no case matches BENCH_ONLY=$only"

bench() {
	"$DESKBENCH_BIN" --host "$DESK_HOST" --port "$DESK_PORT" --login sam --password demo \
		"$@"
}

# ---------------------------------------------------------------- capture the SQL

# The log file PostgreSQL writes now, readable by us (root or the cluster's owner).
pg_logfile() {
	echo "$PG_DATADIR/$(q 'SELECT pg_current_logfile()')"
}

# Statements in log lines from byte $2 of file $1 whose text matches $3, one per line:
# "SQL<TAB>parameters" (the DETAIL text, "$1 = '...', $2 = '...'", or empty).
extract_statements() {
	tail -c +"$(($2 + 1))" "$1" | awk -v pat="$3" '
		function emit() { if (pending) print sql "\t" params; pending = 0 }
		/ DETAIL:  parameters: / && pending {
			params = $0; sub(/.* DETAIL:  parameters: /, "", params); emit(); next
		}
		{ emit() }
		/ LOG:  duration: [0-9.]+ ms  execute [^:]*: / {
			s = $0; sub(/.* LOG:  duration: [0-9.]+ ms  execute [^:]*: /, "", s)
			if (s ~ pat) { sql = s; params = ""; pending = 1 }
		}
		END { emit() }'
}

# "$1 = 'a', $2 = 'b''c'" -> one value per line in file $2 (no value holds a newline here).
split_params() {
	local s=$1 file=$2
	: >"$file"
	while [[ $s =~ ^\$[0-9]+\ =\ \'(([^\']|\'\')*)\'(,\ )?(.*)$ ]]; do
		printf '%s\n' "${BASH_REMATCH[1]//\'\'/\'}" >>"$file"
		s=${BASH_REMATCH[4]}
	done
	[[ -z $s ]] || die "cannot read parameters: $1"
}

# Write the pgbench script (:pN for $N) and the EXPLAIN script for statement $2 of case $1.
write_scripts() {
	local name=$1 sql=$2 params=$3 vals=() i lits=""
	# shellcheck disable=SC2016 # $N is SQL, not shell
	printf '%s;\n' "$(sed -E 's/\$([0-9]+)/:p\1/g' <<<"$sql")" >"$out/sql/$name.pgbench"
	split_params "$params" "$out/sql/$name.params"
	mapfile -t vals <"$out/sql/$name.params"
	for ((i = 0; i < ${#vals[@]}; i++)); do
		lits+=${lits:+, }"'${vals[i]//\'/\'\'}'"
	done
	{
		echo "PREPARE bench_q AS $sql;"
		echo "EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_q${lits:+($lits)};"
		echo "DEALLOCATE bench_q;"
	} >"$out/sql/$name.explain.sql"
}

echo "== capture: each request once through deskd, statements taken from the PostgreSQL log"
q "ALTER SYSTEM SET log_min_duration_statement = 0" >/dev/null
q "SELECT pg_reload_conf()" >/dev/null
sleep 1
panels=(queues agents kpi hourly attention) # server/dashboard.c, in push order
for c in "${selected[@]}"; do
	IFS='|' read -r name what request <<<"$c"
	log=$(pg_logfile)
	off=$(stat -c %s "$log")
	bench --request "$request" --iterations 1 --min-iterations 1 --warm 0 \
		>"$out/raw/$name.capture" 2>&1 ||
		{ cat "$out/raw/$name.capture"; die "$name: deskbench failed"; }
	case $request in
	dashboard) pat='desk_dash_' ;;
	ticket.list*) pat='WITH page AS MATERIALIZED' ;;
	report.run*) pat='desk_report_' ;;
	esac
	stmts=""
	for _ in 1 2 3 4 5 6 7 8 9 10; do # the logging collector writes asynchronously
		sleep 0.2
		stmts=$(extract_statements "$log" "$off" "$pat")
		want=1
		[[ $request == dashboard ]] && want=${#panels[@]}
		(($(grep -c . <<<"$stmts") >= want)) && break
	done
	if [[ $request == dashboard ]]; then
		(($(grep -c . <<<"$stmts") == ${#panels[@]})) ||
			die "dashboard: expected ${#panels[@]} statements in the log, got: $stmts"
		: >"$out/sql/dashboard.pgbench"
		i=0
		while IFS=$'\t' read -r sql params; do
			write_scripts "panel.${panels[i]}" "$sql" "$params"
			cat "$out/sql/panel.${panels[i]}.pgbench" >>"$out/sql/dashboard.pgbench"
			i=$((i + 1))
		done <<<"$stmts"
		: >"$out/sql/dashboard.params"
	else
		(($(grep -c . <<<"$stmts") == 1)) ||
			die "$name: expected one statement in the log, got: $stmts"
		IFS=$'\t' read -r sql params <<<"$stmts"
		write_scripts "$name" "$sql" "$params"
	fi
done
q "ALTER SYSTEM RESET log_min_duration_statement" >/dev/null
q "SELECT pg_reload_conf()" >/dev/null

# ---------------------------------------------------------------- measure

# Nearest-rank percentiles of the pgbench per-transaction log (field 3: latency in us).
pgbench_stats() {
	awk '{ print $3 }' "$@" | sort -n | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "0 0 0"; exit }
			r50 = int(0.5 * NR + 0.999999); r90 = int(0.9 * NR + 0.999999)
			printf "%d %.3f %.3f\n", NR, v[r50] / 1000, v[r90] / 1000
		}'
}

# pgbench NAME TRANSACTIONS [LIMIT]: run the case's script; prints "n p50_ms p90_ms". With
# LIMIT the second-to-last parameter (ticket.list's page size) is replaced by it.
run_pgbench() {
	local name=$1 n=$2 limit=${3:-} vals=() defs=() i tag=$1${3:+@$3}
	mapfile -t vals <"$out/sql/$name.params"
	[[ -z $limit ]] || vals[${#vals[@]} - 2]=$limit
	for ((i = 0; i < ${#vals[@]}; i++)); do
		defs+=(-D "p$((i + 1))=${vals[i]}")
	done
	rm -rf "$out/raw/pgbench/$tag"
	mkdir -p "$out/raw/pgbench/$tag"
	"$PGBENCH" -n -M extended -c 1 -t 1 "${defs[@]}" -f "$out/sql/$name.pgbench" \
		"$DESKD_DB" >/dev/null 2>&1 || die "$tag: pgbench warm-up failed"
	"$PGBENCH" -n -M extended -c 1 -t "$n" "${defs[@]}" -f "$out/sql/$name.pgbench" -l \
		--log-prefix="$out/raw/pgbench/$tag/log" "$DESKD_DB" >"$out/raw/$tag.pgbench.out" 2>&1 ||
		{ cat "$out/raw/$tag.pgbench.out" >&2; die "$tag: pgbench failed"; }
	pgbench_stats "$out/raw/pgbench/$tag"/log.*
}

field() { awk -F': ' -v k="$1" '$1 == k { print $2 }' "$2"; }

echo "== measure: deskd (deskbench --request) then pgbench, per case"
results=$out/results.tsv
printf 'name\twhat\trows\treply_kb\tn\tdeskd_p50\tdeskd_p90\tpg_p50\tpg_p90\tratio\tpg500_p50\n' \
	>"$results"
for c in "${selected[@]}"; do
	IFS='|' read -r name what request <<<"$c"
	bench --request "$request" --iterations "$iterations" --min-iterations "$min_iterations" \
		--max-seconds "$max_seconds" --warm 1 >"$out/raw/$name.deskbench" 2>&1 ||
		{ cat "$out/raw/$name.deskbench"; die "$name: deskbench failed"; }
	n=$(field requests "$out/raw/$name.deskbench")
	d50=$(field p50_ms "$out/raw/$name.deskbench")
	d90=$(field p90_ms "$out/raw/$name.deskbench")
	rows=$(field rows "$out/raw/$name.deskbench")
	total=$(field total "$out/raw/$name.deskbench")
	[[ $total == -1 ]] || rows="$rows of $total"
	kb=$(awk -v b="$(field reply_bytes "$out/raw/$name.deskbench")" 'BEGIN { printf "%.1f", b / 1024 }')
	stats=$(run_pgbench "$name" "$n")
	read -r _ p50 p90 <<<"$stats"
	p500="-"
	if [[ $request == ticket.list*limit=200* ]]; then
		stats=$(run_pgbench "$name" "$n" 500)
		read -r _ p500 _ <<<"$stats"
	fi
	ratio=$(awk -v d="$d50" -v p="$p50" 'BEGIN { printf "%.2f", (p > 0 ? d / p : 0) }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$what" "$rows" "$kb" "$n" \
		"$d50" "$d90" "$p50" "$p90" "$ratio" "$p500" >>"$results"
	printf '%-28s n=%-3s deskd p50 %10.1f ms   pgbench p50 %10.1f ms   ratio %s\n' \
		"$name" "$n" "$d50" "$p50" "$ratio"
done

# The dashboard's panels one by one: pgbench only (deskd pushes them together).
panel_results=$out/panels.tsv
printf 'panel\tn\tpg_p50\tpg_p90\n' >"$panel_results"
if [[ -f $out/sql/panel.queues.pgbench ]]; then
	for p in "${panels[@]}"; do
		stats=$(run_pgbench "panel.$p" "$iterations")
		read -r n p50 p90 <<<"$stats"
		printf '%s\t%s\t%s\t%s\n' "$p" "$n" "$p50" "$p90" >>"$panel_results"
		printf '%-28s n=%-3s pgbench p50 %10.1f ms\n' "panel.$p" "$n" "$p50"
	done
fi

# ---------------------------------------------------------------- plans

echo "== plans: EXPLAIN (ANALYZE, BUFFERS) of every statement, and auto_explain's plans of the"
echo "   statements inside SQL functions the planner did not inline"
big='Seq Scan on (tickets|ticket_sla|ticket_comments|ticket_escalations|ticket_events|ticket_sla_pauses) '
explain() {
	local f=$1 nested=$2
	{
		if [[ $nested == 1 ]]; then
			echo "LOAD 'auto_explain';"
			echo "SET auto_explain.log_min_duration = 0;"
			echo "SET auto_explain.log_analyze = on;"
			echo "SET auto_explain.log_buffers = on;"
			echo "SET auto_explain.log_nested_statements = on;"
			echo "SET auto_explain.log_level = notice;"
		fi
		cat "$f"
	} | "$(_harness_psql_bin)" -X -q -v ON_ERROR_STOP=1 -d "$DESKD_DB" 2>&1
}
for f in "$out"/sql/*.explain.sql; do
	name=$(basename "$f" .explain.sql)
	explain "$f" 0 >"$out/explain/$name.txt" ||
		{ cat "$out/explain/$name.txt"; die "$name: EXPLAIN failed"; }
	files=("$out/explain/$name.txt")
	if grep -qE 'Function Scan on desk_' "$out/explain/$name.txt"; then
		explain "$f" 1 >"$out/explain/$name.nested.txt" ||
			{ cat "$out/explain/$name.nested.txt"; die "$name: EXPLAIN failed"; }
		files+=("$out/explain/$name.nested.txt")
	fi
	scans=$({ grep -ohE "$big" "${files[@]}" || true; } | awk '{ print $4 }' | sort -u |
		paste -sd, - | sed 's/,/, /g')
	times=$(awk '/^ *Planning Time:/ { p = $3 } /^ *Execution Time:/ { e = $3 }
		END { printf "%.1f + %.1f", p, e }' "$out/explain/$name.txt")
	printf '%s\t%s\t%s\n' "$name" "$times" "${scans:-none}"
done >"$out/plans.tsv"

# ---------------------------------------------------------------- report

{
	echo
	echo "| case | rows | reply KiB | n | deskd p50 ms | deskd p90 ms | pgbench p50 ms | pgbench p90 ms | deskd / pgbench | pgbench p50 @500 | EXPLAIN plan + exec ms | seq scans of big tables |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	tail -n +2 "$results" | while IFS=$'\t' read -r name what rows kb n d50 d90 p50 p90 ratio p500; do
		plan=$(awk -F'\t' -v n="$name" '$1 == n { print $2 "\t" $3 }' "$out/plans.tsv")
		[[ $name == dashboard ]] && plan=$'(per panel)\t(per panel)'
		printf '| %s | %s | %s | %s | %.1f | %.1f | %.1f | %.1f | %s | %s | %s | %s |\n' \
			"$what" "$rows" "$kb" "$n" "$d50" "$d90" "$p50" "$p90" "$ratio" "$p500" \
			"$(cut -f1 <<<"$plan")" "$(cut -f2 <<<"$plan")"
	done
	if (($(wc -l <"$panel_results") > 1)); then
		echo
		echo "| dashboard panel | n | pgbench p50 ms | pgbench p90 ms | EXPLAIN plan + exec ms | seq scans of big tables |"
		echo "|---|---:|---:|---:|---:|---|"
		tail -n +2 "$panel_results" | while IFS=$'\t' read -r p n p50 p90; do
			plan=$(awk -F'\t' -v n="panel.$p" '$1 == n { print $2 "\t" $3 }' "$out/plans.tsv")
			printf '| %s | %s | %.1f | %.1f | %s | %s |\n' "$p" "$n" "$p50" "$p90" \
				"$(cut -f1 <<<"$plan")" "$(cut -f2 <<<"$plan")"
		done
	fi
	echo
	echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/results.md"
echo "load_at_end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
echo "== everything is in $out (results.md, plans in explain/, SQL in sql/, raw samples in raw/)"
