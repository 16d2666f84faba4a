#!/usr/bin/env bash
# demo.sh - the one "try it" command: install dependencies, build, start a private PostgreSQL
# and deskd with demo data, then open the desk console.
#
# Usage:
#   scripts/demo.sh          set everything up and open the console; when stdin is not a
#                            terminal, set up and print how to open the console instead
#   scripts/demo.sh status   show whether deskd and the private PostgreSQL run
#   scripts/demo.sh stop     stop deskd and the private PostgreSQL
#
# Environment:
#   DESKD_DB         use this database (libpq conninfo) instead of the private cluster in
#                    data/pg; deskd migrates it and loads the demo data only if it is empty
#   DESK_PORT        the port deskd listens on (default 7420)
#   DESK_BUILD_DIR   the build directory (default build)
#
# State lives in data/ (ignored by git): pg/ (the cluster), deskd.log, deskd.pid and
# deskd.db (the port and conninfo the running deskd uses). A deskd left running by an earlier
# run is reused when it serves the same database on the same port.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
data=$root/data
pgdata=$data/pg
pidfile=$data/deskd.pid
dbfile=$data/deskd.db
log=$data/deskd.log
build=${DESK_BUILD_DIR:-build}
port=${DESK_PORT:-7420}
readonly pg_default_port=54329

die() {
	echo "demo.sh: $*" >&2
	exit 1
}

note() {
	echo "demo.sh: $*" >&2
}

port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The pid of the deskd started by an earlier run, if it is still alive.
deskd_pid() {
	local pid
	[[ -f $pidfile ]] || return 1
	pid=$(<"$pidfile")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[[ $(cat "/proc/$pid/comm" 2>/dev/null) == deskd ]] || return 1
	echo "$pid"
}

stop_deskd() {
	local pid i
	if pid=$(deskd_pid); then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			note "deskd ($pid) did not stop within 10 s; killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
		note "deskd stopped"
	fi
	rm -f "$pidfile" "$dbfile"
}

cmd_stop() {
	stop_deskd
	if scripts/pg.sh status "$pgdata" >/dev/null 2>&1; then
		scripts/pg.sh stop "$pgdata"
		note "PostgreSQL stopped"
	fi
}

cmd_status() {
	local pid
	if pid=$(deskd_pid); then
		echo "deskd: running, pid $pid, log $log"
	else
		echo "deskd: not running"
	fi
	if [[ -f $pgdata/PG_VERSION ]]; then
		echo -n "PostgreSQL: "
		scripts/pg.sh status "$pgdata" | head -n 1 || true
	fi
}

# Start (or find) the private cluster; prints its conninfo.
start_pg() {
	local pg_port
	if scripts/pg.sh status "$pgdata" >/dev/null 2>&1; then
		pg_port=$(sed -n 4p "$pgdata/postmaster.pid")
	elif port_open "$pg_default_port"; then
		pg_port=$(scripts/free-port.sh)
		note "port $pg_default_port is taken; PostgreSQL will use $pg_port"
	else
		pg_port=$pg_default_port
	fi
	scripts/pg.sh start "$pgdata" "$pg_port"
}

start_deskd() {
	local db=$1 pid i
	if pid=$(deskd_pid); then
		if [[ -f $dbfile && $(<"$dbfile") == "$port $db" ]]; then
			note "reusing deskd ($pid) from an earlier run"
			return
		fi
		note "the running deskd ($pid) uses another database or port; restarting it"
		stop_deskd
	fi
	if port_open "$port"; then
		die "port $port is in use by another program; stop it or set DESK_PORT"
	fi
	# setsid: deskd gets its own session, so signals meant for the console do not reach it.
	setsid "$build/deskd" --listen "127.0.0.1:$port" --db "$db" --demo \
		</dev/null >>"$log" 2>&1 &
	pid=$!
	echo "$pid" >"$pidfile"
	(umask 077 && printf '%s' "$port $db" >"$dbfile")
	for ((i = 0; i < 300; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			rm -f "$pidfile" "$dbfile"
			tail -n 30 "$log" >&2
			die "deskd exited during start-up (log above, full log in $log)"
		fi
		if port_open "$port"; then
			return
		fi
		sleep 0.1
	done
	tail -n 30 "$log" >&2
	die "deskd did not accept connections on port $port within 30 s (log: $log)"
}

cmd_start() {
	local db
	scripts/setup-deps.sh
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$build" -j2
	mkdir -p "$data"

	if [[ -n ${DESKD_DB:-} ]]; then
		db=$DESKD_DB
	else
		db=$(start_pg)
	fi
	start_deskd "$db"

	cat <<EOF

desk demo: deskd listens on 127.0.0.1:$port (log: data/deskd.log)
Log in as any of these (password "demo" for all):
  ana     L1 operator, Service Desk
  ben     L1 operator, Service Desk
  carla   L2 specialist, Network and Security
  dev     L2 specialist, Applications
  hana    L2 specialist, Hardware
  sam     supervisor
  admin   administrator
Stop everything with: scripts/demo.sh stop

EOF
	if [[ -t 0 && -t 1 ]]; then
		exec "$build/desk" --host 127.0.0.1 --port "$port"
	fi
	echo "Open the console in a terminal with:"
	echo "  $build/desk --host 127.0.0.1 --port $port"
}

case ${1:-start} in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
*)
	sed -n '5,9s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
