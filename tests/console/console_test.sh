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

here=$(cd "$(dirname "$0")" && pwd)
readonly WAIT=10 # seconds an expected screen may take to appear

die() {
	echo "console_test: FAIL: $*" >&2
	exit 1
}

note() {
	echo "console_test: $*" >&2
}

[[ -n ${DESK_BIN:-} ]] || die "DESK_BIN is not set (path to the desk binary)"
[[ -x $DESK_BIN ]] || die "DESK_BIN=$DESK_BIN is not executable"
command -v tmux >/dev/null || die "tmux is not installed"
DESK_BIN=$(cd "$(dirname "$DESK_BIN")" && pwd)/$(basename "$DESK_BIN")

sock=desk-test-$$
tmx() {
	tmux -u -L "$sock" -f /dev/null "$@"
}

work=""
cleanup() {
	tmx kill-server >/dev/null 2>&1 || true
	if [[ -z $work ]]; then
		return
	elif [[ ${CONSOLE_KEEP:-0} == 1 ]]; then
		note "kept $work"
	else
		rm -rf "$work"
	fi
}

if [[ -z ${DESK_PORT:-} ]]; then
	# Run stand-alone (or from ctest without a server): bring up our own.
	[[ -n ${DESKD_BIN:-} ]] || die "set DESK_HOST/DESK_PORT of a running deskd, or DESKD_BIN"
	# shellcheck source=../lib/harness.sh
	. "$here/../lib/harness.sh"
	# shellcheck disable=SC2119 # no options: the demo data is wanted
	harness_start
	harness_atexit cleanup # the harness owns the traps
else
	trap cleanup EXIT
fi
DESK_HOST=${DESK_HOST:-127.0.0.1}
work=$(mktemp -d /tmp/desk-console.XXXXXX)

# start NAME LOGIN: a console in its own tmux session, 120x40, with LOGIN prefilled. The
# shell around desk records its exit status in $work/NAME.status: a crash shows up as one,
# without relying on tmux to reap the process.
start() {
	local name=$1 login=$2
	tmx new-session -d -s "$name" -x 120 -y 40 \
		-e TERM=xterm-256color -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 \
		"'$DESK_BIN' --host '$DESK_HOST' --port '$DESK_PORT' --user '$login' --log '$work/$name.log' --debug; echo \$? >'$work/$name.status'"
	# Keep the pane (and its last screen) after the shell exits.
	tmx set-option -t "$name" remain-on-exit on >/dev/null
}

screen() {
	tmx capture-pane -p -t "$1" 2>/dev/null || true
}

# Fail with the screen and the console's log when an expectation is not met.
fail_screen() {
	local name=$1
	shift
	echo "console_test: FAIL: $*" >&2
	echo "---- screen of $name ----" >&2
	screen "$name" >&2
	local pid
	pid=$(tmx display-message -p -t "$name" '#{pane_pid}' 2>/dev/null || true)
	if [[ -n $pid ]]; then
		echo "---- processes of $name ----" >&2
		ps -o pid,stat,wchan:24,etime,cmd --pid "$pid" --ppid "$pid" >&2 ||
			echo "(pid $pid is gone)" >&2
	fi
	if [[ -f $work/$name.log ]]; then
		echo "---- log of $name ----" >&2
		tail -n 30 "$work/$name.log" >&2
	fi
	exit 1
}

alive() {
	[[ ! -e $work/$1.status ]]
}

# Microseconds since the epoch, for deadlines independent of how long each poll takes.
now_us() {
	local t=${EPOCHREALTIME/[.,]/}
	echo "$t"
}

# expect NAME TEXT [what]: wait until the screen of NAME shows TEXT (fixed string).
expect() {
	local name=$1 text=$2 what=${3:-"\"$2\" on screen"} deadline
	deadline=$(($(now_us) + WAIT * 1000000))
	while (($(now_us) < deadline)); do
		alive "$name" || fail_screen "$name" "desk in $name exited while waiting for $what"
		if screen "$name" | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.1
	done
	fail_screen "$name" "no $what within ${WAIT}s"
}

# expect_re NAME REGEX what: as expect, with an extended regular expression; prints the
# first match (from the same capture that satisfied the wait).
expect_re() {
	local name=$1 re=$2 what=$3 match deadline
	deadline=$(($(now_us) + WAIT * 1000000))
	while (($(now_us) < deadline)); do
		alive "$name" || fail_screen "$name" "desk in $name exited while waiting for $what"
		if match=$(screen "$name" | grep -oE -- "$re" | head -n 1) && [[ -n $match ]]; then
			printf '%s\n' "$match"
			return 0
		fi
		sleep 0.1
	done
	fail_screen "$name" "no $what within ${WAIT}s"
}

keys() {
	tmx send-keys -t "$1" "${@:2}"
}

text() {
	tmx send-keys -t "$1" -l "$2"
}

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
