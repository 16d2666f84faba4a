#!/usr/bin/env bash
# console_ui.sh - the console's frame, driven in tmux against the suite's deskd:
#   - presence: with DESK_IDLE_SECONDS=2, two seconds without a key make ben "away" (in the
#     database, which the dashboard reads, and in his header); the next key makes him online;
#   - a row changed by someone else updates in place, highlighted, the cursor staying on its
#     ticket;
#   - the mouse (xterm reports, as tmux passes them on): a click selects a row, a click on the
#     selected row opens it, a double click opens another, a click in the views pane picks a
#     view, the wheel moves the cursor;
#   - colours: 256 colours on a 256-colour terminal (the header from the 256 palette), the
#     eight on TERM=xterm, none with NO_COLOR (the cursor in reverse video);
#   - the help overlay lists the keys of the list (and scrolls at 80x24), of a ticket, of a
#     dialog (^T), of the create form and of the command line; the footer shows the keys that
#     work here, at 120 and at 80 columns.
#
# Environment (from tests/console/run.sh): DESK_BIN, DESK_HOST, DESK_PORT, DESKD_DB.
set -euo pipefail

CONSOLE_NAME=console_ui WAIT=10
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" # the shared tmux helpers: tmx, start, screen, expect*, keys, text, ...
for v in DESK_BIN DESK_PORT DESKD_DB; do
	[[ -n ${!v:-} ]] || die "$v is not set"
done
DESK_HOST=${DESK_HOST:-127.0.0.1}
work=$(mktemp -d /tmp/desk-ui.XXXXXX)
trap cleanup EXIT

sql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DESKD_DB" -c "$1"
}
presence() {
	sql "SELECT presence FROM agents WHERE login = '$1'"
}
wait_sql() { # NAME QUERY VALUE what
	local deadline=$(($(now_us) + WAIT * 1000000))
	until [[ $(sql "$2") == "$3" ]]; do
		(($(now_us) < deadline)) || fail_screen "$1" "no $4 within ${WAIT}s"
		sleep 0.1
	done
}
# cursor_key NAME: the key of the row drawn as the cursor (the 256-colour cursor bar).
cursor_key() {
	tmx capture-pane -e -p -t "$1" | grep -m 1 -F $'\e[48;5;25m' | grep -oE 'HD-[0-9]+' |
		head -n 1 || true
}
wait_cursor() { # NAME KEY what
	local deadline=$(($(now_us) + WAIT * 1000000))
	until [[ $(cursor_key "$1") == "$2" ]]; do
		(($(now_us) < deadline)) || fail_screen "$1" "the cursor is not on $2 ($3)"
		sleep 0.1
	done
}
# list_key NAME N: the key of the Nth ticket row on screen (1 = the first).
list_key() {
	screen "$1" | grep -oE '│ HD-[0-9]+ ' | sed -n "${2}p" | grep -oE 'HD-[0-9]+'
}
help_has() { # NAME TEXT what
	expect "$1" "$2" "$3 in the help overlay"
}

START_ENV="DESK_IDLE_SECONDS=2" start ben ben
login ben "Ben Okafor"

# ---- presence --------------------------------------------------------------------------------
wait_sql ben "SELECT presence FROM agents WHERE login = 'ben'" away "ben away after 2 s idle"
expect ben "Ben Okafor (l1) away" "away in ben's header"
keys ben j
wait_sql ben "SELECT presence FROM agents WHERE login = 'ben'" online "ben online after a key"
expect_gone ben "(l1) away" "away gone from ben's header"

# ---- a row changed elsewhere: in place, highlighted, the cursor staying ------------------------
keys ben 0
expect ben "Open tickets" "all open tickets"
keys ben Home Down Down
third=$(list_key ben 3)
wait_cursor ben "$third" "Home Down Down"
first=$(list_key ben 1)
sql "UPDATE tickets SET subject = 'Edited elsewhere $$' WHERE 'HD-' || number = '$first'"
expect_re ben "│ $first .*Edited elsewhere $$" "$first changed in place" >/dev/null
[[ $(list_key ben 1) == "$first" ]] || fail_screen ben "$first moved when it changed"
tmx capture-pane -e -p -t ben | grep -F "$first " | grep -qF $'\e[48;5;' ||
	fail_screen ben "the changed row $first is not highlighted"
[[ $(cursor_key ben) == "$third" ]] || fail_screen ben "the cursor left $third when $first changed"

