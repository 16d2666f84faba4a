#!/usr/bin/env bash
# console_reconnect.sh - the console survives its daemon going away: desk talks to a deskd of
# its own (same database as the suite's), which is stopped while a create form holds typed
# text; the header must say offline, the text must stay, and when deskd comes back on the
# same port the console must reconnect, log in again and show live data by itself — then the
# kept form saves the ticket exactly once.
#
# Environment (from tests/console/run.sh): DESK_BIN, DESKD_BIN, DESKD_DB (the suite's
# database with the demo data). Every assertion polls the screen with a deadline.
set -euo pipefail

readonly WAIT=15
die() {
	echo "console_reconnect: FAIL: $*" >&2
	exit 1
}
for v in DESK_BIN DESKD_BIN DESKD_DB; do
	[[ -n ${!v:-} ]] || die "$v is not set"
done
here=$(cd "$(dirname "$0")" && pwd)
port=$("$here/../../scripts/free-port.sh")
sock=desk-reconnect-$$
work=$(mktemp -d /tmp/desk-reconnect.XXXXXX)
deskd_pid=""

tmx() {
	tmux -u -L "$sock" -f /dev/null "$@"
}
start_deskd() {
	"$DESKD_BIN" --listen "127.0.0.1:$port" --db "$DESKD_DB" --log-level info \
		>>"$work/deskd.log" 2>&1 &
	deskd_pid=$!
}
stop_deskd() {
	[[ -n $deskd_pid ]] || return 0
	kill -TERM "$deskd_pid" 2>/dev/null || true
	wait "$deskd_pid" 2>/dev/null || true
	deskd_pid=""
}
cleanup() {
	tmx kill-server >/dev/null 2>&1 || true
	stop_deskd
	rm -rf "$work"
}
trap cleanup EXIT

screen() {
	tmx capture-pane -p -t c 2>/dev/null || true
}
fail() {
	echo "console_reconnect: FAIL: $*" >&2
	echo "---- screen ----" >&2
	screen >&2
	echo "---- deskd log ----" >&2
	tail -n 20 "$work/deskd.log" >&2 || true
	exit 1
}
# expect TEXT what: wait until the screen shows TEXT.
expect() {
	local deadline=$((SECONDS + WAIT))
	while ((SECONDS < deadline)); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	fail "no $2 within ${WAIT}s"
}
# expect_re REGEX what
expect_re() {
	local deadline=$((SECONDS + WAIT))
	while ((SECONDS < deadline)); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	fail "no $2 within ${WAIT}s"
}
wait_port() {
	local deadline=$((SECONDS + WAIT))
	while ((SECONDS < deadline)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		sleep 0.1
	done
	die "deskd did not listen on $port"
}

start_deskd
wait_port
tmx new-session -d -s c -x 120 -y 40 -e TERM=xterm-256color -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 \
	"'$DESK_BIN' --host 127.0.0.1 --port $port --user ben; echo \$? >'$work/status'"
tmx set-option -t c remain-on-exit on >/dev/null
expect "Password" "login screen"
tmx send-keys -t c -l demo
tmx send-keys -t c Enter
expect "Ben Okafor" "ben logged in"
expect_re 'HD-[0-9]+' "the ticket list"

# A form with typed text, then the daemon goes away.
subject="Reconnect survivor $$ café"
tmx send-keys -t c n
expect "New ticket" "the create form"
for _ in 1 2 3 4 5 6 7 8; do
	screen | grep -qE '^ *Subject' || break
	row=$(screen | grep -n -m 1 -E '^ *Subject' | cut -d: -f1)
	cy=$(tmx display-message -p -t c '#{cursor_y}')
	[[ $((row - 1)) == "$cy" ]] && break
	tmx send-keys -t c Tab
	sleep 0.2
done
tmx send-keys -t c -l "$subject"
expect "$subject" "the typed subject"
stop_deskd
expect "offline" "the offline state in the header"
expect "$subject" "the typed subject while offline"

# Back on the same port: the console reconnects and logs in again by itself.
start_deskd
wait_port
expect " connected " "the reconnected state in the header"
expect "$subject" "the typed subject after reconnecting"
tmx send-keys -t c C-s
expect_re 'Created HD-[0-9]+' "the ticket created after the reconnect"
expect "$subject" "the new ticket in the live list"
n=$(psql -X -A -t -d "$DESKD_DB" -c "SELECT count(*) FROM tickets WHERE subject = '$subject'")
[[ $n == 1 ]] || fail "the kept form created $n tickets, not 1"
tmx send-keys -t c q
deadline=$((SECONDS + WAIT))
while [[ ! -s $work/status ]] && ((SECONDS < deadline)); do sleep 0.1; done
[[ $(cat "$work/status" 2>/dev/null) == 0 ]] || fail "desk exited with status '$(cat "$work/status" 2>/dev/null)'"
echo "console_reconnect: PASS"
