#!/usr/bin/env bash
# console_dashboard.sh - the supervisor's live dashboard (D from the ticket views), driven in a
# private tmux server against the suite's deskd with the demo data:
#   - sam (supervisor) opens it with D: the queue table's new / open / unassigned / pending /
#     on-hold counts per demo queue and in the total row match SQL counts; every agent shows
#     with a presence (sam online); the KPIs show today's created and resolved tickets as SQL
#     counts them; the hourly chart shows its blocks, its scale and the 24 hours' total;
#   - with no key pressed, a ticket created through SQL shows within seconds: its queue's new
#     and unassigned counts, the total, "Created" and the chart's total each go up by one; ana
#     logging in turns her "online";
#   - a ticket under a 2-second resolution policy of the test's own organisation breaches: its
#     queue's breached count goes up by one and it is listed in the attention list as breached;
#   - a ticket raised to supervisors through SQL is listed as raised; from the dashboard sam
#     acknowledges it (K: the detail view's dialog, drawn over the dashboard) and it leaves the
#     list; sam reassigns the breached one to ben (a), whose open count goes up and, with the
#     Service Desk's max_load lowered to it, shows him overloaded ("!"); sam overrides its
#     priority with a reason (P);
#   - Enter opens the selected attention ticket in the ticket detail view; q goes back to the
#     ticket views and D to the dashboard again;
#   - at 80x24 and back at 120x40 the panels are all there with the same numbers;
#   - a console without UTF-8 and with NO_COLOR=1 (80x24) draws the chart with ASCII levels and
#     the dashboard with no colour at all; it talks to a deskd of its own (same database), which
#     is stopped and started again: once the console is back, the dashboard is live again by
#     itself (subscribed anew after the reconnect);
#   - ana (L1) is refused with a message when she presses D, and her footer offers no dashboard.
#
# Environment (from tests/console/run.sh): DESK_BIN, DESKD_BIN, DESK_HOST, DESK_PORT, DESKD_DB;
# without DESK_PORT a private PostgreSQL + deskd is started (tests/lib/harness.sh).
#   CONSOLE_KEEP=1   keep the temp dir with the consoles' logs
#
# Every assertion polls the screen until it holds or a deadline passes; no fixed sleep decides
# an outcome and no duration is asserted (the ages and countdowns on the dashboard tick, so no
# assertion reads them).
set -euo pipefail
# Rows are cut and compared by characters (the chart's blocks are multibyte).
export LC_ALL=C.UTF-8

CONSOLE_NAME=console_dashboard WAIT=15 # deskd recomputes within a second of a change
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" # the shared tmux helpers: tmx, start, screen, expect*, keys, text, ...
console_init
[[ -n ${DESKD_DB:-} ]] || die "DESKD_DB is not set (the database of the suite's deskd)"
[[ -n ${DESKD_BIN:-} ]] || die "DESKD_BIN is not set (a deskd of the test's own is stopped)"
command -v psql >/dev/null || die "psql is not installed"

sql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DESKD_DB" -c "$1"
}

# ---- reading the dashboard off the screen --------------------------------------------------------
# Every pipeline here reads its input to the end (sed -n 1p rather than head or grep -m): with
# pipefail, a reader that stops early can fail the command that feeds it.

# The left column of a two-column layout (up to the "│" between the columns), or the whole
# line in one column.
left() {
	sed 's/│.*//'
}

# qfields NAME LABEL [SCREEN]: the queue table's row LABEL (a queue name, "Tier 2 total",
# "Total") as its counts and age: new open unassigned pending on_hold at_risk breached oldest.
# Nothing when the row is not on screen. SCREEN: a capture already made.
qfields() {
	local scr=${3:-} line
	[[ -n $scr ]] || scr=$(screen "$1")
	line=$(left <<<"$scr" | grep -E "^ $2 +[0-9]" | sed -n 1p) || true
	[[ -n $line ]] && echo "${line#" $2"}"
	return 0
}

