#!/usr/bin/env bash
# pg.sh - start, stop and inspect a private, loopback-only PostgreSQL cluster for desk.
#
# Usage:
#   scripts/pg.sh start DATADIR PORT   create the cluster if needed, start it, make sure role
#                                      and database "desk" exist; print the libpq conninfo
#   scripts/pg.sh stop DATADIR         fast shutdown (no-op when not running)
#   scripts/pg.sh status DATADIR       exit 0 running, 3 not running, 4 no cluster here
#
# The cluster trusts every local and 127.0.0.1 connection: it listens on loopback only and
# exists for one developer or one test run. PostgreSQL refuses to run as root, so when this
# script runs as root the cluster belongs to the "postgres" system user; otherwise it belongs
# to the current user. fsync stays on, so benchmarks measure real commits.
#
# Environment: PGBIN, the directory holding initdb/pg_ctl/psql (default: PostgreSQL 15 from
# Debian's packages, else the newest installed one).
#
# Only the conninfo goes to stdout; everything else goes to stderr, so
# `conninfo=$(scripts/pg.sh start ...)` works.
set -euo pipefail

readonly SUPERUSER=postgres # bootstrap superuser name given to initdb
readonly START_TIMEOUT=60   # seconds pg_ctl waits for the server to accept connections

die() {
	echo "pg.sh: $*" >&2
	exit 1
}

note() {
	echo "pg.sh: $*" >&2
}

usage() {
	sed -n '4,9s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

find_pgbin() {
	local d
	if [[ -n ${PGBIN:-} ]]; then
		[[ -x $PGBIN/pg_ctl ]] || die "PGBIN=$PGBIN has no pg_ctl"
		echo "$PGBIN"
		return
	fi
	if [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then
		echo /usr/lib/postgresql/15/bin
		return
	fi
	d=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/pg_ctl' 2>/dev/null |
		sort -V | tail -n 1)
	if [[ -n $d ]]; then
		dirname "$d"
		return
	fi
	if command -v pg_config >/dev/null 2>&1 && [[ -x $(pg_config --bindir)/pg_ctl ]]; then
		pg_config --bindir
		return
	fi
	if command -v pg_ctl >/dev/null 2>&1; then
		dirname "$(command -v pg_ctl)"
		return
	fi
	die "PostgreSQL server binaries not found (install postgresql-15 or set PGBIN)"
}

# The account that owns (or will own) the cluster in $datadir.
cluster_owner() {
	if [[ -f $datadir/PG_VERSION ]]; then
		stat -c %U "$datadir"
	elif ((EUID == 0)); then
		echo "$SUPERUSER"
	else
		id -un
	fi
}

# Run a command as the cluster owner, from / so that an unreadable current directory (a repo
# owned by root, say) does not bother the PostgreSQL tools.
as_owner() {
	if [[ $owner == "$(id -un)" ]]; then
		(cd / && "$@")
	elif ((EUID == 0)); then
		(cd / && runuser -u "$owner" -- "$@")
	else
		die "the cluster in $datadir belongs to $owner; run this as $owner or root"
	fi
}

# Every ancestor of the data directory must be searchable by the owner, or the server cannot
# reach its own files. Only root can be in that situation (a non-root user reached DATADIR).
ensure_traversable() {
	local d
	((EUID == 0)) || return 0
	[[ $owner != root ]] || return 0
	d=$(dirname "$datadir")
	while [[ $d != / ]]; do
		if ! runuser -u "$owner" -- test -x "$d"; then
			note "making $d searchable (o+x) so that $owner can reach $datadir"
			chmod o+x "$d"
		fi
		d=$(dirname "$d")
	done
}

# Quote a string as a postgresql.conf literal.
conf_quote() {
	local s=${1//\'/\'\'}
	printf "'%s'" "$s"
}

is_running() {
	as_owner "$pgbin/pg_ctl" status -D "$datadir" >/dev/null 2>&1
}

# The port the running server listens on (line 4 of postmaster.pid).
running_port() {
	sed -n 4p "$datadir/postmaster.pid" 2>/dev/null
}

conninfo() {
	echo "host=127.0.0.1 port=$1 dbname=desk user=desk"
}

show_logs() {
	local f
	for f in "$datadir/log/startup.log" "$datadir"/log/postgresql-*.log; do
		[[ -f $f ]] || continue
		echo "---- $f (last 30 lines) ----" >&2
		tail -n 30 "$f" >&2
	done
}

init_cluster() {
	local hba out
	if [[ -n $(ls -A "$datadir") ]]; then
		die "$datadir exists, is not empty, and holds no PostgreSQL cluster; refusing to touch it"
	fi
	note "initialising a PostgreSQL cluster in $datadir (owner $owner)"
	if ! out=$(as_owner "$pgbin/initdb" -D "$datadir" -U "$SUPERUSER" --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 2>&1); then
		echo "$out" >&2
		die "initdb failed"
	fi
	hba="# Private desk cluster (scripts/pg.sh): listens on 127.0.0.1 only; trusts every
# connection from this machine.
local all all trust
host  all all 127.0.0.1/32 trust
"
	printf '%s' "$hba" | as_owner tee "$datadir/pg_hba.conf" >/dev/null
	printf "\n# Settings managed by scripts/pg.sh, rewritten at every start.\ninclude_if_exists = 'desk.conf'\n" |
		as_owner tee -a "$datadir/postgresql.conf" >/dev/null
}

write_settings() {
	local port=$1
	as_owner mkdir -p "$datadir/log"
	as_owner tee "$datadir/desk.conf" >/dev/null <<EOF
# Written by scripts/pg.sh start; edits are lost at the next start.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = $(conf_quote "$datadir")
max_connections = 200
fsync = on
logging_collector = on
log_directory = 'log'
log_filename = 'postgresql-%Y-%m-%d.log'
EOF
}

ensure_role_and_db() {
	local port=$1
	# psql runs as the invoking user: it talks TCP, so it needs nothing from the data directory.
	if ! "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 \
		"host=127.0.0.1 port=$port dbname=postgres user=$SUPERUSER" >/dev/null <<'EOF'; then
SET client_min_messages = warning;
SELECT 'CREATE ROLE desk LOGIN SUPERUSER'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'desk') \gexec
SELECT 'CREATE DATABASE desk OWNER desk'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'desk') \gexec
EOF
		die "could not create role and database desk on port $port"
	fi
}

