#!/usr/bin/env bash
# console_actions.sh - the ticket detail view's actions, driven in a private tmux server against
# a running deskd with the demo data:
#   - ana creates a ticket, takes it (t), replies with minutes (c), escalates it to Network (e)
#     in at most 5 keys beyond the reason;
#   - carla (a second console) sees it arrive in the Network view live, opens it, asks L1 (Q);
#     ana's detail shows the open question live; ana answers (w), the flag goes on both;
#   - a dialog survives a resize to 80x24 and back with its text;
#   - ana raises it (r) on a stale version: "changed meanwhile", then again; sam (supervisor)
#     acknowledges (K) and overrides the priority with a reason (P), then clears it; a merge into a ticket that does not exist shows the server's refusal
#     inside the dialog;
#   - carla resolves it (R) with code fixed and a note; the history shows escalated / resolved;
#   - admin is offered nothing, and t says why instead of sending anything;
#   - ana links a second ticket to the demo problem (l), unlinks it (L), merges it into the
#     first (m).
#
# Environment:
#   DESK_BIN              the desk binary (required)
#   DESK_HOST, DESK_PORT  a running deskd with demo data loaded
#   DESKD_BIN             when DESK_PORT is unset: start a private PostgreSQL + deskd with
#                         tests/lib/harness.sh instead
#   CONSOLE_KEEP=1        keep the temp dir with the consoles' logs
#
# Every assertion polls the screen (capture-pane) until it holds or a deadline passes; no
# fixed sleep decides an outcome.
set -euo pipefail

CONSOLE_NAME=console_actions WAIT=10 # seconds an expected screen may take to appear
readonly BUDGET_ESCALATE=5           # keys from the detail view to an escalation, beyond the reason
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" # the shared tmux helpers: tmx, start, screen, expect*, keys, text, ...
console_init

# create NAME SUBJECT: a new ticket through the create form; prints its key. The form's field
# order is not this test's business: Tab until the terminal cursor sits in the Subject field.
create() {
	local name=$1 subject=$2 row cy i created
	keys "$name" n
	expect "$name" "New ticket" "create form" >/dev/null
	for ((i = 0; i < 30; i++)); do
		row=$(screen "$name" | grep -n -m 1 -E '^ *Subject' | cut -d: -f1 || true)
		cy=$(tmx display-message -p -t "$name" '#{cursor_y}')
		[[ -n $row && $((row - 1)) == "$cy" ]] && break
		keys "$name" Tab
		sleep 0.2
	done
	((i < 30)) || fail_screen "$name" "Tab never reached the Subject field of the create form"
	text "$name" "$subject"
	expect_re "$name" "Subject +$subject" "the typed subject in the Subject field" >/dev/null
	keys "$name" C-s
	created=$(expect_re "$name" 'Created HD-[0-9]+' "\"Created HD-…\" after saving")
	echo "${created#Created }"
}

# open_ticket NAME KEY: put the list cursor on KEY's row and open its detail; when the list
# shown lacks KEY, switch to all open tickets (0) first.
open_ticket() {
	local name=$1 key=$2 scr head row i
	screen "$name" | grep -qF -- "$key " || keys "$name" 0
	expect_re "$name" "^.*$key " "$key in the list" >/dev/null
	keys "$name" Home
	scr=$(screen "$name")
	head=$(grep -n -m 1 -E '(^|[^[:alnum:]])Key +P ' <<<"$scr" | cut -d: -f1)
	row=$(grep -n -m 1 -- "$key " <<<"$scr" | cut -d: -f1)
	[[ -n $head && -n $row ]] || fail_screen "$name" "cannot find $key below the list heading"
	for ((i = head + 1; i < row; i++)); do
		keys "$name" Down
	done
	keys "$name" Enter
	expect_re "$name" "^ $key " "the detail of $key" >/dev/null
	expect "$name" "History (" "the history of $key"
}

quit() {
	local name=$1 deadline status
	keys "$name" q
	expect "$name" "Key " "the list after leaving the detail" >/dev/null
	keys "$name" q
	deadline=$(($(now_us) + WAIT * 1000000))
	while alive "$name" && (($(now_us) < deadline)); do
		sleep 0.1
	done
	alive "$name" && fail_screen "$name" "desk did not exit on q"
	status=$(<"$work/$name.status")
	[[ $status == 0 ]] || fail_screen "$name" "desk exited with status $status"
}

note "deskd at $DESK_HOST:$DESK_PORT; tmux socket $sock"
start ana ana
start carla carla
login ana "Ana Lima"
login carla "Carla Nunes"

