# harness.sh - test harness: a private PostgreSQL and deskd per test script, torn down at exit.
# shellcheck shell=bash
#
# Source it from a bash test script that runs with `set -euo pipefail`:
#
#   . "$(dirname "$0")/../lib/harness.sh"
#   harness_start                  # or: harness_start --no-demo (empty database)
#   harness_psql "SELECT count(*) FROM tickets"
#   harness_start_deskd port2 pid2 # a second deskd on the same database
#
# Needs DESKD_BIN, the deskd binary to test. harness_start exports:
#   DESK_HOST=127.0.0.1, DESK_PORT    where the first deskd listens
#   DESKD_DB                          libpq conninfo of the test database
#   DESKD_PID                         pid of the first deskd
#   HARNESS_DIR                       temp dir holding the cluster and every log
#   PG_DATADIR                        the PostgreSQL data directory
# At exit every deskd gets SIGTERM (then SIGKILL after 10 s), PostgreSQL stops and
# HARNESS_DIR is removed, unless HARNESS_KEEP=1. When the test failed, the tails of the deskd
# logs are printed. A sanitizer report in any deskd log fails the test.
#
# The harness owns the EXIT, INT and TERM traps; register extra clean-up with harness_atexit.
# Do not call a bare `wait` in a test: the deskd processes are children of the test shell.
#
# Everything runs from the temp dir under /tmp, so the PostgreSQL server (the "postgres" user
# when the tests run as root) needs no access to the repository.

HARNESS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HARNESS_STARTED=0
HARNESS_DESKD_PIDS=()
HARNESS_ATEXIT=()
readonly HARNESS_WAIT_SECONDS=30

harness_die() {
	echo "harness: $*" >&2
	exit 1
}

harness_note() {
	echo "harness: $*" >&2
}

# psql from PATH, else from Debian's PostgreSQL 15 packages.
_harness_psql_bin() {
	if command -v psql >/dev/null 2>&1; then
		command -v psql
	elif [[ -x /usr/lib/postgresql/15/bin/psql ]]; then
		echo /usr/lib/postgresql/15/bin/psql
	else
		harness_die "psql not found (install postgresql-client-15)"
	fi
}

# True when something accepts TCP connections on 127.0.0.1:$1.
harness_port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Start deskd on $1 with its log in $2 (further arguments go to deskd) and wait until it
# accepts connections. Sets _harness_pid. Returns 0 when up, 2 when the port was taken, and
# 1 when deskd died or did not come up in time (its log printed).
_harness_spawn_deskd() {
	local port=$1 log=$2 i
	shift 2
	"$DESKD_BIN" --listen "127.0.0.1:$port" --db "$DESKD_DB" --log-level debug "$@" \
		</dev/null >"$log" 2>&1 &
	_harness_pid=$!
	HARNESS_DESKD_PIDS+=("$_harness_pid")
	for ((i = 0; i < HARNESS_WAIT_SECONDS * 10; i++)); do
		if ! kill -0 "$_harness_pid" 2>/dev/null; then
			wait "$_harness_pid" 2>/dev/null || true
			if grep -qi 'address already in use' "$log"; then
				return 2
			fi
			echo "harness: deskd exited during start-up; its log ($log):" >&2
			cat "$log" >&2
			return 1
		fi
		if harness_port_open "$port"; then
			return 0
		fi
		sleep 0.1
	done
	echo "harness: deskd did not accept connections on port $port within" \
		"${HARNESS_WAIT_SECONDS}s; its log ($log):" >&2
	cat "$log" >&2
	return 1
}

# Start deskd on a free port, retrying when another process grabs the port first.
# Sets _harness_port and _harness_pid.
_harness_start_deskd_on_free_port() {
	local attempt rc
	for attempt in 1 2 3; do
		_harness_port=$("$HARNESS_ROOT/scripts/free-port.sh")
		rc=0
		_harness_spawn_deskd "$_harness_port" "$HARNESS_DIR/deskd-$_harness_port.log" "$@" ||
			rc=$?
		case $rc in
		0) return 0 ;;
		2) harness_note "port $_harness_port was taken (attempt $attempt); retrying" ;;
		*) harness_die "could not start deskd ($DESKD_BIN)" ;;
		esac
	done
	harness_die "could not find a free port for deskd"
}

