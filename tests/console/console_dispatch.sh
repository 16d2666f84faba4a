#!/usr/bin/env bash
# console_dispatch.sh - flows the other console tests leave out, driven in tmux against the
# suite's deskd: an L1 agent assigns a ticket to a colleague (a), and resolves a problem (R)
# whose linked incident the console then offers to resolve with it (y). The problem and its
# incidents are set up in SQL; everything asserted is what the console shows.
#
# Environment (from tests/console/run.sh): DESK_BIN, DESK_HOST, DESK_PORT, DESKD_DB.
set -euo pipefail

CONSOLE_NAME=console_dispatch WAIT=15
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" # the shared tmux helpers: tmx, screen, expect*, keys, text, ...
for v in DESK_BIN DESK_PORT DESKD_DB; do
	[[ -n ${!v:-} ]] || die "$v is not set"
done
work=$(mktemp -d /tmp/desk-dispatch.XXXXXX)
trap cleanup EXIT

sql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DESKD_DB" -c "$1"
}
go() {
	keys c Escape
	keys c ":"
	text c "go $1"
	keys c Enter
	expect c "$1  " "the detail of $1"
}

# A problem with one linked incident, and a second incident to dispatch; all ana's.
mk() {
	sql "SELECT key FROM desk_ticket_create2((SELECT id FROM agents WHERE login = 'ana'),
	     '$1', '', '$2', 2::smallint, 2::smallint, NULL, NULL, 'phone', NULL, NULL)"
}
problem=$(mk "Dispatch switch flaps $$" problem)
incident=$(mk "Dispatch port down $$" incident)
other=$(mk "Dispatch monitor $$" incident)
sql "SELECT 1 FROM desk_ticket_link((SELECT id FROM agents WHERE login = 'ana'),
     (SELECT id FROM tickets WHERE 'HD-' || number = '$incident'), 1,
     (SELECT id FROM tickets WHERE 'HD-' || number = '$problem'))" >/dev/null

tmx new-session -d -s c -x 120 -y 40 -e TERM=xterm-256color -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 \
	"'$DESK_BIN' --host '${DESK_HOST:-127.0.0.1}' --port '$DESK_PORT' --user ana; echo \$? >'$work/c.status'"
tmx set-option -t c remain-on-exit on >/dev/null
expect c "Password" "login screen"
text c demo
keys c Enter
expect c "Ana Lima" "ana logged in"
expect_re c 'HD-[0-9]+' "the ticket list" >/dev/null

# Assign: a, type to filter the agents, Enter.
go "$other"
keys c a
expect c "Agent" "the assign dialog"
text c "ben"
keys c Enter
expect c "Assigned $other to" "the assignment confirmed"
expect_re c 'Assignee +ben' "ben as the assignee on screen" >/dev/null
[[ $(sql "SELECT a.login FROM tickets t JOIN agents a ON a.id = t.assignee_id
          WHERE 'HD-' || t.number = '$other'") == ben ]] || fail_screen c "the database does not say ben"

# Resolve the problem; the console offers its open linked incident.
go "$problem"
keys c R
expect c "Resolve $problem" "the resolve dialog"
text c "fixed"
keys c Tab
text c "Replaced the flapping uplink module"
keys c C-s
expect c "Resolve 1 linked incident" "the offer to resolve the linked incident"
keys c y
expect c "Resolved 1 linked incident" "the linked incident resolved"
go "$incident"
expect_re c 'Status +resolved' "the incident shown resolved" >/dev/null
expect c "Resolved with problem $problem" "the problem's resolution on the incident"

keys c q
keys c q
deadline=$((SECONDS + WAIT))
while [[ ! -s $work/c.status ]] && ((SECONDS < deadline)); do sleep 0.1; done
[[ $(cat "$work/c.status" 2>/dev/null) == 0 ]] || fail_screen c "desk exited with status '$(cat "$work/c.status" 2>/dev/null)'"
echo "console_dispatch: PASS"