# ---- ana: create, take, reply with minutes ------------------------------------------------
subject="Label printer offline in dispatch $$"
key=$(create ana "$subject")
note "ana created $key"
open_ticket ana "$key"
expect_re ana 'Status +new' "status new" >/dev/null
[[ $(footer ana) == *"t take"* ]] || fail_screen ana "the footer does not offer t take"

keys ana t
expect ana "Took $key" "the take confirmed on the status line"
expect_re ana 'Assignee +ana' "ana as the assignee" >/dev/null
expect_re ana 'Status +open' "status open after taking" >/dev/null

keys ana c
expect ana "Reply on $key" "the reply dialog"
text ana "Called back: the printer shows no network link"
keys ana Tab
text ana 15
keys ana Enter
expect ana "Replied on $key (15 min)" "the reply confirmed"
expect ana "(reply, 15 min)" "the reply in the comments"
expect_re ana 'Time spent +15 min' "the minutes on the ticket" >/dev/null

# ---- carla watches the Network view; ana escalates ----------------------------------------
for ((i = 0; i < 20; i++)); do
	screen carla | sed -n 2p | grep -q Network && break
	keys carla Right
	sleep 0.3
done
screen carla | sed -n 2p | grep -q Network || fail_screen carla "no Network view after 20 x Right"
screen carla | grep -qF -- "$key" && fail_screen carla "$key is in Network before the escalation"

reason="No link on the dispatch switch port, needs Network"
pressed=0
press ana e
expect ana "Escalate $key" "the escalation dialog"
press ana Down Down
expect_re ana '> Network' "Network picked in the group list" >/dev/null
press ana Tab
text ana "$reason"
press ana Enter
((pressed <= BUDGET_ESCALATE)) ||
	die "escalating took $pressed keys beyond the reason (budget $BUDGET_ESCALATE)"
note "escalated in $pressed keys beyond the reason"
expect ana "Escalated $key to Network" "the escalation confirmed"
expect_re ana 'Queue +Network' "the ticket now in Network" >/dev/null
expect ana "Escalation path (1)" "the escalation path"
expect ana "Why: $reason" "the reason in the escalation path"

# Carla pressed nothing: the push brought it.
expect carla "$key" "$key arriving live in carla's Network view"
problem=$(screen carla | grep -F "Recurring VPN" | grep -oE 'HD-[0-9]+' | head -n 1 || true)
open_ticket carla "$key"

# ---- admin may not work tickets ------------------------------------------------------------
start admin admin
login admin "Administrator"
open_ticket admin "$key"
expect admin "q back ? help" "admin's footer"
[[ $(footer admin) != *"take"* ]] || fail_screen admin "admin is offered take"
version=$(expect_re admin 'Version +[0-9]+' "the version" | grep -oE '[0-9]+$')
keys admin t
expect admin "Not available: role admin may not take tickets" "why admin cannot take"
expect_re admin 'Assignee +—' "still unassigned after admin's t" >/dev/null
expect_re admin "Version +$version( |$)" "the version unchanged" >/dev/null
quit admin

# ---- question and answer -------------------------------------------------------------------
question="Which switch port is the printer patched to?"
keys carla Q
expect carla "Ask L1 about $key" "the question dialog"
text carla "$question"
keys carla C-s
expect carla "Asked L1 on $key" "the question confirmed"
expect ana "open, waiting for an answer" "the open question in ana's detail (live)"
[[ $(footer ana) == *"w answer"* ]] || fail_screen ana "the footer does not offer w answer"

keys ana w
expect ana "Q: $question" "the question shown in the answer dialog"
text ana "Port 2/0/17 on SW-DISPATCH"
keys ana C-s
expect ana "Answered the question on $key" "the answer confirmed"
expect_gone ana "open, waiting for an answer" "the question flag in ana's detail"
expect_gone carla "open, waiting for an answer" "the question flag in carla's detail"

# ---- a dialog survives a resize ------------------------------------------------------------
keys ana n
expect ana "Note on $key" "the note dialog"
text ana "Kept across a resize"
tmx resize-window -t ana -x 80 -y 24
expect ana "Kept across a resize" "the note text at 80x24"
[[ $(screen ana | wc -l) -le 24 ]] || fail_screen ana "screen taller than 24 rows after resize"
tmx resize-window -t ana -x 120 -y 40
expect ana "Kept across a resize" "the note text back at 120x40"
keys ana Escape
expect_gone ana "Note on $key" "the note dialog after Esc"

# ---- raise on a stale version, then acknowledge --------------------------------------------
keys ana r
expect ana "Raise $key to supervisors" "the raise dialog"
text ana "Dispatch cannot ship labels"
# Meanwhile carla changes the ticket.
keys carla n
expect carla "Note on $key" "carla's note dialog"
text carla "Checking the switch"
keys carla C-s
expect carla "Added a note to $key" "carla's note confirmed"
keys ana Enter
expect ana "Changed meanwhile — reloaded" "the stale-version message in the dialog"
expect ana "Dispatch cannot ship labels" "the reason kept after the refusal"
keys ana Enter
expect ana "Raised $key to supervisors" "the raise confirmed"
expect_re ana 'Raised +raised: Dispatch' "the raised flag" >/dev/null

