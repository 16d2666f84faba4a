#!/usr/bin/env bash
# console_intake.sh - drives the desk console in a private tmux server against a running deskd
# with the demo data, counting the keys each task takes beyond the text typed:
#   - ana logs a call: caller by a few letters, category by typing, impact, urgency, subject
#     (the similar-tickets panel shows a resolved one), description, save (<= 12 keys); the
#     form survives a resize half-way;
#   - ana logs another call and resolves it at first contact (<= 3 keys more); it shows in
#     "Recently resolved";
#   - carla opens her group's escalations and takes the oldest (<= 3 keys);
#   - ":go HD-1001" opens a ticket by its key (<= 2 keys).
#
# Environment:
#   DESK_BIN              the desk binary (required)
#   DESK_HOST, DESK_PORT  a running deskd with demo data loaded
#   DESKD_DB              its database (libpq conninfo), exported by tests/lib/harness.sh: used
#                         to escalate a ticket to Network as ana before carla's part; without
#                         it carla takes the oldest Network ticket the demo data has
#   DESKD_BIN             when DESK_PORT is unset: start a private PostgreSQL + deskd with
#                         tests/lib/harness.sh instead
#   CONSOLE_KEEP=1        keep the temp dir with the consoles' logs
#
# Every assertion polls the screen (capture-pane) until it holds or a deadline passes; no
# fixed sleep decides an outcome.
set -euo pipefail

CONSOLE_NAME=console_intake WAIT=10 # seconds an expected screen may take to appear

# Key budgets (keys sent beyond typed text; keys counts them in nkeys).
readonly BUDGET_CALL=12 BUDGET_RESOLVE=3 BUDGET_TAKE=3 BUDGET_GO=2
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" # the shared tmux helpers: tmx, start, screen, expect*, keys, text, ...
console_init

# The screen line holding TEXT (the first one).
line_of() {
	screen "$1" | grep -F -- "$2" | head -n 1
}

# within BUDGET WHAT: the keys counted since nkeys was last reset fit the budget.
within() {
	local budget=$1 what=$2
	((nkeys <= budget)) || die "$what took $nkeys keys, more than $budget"
	note "$what: $nkeys keys (budget $budget)"
}

# The digit the view pane shows in front of a view's name.
view_digit() {
	local name=$1 view=$2 d
	d=$(screen "$name" | grep -oE "[1-9] $view" | head -n 1 | cut -c1)
	[[ -n $d ]] || fail_screen "$name" "no digit for the view \"$view\" in the pane"
	printf '%s\n' "$d"
}

note "deskd at $DESK_HOST:$DESK_PORT; tmux socket $sock"
start c1 ana
start c2 carla
for c in c1 c2; do
	expect "$c" "Password" "login screen"
	expect "$c" " connected " "connection to deskd"
	text "$c" demo
	keys "$c" Enter
done
expect c1 "Ana Lima" "ana's name in the header"
expect c2 "Carla Nunes" "carla's name in the header"
for c in c1 c2; do
	expect "$c" "Recently resolved" "the view pane"
	expect_re "$c" 'Escalations: Network +[0-9]+' "the Network escalations view with its count" >/dev/null
done

# ---- 1. ana logs a call ------------------------------------------------------------------
subject="Printer on 3rd floor prints blank pages"
nkeys=0
keys c1 n
expect c1 "New ticket" "create form"
text c1 chlo
expect c1 "Chloé Dubois" "Chloé Dubois among the callers found for \"chlo\""
expect c1 "Atelier Dupré" "the caller's organisation in the list"
keys c1 Enter # picks the caller, on to the category
expect c1 "categories:" "the category list under the field"
text c1 print
expect_gone c1 "(no category)" "the category list filtered by \"print\""
expect c1 "Hardware/Printer" "Hardware/Printer offered for \"print\""
keys c1 Enter # picks it, on to impact
expect c1 "routes to Hardware" "the category's routing"
keys c1 2 # impact medium, on to urgency
keys c1 2 # urgency medium, on to the subject
expect c1 "P3  (from impact and urgency)" "the priority computed from impact and urgency"
text c1 "$subject"
expect c1 "Similar resolved tickets" "the similar-tickets panel"
similar=$(expect_re c1 'HD-[0-9]+ Printer on 2nd floor prints blank pages' "a similar resolved ticket in the panel")
expect_re c1 '(fixed|workaround|advice): ' "the similar ticket's resolution" >/dev/null
note "similar panel shows ${similar%% *}"
keys c1 Enter # on to the description
description="Every page comes out blank since this morning." # one line of the box
text c1 "$description"
expect c1 "$description" "the typed description"

