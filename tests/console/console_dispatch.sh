#!/usr/bin/env bash
# console_dispatch.sh - flows the other console tests leave out, driven in tmux against the
# suite's deskd: an L1 agent assigns a ticket to a colleague (a), and resolves a problem (R)
# whose linked incident the console then offers to resolve with it (y). The problem and its
# incidents are set up in SQL; everything asserted is what the console shows.
#
# Environment (from tests/console/run.sh): DESK_BIN, DESK_HOST, DESK_PORT, DESKD_DB.
set -euo pipefail

readonly WAIT=15
die() {
	echo "console_dispatch: FAIL: $*" >&2
	exit 1
}
for v in DESK_BIN DESK_PORT DESKD_DB; do
	[[ -n ${!v:-} ]] || die "$v is not set"
done
sock=desk-dispatch-$$
work=$(mktemp -d /tmp/desk-dispatch.XXXXXX)
tmx() {
	tmux -u -L "$sock" -f /dev/null "$@"
}
cleanup() {
	tmx kill-server >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

sql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DESKD_DB" -c "$1"
}
screen() {
	tmx capture-pane -p -t c 2>/dev/null || true
}
fail() {
	echo "console_dispatch: FAIL: $*" >&2
	echo "---- screen ----" >&2
	screen >&2
	exit 1
}
expect() {
	local deadline=$((SECONDS + WAIT))
	while ((SECONDS < deadline)); do
		[[ ! -s $work/status ]] || fail "desk exited while waiting for $2"
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	fail "no $2 within ${WAIT}s"
}
expect_re() {
	local deadline=$((SECONDS + WAIT))
	while ((SECONDS < deadline)); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	fail "no $2 within ${WAIT}s"
}
go() {
	tmx send-keys -t c Escape
	tmx send-keys -t c ":"
	tmx send-keys -t c -l "go $1"
	tmx send-keys -t c Enter
	expect "$1  " "the detail of $1"
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
	"'$DESK_BIN' --host '${DESK_HOST:-127.0.0.1}' --port '$DESK_PORT' --user ana; echo \$? >'$work/status'"
tmx set-option -t c remain-on-exit on >/dev/null
expect "Password" "login screen"
tmx send-keys -t c -l demo
tmx send-keys -t c Enter
expect "Ana Lima" "ana logged in"
expect_re 'HD-[0-9]+' "the ticket list"

# Assign: a, type to filter the agents, Enter.
go "$other"
tmx send-keys -t c a
expect "Agent" "the assign dialog"
tmx send-keys -t c -l "ben"
tmx send-keys -t c Enter
expect "Assigned $other to" "the assignment confirmed"
expect_re 'Assignee +ben' "ben as the assignee on screen"
[[ $(sql "SELECT a.login FROM tickets t JOIN agents a ON a.id = t.assignee_id
          WHERE 'HD-' || t.number = '$other'") == ben ]] || fail "the database does not say ben"

# Resolve the problem; the console offers its open linked incident.
go "$problem"
tmx send-keys -t c R
expect "Resolve $problem" "the resolve dialog"
tmx send-keys -t c -l "fixed"
tmx send-keys -t c Tab
tmx send-keys -t c -l "Replaced the flapping uplink module"
tmx send-keys -t c C-s
expect "Resolve 1 linked incident" "the offer to resolve the linked incident"
tmx send-keys -t c y
expect "Resolved 1 linked incident" "the linked incident resolved"
go "$incident"
expect_re 'Status +resolved' "the incident shown resolved"
expect "Resolved with problem $problem" "the problem's resolution on the incident"

tmx send-keys -t c q
tmx send-keys -t c q
deadline=$((SECONDS + WAIT))
while [[ ! -s $work/status ]] && ((SECONDS < deadline)); do sleep 0.1; done
[[ $(cat "$work/status" 2>/dev/null) == 0 ]] || fail "desk exited with status '$(cat "$work/status" 2>/dev/null)'"
echo "console_dispatch: PASS"