start sam sam
login sam "Sam Reyes"
open_ticket sam "$key"
[[ $(footer sam) == *"K acknowledge"* ]] || fail_screen sam "the footer does not offer K acknowledge"
keys sam K
expect sam "Acknowledge $key" "the acknowledge dialog"
expect sam "Raised: Dispatch cannot ship labels" "the raise reason in the dialog"
keys sam Enter
expect sam "Acknowledged $key" "the acknowledgement confirmed"
expect_re ana 'Raised +acknowledged' "the acknowledgement in ana's detail (live)" >/dev/null

# sam overrides the priority with a reason (P): P1, visible on ana's screen at once; without a
# reason the dialog refuses; then back to the computed priority.
keys sam P
expect sam "Priority of $key" "the priority dialog"
keys sam Home Tab Enter
expect sam "needs a reason" "the refusal of an override without a reason"
text sam "Caller is the CFO"
keys sam Enter
expect sam "$key set to P1" "the override confirmed"
expect sam "P1  (override: Caller is the CFO)" "the override on sam's detail"
expect ana "P1  (override: Caller is the CFO)" "the override in ana's detail (live)"
keys sam P
expect sam "Priority of $key" "the priority dialog again"
keys sam End Tab Enter
expect sam "back to its computed priority" "the override cleared"
expect_gone ana "(override:" "the override on ana's screen after clearing"
[[ $(footer ana) != *"P priority"* ]] || fail_screen ana "an L1 agent is offered the priority override"
quit sam

# ---- the server's refusal shows inside the dialog ------------------------------------------
keys ana m
expect ana "Merge $key" "the merge dialog"
text ana "HD-99999999"
keys ana Enter
expect_re ana 'HD-99999999: [a-z]' "the server's not-found message in the dialog" >/dev/null
expect ana "Merge $key" "the merge dialog still open"
keys ana Escape
expect_gone ana "Merge $key" "the merge dialog after Esc"
expect_re ana 'Status +open' "the ticket unchanged" >/dev/null

# ---- carla resolves ------------------------------------------------------------------------
keys carla R
expect carla "Resolve $key" "the resolve dialog"
expect carla "Workaround provided" "the resolution codes"
text carla fix
expect_re carla '> Fixed' "Fixed picked by typing" >/dev/null
keys carla Tab
text carla "Port re-enabled on SW-DISPATCH; labels print again"
keys carla C-s
expect carla "Resolved $key (fixed)" "the resolution confirmed"
expect_re carla 'Status +resolved' "status resolved" >/dev/null
expect_re ana 'Status +resolved' "status resolved in ana's detail (live)" >/dev/null
[[ $(footer ana) == *"o reopen"* ]] || fail_screen ana "the footer does not offer o reopen"
keys carla G
expect carla 'escalated: "Service Desk" → "Network"' "the escalation in the history"
expect carla '"open" → "resolved"' "the resolution in the history"
expect_re carla 'resolution_code: .* → "fixed"' "the resolution code in the history" >/dev/null
expect carla 'queue: "Service Desk" → "Network"' "the queue change in the history, by name (not by id)"

# ---- a second ticket: link to the problem, unlink, merge into the first --------------------
keys ana q
expect ana "Key " "ana's list"
dup=$(create ana "Dispatch label printer again $$")
note "ana created $dup"
open_ticket ana "$dup"
if [[ -n $problem ]]; then
	keys ana l
	expect ana "Link $dup to a problem" "the link dialog"
	text ana "${problem#HD-}" # bare digits: the console adds the prefix
	keys ana Enter
	expect ana "Linked $dup to problem $problem" "the link confirmed"
	expect_re ana "Problem +$problem" "the problem on the ticket" >/dev/null
	keys ana L
	expect ana "Unlink $dup from problem $problem?" "the unlink confirmation"
	keys ana y
	expect ana "Unlinked $dup from $problem" "the unlink confirmed"
	expect_gone ana "Problem    $problem" "the problem link after unlinking"
else
	note "no open demo problem in Network: link / unlink skipped"
fi
keys ana m
expect ana "Merge $dup" "the merge dialog"
text ana "$key"
keys ana Enter
expect ana "Merged $dup into $key" "the merge confirmed"
expect_re ana 'Status +closed' "the duplicate closed" >/dev/null
expect_re ana "Merged +into $key" "the duplicate pointing to $key" >/dev/null

quit ana
quit carla
note "PASS"