# A resize half-way through the form loses nothing. Narrow, the similar tickets go under the
# form; wide, beside it, with the routing beside the category: each proves the redraw.
tmx resize-window -t c1 -x 80 -y 24
expect_re c1 '^  Similar resolved tickets' "the form redrawn for 80x24" >/dev/null
expect c1 "$description" "the description after shrinking to 80x24"
expect c1 "Printer on 3rd floor" "the subject after shrinking to 80x24"
[[ $(screen c1 | wc -l) -le 24 ]] || fail_screen c1 "screen taller than 24 rows after resize"
tmx resize-window -t c1 -x 120 -y 40
expect c1 "routes to Hardware" "the form redrawn for 120x40"
expect c1 "$description" "the whole description after growing back to 120x40"
expect c1 "$subject" "the whole subject after growing back"
expect c1 "Chloé Dubois" "the picked caller after the resize"

keys c1 C-s
created=$(expect_re c1 'Created HD-[0-9]+' "\"Created HD-…\" after saving")
key1=${created#Created }
within "$BUDGET_CALL" "logging a call ($key1)"

# On the list (All open, with a queue column), with its caller and the routed queue.
expect c1 "$key1" "the new ticket $key1 in the list"
expect_re c1 "$key1 .*Hardware .*Chloé Dubois" "$key1 listed with queue Hardware and caller Chloé Dubois" >/dev/null

# "/" filters the rows by key, subject or caller, ignoring case and accents; Esc clears it.
keys c1 /
text c1 "CHLOE dub"
expect c1 "/CHLOE dub" "the filter being typed"
deadline=$(($(now_us) + WAIT * 1000000))
until rows=$(screen c1 | grep -E '^ *[^│]*│ HD-[0-9]+ ') && ! grep -vqF "Chloé Dubois" <<<"$rows"; do
	(($(now_us) < deadline)) || fail_screen c1 "the filter \"CHLOE dub\" left other callers' rows"
	sleep 0.1
done
grep -qF "$key1 " <<<"$rows" || fail_screen c1 "the filter \"CHLOE dub\" hid $key1"
keys c1 Escape
expect_gone c1 "CHLOE dub" "the filter cleared by Esc"

# ---- 2. another call, resolved at first contact --------------------------------------------
nkeys=0
keys c1 n
expect c1 "New ticket" "create form"
text c1 grace
expect c1 "Grace Kim" "Grace Kim among the callers found"
keys c1 Enter
expect c1 "categories:" "the category list"
text c1 pass
expect_gone c1 "(no category)" "the category list filtered by \"pass\""
expect c1 "Access/Password" "Access/Password offered"
keys c1 Enter Enter Enter # category; impact and urgency keep their defaults
text c1 "Password expired after the holidays ($$)"
base=$nkeys
keys c1 C-r # the resolution fields, focus on the code (Fixed)
expect c1 "resolved at first contact" "the form in resolving mode"
expect c1 "< Fixed >" "the resolution code, Fixed by default"
keys c1 Enter # on to the note
text c1 "Reset the password with the caller; she logged in fine."
keys c1 C-s
created=$(expect_re c1 'Created HD-[0-9]+ and resolved it' "\"Created HD-… and resolved it\"")
key2=${created#Created }
key2=${key2%% *}
extra=$((nkeys - base))
((extra <= BUDGET_RESOLVE)) || die "resolving at first contact took $extra keys, more than $BUDGET_RESOLVE"
note "resolving at first contact: $extra keys beyond logging the call (budget $BUDGET_RESOLVE)"
within "$BUDGET_CALL" "logging and resolving a call ($key2)"

keys c1 "$(view_digit c1 'Recently resolved')"
expect_re c1 'Recently resolved . last' "the Recently resolved list title" >/dev/null
expect c1 "$key2" "$key2 in Recently resolved"
line=$(line_of c1 "$key2 ")
[[ $line == *"Resd"* && $line == *"fixed"* ]] ||
	fail_screen c1 "$key2 is not shown resolved with code fixed: $line"

# ---- 3. carla takes the oldest escalation of her group -------------------------------------
esc_key=""
if [[ -n ${DESKD_DB:-} ]] && command -v psql >/dev/null; then
	# ana escalates an unassigned Service Desk ticket to Network, through the same database
	# function ticket.escalate runs; the pushes reach carla's console like any other change.
	esc_key=$(psql "$DESKD_DB" -qAt -v ON_ERROR_STOP=1 -c "
		SELECT e.key
		  FROM (SELECT t.id, t.version FROM tickets t JOIN queues q ON q.id = t.queue_id
		         WHERE q.name = 'Service Desk' AND t.status IN ('new', 'open')
		           AND t.assignee_id IS NULL
		         ORDER BY t.id LIMIT 1) s,
		       LATERAL desk_ticket_escalate((SELECT id FROM agents WHERE login = 'ana'),
		           s.id::bigint, s.version::int, (SELECT id FROM queues WHERE name = 'Network'),
		           'Switch port dead in room 2.14', 'Tried another cable and port') e") ||
		die "could not escalate a ticket to Network through $DESKD_DB"
	[[ $esc_key == HD-* ]] || die "escalating a ticket to Network returned '$esc_key'"
	note "ana escalated $esc_key to Network"
else
	note "no DESKD_DB: carla takes the oldest Network ticket of the demo data"
fi

nkeys=0
keys c2 "$(view_digit c2 'Escalations: Network')"
expect_re c2 'Escalations: Network . oldest escalation first' "the Network escalations view" >/dev/null
expect c2 "Waiting" "the waiting-time column"
if [[ -n $esc_key ]]; then
	expect c2 "$esc_key" "the escalated ticket $esc_key in carla's view"
	# Oldest escalation first; never-escalated tickets (the demo's) after it.
	first=$(line_of c2 "$esc_key ")
	[[ $first == *"Switch port"* ]] || fail_screen c2 "the escalation reason is not shown: $first"
	screen c2 | grep -A100 -F "$esc_key " | tail -n +2 |
		grep -qE 'HD-[0-9]+ +P[1-4] +[A-Za-z]+ +[0-9]' &&
		fail_screen c2 "an escalated ticket is listed after $esc_key (not oldest first)"
	# The waiting time counts up by itself, from the server's clock.
	w1=$(grep -oE '[0-9]+(s|m[0-9]{2}s|h[0-9]{2}m)' <<<"$first" | head -n 1)
	[[ -n $w1 ]] || fail_screen c2 "no waiting time on the first row: $first"
	deadline=$(($(now_us) + WAIT * 1000000))
	while :; do
		w2=$(screen c2 | grep -F "$esc_key" | grep -oE '[0-9]+(s|m[0-9]{2}s|h[0-9]{2}m)' | head -n 1)
		[[ -n $w2 && $w2 != "$w1" ]] && break
		(($(now_us) < deadline)) || fail_screen c2 "the waiting time of $esc_key stays at $w1"
		sleep 0.2
	done
	note "waiting time ticks: $w1 -> $w2"
else
	expect_re c2 'HD-[0-9]+ ' "a ticket in carla's Network escalations" >/dev/null
fi
keys c2 t # the cursor starts on the oldest escalation nobody has taken
took=$(expect_re c2 "Took HD-[0-9]+|HD-[0-9]+ is already yours" "carla taking a ticket")
take_key=$(grep -oE 'HD-[0-9]+' <<<"$took")
[[ -z $esc_key || $take_key == "$esc_key" ]] ||
	fail_screen c2 "t took $take_key, not the oldest waiting escalation $esc_key"
deadline=$(($(now_us) + WAIT * 1000000))
until [[ $(line_of c2 "$take_key ") == *carla* ]]; do
	(($(now_us) < deadline)) || fail_screen c2 "$take_key does not show carla as its assignee"
	sleep 0.1
done
within "$BUDGET_TAKE" "taking the oldest Network escalation ($take_key)"

# ana's list follows live: the ticket carla took shows her as assignee there too.
if [[ -n $esc_key ]]; then
	keys c1 0 # All open
	expect c1 "$esc_key" "$esc_key in ana's All open view"
	deadline=$(($(now_us) + WAIT * 1000000))
	until [[ $(line_of c1 "$esc_key ") == *carla* ]]; do
		(($(now_us) < deadline)) || fail_screen c1 "ana's row of $esc_key does not show carla"
		sleep 0.1
	done
fi

# ---- 4. a ticket by its key ---------------------------------------------------------------------
nkeys=0
keys c2 :
text c2 "go HD-1001"
keys c2 Enter
expect c2 "VPN drops every 20-30 minutes" "HD-1001 opened by :go"
expect c2 "HD-1001" "the key HD-1001 in the detail"
within "$BUDGET_GO" "opening HD-1001 by its key"

# Quit both: q leaves the detail, q on the list quits.
keys c2 q
expect c2 "Recently resolved" "the list after leaving the detail"
for c in c1 c2; do
	keys "$c" q
	deadline=$(($(now_us) + WAIT * 1000000))
	while alive "$c" && (($(now_us) < deadline)); do
		sleep 0.1
	done
	alive "$c" && fail_screen "$c" "desk did not exit on q"
	status=$(<"$work/$c.status")
	[[ $status == 0 ]] || fail_screen "$c" "desk exited with status $status"
done

note "PASS"
