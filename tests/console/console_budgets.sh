#!/usr/bin/env bash
# console_budgets.sh - the issue's workflows with their key budgets, before and after a resize
# and a daemon restart. desk talks to a deskd of its own (on the suite's database), so that the
# test can stop and start it:
#   - S, the words, Enter (2 keys beyond the words) list every ticket holding them in the
#     subject, the description or the conversation, as "Search: words";
#   - the results are live: a result changed in SQL updates in place, highlighted (strong, then
#     fading, then gone), while the cursor stays on its ticket; a ticket that comes to match is
#     added;
#   - q goes back from a ticket to the results, and from the results to the view before;
#   - ":" with a key or a bare number, Enter (2 keys beyond the key) opens that ticket, from
#     the list and from a ticket; S on a ticket searches, and q comes back to the ticket;
#   - at 80x24 the search fits the same budget;
#   - deskd stops and starts again on the same port: the results reload by themselves, stay
#     live, and search and :go fit their budgets;
#   - then, still after the restart and at 80x24, the other workflows as console_intake.sh and
#     console_actions.sh run them before: ana logs a call (<= 12 keys beyond the text, the
#     similar resolved tickets shown while she types the subject), logs one resolved at first
#     contact (<= 3 keys more), escalates a ticket with a reason (<= 5 keys beyond the reason);
#     carla takes the oldest escalation of her group (<= 3 keys).
#
# Environment (from tests/console/run.sh): DESK_BIN, DESKD_BIN, DESKD_DB. Every assertion polls
# the screen with a deadline.
set -euo pipefail

CONSOLE_NAME=console_budgets WAIT=15
# Keys beyond the typed text: search, jump to a key, log a call, resolve it at first contact
# (more than logging it), escalate with a reason, take the oldest escalation.
readonly BUDGET_SEARCH=2 BUDGET_GO=2 BUDGET_CALL=12 BUDGET_RESOLVE=3 BUDGET_ESCALATE=5 \
	BUDGET_TAKE=3
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" # the shared tmux helpers: tmx, start, screen, expect*, keys, text, ...
for v in DESK_BIN DESKD_BIN DESKD_DB; do
	[[ -n ${!v:-} ]] || die "$v is not set"
done
here=$(cd "$(dirname "$0")" && pwd)
DESK_HOST=127.0.0.1
DESK_PORT=$("$here/../../scripts/free-port.sh")
work=$(mktemp -d /tmp/desk-budgets.XXXXXX)
deskd_pid=""
k5=""

start_deskd() {
	"$DESKD_BIN" --listen "127.0.0.1:$DESK_PORT" --db "$DESKD_DB" --log-level info \
		>>"$work/deskd.log" 2>&1 &
	deskd_pid=$!
	local deadline=$((SECONDS + WAIT))
	until (exec 3<>"/dev/tcp/127.0.0.1/$DESK_PORT") 2>/dev/null; do
		((SECONDS < deadline)) || die "deskd did not listen on $DESK_PORT"
		sleep 0.1
	done
}
stop_deskd() {
	[[ -n $deskd_pid ]] || return 0
	kill -TERM "$deskd_pid" 2>/dev/null || true
	wait "$deskd_pid" 2>/dev/null || true
	deskd_pid=""
}
budgets_cleanup() {
	tmx kill-server >/dev/null 2>&1 || true
	# The tests after this one expect no unassigned escalation of ours to wait in Network
	# (console_intake's L2 takes the oldest one there).
	[[ -z $k5 ]] || psql -X -q -d "$DESKD_DB" -c "UPDATE tickets SET status = 'cancelled'
		WHERE 'HD-' || number = '$k5' AND assignee_id IS NULL
		  AND status IN ('new', 'open', 'pending', 'on_hold')" >/dev/null 2>&1 || true
	stop_deskd
	cleanup
}
trap budgets_cleanup EXIT
console_fail_extra() {
	echo "---- deskd log ----" >&2
	tail -n 20 "$work/deskd.log" >&2 || true
}

