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

CONSOLE_NAME=console_reconnect WAIT=15
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" # the shared tmux helpers: tmx, screen, expect*, keys, text, ...
for v in DESK_BIN DESKD_BIN DESKD_DB; do
	[[ -n ${!v:-} ]] || die "$v is not set"
done
here=$(cd "$(dirname "$0")" && pwd)
port=$("$here/../../scripts/free-port.sh")
work=$(mktemp -d /tmp/desk-reconnect.XXXXXX)
deskd_pid=""

# This test's own deskd (same database as the suite's), on a port of its own.
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
reconnect_cleanup() {
	tmx kill-server >/dev/null 2>&1 || true
	stop_deskd
	cleanup
}
trap reconnect_cleanup EXIT

# A failure shows the deskd log as well (called by fail_screen).
console_fail_extra() {
	echo "---- deskd log ----" >&2
	tail -n 20 "$work/deskd.log" >&2 || true
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
	"'$DESK_BIN' --host 127.0.0.1 --port $port --user ben; echo \$? >'$work/c.status'"
tmx set-option -t c remain-on-exit on >/dev/null
expect c "Password" "login screen"
text c demo
keys c Enter
expect c "Ben Okafor" "ben logged in"
expect_re c 'HD-[0-9]+' "the ticket list" >/dev/null

# A form with typed text, then the daemon goes away.
subject="Reconnect survivor $$ café"
keys c n
expect c "New ticket" "the create form"
for _ in 1 2 3 4 5 6 7 8; do
	screen c | grep -qE '^ *Subject' || break
	row=$(screen c | grep -n -m 1 -E '^ *Subject' | cut -d: -f1)
	cy=$(tmx display-message -p -t c '#{cursor_y}')
	[[ $((row - 1)) == "$cy" ]] && break
	keys c Tab
	sleep 0.2
done
text c "$subject"
expect c "$subject" "the typed subject"
stop_deskd
expect c "offline" "the offline state in the header"
expect c "$subject" "the typed subject while offline"

# Back on the same port: the console reconnects and logs in again by itself.
start_deskd
wait_port
expect c " connected " "the reconnected state in the header"
expect c "$subject" "the typed subject after reconnecting"
keys c C-s
expect_re c 'Created HD-[0-9]+' "the ticket created after the reconnect" >/dev/null
expect c "$subject" "the new ticket in the live list"
n=$(psql -X -A -t -d "$DESKD_DB" -c "SELECT count(*) FROM tickets WHERE subject = '$subject'")
[[ $n == 1 ]] || fail_screen c "the kept form created $n tickets, not 1"
keys c q
deadline=$((SECONDS + WAIT))
while [[ ! -s $work/c.status ]] && ((SECONDS < deadline)); do sleep 0.1; done
[[ $(cat "$work/c.status" 2>/dev/null) == 0 ]] || fail_screen c "desk exited with status '$(cat "$work/c.status" 2>/dev/null)'"
echo "console_reconnect: PASS"
