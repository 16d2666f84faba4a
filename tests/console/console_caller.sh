#!/usr/bin/env bash
# console_caller.sh - a caller's previous tickets are one key away, driven in a private tmux
# server against a running deskd with the demo data:
#   - ana finds a ticket of Chloé Dubois (filter "chlo"), opens it and presses p: the
#     "Caller: Chloé Dubois" view lists her tickets whatever their status; q goes back to the
#     ticket, and from there to the list as it was;
#   - in the create form, once Chloé is picked as the caller, F2 shows the same view and Esc
#     comes back to the form with the caller still picked.
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

CONSOLE_NAME=console_caller WAIT=10 # seconds an expected screen may take to appear
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" # the shared tmux helpers: tmx, start, screen, expect*, keys, text, ...
console_init

# caller_rows NAME: the ticket rows of the caller view on screen, one "KEY STATUS" a line.
caller_rows() {
	screen "$1" | sed -n '/Caller: /,$p' | grep -oE 'HD-[0-9]+ +P[1-4] +[[:alpha:]]+' |
		awk '{print $1, $3}' || true
}

note "deskd at $DESK_HOST:$DESK_PORT; tmux socket $sock"
start ana ana
login ana "Ana Lima"

# A ticket of Chloé's: all open tickets, filtered on her name, the first row opened.
keys ana 0
expect ana "Open tickets" "all open tickets"
keys ana /
text ana chlo
keys ana Enter
row=$(expect_re ana 'HD-[0-9]+ .*Chlo' "a ticket of Chloé Dubois in the filtered list")
key=$(grep -oE 'HD-[0-9]+' <<<"$row" | head -n 1)
keys ana Home
scr=$(screen ana)
grep -E 'HD-[0-9]+' <<<"$scr" | grep -qv 'Chlo' &&
	fail_screen ana "the filter \"chlo\" left rows of other callers"
keys ana Enter
expect_re ana "^ $key " "the detail of $key" >/dev/null
expect_re ana 'Requester +Chloé Dubois' "Chloé as the requester of $key" >/dev/null
footer ana | grep -qF "p caller's tickets" || fail_screen ana "p missing from the ticket footer"

# p: every ticket of hers, whatever the status.
keys ana p
expect ana "Caller: Chloé Dubois" "the caller view"
deadline=$(($(now_us) + WAIT * 1000000))
while (($(caller_rows ana | wc -l) < 2)) && (($(now_us) < deadline)); do
	sleep 0.1
done
rows=$(caller_rows ana)
(($(wc -l <<<"$rows") >= 2)) || fail_screen ana "fewer than two tickets in Chloé's view"
grep -q "^$key " <<<"$rows" || fail_screen ana "$key missing from Chloé's view"
scr=$(screen ana | sed -n '/Caller: /,$p')
grep -E 'HD-[0-9]+' <<<"$scr" | grep -qv 'Chlo' &&
	fail_screen ana "a ticket of another caller in Chloé's view"
# The demo gives her an on-hold ticket; a resolved or closed one shows too when there is one.
grep -q ' Hold$' <<<"$rows" || fail_screen ana "her on-hold ticket missing (status column)"
if grep -qE ' (Resd|Clsd)$' <<<"$rows"; then
	note "a resolved ticket of hers is listed"
else
	note "no resolved ticket of hers in the data: the resolved check is skipped"
fi
footer ana | grep -qF "q back" || fail_screen ana "the caller view's footer does not offer q back"

# q: back to the ticket, then to the list as it was (filtered, all open tickets).
keys ana q
expect_re ana "^ $key " "the detail of $key again after q" >/dev/null
expect_gone ana "Caller: Chloé Dubois" "the caller view on screen"
keys ana q
expect ana "Open tickets" "all open tickets again"
expect ana "Filter: chlo" "the filter kept"
keys ana Escape
expect_gone ana "Filter: chlo" "the filter after Esc"

# The create form: pick Chloé, F2 shows her tickets, Esc comes back to the form.
keys ana n
expect ana "New ticket" "the create form"
footer ana | grep -qF "F2" || fail_screen ana "F2 missing from the create form's footer"
keys ana F2
expect ana "Pick a caller first" "F2 refused before a caller is picked"
text ana chlo
expect ana "Chloé Dubois" "Chloé in the callers drop-down"
keys ana Enter
expect_re ana 'Caller +Chloé Dubois' "Chloé picked as the caller" >/dev/null
keys ana F2
expect ana "Caller: Chloé Dubois" "the caller view from the create form"
keys ana Escape
expect_gone ana "Caller: Chloé Dubois" "the caller view after Esc"
expect ana "New ticket" "the create form again"
expect_re ana 'Caller +Chloé Dubois' "the caller still picked" >/dev/null
for ((i = 0; i < 3; i++)); do
	screen ana | grep -qF "New ticket" || break
	keys ana Escape
	sleep 0.3
done
expect_gone ana "New ticket" "the create form after Esc"
expect ana "Open tickets" "the list after discarding the form"

# q quits from the list once the caller view is left.
keys ana q
deadline=$(($(now_us) + WAIT * 1000000))
while alive ana && (($(now_us) < deadline)); do
	sleep 0.1
done
alive ana && fail_screen ana "desk did not exit on q"
status=$(<"$work/ana.status")
[[ $status == 0 ]] || fail_screen ana "desk exited with status $status"
note "PASS"
