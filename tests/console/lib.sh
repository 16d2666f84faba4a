# shellcheck shell=bash
# lib.sh - the helpers shared by the tmux-driven console tests (console_*.sh). Sourced, never
# run: its name must not match console_*.sh, which tests/console/run.sh runs one by one.
#
# Before sourcing, set
#   CONSOLE_NAME   the test's name, used in messages ("console_actions: FAIL: ...") (required)
#   CONSOLE_TAG    names the tmux socket (desk-TAG-PID) and the temp dir (/tmp/desk-TAG.XXXXXX);
#                  default: CONSOLE_NAME without its "console_" prefix
#   WAIT           seconds an expected screen may take to appear (default 10); made readonly
#
# Each console runs in its own session of a private tmux server (tmx), started by start NAME
# LOGIN (or by the test itself). The shell around desk writes desk's exit status to
# $work/NAME.status, so a crash shows up as that file without relying on tmux to reap the
# process; alive NAME is "that file does not exist yet".
#
# Every assertion polls the screen (capture-pane) every 0.1s until it holds or a deadline of
# WAIT seconds passes (measured in microseconds with now_us, independent of how long each poll
# takes); no fixed sleep decides an outcome. A failed assertion prints the screen (and the
# console's log and processes) and exits 1.
#
# Tests that reach deskd through tests/lib/harness.sh (or run.sh's) call console_init once;
# tests with their own set-up (a private deskd, ...) set work and the EXIT trap themselves.