# ---- the mouse -------------------------------------------------------------------------------
second=$(list_key ben 2)
y=$(row_of ben "│ $second ")
click ben 50 "$y"
wait_cursor ben "$second" "a click on its row"
click ben 50 "$y"
expect_re ben "^ $second " "$second opened by a click on the selected row" >/dev/null
keys ben q
expect ben "Open tickets" "the list after q"
wait_cursor ben "$second" "back from the ticket"
fourth=$(list_key ben 4)
click ben 50 "$(row_of ben "│ $fourth ")" double
expect_re ben "^ $fourth " "$fourth opened by a double click" >/dev/null
keys ben q
expect ben "Open tickets" "the list after q"
wheel ben 50 10 down
wait_cursor ben "$(list_key ben 7)" "three rows down after the wheel"
click ben 5 "$(row_of ben "Recently resolved")"
expect_re ben "Recently resolved . last" "Recently resolved picked in the pane by a click" >/dev/null

# ---- colours -----------------------------------------------------------------------------------
esc=$'\e'
colour_re="${esc}\\[([0-9]+;)*(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)(;[0-9]+)*m"
header_e() {
	tmx capture-pane -e -p -t "$1" | head -n 1
}
[[ $(header_e ben) == *"48;5;24m"* ]] || fail_screen ben "no 256-colour header on a 256-colour terminal"
START_ENV="TERM=xterm" start eight ana
login eight "Ana Lima"
[[ $(header_e eight) == *"${esc}[44m"* ]] || fail_screen eight "no blue header with eight colours"
tmx capture-pane -e -p -t eight | grep -qE "${esc}\\[([0-9]+;)*(38|48);5;" &&
	fail_screen eight "256-colour codes on an 8-colour terminal (TERM=xterm)"
keys eight q
START_ENV="NO_COLOR=1" start mono ana
login mono "Ana Lima"
tmx capture-pane -e -p -t mono | grep -qE "$colour_re" &&
	fail_screen mono "colour codes despite NO_COLOR"
tmx capture-pane -e -p -t mono | grep -qE "${esc}\\[7mHD-[0-9]+ " ||
	fail_screen mono "no reverse-video cursor row without colour"
keys mono q

# ---- help and footer -------------------------------------------------------------------------
keys ben 0
expect ben "Open tickets" "all open tickets"
f=$(footer ben)
for k in "Enter open" "S search" "/ filter" ": cmd" "? help" "q quit"; do
	[[ $f == *"$k"* ]] || fail_screen ben "the list's footer lacks \"$k\""
done
keys ben "?"
expect ben "Keys: Ticket views" "the help overlay of the list"
help_has ben "search every ticket" "S"
help_has ben ":go HD-1042" "the command line"
help_has ben "click a row" "the mouse"
help_has ben "^C" "the global keys"
keys ben Escape
expect_gone ben "Keys: Ticket views" "the help closed"

tmx resize-window -t ben -x 80 -y 24
expect ben "Open tickets" "the list at 80x24"
f=$(footer ben)
for k in "S search" "? help" "q quit"; do
	[[ $f == *"$k"* ]] || fail_screen ben "the 80-column footer lacks \"$k\""
done
keys ben "?"
expect ben "scroll, any other key closes" "a scrolling help at 80x24"
keys ben NPage NPage
expect ben "^C" "the end of the help after PgDn"
expect ben "100%" "the help scrolled to its end"
keys ben q
expect_gone ben "Keys: " "the help closed by another key"
tmx resize-window -t ben -x 120 -y 40

keys ben Home Enter
expect ben "History (" "a ticket"
f=$(footer ben)
for k in "q back" "? help" "c reply"; do
	[[ $f == *"$k"* ]] || fail_screen ben "the ticket's footer lacks \"$k\""
done
keys ben "?"
expect ben "Keys: Ticket" "the help overlay of a ticket"
help_has ben "escalate" "e"
help_has ben "search every ticket" "S"
help_has ben ":assign LOGIN" "the command line"
help_has ben "canned response" "^T"
keys ben Escape
keys ben c
expect ben "Reply on" "the reply dialog"
keys ben F1
help_has ben "canned" "the dialog's ^T"
help_has ben "Esc" "the dialog's Esc"
keys ben Escape
keys ben Escape
expect_gone ben "Reply on" "the reply dialog closed"
keys ben :
keys ben F1
expect ben "Keys: command line" "the help of the command line"
help_has ben ":escalate GROUP" "the commands"
help_has ben "complete" "Tab"
keys ben Escape Escape
keys ben q
expect ben "Open tickets" "the list"
keys ben n
expect ben "New ticket" "the create form"
keys ben F1
help_has ben "resolve at first contact" "the create form's ^R"
keys ben Escape
keys ben Escape
expect ben "Open tickets" "the list after discarding the form"

for c in ben mono eight; do
	alive "$c" && keys "$c" q
	deadline=$(($(now_us) + WAIT * 1000000))
	while alive "$c" && (($(now_us) < deadline)); do sleep 0.1; done
	alive "$c" && fail_screen "$c" "desk did not exit on q"
	[[ $(<"$work/$c.status") == 0 ]] || fail_screen "$c" "desk exited with status $(<"$work/$c.status")"
done
note "PASS"