sql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DESKD_DB" -c "$1"
}
ana="(SELECT id FROM agents WHERE login = 'ana')"
id_of() {
	echo "(SELECT id FROM tickets WHERE 'HD-' || number = '$1')"
}
mk() {
	sql "SELECT key FROM desk_ticket_create2($ana, '$1', '$2', 'incident', 3::smallint,
	     3::smallint, NULL, NULL, 'phone', NULL, NULL)"
}
set_status() {
	sql "SELECT 1 FROM desk_ticket_update($ana, $(id_of "$1"),
	     (SELECT version FROM tickets WHERE id = $(id_of "$1")), '{\"status\": \"$2\"}')" >/dev/null
}

# within BUDGET WHAT: the keys counted since nkeys was last reset fit the budget.
within() {
	((nkeys <= $1)) || die "$2 took $nkeys keys, more than $1"
	note "$2: $nkeys keys (budget $1)"
}

# line_e NAME TEXT: the first screen line holding TEXT, with its colours (SGR sequences).
line_e() {
	tmx capture-pane -e -p -t "$1" 2>/dev/null | grep -m 1 -F -- "$2" || true
}

# cursor_key NAME: the key of the ticket row drawn as the cursor (the 256-colour cursor bar).
cursor_key() {
	tmx capture-pane -e -p -t "$1" | grep -m 1 -F $'\e[48;5;25m' | grep -oE 'HD-[0-9]+' |
		head -n 1 || true
}

# wait_line NAME TEXT SGR what: until the line holding TEXT carries SGR (or, with "!SGR",
# no longer does).
wait_line() {
	local name=$1 text=$2 sgr=$3 what=$4 deadline line
	deadline=$(($(now_us) + WAIT * 1000000))
	while (($(now_us) < deadline)); do
		line=$(line_e "$name" "$text")
		if [[ $sgr == !* ]]; then
			[[ -n $line && $line != *"${sgr#!}"* ]] && return 0
		elif [[ $line == *"$sgr"* ]]; then
			return 0
		fi
		sleep 0.1
	done
	fail_screen "$name" "no $what within ${WAIT}s"
}

# search NAME WORDS what: S, the words, Enter, within the budget; the results' title shows.
search() {
	nkeys=0
	keys "$1" S
	expect_re "$1" '^Search:' "the search prompt" >/dev/null
	text "$1" "$2"
	keys "$1" Enter
	expect "$1" "Search: $2 " "the results of searching for \"$2\""
	within "$BUDGET_SEARCH" "$3"
}

# go NAME KEY TYPED what: ":", the key as typed, Enter, within the budget; KEY's detail shows.
go() {
	nkeys=0
	keys "$1" :
	text "$1" "$3"
	keys "$1" Enter
	expect_re "$1" "^ $2 " "the detail of $2" >/dev/null
	within "$BUDGET_GO" "$4"
}

# Three tickets hold a word of this run: in the subject, in the description, and only in a
# note of the conversation.
w="qzv$$"
k1=$(mk "Plotter $w prints stripes" "")
k2=$(mk "Scanner feeds two sheets" "The $w feeder roller looks worn")
k3=$(mk "Label printer offline" "")
sql "SELECT 1 FROM desk_ticket_comment($ana, $(id_of "$k3"), 'note', 'Checked the $w cable', 0)" >/dev/null
note "$k1 (subject), $k2 (description), $k3 (a note) hold \"$w\""

start_deskd
start c ana
login c "Ana Lima"

# ---- S: every ticket holding the word -------------------------------------------------------
search c "$w" "searching for a word"
for k in "$k1" "$k2" "$k3"; do
	expect c "$k " "$k among the results"
done
expect_re c "Search: $w .* \\(3\\)" "three results in the title" >/dev/null
screen c | grep -F "$k3 " | grep -qF "Label printer" || fail_screen c "$k3 found through its note is not listed"

