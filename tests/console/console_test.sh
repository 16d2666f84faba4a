#!/usr/bin/env bash
# console_test.sh - drives two desk consoles in a private tmux server against a running deskd
# with the demo data: log in, create a ticket with a UTF-8 subject in one console, see it
# appear live in the other, open its detail, resize, quit.
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

CONSOLE_NAME=console_test WAIT=10 # seconds an expected screen may take to appear
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" # the shared tmux helpers: tmx, start, screen, expect*, keys, text, ...
console_init

note "deskd at $DESK_HOST:$DESK_PORT; tmux socket $sock"
start c1 ana
start c2 ben

# Both reach the login screen with the login prefilled and the focus on the password.
for c in c1 c2; do
	expect "$c" "Password" "login screen"
	expect "$c" " connected " "connection to deskd"
done
for c in c1 c2; do
	text "$c" demo
	keys "$c" Enter
done
expect c1 "Ana Lima" "ana's name in the header"
expect c2 "Ben" "ben's name in the header"
for c in c1 c2; do
	expect "$c" "All queues" "queue pane"
	expect_re "$c" 'HD-[0-9]+' "ticket list" >/dev/null
done

# Create a ticket in console 1: n, Tab past caller, category, impact and urgency (the form
# opens on the caller), the subject, ^S.
subject="Café printer 東京 $$"
keys c1 n
expect c1 "New ticket" "create form"
keys c1 Tab Tab Tab Tab
text c1 "$subject"
expect_re c1 "Subject +$subject" "typed subject in the Subject field" >/dev/null
keys c1 C-s
created=$(expect_re c1 'Created HD-[0-9]+' "\"Created HD-…\" status after saving")
key=${created#Created }
note "console 1 created $key"

# Console 2 shows it without a key being pressed: pushed by deskd.
expect c2 "$subject" "the new ticket's subject in console 2 (live push)"
line=$(screen c2 | grep -F -- "$subject" | head -n 1)
[[ $line == *"$key"* ]] || fail_screen c2 "the row of the new ticket lacks its key $key: $line"
expect c1 "$subject" "the new ticket in console 1's list"

# Console 1's cursor sits on the new ticket; Enter opens the detail.
keys c1 Enter
expect c1 "History (" "ticket detail"
expect c1 "$key" "key $key in the detail"
expect c1 "$subject" "subject in the detail"
expect_re c1 ' ana +created' "a \"created\" history entry by ana" >/dev/null

# Back to the list: the cursor is still on the ticket.
keys c1 q
expect c1 "All queues" "queue view after leaving the detail"

# A resize redraws the list at the new size, in both directions.
tmx resize-window -t c2 -x 80 -y 24
expect c2 "Open tickets" "list title after shrinking to 80x24"
expect c2 "$key" "the new ticket after shrinking to 80x24"
[[ $(screen c2 | wc -l) -le 24 ]] || fail_screen c2 "screen taller than 24 rows after resize"
tmx resize-window -t c2 -x 120 -y 40
expect c2 "$subject" "the full subject after growing back to 120x40"

# q quits cleanly.
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
