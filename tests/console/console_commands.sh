#!/usr/bin/env bash
# console_commands.sh - the ":" command line and canned responses, driven in tmux against the
# suite's deskd:
#   - on the list row under the cursor: ":assign ben" (typed with Tab completion), ":take",
#     ":status pending" change the ticket at once (checked in the database); a status the
#     lifecycle does not allow, and an unknown command, are refused on the status line;
#   - ":sort priority" orders the list by priority, ":sort view" back;
#   - ":escalate net" opens the ticket's escalate dialog with Network chosen and the cursor in
#     the reason: 3 keys beyond the command and the reason (the budget is 5);
#   - carla follows Network (desk --follow): the new escalation is announced on her status line,
#     with the bell (--bell);
#   - in the reply dialog ^T lists the canned responses; typing filters, Enter inserts the body
#     at the cursor; the reply is sent with it;
#   - ":status resolved" opens the resolve dialog; ":take" works from the ticket too.
#
# Environment (from tests/console/run.sh): DESK_BIN, DESK_HOST, DESK_PORT, DESKD_DB.
set -euo pipefail

CONSOLE_NAME=console_commands WAIT=10
readonly BUDGET_ESCALATE=5 # keys beyond the command's words and the reason
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" # the shared tmux helpers: tmx, start, screen, expect*, keys, text, ...
for v in DESK_BIN DESK_PORT DESKD_DB; do
	[[ -n ${!v:-} ]] || die "$v is not set"
done
DESK_HOST=${DESK_HOST:-127.0.0.1}
work=$(mktemp -d /tmp/desk-commands.XXXXXX)
trap cleanup EXIT

sql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DESKD_DB" -c "$1"
}
field() { # KEY COLUMN-EXPRESSION: a value of the ticket in the database
	sql "SELECT $2 FROM tickets t LEFT JOIN agents a ON a.id = t.assignee_id
	     WHERE 'HD-' || t.number = '$1'"
}
# cmd NAME LINE: ":" LINE Enter.
cmd() {
	keys "$1" :
	text "$1" "$2"
	keys "$1" Enter
}

key=$(sql "SELECT key FROM desk_ticket_create2((SELECT id FROM agents WHERE login = 'ana'),
           'Commands printer on fire $$', '', 'incident', 3::smallint, 3::smallint, NULL, NULL,
           'phone', NULL, NULL)")
note "ticket $key"

start ana ana
tmx set-option -g monitor-bell on >/dev/null
tmx set-option -g bell-action any >/dev/null
tmx set-hook -g alert-bell "run-shell 'echo bell >>$work/bells'"
touch "$work/bells"
start carla carla --bell --follow "Network,Security"
login ana "Ana Lima"
login carla "Carla Nunes"

# The ticket alone under the cursor: all open tickets, filtered by its key.
keys ana 0
expect ana "Open tickets" "all open tickets"
keys ana /
text ana "$key"
keys ana Enter
expect_re ana "│ $key " "$key in the filtered list" >/dev/null

# ---- :assign with Tab completion, :take, :status ---------------------------------------------
keys ana :
text ana ass
keys ana Tab
expect_re ana '^:assign *$' "\":ass\" completed to \":assign \"" >/dev/null
keys ana Tab
expect ana " me  none  ana  ben" "the logins offered on a second Tab"
text ana be
keys ana Tab
expect_re ana '^:assign ben *$' "\"be\" completed to ben" >/dev/null
keys ana Enter
expect ana "Assigned $key to ben" "the assignment confirmed"
expect_re ana "│ $key .* ben" "ben on the row" >/dev/null
[[ $(field "$key" a.login) == ben ]] || fail_screen ana "the database does not say ben"

cmd ana take
expect ana "Took $key over from ben" "the take confirmed"
[[ $(field "$key" a.login) == ana ]] || fail_screen ana "the database does not say ana"

cmd ana "status pending"
expect ana "$key is now pending" "the status change confirmed"
expect_re ana "│ $key +P[1-4] +Pend" "the row shown pending" >/dev/null
[[ $(field "$key" t.status) == pending ]] || fail_screen ana "the database does not say pending"

cmd ana "status closed"
expect ana "$key is pending: it can go to" "the refused transition on the status line"
cmd ana "frobnicate"
expect ana "Unknown command :frobnicate" "the unknown command on the status line"