# ---- live: a change in place, highlighted, the cursor staying; a new match added ---------
keys c End
before=$(cursor_key c)
[[ -n $before ]] || fail_screen c "no cursor row in the results"
other=$k1
[[ $other == "$before" ]] && other=$k2
set_status "$other" pending
expect_re c "$other +P[1-4] +Pend" "$other shown pending in place" >/dev/null
wait_line c "$other " $'\e[48;5;58m' "the changed row $other highlighted"
wait_line c "$other " $'\e[48;5;236m' "the highlight of $other fading"
wait_line c "$other " '!48;5;' "the highlight of $other gone"
[[ $(cursor_key c) == "$before" ]] || fail_screen c "the cursor left $before when $other changed"
k4=$(mk "Monitor $w flickers" "")
expect c "$k4 " "$k4, a new match, added to the results live"
[[ $(cursor_key c) == "$before" ]] || fail_screen c "the cursor left $before when $k4 came"

# ---- open a result, back to the results, back to the list ----------------------------------
keys c Enter
expect_re c "^ $before " "the detail of $before" >/dev/null
keys c q
expect c "Search: $w " "the results again after q"
keys c q
expect c "Open tickets" "the list the search replaced, after q"

# ---- jump by key: a bare number from the list, a key from a ticket ----------------------------
go c "$k1" "${k1#HD-}" "opening $k1 by its number from the list"
go c "$k2" "${k2,,}" "opening $k2 by its key from a ticket"
search c "$w" "searching from a ticket"
keys c q
expect_re c "^ $k2 " "the ticket the search was made from, after q" >/dev/null
keys c q
expect c "Open tickets" "the list"

# ---- the same at 80x24 ---------------------------------------------------------------------
tmx resize-window -t c -x 80 -y 24
expect c "Open tickets" "the list redrawn at 80x24"
search c "$w" "searching at 80x24"
expect c "$k4 " "the results at 80x24"
[[ $(screen c | wc -l) -le 24 ]] || fail_screen c "screen taller than 24 rows after the resize"
go c "$k3" "${k3#HD-}" "opening $k3 by its number at 80x24"
keys c q
expect c "Search: $w " "the results again at 80x24"
tmx resize-window -t c -x 120 -y 40
expect c "$k1 " "the results back at 120x40"

# ---- deskd restarts: the results come back by themselves, live -------------------------------
stop_deskd
expect c "offline" "the offline state in the header"
start_deskd
expect c " connected " "the console reconnected"
expect c "Search: $w " "the results still shown after the reconnect"
for k in "$k1" "$k2" "$k3" "$k4"; do
	expect c "$k " "$k among the results after the reconnect"
done
set_status "$k4" pending
expect_re c "$k4 +P[1-4] +Pend" "$k4 updated live after the reconnect" >/dev/null
keys c q
expect c "Open tickets" "the list after the reconnect"
search c "$w" "searching after the daemon restart"
go c "$k2" "${k2#HD-}" "opening $k2 by its number after the daemon restart"

keys c q
expect c "Search: $w " "the results"
keys c q
expect c "Open tickets" "the list"

# ---- the other workflows, after the restart, at 80x24 ----------------------------------------
tmx resize-window -t c -x 80 -y 24
expect c "Open tickets" "the list at 80x24"

# ana logs a call: caller, category, impact, urgency, subject (similar fixes shown), description.
nkeys=0
keys c n
expect c "New ticket" "the create form"
text c chlo
expect c "Chloé Dubois" "Chloé Dubois found for \"chlo\""
keys c Enter
expect c "categories:" "the category list"
text c print
expect c "Hardware/Printer" "Hardware/Printer offered for \"print\""
keys c Enter 2 2
text c "Printer on 4th floor prints blank pages $$"
expect c "Similar resolved tickets" "the similar resolved tickets while typing the subject"
expect_re c 'HD-[0-9]+ Printer on 2nd floor prints blank pages' "a similar fix in the panel" >/dev/null
keys c Enter
text c "Blank pages since the toner change."
keys c C-s
created=$(expect_re c 'Created HD-[0-9]+' "\"Created HD-…\" after saving")
within "$BUDGET_CALL" "logging a call after the restart at 80x24 (${created#Created })"