# qrow NAME LABEL [SCREEN]: the row's first five counts: new open unassigned pending on_hold.
qrow() {
	local f
	read -ra f <<<"$(qfields "$@")"
	((${#f[@]} >= 5)) && echo "${f[0]} ${f[1]} ${f[2]} ${f[3]} ${f[4]}"
	return 0
}

# qcount NAME LABEL COLUMN: one count of the row (1 new .. 7 breached).
qcount() {
	local f
	read -ra f <<<"$(qfields "$1" "$2")"
	((${#f[@]} >= $3)) && echo "${f[$(($3 - 1))]}"
	return 0
}

# sql_table: the same five counts from the database, one "LABEL|counts" line per queue (in the
# table's order) and the total.
sql_table() {
	local c="count(t.id) FILTER (WHERE t.status = 'new') || ' ' ||
	         count(t.id) FILTER (WHERE t.status = 'open') || ' ' ||
	         count(t.id) FILTER (WHERE t.assignee_id IS NULL) || ' ' ||
	         count(t.id) FILTER (WHERE t.status = 'pending') || ' ' ||
	         count(t.id) FILTER (WHERE t.status = 'on_hold')"
	local open="t.status IN ('new', 'open', 'pending', 'on_hold')"
	sql "SELECT label || '|' || counts FROM (
	       SELECT 0 AS o, q.tier, q.name AS label, $c AS counts
	         FROM queues q LEFT JOIN tickets t ON t.queue_id = q.id AND $open
	        GROUP BY q.tier, q.name
	       UNION ALL
	       SELECT 1, 0, 'Total', $c FROM tickets t WHERE $open) x
	      ORDER BY o, tier, label"
}

# screen_table NAME WANT: the rows WANT (as sql_table prints them) as they are on screen.
screen_table() {
	local scr line
	scr=$(screen "$1")
	while IFS= read -r line; do
		echo "${line%%|*}|$(qrow "$1" "${line%%|*}" "$scr")"
	done <<<"$2"
}
# kpi NAME LABEL: the number after LABEL in the KPIs ("Created 13" -> 13).
kpi() {
	local m
	m=$(screen "$1" | grep -oE "$2 [0-9]+" | sed -n 1p) || true
	echo "${m##* }"
}

# incoming NAME: the 24 hours' total after the chart's "Incoming" row.
incoming() {
	local m
	m=$(screen "$1" | grep -oE 'Incoming +[^0-9]*[0-9]+' | sed -n 1p) || true
	echo "${m##*[!0-9]}"
}

# until_eq NAME what CMD EXPECTED: poll until CMD prints EXPECTED; fail with both otherwise.
until_eq() {
	local name=$1 what=$2 cmd=$3 want=$4 got deadline
	deadline=$(($(now_us) + WAIT * 1000000))
	while :; do
		alive "$name" || fail_screen "$name" "desk exited while waiting for $what"
		got=$(eval "$cmd")
		[[ $got == "$want" ]] && return 0
		(($(now_us) < deadline)) || fail_screen "$name" "$what: '$got' on screen, '$want' expected"
		sleep 0.1
	done
}

# check_queues NAME: every queue's row and the total match the database.
check_queues() {
	local table
	table=$(sql_table)
	until_eq "$1" "the queue table (LABEL|new open unassigned pending on_hold)" \
		"screen_table $1 \"\$table\"" "$table"
}

# sets_bg LINE: LINE (as capture-pane -e gives it) sets a background colour (8, 16, 256 or
# direct colour) or reverse video somewhere: how the list's cursor stands out in any scheme.
sets_bg() {
	local rest=$1 i
	local -a tok
	local re=$'\e''\[([0-9;]*)m(.*)'
	while [[ $rest =~ $re ]]; do
		rest=${BASH_REMATCH[2]}
		IFS=';' read -ra tok <<<"${BASH_REMATCH[1]}"
		for ((i = 0; i < ${#tok[@]}; i++)); do
			case ${tok[i]} in
			38) [[ ${tok[i + 1]:-} == 5 ]] && i=$((i + 2)) || i=$((i + 4)) ;; # a foreground's arguments
			7 | 4[0-7] | 48 | 10[0-7]) return 0 ;;
			esac
		done
	done
	return 1
}

# cursor_key NAME: the key of the attention row under the cursor: the one body row with an
# attention key and a background (the header and the footer have backgrounds, and no key).
cursor_key() {
	local line key
	while IFS= read -r line; do
		[[ $line =~ (raised|breach)[^H]*(HD-[0-9]+) ]] || continue
		key=${BASH_REMATCH[2]} # before sets_bg's own matching replaces BASH_REMATCH
		if sets_bg "$line"; then
			echo "$key"
			return 0
		fi
	done < <(tmx capture-pane -e -p -t "$1" 2>/dev/null | sed '$d')
	return 0
}

# edge_att NAME first|last: the key of the attention list's first or last row on screen.
edge_att() {
	local keys
	keys=$(screen "$1" | left | grep -oE '^ (raised|breach) HD-[0-9]+' | grep -oE 'HD-[0-9]+') || true
	if [[ $2 == first ]]; then sed -n 1p <<<"$keys"; else sed -n '$p' <<<"$keys"; fi
}

# at_edge NAME first|last: "yes" when the cursor is on that row.
at_edge() {
	local c
	c=$(cursor_key "$1")
	if [[ -n $c && $c == "$(edge_att "$1" "$2")" ]]; then
		echo yes
	fi
}

# select_att NAME KEY [last]: put the attention list's cursor on KEY: g (or G, from the last
# row), waiting until the cursor is there, then j (or k) until it is on KEY, each time waiting
# for the cursor to move. The breached part is in due order: a new breach is near the end.
select_att() {
	local name=$1 key=$2 edge=${3:-first} jump=g step=j i cur prev deadline
	[[ $edge == last ]] && jump=G step=k
	keys "$name" "$jump"
	until_eq "$name" "the cursor on the $edge attention row after $jump" "at_edge $name $edge" yes
	prev=""
	for ((i = 0; i < 200; i++)); do
		deadline=$(($(now_us) + WAIT * 1000000))
		while cur=$(cursor_key "$name") && [[ -z $cur || $prev == "$cur" ]]; do
			(($(now_us) < deadline)) || fail_screen "$name" "the cursor does not reach $key in the attention list"
			sleep 0.1
		done
		[[ $cur == "$key" ]] && return 0
		prev=$cur
		keys "$name" "$step"
	done
	fail_screen "$name" "$key is not in the attention list"
}

# ---- set-up: a 2-second policy for an organisation of the test's own -----------------------------
tag=$$
org="Tmux Dash Org $tag"
sql "INSERT INTO calendars (name, tz, always) VALUES ('tmux dash 24x7 $tag', 'UTC', true);
     INSERT INTO sla_policies (name, calendar_id, organisation, rank, warn_pct)
       SELECT 'tmux dash $tag', id, '$org', 1, 50 FROM calendars WHERE name = 'tmux dash 24x7 $tag';
     INSERT INTO sla_targets (policy_id, priority, kind, target)
       SELECT p.id, pr, 'resolution', interval '2 seconds'
         FROM sla_policies p, generate_series(1, 4) pr WHERE p.name = 'tmux dash $tag';
     INSERT INTO requesters (name, organisation) VALUES ('Dora Dash $tag', '$org');"
sd_load=$(sql "SELECT max_load FROM queues WHERE name = 'Service Desk'")
created=()

# The test's own deskd (same database as the suite's) on a port of its own, for the reconnect.
port2=$("$console_lib_dir/../../scripts/free-port.sh")
deskd2=""
start_deskd2() {
	local deadline
	"$DESKD_BIN" --listen "127.0.0.1:$port2" --db "$DESKD_DB" --log-level info \
		</dev/null >>"$work/deskd2.log" 2>&1 &
	deskd2=$!
	deadline=$(($(now_us) + WAIT * 1000000))
	until (exec 3<>"/dev/tcp/127.0.0.1/$port2") 2>/dev/null; do
		kill -0 "$deskd2" 2>/dev/null || die "the test's deskd exited: $(tail -n 5 "$work/deskd2.log")"
		(($(now_us) < deadline)) || die "the test's deskd does not listen on $port2"
		sleep 0.1
	done
}
stop_deskd2() {
	[[ -n $deskd2 ]] || return 0
	kill -TERM "$deskd2" 2>/dev/null || true
	wait "$deskd2" 2>/dev/null || true
	deskd2=""
}
console_fail_extra() {
	[[ -f $work/deskd2.log ]] || return 0
	echo "---- the test's own deskd ----" >&2
	tail -n 20 "$work/deskd2.log" >&2
}

# Leave no deskd, open ticket or lowered limit behind for the scripts that run after this one.
restore() {
	local key row
	stop_deskd2
	sql "UPDATE queues SET max_load = $sd_load WHERE name = 'Service Desk'" >/dev/null 2>&1 || true
	for key in "${created[@]}"; do
		row=$(sql "SELECT id || ' ' || version FROM tickets WHERE 'HD-' || number = '$key'
		            AND status NOT IN ('resolved', 'closed', 'cancelled')" 2>/dev/null) || continue
		[[ -n $row ]] || continue
		sql "SELECT 1 FROM desk_ticket_update(NULL, ${row% *}, ${row#* }, '{\"status\": \"cancelled\"}')" \
			>/dev/null 2>&1 || true
	done
}
if [[ ${HARNESS_STARTED:-0} == 1 ]]; then
	harness_atexit restore # stand-alone: the harness owns the traps
else
	trap 'restore; cleanup' EXIT
fi

# new_ticket SUBJECT [REQUESTER]: a mail ticket in the Service Desk, created by ana through SQL
# (as the create form does); prints its key.
new_ticket() {
	local req="NULL" key
	[[ -n ${2:-} ]] && req="(SELECT id FROM requesters WHERE name = '$2')"
	key=$(sql "SELECT key FROM desk_ticket_create2((SELECT id FROM agents WHERE login = 'ana'),
		'$1', 'Made by the dashboard test', 'incident', 3::smallint, 3::smallint,
		(SELECT id FROM queues WHERE name = 'Service Desk'), $req, 'email', NULL, NULL)")
	[[ $key == HD-* ]] || die "creating '$1' returned '$key'"
	echo "$key"
}

# ---- sam opens the dashboard --------------------------------------------------------------------
note "deskd at $DESK_HOST:$DESK_PORT; tmux socket $sock"
start sam sam
login sam "Sam Reyes"
keys sam D
expect sam "Attention (" "the dashboard's attention list"
expect sam "Queues" "the dashboard's queue table"
[[ $(footer sam) == *"Enter open"* && $(footer sam) == *"q back"* ]] ||
	fail_screen sam "the dashboard's footer lacks Enter open / q back"
check_queues sam
note "queue table matches SQL: $(qrow sam Total) (new open unassigned pending on_hold)"

while IFS= read -r who; do
	expect_re sam "(^|[ │])$who +(online|away|offline)" "$who with a presence" >/dev/null
done < <(sql "SELECT login FROM agents WHERE active AND role IN ('l1', 'l2', 'supervisor')")
expect_re sam "(^|[ │])sam +online" "sam online" >/dev/null

today="created_at >= desk_day_start()"
until_eq sam "Created today" "kpi sam Created" "$(sql "SELECT count(*) FROM tickets WHERE $today")"
until_eq sam "Resolved today" "kpi sam Resolved" \
	"$(sql "SELECT count(*) FROM tickets WHERE resolved_at >= desk_day_start()
	          AND status IN ('resolved', 'closed')")"
for label in "First contact" "Escalated" "SLA first response" "SLA resolution" \
	"First response median" "Mean time to resolve"; do
	expect_re sam "$label ([0-9.]+%|[0-9]+[smhd+0-9]*|—)" "the KPI $label" >/dev/null
done
last24="created_at >= date_trunc('hour', now()) - interval '23 hours'"
until_eq sam "the chart's incoming total" "incoming sam" \
	"$(sql "SELECT count(*) FROM tickets WHERE $last24")"
expect_re sam 'Incoming +[ ▁▂▃▄▅▆▇█]*[▁▂▃▄▅▆▇█]' "the incoming sparkline" >/dev/null
expect_re sam '█ = [0-9]+/h' "the chart's scale" >/dev/null

# ---- live, without a key: a new ticket, ana's login -------------------------------------------
sd=$(qrow sam "Service Desk")
read -r sd_new _ sd_unas _ <<<"$sd"
tot_new=$(qcount sam Total 1) day=$(kpi sam Created) in24=$(incoming sam)
pressed_before=$nkeys
t1=$(new_ticket "Dashboard live $tag")
created+=("$t1")
note "created $t1; Service Desk was '$sd', created today $day"
until_eq sam "Service Desk new +1" "qcount sam 'Service Desk' 1" $((sd_new + 1))
until_eq sam "Service Desk unassigned +1" "qcount sam 'Service Desk' 3" $((sd_unas + 1))
until_eq sam "total new +1" "qcount sam Total 1" $((tot_new + 1))
until_eq sam "Created today +1" "kpi sam Created" $((day + 1))
until_eq sam "the chart's incoming total +1" "incoming sam" $((in24 + 1))
check_queues sam
((nkeys == pressed_before)) || die "keys were sent during the live checks"

start ana ana
login ana "Ana Lima"
expect_re sam "(^|[ │])ana +online" "ana online on the dashboard" >/dev/null

# ---- a breach ------------------------------------------------------------------------------------
sd_breached=$(qcount sam "Service Desk" 7)
t2=$(new_ticket "Dashboard breach $tag" "Dora Dash $tag")
created+=("$t2")
note "created $t2 under a 2-second policy; Service Desk breached: $sd_breached"
until_eq sam "Service Desk breached +1" "qcount sam 'Service Desk' 7" $((sd_breached + 1))
# The breached part of the list is in due order: the newest breach is near its end.
keys sam G
expect_re sam "breach $t2 +P[1-4] +New +R!" "$t2 breached in the attention list" >/dev/null

# ---- raised, acknowledged from the dashboard --------------------------------------------------
row=$(sql "SELECT id || ' ' || version FROM tickets WHERE 'HD-' || number = '$t1'")
sql "SELECT 1 FROM desk_ticket_raise((SELECT id FROM agents WHERE login = 'ana'), ${row% *},
     ${row#* }, false, 'Caller asks for a manager $tag')" >/dev/null
keys sam g
expect_re sam "raised $t1 " "$t1 raised in the attention list" >/dev/null
select_att sam "$t1"
[[ $(footer sam) == *"K acknowledge"* ]] || fail_screen sam "K acknowledge not offered for a raised ticket"
keys sam K
expect sam "Acknowledge $t1" "the acknowledge dialog over the dashboard"
expect sam "Raised: Caller asks for a manager $tag" "the raise reason in the dialog"
expect sam "Queues" "the dashboard under the dialog"
keys sam Enter
expect sam "Acknowledged $t1" "the acknowledgement confirmed"
expect_gone sam "raised $t1 " "$t1 out of the attention list once acknowledged"

# ---- reassign (and an overloaded agent), priority -------------------------------------------
ben_open=$(sql "SELECT count(*) FROM tickets t JOIN agents a ON a.id = t.assignee_id
                 WHERE a.login = 'ben' AND t.status IN ('new', 'open', 'pending', 'on_hold')")
expect_re sam "(^|[ │])ben +[a-z]+ +$ben_open/$sd_load " "ben's load before" >/dev/null
# With the Service Desk's limit at ben's load after the assignment, he is overloaded by it.
sql "UPDATE queues SET max_load = $((ben_open + 1)) WHERE name = 'Service Desk'"
select_att sam "$t2" last
keys sam a
expect sam "Assign $t2" "the assign dialog over the dashboard"
expect sam "ben — Ben Okafor" "the agents in the assign dialog"
text sam ben
keys sam Enter
expect sam "Assigned $t2 to ben" "the reassignment confirmed"
expect_re sam "breach $t2 +P[1-4] +[A-Za-z]+ +[^ ]+ +ben " "ben as $t2's agent" >/dev/null
expect_re sam "(^|[ │])ben +[a-z]+ +$((ben_open + 1))/$((ben_open + 1))!" "ben overloaded (marked !)" >/dev/null
sql "UPDATE queues SET max_load = $sd_load WHERE name = 'Service Desk'"

keys sam P
expect sam "Priority of $t2" "the priority dialog over the dashboard"
keys sam Home Tab
text sam "Breached and the caller waits $tag"
keys sam Enter
expect sam "$t2 set to P1" "the priority override confirmed"
expect_re sam "breach $t2 +P1 " "$t2 at P1 in the attention list" >/dev/null

# ---- Enter: the ticket detail, and back ---------------------------------------------------------
select_att sam "$t2" last
keys sam Enter
expect_re sam "^ $t2 +Dashboard breach" "the detail of $t2" >/dev/null
expect sam "P1  (override: Breached" "the override in the detail"
keys sam q
expect sam "Attention (" "the dashboard again after q from a ticket it opened"
keys sam D
expect sam "Open tickets" "the ticket views after D closes the dashboard"
keys sam D
expect sam "Attention (" "the dashboard again after D"
check_queues sam

# ---- 80x24 and back ---------------------------------------------------------------------------
tmx resize-window -t sam -x 80 -y 24
expect_re sam "^ Queues +New +Open" "the queue table at 80x24" >/dev/null
expect sam "Attention (" "the attention list at 80x24"
expect sam "Incoming" "the chart at 80x24"
expect_re sam "^ Agents +Status" "the agents at 80x24" >/dev/null
[[ $(screen sam | wc -l) -le 24 ]] || fail_screen sam "screen taller than 24 rows after resize"
check_queues sam
tmx resize-window -t sam -x 120 -y 40
expect_re sam "^ Queues .*│ Today" "two columns back at 120x40" >/dev/null
check_queues sam

# ---- no UTF-8, no colour; a reconnect ---------------------------------------------------------
start_deskd2
tmx new-session -d -s mono -x 80 -y 24 -e TERM=xterm-256color -e LANG=C -e LC_ALL=C -e NO_COLOR=1 \
	"'$DESK_BIN' --host '$DESK_HOST' --port '$port2' --user sam --log '$work/mono.log' --debug; echo \$? >'$work/mono.status'"
tmx set-option -t mono remain-on-exit on >/dev/null
login mono "Sam Reyes"
keys mono D
expect mono "Attention (" "the dashboard without UTF-8"
expect_re mono 'Incoming +[ .:=+*#@-]*[.:=+*#@-]' "the chart in ASCII levels" >/dev/null
expect_re mono '@ = [0-9]+/h' "the ASCII chart's scale" >/dev/null
check_queues mono
if tmx capture-pane -e -p -t mono | grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7])(;[0-9;]*)?m'; then
	fail_screen mono "colours drawn with NO_COLOR=1"
fi

stop_deskd2
expect mono "offline" "the console offline with its deskd stopped"
start_deskd2
expect mono " connected " "the console reconnected"
sd_new=$(qcount mono "Service Desk" 1)
pressed_before=$nkeys
t3=$(new_ticket "Dashboard after a reconnect $tag")
created+=("$t3")
until_eq mono "Service Desk new +1 after the reconnect" "qcount mono 'Service Desk' 1" $((sd_new + 1))
check_queues mono
((nkeys == pressed_before)) || die "keys were sent during the reconnect check"

# ---- L1: no dashboard ---------------------------------------------------------------------------
[[ $(footer ana) != *"ashboard"* ]] || fail_screen ana "an L1 agent is offered the dashboard"
keys ana D
expect ana "The dashboard is for supervisors and administrators" "the refusal for L1"
expect_re ana "HD-[0-9]+" "ana still in the ticket views" >/dev/null
[[ $(screen ana) != *"Attention ("* ]] || fail_screen ana "the dashboard opened for L1"

# ---- quit ----------------------------------------------------------------------------------------
for c in sam mono ana; do
	keys "$c" q
	[[ $c == ana ]] || keys "$c" q # the dashboard's q goes back; the list's quits
done
for c in sam mono ana; do
	deadline=$(($(now_us) + WAIT * 1000000))
	while alive "$c" && (($(now_us) < deadline)); do
		sleep 0.1
	done
	alive "$c" && fail_screen "$c" "desk did not exit on q"
	status=$(<"$work/$c.status")
	[[ $status == 0 ]] || fail_screen "$c" "desk exited with status $status"
done
note "PASS"