cmd_start() {
	local port=$1 sock actual
	if ! [[ $port =~ ^[0-9]{1,5}$ ]] || ((port < 1 || port > 65535)); then
		die "bad port: $port"
	fi

	# The server's Unix socket lives in the data directory; sun_path holds 107 bytes.
	sock="$datadir/.s.PGSQL.$port"
	((${#sock} <= 107)) || die "data directory path too long for a Unix socket: $sock"

	mkdir -p "$datadir"
	owner=$(cluster_owner)
	if ((EUID == 0)) && [[ ! -f $datadir/PG_VERSION ]]; then
		id "$owner" >/dev/null 2>&1 || die "user $owner does not exist (is postgresql installed?)"
		chown "$owner:" "$datadir"
	fi
	ensure_traversable

	# One start at a time per cluster: a second concurrent start waits, then finds it running.
	exec 9<"$datadir"
	flock 9

	[[ -f $datadir/PG_VERSION ]] || init_cluster

	if is_running; then
		actual=$(running_port)
		if [[ -n $actual && $actual != "$port" ]]; then
			note "already running on port $actual (not $port); using it"
			port=$actual
		fi
	else
		write_settings "$port"
		# 9<&-: the server must not inherit the lock, or it would hold it until it stops.
		if ! as_owner "$pgbin/pg_ctl" -D "$datadir" -l "$datadir/log/startup.log" -w \
			-t "$START_TIMEOUT" start >/dev/null 2>&1 9<&-; then
			show_logs
			die "PostgreSQL did not start in $datadir on port $port"
		fi
	fi
	ensure_role_and_db "$port"
	conninfo "$port"
}

cmd_stop() {
	if [[ ! -f $datadir/PG_VERSION ]]; then
		note "no cluster in $datadir; nothing to stop"
		return 0
	fi
	owner=$(cluster_owner)
	if ! is_running; then
		note "not running ($datadir)"
		return 0
	fi
	as_owner "$pgbin/pg_ctl" -D "$datadir" -m fast -w -t "$START_TIMEOUT" stop >/dev/null ||
		die "pg_ctl stop failed for $datadir"
}

cmd_status() {
	local port
	if [[ ! -f $datadir/PG_VERSION ]]; then
		echo "no cluster in $datadir"
		exit 4
	fi
	owner=$(cluster_owner)
	if is_running; then
		port=$(running_port)
		echo "running: $datadir, port $port, pid $(sed -n 1p "$datadir/postmaster.pid")"
		echo "conninfo: $(conninfo "$port")"
		exit 0
	fi
	echo "not running: $datadir"
	exit 3
}

(($# >= 2)) || usage
cmd=$1
datadir=$(realpath -m -- "$2")
owner=""
pgbin=$(find_pgbin)
case $cmd in
start)
	(($# == 3)) || usage
	cmd_start "$3"
	;;
stop)
	(($# == 2)) || usage
	cmd_stop
	;;
status)
	(($# == 2)) || usage
	cmd_status
	;;
*)
	usage
	;;
esac