# ...and one resolved at first contact.
nkeys=0
keys c n
expect c "New ticket" "the create form"
text c grace
expect c "Grace Kim" "Grace Kim found"
keys c Enter
expect c "categories:" "the category list"
text c pass
expect c "Access/Password" "Access/Password offered"
keys c Enter Enter Enter
text c "Password expired again $$"
base=$nkeys
keys c C-r
expect c "< Fixed >" "the resolution code, Fixed by default"
keys c Enter
text c "Reset it with the caller on the phone."
keys c C-s
expect_re c 'Created HD-[0-9]+ and resolved it' "\"Created HD-… and resolved it\"" >/dev/null
((nkeys - base <= BUDGET_RESOLVE)) ||
	die "resolving at first contact took $((nkeys - base)) keys more (budget $BUDGET_RESOLVE)"
note "resolving at first contact after the restart: $((nkeys - base)) keys more (budget $BUDGET_RESOLVE)"
within "$BUDGET_CALL" "logging and resolving a call after the restart at 80x24"

# ana escalates a Service Desk ticket to Network with a reason.
k5=$(mk "Switch port dead in room 3.$$" "")
keys c :
text c "$k5"
keys c Enter
expect_re c "^ $k5 " "the detail of $k5" >/dev/null
expect c "History (" "the history of $k5"
nkeys=0
keys c e
expect c "Escalate $k5" "the escalate dialog"
keys c Down Down
expect_re c '> Network' "Network picked in the group list" >/dev/null
keys c Tab
text c "No link on the port; needs Network ($$)"
keys c Enter
expect c "Escalated $k5 to Network" "the escalation confirmed"
within "$BUDGET_ESCALATE" "escalating with a reason after the restart at 80x24"

# carla takes the oldest escalation of her group: its view's digit, t.
start l2 carla
tmx resize-window -t l2 -x 80 -y 24
login l2 "Carla Nunes"
d=$(screen l2 | grep -oE "[1-9] Escalations: Network" | head -n 1 | cut -c1)
[[ -n $d ]] || fail_screen l2 "no digit for the Network escalations in the pane"
nkeys=0
keys l2 "$d"
expect_re l2 'Escalations: Network . oldest escalation first' "the Network escalations" >/dev/null
keys l2 t
took=$(expect_re l2 'Took HD-[0-9]+' "carla taking the oldest escalation")
took=${took#Took }
within "$BUDGET_TAKE" "taking the oldest escalation after the restart at 80x24 ($took)"
oldest=$(sql "SELECT 'HD-' || t.number FROM tickets t JOIN queues q ON q.id = t.queue_id
              JOIN LATERAL (SELECT max(e.at) AS at FROM ticket_escalations e
                             WHERE e.ticket_id = t.id) e ON e.at IS NOT NULL
              WHERE q.name = 'Network' AND t.status IN ('new', 'open', 'pending', 'on_hold')
                AND (t.assignee_id IS NULL OR 'HD-' || t.number = '$took')
              ORDER BY e.at, t.id LIMIT 1")
[[ $took == "$oldest" ]] || fail_screen l2 "carla took $took, not the oldest waiting escalation $oldest"

keys c q # from the ticket escalated
expect c "Open tickets" "the list"
for c in c l2; do
	keys "$c" q
	deadline=$(($(now_us) + WAIT * 1000000))
	while alive "$c" && (($(now_us) < deadline)); do sleep 0.1; done
	alive "$c" && fail_screen "$c" "desk did not exit on q"
	[[ $(<"$work/$c.status") == 0 ]] || fail_screen "$c" "desk exited with status $(<"$work/$c.status")"
done
note "PASS"
