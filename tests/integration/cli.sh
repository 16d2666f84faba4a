#!/usr/bin/env bash
# cli.sh - desk's subcommands for scripts against a private PostgreSQL + deskd with the demo
# data: every command in every format, and the exit code of every kind of failure.
#
# Environment: DESKD_BIN and DESK_BIN (required); DESK_SRC (repository root).
set -euo pipefail

DESK_SRC=${DESK_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
[[ -x ${DESK_BIN:-} ]] || { echo "cli.sh: DESK_BIN is not set to the desk binary" >&2; exit 1; }

# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$DESK_SRC/tests/lib/harness.sh"
# shellcheck disable=SC2119
harness_start

export DESK_USER=ana DESK_PASSWORD=demo
OUT=$HARNESS_DIR/cli.out
ERR=$HARNESS_DIR/cli.err
failures=0
checks=0

fail() {
	echo "not ok - $*"
	echo "  stdout: $(head -c 600 "$OUT")"
	echo "  stderr: $(head -c 600 "$ERR")"
	failures=$((failures + 1))
}

# run EXPECTED_RC desk-arguments...: runs desk, checks the exit code.
run() {
	local want=$1 rc=0
	shift
	checks=$((checks + 1))
	"$DESK_BIN" "$@" >"$OUT" 2>"$ERR" || rc=$?
	if [[ $rc -ne $want ]]; then
		fail "desk $* exited $rc, wanted $want"
		return 1
	fi
	return 0
}

# expect PATTERN: stdout matches the extended regular expression.
expect() {
	checks=$((checks + 1))
	grep -Eq -- "$1" "$OUT" || fail "stdout of the last command lacks /$1/"
}

expect_err() {
	checks=$((checks + 1))
	grep -Eq -- "$1" "$ERR" || fail "stderr of the last command lacks /$1/"
}

# json_field FIELD: the first "FIELD":value in stdout (strings without quotes).
json_field() {
	grep -o "\"$1\":[^,}]*" "$OUT" | head -1 | sed -e "s/^\"$1\"://" -e 's/^"//' -e 's/"$//'
}

# --- create, in each format ---------------------------------------------------------------
run 0 ticket create --subject "CLI: printer offline" --description "Tray 3 light blinks" \
	--impact 2 --urgency 2 --queue "Service Desk" --channel email --format json &&
	expect '"subject":"CLI: printer offline"' && expect '"priority":3' && expect '"status":"new"'
KEY=$(json_field key)
ID=$(json_field id)
[[ $KEY =~ ^HD-[0-9]+$ ]] || fail "create printed no key (got '$KEY')"

run 0 ticket create --subject 'CLI: "quoted", with comma' --format csv &&
	expect '^key,priority,status,type,queue,assignee,requester,created,sla_left,subject' &&
	expect '"CLI: ""quoted"", with comma"'

run 0 ticket create --subject "CLI: table form" && expect '^HD-[0-9]+  CLI: table form' &&
	expect 'Status +new, P4, incident'

# --- show ---------------------------------------------------------------------------------
run 0 ticket show "$KEY" && expect "^$KEY  CLI: printer offline" && expect 'Tray 3 light blinks' &&
	expect 'History:' && expect 'created'
run 0 ticket show "$ID" --format json && expect "\"key\":\"$KEY\"" && expect '"events":\['
run 0 ticket show "$KEY" --format csv && expect "^$KEY,P3,new,incident,Service Desk,"

# --- update: a status change; a refused value exits 8, a refused transition 7 -------------
run 0 ticket update "$KEY" --assignee me --status open --format json &&
	expect '"status":"open"' && expect '"assignee":"ana"'
run 8 ticket update "$KEY" --status resolved && expect_err 'resolution'
run 0 ticket update "$KEY" --status resolved --resolution-code fixed \
	--note "Power-cycled the printer" --format json && expect '"status":"resolved"'
run 7 ticket update "$KEY" --status pending && expect_err 'resolved'

# --- comment and escalate -----------------------------------------------------------------
run 0 ticket create --subject "CLI: VPN drops" --format json
KEY2=$(json_field key)
run 0 ticket comment "$KEY2" --kind reply --body "Looking into it" --minutes 5 --format json &&
	expect '"minutes_spent":5'
run 0 ticket escalate "$KEY2" --queue network --reason "Tunnel resets every 20 minutes" \
	--format json && expect '"queue":"Network"' && expect '"tier":2'

# --- list ---------------------------------------------------------------------------------
run 0 ticket list --queue Network --open --format csv && expect "^$KEY2,"
run 0 ticket list --status resolved --sort created --format json && expect "\"key\":\"$KEY\""
run 0 ticket list --assignee me --open && expect '^key +priority +status' && expect '\(([0-9]+) of [0-9]+\)'
run 0 ticket list --open --sort due --limit 5 --format csv &&
	[[ $(wc -l <"$OUT") -eq 6 ]] || fail "list --limit 5 printed $(wc -l <"$OUT") lines (want header + 5)"

# --- queue list ---------------------------------------------------------------------------
run 0 queue list && expect '^id +name +tier +open' && expect 'Service Desk +1'
run 0 queue list --format json && expect '"name":"Network"'

# --- reports: supervisors only ------------------------------------------------------------
DESK_USER=sam run 0 report volume --from 2024-01-01 --to 2030-12-31 --group-by channel \
	--format csv && expect '^grp,created,resolved,incidents,requests' && expect '^email,'
DESK_USER=sam run 0 report sla --from 2024-01-01 --to 2030-12-31 --format json &&
	expect '"report":"sla"' && expect '"rows":\[\{"grp":"all"'
run 5 report volume --from 2024-01-01 --to 2030-12-31 && expect_err 'not allowed|forbidden|may not'
DESK_USER=sam run 8 report volume --from 2026-02-30 --to 2026-03-01 && expect_err 'date'

# --- failures and their exit codes ----------------------------------------------------------
run 6 ticket show HD-999999 && expect_err 'HD-999999'
run 6 ticket escalate "$KEY2" --queue "No Such Queue" --reason x && expect_err 'No Such Queue'
run 2 ticket show && expect_err 'ticket key'
run 2 ticket create && expect_err 'needs .*subject'
run 2 ticket frobnicate && expect_err 'unknown command'
run 2 ticket list --format yaml && expect_err 'table, csv or json'
run 2 ticket list --limit 0 && expect_err 'limit'
DESK_PASSWORD=wrong run 4 queue list && expect_err 'auth|password|login'
DESK_USER=admin run 5 ticket create --subject "admins do not work tickets" && expect_err '.'
run 8 ticket create --subject "bad impact" --type nonsense && expect_err 'type'
run 3 --port "$(bash "$DESK_SRC/scripts/free-port.sh")" queue list && expect_err 'cannot reach'
# A host name is resolved on the event loop (evdns, /etc/hosts): where localhost is only
# 127.0.0.1 (deskd listens there), the name works like the address.
if grep -Eq '^127\.0\.0\.1[[:space:]].*\blocalhost\b' /etc/hosts &&
	! grep -Eq '^::1[[:space:]].*\blocalhost\b' /etc/hosts; then
	run 0 --host localhost queue list && expect 'Service Desk'
else
	echo "# skipped: --host localhost (localhost is not only 127.0.0.1 in /etc/hosts)"
fi

echo "# cli: $checks checks, $failures failed"
[[ $failures -eq 0 ]]