[[ -n ${CONSOLE_NAME:-} ]] || {
	echo "tests/console/lib.sh: set CONSOLE_NAME before sourcing" >&2
	exit 1
}
CONSOLE_TAG=${CONSOLE_TAG:-${CONSOLE_NAME#console_}}
readonly WAIT=${WAIT:-10}
console_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() {
	echo "$CONSOLE_NAME: FAIL: $*" >&2
	exit 1
}

note() {
	echo "$CONSOLE_NAME: $*" >&2
}

# The private tmux server of this test run: its own socket, no user configuration, UTF-8.
sock=desk-$CONSOLE_TAG-$$
tmx() {
	tmux -u -L "$sock" -f /dev/null "$@"
}

# The temp dir with the consoles' status files and logs; set by console_init (or the test).
work=""

# cleanup: stop the tmux server and remove $work (kept with CONSOLE_KEEP=1).
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

# console_init: check DESK_BIN (made absolute) and tmux; when DESK_PORT is unset, start a private
# PostgreSQL + deskd with the demo data through tests/lib/harness.sh (which then owns the traps
# and runs cleanup at exit), else trap cleanup on EXIT; default DESK_HOST; create $work.
#
# Environment:
#   DESK_BIN              the desk binary (required)
#   DESK_HOST, DESK_PORT  a running deskd with demo data loaded
#   DESKD_BIN             when DESK_PORT is unset: start a private PostgreSQL + deskd with
#                         tests/lib/harness.sh instead
#   CONSOLE_KEEP=1        keep the temp dir with the consoles' logs
console_init() {
	[[ -n ${DESK_BIN:-} ]] || die "DESK_BIN is not set (path to the desk binary)"
	[[ -x $DESK_BIN ]] || die "DESK_BIN=$DESK_BIN is not executable"
	command -v tmux >/dev/null || die "tmux is not installed"
	DESK_BIN=$(cd "$(dirname "$DESK_BIN")" && pwd)/$(basename "$DESK_BIN")

	if [[ -z ${DESK_PORT:-} ]]; then
		# Run stand-alone (or from ctest without a server): bring up our own.
		[[ -n ${DESKD_BIN:-} ]] || die "set DESK_HOST/DESK_PORT of a running deskd, or DESKD_BIN"
		# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
		. "$console_lib_dir/../lib/harness.sh"
		# shellcheck disable=SC2119 # no options: the demo data is wanted
		harness_start
		harness_atexit cleanup # the harness owns the traps
	else
		trap cleanup EXIT
	fi
	DESK_HOST=${DESK_HOST:-127.0.0.1}
	work=$(mktemp -d "/tmp/desk-$CONSOLE_TAG.XXXXXX")
}

# start NAME LOGIN [DESK_ARG...]: a console in its own tmux session, 120x40, with LOGIN
# prefilled, logging to $work/NAME.log; further arguments go to desk (--bell, --follow ...).
# START_ENV, when set, is put in desk's environment ("DESK_IDLE_SECONDS=2 NO_COLOR=1"; also
# the way to another TERM: tmux sets its own in the pane). The shell around desk records its
# exit status in $work/NAME.status.
start() {
	local name=$1 login=$2 extra="" a
	shift 2
	for a in "$@"; do
		extra+=" $(printf '%q' "$a")"
	done
	tmx new-session -d -s "$name" -x 120 -y 40 \
		-e TERM=xterm-256color -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 \
		"${START_ENV:+env $START_ENV }'$DESK_BIN' --host '$DESK_HOST' --port '$DESK_PORT' --user '$login' --log '$work/$name.log' --debug$extra; echo \$? >'$work/$name.status'"
	# Keep the pane (and its last screen) after the shell exits.
	tmx set-option -t "$name" remain-on-exit on >/dev/null
}

# screen NAME: the visible screen of NAME's pane (nothing when the session is gone).
screen() {
	tmx capture-pane -p -t "$1" 2>/dev/null || true
}

# fail_screen NAME MESSAGE...: fail with the screen of NAME, its processes and its log (when
# desk logs to $work/NAME.log). A test may define console_fail_extra NAME to print more.
fail_screen() {
	local name=$1 pid
	shift
	echo "$CONSOLE_NAME: FAIL: $*" >&2
	echo "---- screen of $name ----" >&2
	screen "$name" >&2
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
	if declare -F console_fail_extra >/dev/null; then
		console_fail_extra "$name"
	fi
	exit 1
}

# alive NAME: desk in NAME has not exited (no status file yet).
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
	fail_screen "$name" "still \"$text\" on screen ($what) after ${WAIT}s"
}

# footer NAME: the key footer, the screen's last line.
footer() {
	screen "$1" | tail -n 1
}

# keys NAME KEY...: send tmux key names to NAME. Keys are counted (nkeys += how many; each
# argument is one key) for tests with key budgets; typed text (text) is not.
nkeys=0
keys() {
	nkeys=$((nkeys + $# - 1))
	tmx send-keys -t "$1" "${@:2}"
}

# text NAME STRING: type STRING literally into NAME.
text() {
	tmx send-keys -t "$1" -l "$2"
}

# press NAME KEY...: keys that count against a budget (pressed += how many).
pressed=0
press() {
	pressed=$((pressed + $# - 1))
	keys "$@"
}

# click NAME X Y [double]: a left click (press and release) at column X, row Y of NAME's
# screen (0-based), as an xterm reports it (X10 encoding: the console's terminal type asks
# for it); "double" sends two clicks at once. Not counted as keys.
click() {
	local name=$1 x=$2 y=$3 n=1 seq="" i cx cy
	[[ ${4:-} == double ]] && n=2
	printf -v cx "\\x%02x" $((33 + x))
	printf -v cy "\\x%02x" $((33 + y))
	for ((i = 0; i < n; i++)); do
		seq+="\e[M ${cx}${cy}\e[M#${cx}${cy}"
	done
	tmx send-keys -t "$name" -l "$(printf '%b' "$seq")"
}

# wheel NAME X Y up|down: one step of the mouse wheel at column X, row Y (0-based).
wheel() {
	local name=$1 x=$2 y=$3 b cx cy
	[[ $4 == up ]] && b='`' || b=a # buttons 4 and 5: 64 and 65, plus 32
	printf -v cx "\\x%02x" $((33 + x))
	printf -v cy "\\x%02x" $((33 + y))
	tmx send-keys -t "$name" -l "$(printf '%b' "\e[M${b}${cx}${cy}")"
}

# row_of NAME TEXT: the 0-based screen row of the first line holding TEXT (nothing if none).
row_of() {
	local n
	n=$(screen "$1" | grep -n -m 1 -F -- "$2" | cut -d: -f1) || true
	[[ -n $n ]] && echo $((n - 1))
}

# login NAME WHO: from the login screen (login prefilled), the password demo; wait for WHO in
# the header and the ticket list.
login() {
	local name=$1 who=$2
	expect "$name" "Password" "login screen"
	expect "$name" " connected " "connection to deskd"
	text "$name" demo
	keys "$name" Enter
	expect "$name" "$who" "$who in the header"
	expect_re "$name" 'HD-[0-9]+' "ticket list" >/dev/null
}
