#!/usr/bin/env bash
# console_sla.sh - live SLA countdowns in the console, driven in a private tmux server against
# the suite's deskd. A policy of the test's own (24x7, resolution in 30 s, warning at 50 %)
# applies only to the requesters of its own organisation, so no other ticket changes:
#   - a ticket for that requester shows in the list with an SLA cell counting down by itself
#     (two captures show different, decreasing values) in the ok colour, then the warning
#     colour once the warning share passes, then the breach colour and the breached form
#     ("R!…") once it is due; the status line announces the warning and the breach, and the
#     terminal bell rings (desk --bell);
#   - the detail's SLA section names the policy and shows the clock breached, ticking;
#   - set pending (through desk_ticket_update, as the status action does), the clock shows
#     paused, in the paused colour, and stops moving;
#   - s sorts the list by time left: overdue clocks first, running ones next, paused last.
# The colours are read from the SGR sequences of tmux capture-pane -e.
#
# Environment (from tests/console/run.sh): DESK_BIN, DESK_HOST, DESK_PORT, DESKD_DB; or
# DESKD_BIN instead of DESK_PORT to start a private PostgreSQL + deskd (tests/lib/harness.sh).
#   CONSOLE_KEEP=1   keep the temp dir with the console's log
#
# Every assertion polls the screen until it holds or a deadline passes; no fixed sleep decides
# an outcome and no duration is asserted. The clock's own timing (warning at 15 s, breach at
# 30 s after creation) only bounds how long the test takes.
set -euo pipefail
# Cells are cut out of screen lines by column: bash must count characters, not bytes.
export LC_ALL=C.UTF-8

CONSOLE_NAME=console_sla WAIT=20 # seconds an expected screen may take (the breach takes 30)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" # the shared tmux helpers: tmx, screen, expect*, keys, text, ...
console_init
[[ -n ${DESKD_DB:-} ]] || die "DESKD_DB is not set (the database of the suite's deskd)"
command -v psql >/dev/null || die "psql is not installed"

sql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DESKD_DB" -c "$1"
}

# sla_cell NAME KEY: the text of KEY's SLA cell in NAME's list (the 8 columns under the "SLA"
# heading), trailing blanks removed; nothing when the row or the column is not on screen.
sla_cell() {
	local scr head row pre
	scr=$(screen "$1")
	head=$(grep -m 1 -E '│ Key +P +St ' <<<"$scr") || return 0
	[[ $head == *" SLA "* ]] || return 0
	pre=${head%%" SLA "*}
	row=$(grep -m 1 -F -- "│ $2 " <<<"$scr") || return 0
	row=${row:$((${#pre} + 1)):8}
	printf '%s\n' "${row%"${row##*[! ]}"}"
}

# sla_colour NAME KEY: the colour KEY's SLA cell is drawn in, from the SGR sequences tmux
# emits just before the cell: ok (green, 32), warning (yellow, 33), breach (bold red, 1 and
# 31), paused (blue, 34), or "other". A cell drawn like the cell before it has no sequence of
# its own (a row that just changed is bold yellow for 3 s): callers poll until it settles.
esc=$'\e'
sla_colour() {
	local line sgr re="((${esc}\\[[0-9;]*m)+)[FRU]( |!|‖)[0-9l]"
	line=$(tmx capture-pane -e -p -t "$1" 2>/dev/null | grep -m 1 -F -- "$2 ") || true
	if [[ $line =~ $re ]]; then
		sgr=${BASH_REMATCH[1]}
		case $sgr in
		*"[31m"* | *";31m"*) [[ $sgr == *"[1m"* || $sgr == *"[1;"* ]] && echo breach || echo other ;;
		*"[33m"* | *";33m"*) echo warning ;;
		*"[32m"* | *";32m"*) echo ok ;;
		*"[34m"* | *";34m"*) echo paused ;;
		*) echo other ;;
		esac
	fi
}

# wait_colour NAME KEY COLOUR what: poll until KEY's SLA cell has COLOUR; print the cell.
wait_colour() {
	local name=$1 key=$2 want=$3 what=$4 deadline got cell
	deadline=$(($(now_us) + WAIT * 1000000))
	while (($(now_us) < deadline)); do
		alive "$name" || fail_screen "$name" "desk exited while waiting for $what"
		got=$(sla_colour "$name" "$key")
		if [[ $got == "$want" ]]; then
			cell=$(sla_cell "$name" "$key")
			printf '%s\n' "$cell"
			return 0
		fi
		sleep 0.1
	done
	fail_screen "$name" "no $what within ${WAIT}s (the SLA cell of $key is $got: $(sla_cell "$name" "$key"))"
}

