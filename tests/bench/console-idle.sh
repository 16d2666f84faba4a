#!/usr/bin/env bash
# console-idle.sh - what the console costs while nobody types: a private PostgreSQL and deskd with
# the demo data plus IDLE_TICKETS open tickets whose SLA countdowns tick every second, the
# console in a tall tmux pane showing them all ("All open"), then the desk process's CPU time
# (utime + stime from /proc/PID/stat) and the bytes it writes (wchar from /proc/PID/io: the
# terminal output, plus the little the connection sends) over IDLE_SECONDS.
#
# The tickets belong to a requester of the script's own organisation under a 24x7 policy with
# a 50-minute resolution target, so every row's SLA cell shows minutes and seconds ("R 49m12s")
# and changes every second: the worst case for the countdowns.
#
# Environment:
#   DESKD_BIN, DESK_BIN   the binaries (required; measure a release build, not a sanitizer one)
#   DESK_SRC              the repository (default: the one holding this script)
#   IDLE_TICKETS (500)    tickets created for the measurement
#   IDLE_COLS, IDLE_ROWS  the pane (default 220 x 520: 515 list rows, so 500 tickets on screen)
#   IDLE_SECONDS (60)     how long to measure
#   IDLE_MAX_PCT          fail when the console uses more than this % of a core (default: none)
#
# Prints the measurement and a line for docs/benchmarks.md.
set -euo pipefail

DESK_SRC=${DESK_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
tickets=${IDLE_TICKETS:-500}
cols=${IDLE_COLS:-220}
rows=${IDLE_ROWS:-520}
secs=${IDLE_SECONDS:-60}
[[ -n ${DESK_BIN:-} && -x ${DESK_BIN:-} ]] || { echo "console-idle.sh: DESK_BIN must name the desk binary" >&2; exit 1; }
command -v tmux >/dev/null || { echo "console-idle.sh: tmux is required" >&2; exit 1; }
DESK_BIN=$(cd "$(dirname "$DESK_BIN")" && pwd)/$(basename "$DESK_BIN")

# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$DESK_SRC/tests/lib/harness.sh"
# shellcheck disable=SC2119 # the demo data is wanted
harness_start

sock=desk-idle-$$
tmx() {
	tmux -u -L "$sock" -f /dev/null "$@"
}
harness_atexit "tmux -u -L $sock -f /dev/null kill-server 2>/dev/null || true"

sql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DESKD_DB" -c "$1"
}

echo "== $tickets tickets with a 50-minute resolution clock (24x7)"
org="Idle Bench Org $$"
sql "INSERT INTO calendars (name, tz, always) VALUES ('idle 24x7 $$', 'UTC', true);
     INSERT INTO sla_policies (name, calendar_id, organisation, rank)
       SELECT 'idle bench $$', id, '$org', 1 FROM calendars WHERE name = 'idle 24x7 $$';
     INSERT INTO sla_targets (policy_id, priority, kind, target)
       SELECT p.id, pr, 'resolution', interval '50 minutes'
         FROM sla_policies p, generate_series(1, 4) pr WHERE p.name = 'idle bench $$';
     INSERT INTO requesters (name, organisation) VALUES ('Ida Idle', '$org');"
sql "SELECT count(*) FROM generate_series(1, $tickets) i,
       LATERAL desk_ticket_create2((SELECT id FROM agents WHERE login = 'ana'),
         'Idle bench ticket ' || i, '', 'incident', 3::smallint, 3::smallint, NULL,
         (SELECT id FROM requesters WHERE name = 'Ida Idle'), 'phone', NULL, NULL)" >/dev/null

# deskd computes every due time; wait for all of them.
deadline=$((SECONDS + 60))
until [[ $(sql "SELECT count(*) FROM ticket_sla s JOIN tickets t ON t.id = s.ticket_id
                 JOIN requesters r ON r.id = t.requester_id
                 WHERE r.organisation = '$org' AND s.due_at IS NOT NULL") -ge $tickets ]]; do
	((SECONDS < deadline)) || { echo "console-idle.sh: deskd did not compute the due times" >&2; exit 1; }
	sleep 0.5
done

echo "== desk in a ${cols}x$rows pane"
tmx new-session -d -s idle -x "$cols" -y "$rows" -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 \
	"exec '$DESK_BIN' --host '$DESK_HOST' --port '$DESK_PORT' --user ana --log '$HARNESS_DIR/desk-idle.log'"
pid=$(tmx display-message -p -t idle '#{pane_pid}')
wait_screen() {
	local re=$1 what=$2 deadline=$((SECONDS + 60))
	until tmx capture-pane -p -t idle | grep -qE -- "$re"; do
		((SECONDS < deadline)) || { echo "console-idle.sh: no $what" >&2; tmx capture-pane -p -t idle | head -20 >&2; exit 1; }
		sleep 0.2
	done
}
wait_screen "Password" "login screen"
wait_screen " connected " "connection"
tmx send-keys -t idle -l demo
tmx send-keys -t idle Enter
wait_screen "Ana Lima" "login"
tmx send-keys -t idle 0 # All open: every open ticket, latest change first
wait_screen "Open tickets . All queues" "All open"
# Every row on screen, counting down.
deadline=$((SECONDS + 60))
while :; do
	scr=$(tmx capture-pane -p -t idle)
	shown=$(grep -cE '│ HD-[0-9]+ ' <<<"$scr" || true)
	ticking=$(grep -cE 'Idle bench ticket' <<<"$scr" || true)
	((ticking >= tickets || (shown >= rows - 6 && ticking > 0))) && break
	((SECONDS < deadline)) || { echo "console-idle.sh: only $ticking bench tickets on screen" >&2; exit 1; }
	sleep 0.5
done
countdowns=$(grep -cE 'R [0-9]+m[0-9]{2}s' <<<"$scr" || true)
title=$(grep -oE 'Open tickets . All queues +\([^)]*\)' <<<"$scr" | head -n 1)
echo "   $shown ticket rows on screen ($title), $countdowns of them counting down by the second"
sleep 5 # let the highlights of the last pushes fade

ticks() {
	awk '{ print $14 + $15 }' "/proc/$pid/stat"
}
wchar() {
	awk '$1 == "wchar:" { print $2 }' "/proc/$pid/io"
}
hz=$(getconf CLK_TCK)
t0=$(ticks) w0=$(wchar) s0=$EPOCHREALTIME
sleep "$secs"
t1=$(ticks) w1=$(wchar) s1=$EPOCHREALTIME
tmx capture-pane -p -t idle | grep -qE 'R [0-9]+m[0-9]{2}s' || { echo "console-idle.sh: the countdowns stopped" >&2; exit 1; }

pct=$(awk -v t="$((t1 - t0))" -v hz="$hz" -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", t / hz / (b - a) * 100 }')
bps=$(awk -v w="$((w1 - w0))" -v a="$s0" -v b="$s1" 'BEGIN { printf "%.0f", w / (b - a) }')
echo "== result"
echo "cpu: $((t1 - t0)) ticks of 1/$hz s in $secs s = $pct % of a core"
echo "written: $((w1 - w0)) bytes = $bps bytes/s (terminal output and requests)"
echo "| console idle, $shown rows on screen (${cols}x$rows), $countdowns countdowns ticking | $pct % of a core, $bps bytes/s |"
if [[ -n ${IDLE_MAX_PCT:-} ]] && awk -v p="$pct" -v m="$IDLE_MAX_PCT" 'BEGIN { exit !(p > m) }'; then
	echo "console-idle.sh: $pct % is over $IDLE_MAX_PCT %" >&2
	exit 1
fi