# ---- :sort ---------------------------------------------------------------------------------
keys ana Escape # the filter off: the whole list
expect_gone ana "Filter:" "the filter cleared"
cmd ana "sort priority"
expect_re ana 'Open tickets . All queues, by priority' "the list sorted by priority" >/dev/null
first=$(screen ana | grep -m 1 -oE '│ HD-[0-9]+ +P[1-4]' | grep -oE 'P[1-4]$')
[[ $first == P1 ]] || fail_screen ana "the first row is $first, not P1, sorted by priority"
cmd ana "sort view"
expect_gone ana "by priority" "the list back in its own order"

# ---- :escalate: the dialog with the group chosen ---------------------------------------------
keys ana /
text ana "$key"
keys ana Enter
expect_re ana "│ $key " "$key under the cursor again" >/dev/null
reason="Smoke from the printer network port $$"
pressed=0
press ana :
text ana "escalate net"
press ana Enter
expect ana "Escalate $key" "the escalate dialog"
expect_re ana '> Network' "Network chosen in the dialog" >/dev/null
text ana "$reason"
bells=$(wc -l <"$work/bells")
press ana Enter
((pressed <= BUDGET_ESCALATE)) || die "escalating by command took $pressed keys (budget $BUDGET_ESCALATE)"
note "escalating by command: $pressed keys beyond the command and the reason (budget $BUDGET_ESCALATE)"
expect ana "Escalated $key to Network" "the escalation confirmed"
[[ $(field "$key" "(SELECT name FROM queues WHERE id = t.queue_id)") == Network ]] ||
	fail_screen ana "the database does not say Network"

# carla follows Network: told on the status line, and the bell rings.
expect carla "Escalated to Network: $key" "the new escalation announced to carla"
expect carla "($reason)" "the escalation's reason in the announcement"
deadline=$(($(now_us) + WAIT * 1000000))
until (($(wc -l <"$work/bells") > bells)); do
	(($(now_us) < deadline)) || fail_screen carla "no bell for the new escalation (--bell)"
	sleep 0.1
done

# ---- canned responses in a reply -----------------------------------------------------------
keys ana c
expect ana "Reply on $key" "the reply dialog"
text ana "Hello. "
keys ana C-t
expect ana "Canned responses" "the canned responses"
expect ana "password-reset" "a canned response by name"
[[ $(footer ana) == *"Enter insert"* ]] || fail_screen ana "the canned list's footer lacks Enter insert"
text ana "pass"
expect_re ana '> password-reset' "password-reset picked by typing" >/dev/null
keys ana Enter
expect_gone ana "Canned responses" "the canned list closed"
expect ana "Hello. I have reset your password" "the body inserted at the cursor"
[[ $(footer ana) == *"^T canned"* ]] || fail_screen ana "the reply dialog's footer lacks ^T canned"
keys ana C-s
expect ana "Replied on $key" "the reply sent"
n=$(sql "SELECT count(*) FROM ticket_comments c JOIN tickets t ON t.id = c.ticket_id
         WHERE 'HD-' || t.number = '$key' AND c.kind = 'reply'
           AND c.body LIKE 'Hello. I have reset your password%'")
[[ $n == 1 ]] || fail_screen ana "the database holds $n replies with the canned text, not 1"

# ---- from the ticket: :status resolved opens the resolve dialog; carla :take ----------------
cmd ana "status resolved"
expect ana "Resolve $key" "the resolve dialog from :status resolved"
keys ana Escape
expect_gone ana "Resolve $key" "the resolve dialog closed"
keys carla :
text carla "go $key"
keys carla Enter
expect_re carla "^ $key " "the detail of $key for carla" >/dev/null
cmd carla take
expect carla "Took $key" "carla's take from the ticket"
expect_re carla 'Assignee +carla' "carla the assignee on her screen" >/dev/null

for c in ana carla; do
	keys "$c" q
	expect "$c" "Key " "the list"
	keys "$c" q
	deadline=$(($(now_us) + WAIT * 1000000))
	while alive "$c" && (($(now_us) < deadline)); do sleep 0.1; done
	alive "$c" && fail_screen "$c" "desk did not exit on q"
	[[ $(<"$work/$c.status") == 0 ]] || fail_screen "$c" "desk exited with status $(<"$work/$c.status")"
done
note "PASS"