# secs CELL: the seconds of a countdown cell "R 42s" / "R 1m05s" (nothing for other forms).
secs() {
	local t=${1#? }
	if [[ $t =~ ^([0-9]+)s$ ]]; then
		echo "${BASH_REMATCH[1]}"
	elif [[ $t =~ ^([0-9]+)m([0-9]{2})s$ ]]; then
		echo $((BASH_REMATCH[1] * 60 + 10#${BASH_REMATCH[2]}))
	fi
}

# ---- a policy of our own, for our own requester ------------------------------------------
tag=$$
org="Tmux SLA Org $tag"
sql "INSERT INTO calendars (name, tz, always) VALUES ('tmux 24x7 $tag', 'UTC', true);
     INSERT INTO sla_policies (name, calendar_id, organisation, rank, warn_pct)
       SELECT 'tmux fast $tag', id, '$org', 1, 50 FROM calendars WHERE name = 'tmux 24x7 $tag';
     INSERT INTO sla_targets (policy_id, priority, kind, target)
       SELECT p.id, pr, 'resolution', interval '30 seconds'
         FROM sla_policies p, generate_series(1, 4) pr WHERE p.name = 'tmux fast $tag';
     INSERT INTO requesters (name, organisation) VALUES ('Tess Timer $tag', '$org');"

# The console rings on SLA alerts (--bell); tmux counts the bells in $work/bells.
note "deskd at $DESK_HOST:$DESK_PORT; tmux socket $sock"
tmx new-session -d -s ana -x 120 -y 40 -e TERM=xterm-256color -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 \
	"'$DESK_BIN' --host '$DESK_HOST' --port '$DESK_PORT' --user ana --bell --log '$work/ana.log' --debug; echo \$? >'$work/ana.status'"
tmx set-option -t ana remain-on-exit on >/dev/null
tmx set-option -g monitor-bell on >/dev/null
tmx set-option -g bell-action any >/dev/null
tmx set-hook -g alert-bell "run-shell 'echo bell >>$work/bells'"
touch "$work/bells"
login ana "Ana Lima"
expect ana "Open tickets" "the list of all open tickets"

# The ticket, by mail (a phone call would meet a first response at once; this policy has
# none anyway): its resolution clock starts now.
bells=$(wc -l <"$work/bells")
key=$(sql "SELECT key FROM desk_ticket_create2((SELECT id FROM agents WHERE login = 'ana'),
	'SLA countdown $tag', 'A clock in the console', 'incident', 3::smallint, 3::smallint,
	NULL, (SELECT id FROM requesters WHERE name = 'Tess Timer $tag'), 'email', NULL, NULL)")
[[ $key == HD-* ]] || die "creating the ticket returned '$key'"
note "created $key for Tess Timer $tag"
# cancel_ticket: leave no open ticket behind for the scripts that run after this one.
cancel_ticket() {
	local row
	row=$(sql "SELECT id || ' ' || version FROM tickets WHERE 'HD-' || number = '$key'
	            AND status NOT IN ('resolved', 'closed', 'cancelled')" 2>/dev/null) || return 0
	[[ -n $row ]] || return 0
	sql "SELECT 1 FROM desk_ticket_update(NULL, ${row% *}, ${row#* }, '{\"status\": \"cancelled\"}')" \
		>/dev/null 2>&1 || true
}
if [[ ${HARNESS_STARTED:-0} == 1 ]]; then
	harness_atexit cancel_ticket # stand-alone: the harness owns the traps
else
	trap 'cancel_ticket; cleanup' EXIT
fi

# ---- the list: counting down, ok -> warning -> breached ----------------------------------
expect ana "$key" "$key in the list (pushed)"
# Within the first half of the target the cell counts down in the ok colour.
c1=$(wait_colour ana "$key" ok "the countdown of $key in the ok colour")
[[ $c1 =~ ^R\ [0-9]+s$ ]] || fail_screen ana "the SLA cell of $key is not a resolution countdown: '$c1'"
deadline=$(($(now_us) + WAIT * 1000000))
while :; do
	c2=$(sla_cell ana "$key")
	[[ -n $c2 && $c2 != "$c1" ]] && break
	(($(now_us) < deadline)) || fail_screen ana "the countdown of $key stays at '$c1'"
	sleep 0.2
done
s1=$(secs "$c1") s2=$(secs "$c2")
if [[ -z $s2 ]] || ((s2 >= s1)); then
	fail_screen ana "the countdown of $key went from '$c1' to '$c2'"
fi
note "counting down: '$c1' -> '$c2'"

c=$(wait_colour ana "$key" warning "the countdown of $key in the warning colour")
[[ $c =~ ^R\ [0-9]+s$ ]] || fail_screen ana "the warned cell of $key is '$c', not a countdown"
expect ana "SLA warning: $key resolution 50 %" "the SLA warning on the status line"
note "warning: '$c'"

c=$(wait_colour ana "$key" breach "the SLA cell of $key in the breach colour")
[[ $c =~ ^R!([0-9]+s|[0-9]+m[0-9]{2}s)$ ]] || fail_screen ana "the breached cell of $key is '$c', not R!<overdue>"
expect ana "SLA breach: $key resolution" "the SLA breach on the status line"
note "breached: '$c'"
(($(wc -l <"$work/bells") > bells)) || fail_screen ana "no terminal bell for the SLA alerts (--bell)"

# ---- the detail: the SLA section, breached and ticking ----------------------------------------
keys ana ":"
text ana "go $key"
keys ana Enter
expect_re ana "^ $key " "the detail of $key" >/dev/null
expect ana "SLA  tmux fast $tag" "the SLA section with the policy"
o1=$(expect_re ana 'Resolution +30s business +breached +[0-9]+s over' "the resolution clock breached")
deadline=$(($(now_us) + WAIT * 1000000))
until o2=$(screen ana | grep -oE 'Resolution +30s business +breached +[0-9]+s over') && [[ $o2 != "$o1" ]]; do
	(($(now_us) < deadline)) || fail_screen ana "the overdue time in the detail stays at '$o1'"
	sleep 0.2
done
grep -qE 'breached ([0-9]{2}:[0-9]{2}:[0-9]{2}|[A-Z][a-z]{2} [0-9]|[0-9]{4}-)' <<<"$(screen ana)" ||
	fail_screen ana "the detail does not say when the clock breached"

# ---- pending: the clock pauses and stops -------------------------------------------------------
row=$(sql "SELECT id || ' ' || version FROM tickets WHERE 'HD-' || number = '$key'")
sql "SELECT 1 FROM desk_ticket_update((SELECT id FROM agents WHERE login = 'ana'), ${row% *},
     ${row#* }, '{\"status\": \"pending\"}')" >/dev/null
expect_re ana 'Status +pending' "$key pending in the detail" >/dev/null
# Paused after its due time: overdue (by how much, in business time, when deskd says).
paused_re='Resolution +30s business +paused +(overdue|[0-9]+s over)'
p1=$(expect_re ana "$paused_re" "the resolution clock paused")
expect ana "paused since" "the time the pause began"
# Still the same a few redraws later (every second redraws a running clock).
deadline=$(($(now_us) + 3000000))
while (($(now_us) < deadline)); do
	p2=$(screen ana | grep -oE "$paused_re" || true)
	[[ $p2 == "$p1" ]] || fail_screen ana "the paused clock moved: '$p1' -> '$p2'"
	sleep 0.5
done
keys ana q
expect ana "Open tickets" "the list again"
p=$(wait_colour ana "$key" paused "the SLA cell of $key in the paused colour")
[[ $p == "R‖late" ]] || fail_screen ana "the paused (overdue) cell of $key is '$p', not 'R‖late'"
note "paused: '$p'"

# ---- s: by time left; ? lists the key ------------------------------------------------------------
footer ana | grep -qF "s sort" || fail_screen ana "s missing from the list's footer"
keys ana s
expect ana "All queues, by time left" "the list sorted by time left"
# Overdue clocks (X!) come first, then running ones (X 12m), then paused (X‖), then the rest
# (met, none, not computed yet).
deadline=$(($(now_us) + WAIT * 1000000))
while :; do
	scr=$(screen ana)
	head=$(grep -m 1 -E '│ Key +P +St ' <<<"$scr")
	pre=${head%%" SLA "*}
	order=$(grep -E '│ HD-[0-9]+ ' <<<"$scr" | while IFS= read -r line; do
		cell=${line:$((${#pre} + 1)):3}
		case $cell in
		[FRU]!?) echo 0 ;;
		[FRU]" "[0-9]) echo 1 ;;
		[FRU]‖?) echo 2 ;;
		*) echo 3 ;;
		esac
	done)
	[[ -n $order ]] && sort -n -c <<<"$order" 2>/dev/null && break
	(($(now_us) < deadline)) || fail_screen ana "the rows are not in time-left order ($(tr '\n' ' ' <<<"$order"))"
	sleep 0.2
done
keys ana "?"
expect ana "sort by SLA time left" "s in the help overlay"
keys ana Escape
keys ana s
expect_gone ana "by time left" "the view's own order after s again"

keys ana q
deadline=$(($(now_us) + WAIT * 1000000))
while alive ana && (($(now_us) < deadline)); do
	sleep 0.1
done
alive ana && fail_screen ana "desk did not exit on q"
status=$(<"$work/ana.status")
[[ $status == 0 ]] || fail_screen ana "desk exited with status $status"
note "PASS"