# harness_start [--no-demo]: private PostgreSQL + one deskd; see the top of this file.
harness_start() {
	local demo=(--demo) attempt conninfo pg_port
	while (($# > 0)); do
		case $1 in
		--no-demo) demo=() ;;
		*) harness_die "harness_start: unknown option $1" ;;
		esac
		shift
	done
	((HARNESS_STARTED == 0)) || harness_die "harness_start called twice"
	[[ -n ${DESKD_BIN:-} ]] || harness_die "DESKD_BIN is not set (path to the deskd binary)"
	[[ -x $DESKD_BIN ]] || harness_die "DESKD_BIN=$DESKD_BIN is not an executable file"
	DESKD_BIN=$(cd "$(dirname "$DESKD_BIN")" && pwd)/$(basename "$DESKD_BIN")

	HARNESS_DIR=$(mktemp -d /tmp/desk-test.XXXXXX)
	chmod 755 "$HARNESS_DIR"
	HARNESS_STARTED=1
	trap _harness_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	PG_DATADIR=$HARNESS_DIR/pg

	conninfo=""
	for attempt in 1 2 3; do
		pg_port=$("$HARNESS_ROOT/scripts/free-port.sh")
		if conninfo=$("$HARNESS_ROOT/scripts/pg.sh" start "$PG_DATADIR" "$pg_port" \
			2>>"$HARNESS_DIR/pg-start.log"); then
			break
		fi
		conninfo=""
		harness_note "PostgreSQL did not start on port $pg_port (attempt $attempt)"
	done
	if [[ -z $conninfo ]]; then
		cat "$HARNESS_DIR/pg-start.log" >&2
		harness_die "could not start PostgreSQL in $PG_DATADIR"
	fi
	DESKD_DB=$conninfo

	_harness_start_deskd_on_free_port "${demo[@]}"
	DESK_HOST=127.0.0.1
	DESK_PORT=$_harness_port
	DESKD_PID=$_harness_pid
	export DESK_HOST DESK_PORT DESKD_DB DESKD_PID HARNESS_DIR PG_DATADIR
}

# harness_start_deskd [PORT_VAR [PID_VAR]]: start one more deskd on the same database, on
# another free port; store its port and pid in the named variables (default
# HARNESS_DESKD_PORT and HARNESS_DESKD_PID). Its log is $HARNESS_DIR/deskd-PORT.log.
harness_start_deskd() {
	local port_var=${1:-HARNESS_DESKD_PORT} pid_var=${2:-HARNESS_DESKD_PID}
	((HARNESS_STARTED == 1)) || harness_die "harness_start_deskd before harness_start"
	_harness_start_deskd_on_free_port
	printf -v "$port_var" '%s' "$_harness_port"
	printf -v "$pid_var" '%s' "$_harness_pid"
}

# harness_stop_deskd PID: SIGTERM, then SIGKILL after 10 s; returns deskd's exit status.
harness_stop_deskd() {
	local pid=$1 i rc=0
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			harness_note "deskd $pid ignored SIGTERM for 10 s; killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	wait "$pid" 2>/dev/null || rc=$?
	return "$rc"
}

# harness_psql SQL [psql options...]: run SQL on the test database; unaligned, tuples only,
# stop at the first error.
harness_psql() {
	[[ -n ${DESKD_DB:-} ]] || harness_die "harness_psql before harness_start"
	"$(_harness_psql_bin)" -X -q -A -t -v ON_ERROR_STOP=1 -d "$DESKD_DB" -c "$1" "${@:2}"
}

# harness_atexit CMD...: run CMD (via eval) at exit, before deskd and PostgreSQL stop.
harness_atexit() {
	HARNESS_ATEXIT+=("$*")
}

_harness_cleanup() {
	local rc=$? cmd pid log
	trap - EXIT INT TERM
	set +e
	for cmd in "${HARNESS_ATEXIT[@]}"; do
		eval "$cmd"
	done
	for pid in "${HARNESS_DESKD_PIDS[@]}"; do
		harness_stop_deskd "$pid" >/dev/null 2>&1
	done
	if [[ -n ${HARNESS_DIR:-} && -d $HARNESS_DIR ]]; then
		for log in "$HARNESS_DIR"/deskd-*.log; do
			[[ -f $log ]] || continue
			if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log"; then
				echo "harness: sanitizer report in $log:" >&2
				grep -A 40 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log" >&2
				((rc != 0)) || rc=1
			elif ((rc != 0)); then
				echo "---- $log (last 40 lines) ----" >&2
				tail -n 40 "$log" >&2
			fi
		done
		"$HARNESS_ROOT/scripts/pg.sh" stop "$PG_DATADIR" >/dev/null 2>&1 ||
			harness_note "could not stop PostgreSQL in $PG_DATADIR"
		if [[ ${HARNESS_KEEP:-0} == 1 ]]; then
			harness_note "kept $HARNESS_DIR (HARNESS_KEEP=1)"
		else
			rm -rf "$HARNESS_DIR"
		fi
	fi
	exit "$rc"
}
