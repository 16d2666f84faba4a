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

here=$(cd "$(dirname "$0")" && pwd)
readonly WAIT=10 # seconds an expected screen may take to appear

die() {
	echo "console_caller: FAIL: $*" >&2
	exit 1
}

note() {
	echo "console_caller: $*" >&2
}

[[ -n ${DESK_BIN:-} ]] || die "DESK_BIN is not set (path to the desk binary)"
[[ -x $DESK_BIN ]] || die "DESK_BIN=$DESK_BIN is not executable"
command -v tmux >/dev/null || die "tmux is not installed"
DESK_BIN=$(cd "$(dirname "$DESK_BIN")" && pwd)/$(basename "$DESK_BIN")

sock=desk-caller-$$
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
work=$(mktemp -d /tmp/desk-caller.XXXXXX)

# start NAME LOGIN: a console in its own tmux session, 120x40, with LOGIN prefilled; its exit
# status lands in $work/NAME.status.
start() {
	local name=$1 login=$2
	tmx new-session -d -s "$name" -x 120 -y 40 \
		-e TERM=xterm-256color -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 \
		"'$DESK_BIN' --host '$DESK_HOST' --port '$DESK_PORT' --user '$login' --log '$work/$name.log' --debug; echo \$? >'$work/$name.status'"
	tmx set-option -t "$name" remain-on-exit on >/dev/null
}

screen() {
	tmx capture-pane -p -t "$1" 2>/dev/null || true
}

fail_screen() {
	local name=$1
	shift
	echo "console_caller: FAIL: $*" >&2
	echo "---- screen of $name ----" >&2
	screen "$name" >&2
	if [[ -f $work/$name.log ]]; then
		echo "---- log of $name ----" >&2
		tail -n 30 "$work/$name.log" >&2
	fi
	exit 1
}

alive() {
	[[ ! -e $work/$1.status ]]
}

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

# expect_re NAME REGEX what: as expect, with an extended regular expression; prints the first
# match.
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

# expect_gone NAME TEXT what: wait until TEXT is no longer on the screen of NAME.
expect_gone() {
	local name=$1 text=$2 what=$3 deadline
	deadline=$(($(now_us) + WAIT * 1000000))
	while (($(now_us) < deadline)); do
		alive "$name" || fail_screen "$name" "desk in $name exited while waiting for $what"
		if ! screen "$name" | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.1
	done
	fail_screen "$name" "still $what after ${WAIT}s"
}

# The key footer: the screen's last line.
footer() {
	screen "$1" | tail -n 1
}

keys() {
	tmx send-keys -t "$1" "${@:2}"
}

text() {
	tmx send-keys -t "$1" -l "$2"
}

login() {
	local name=$1 who=$2
	expect "$name" "Password" "login screen"
	expect "$name" " connected " "connection to deskd"
	text "$name" demo
	keys "$name" Enter
	expect "$name" "$who" "$who in the header"
	expect_re "$name" 'HD-[0-9]+' "ticket list" >/dev/null
}

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
