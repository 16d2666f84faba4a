#!/usr/bin/env bash
# setup-deps.sh - install the Debian 12 packages desk needs to build, test and run; quiet when
# everything is already installed.
#
# Usage: scripts/setup-deps.sh
set -euo pipefail

packages=(cmake gcc make pkg-config libevent-dev libmsgpack-dev libncurses-dev libpq-dev
	postgresql-15 postgresql-contrib tmux)

if ! command -v dpkg >/dev/null 2>&1; then
	echo "setup-deps.sh: not a Debian system (no dpkg); install these by hand:" >&2
	echo "  ${packages[*]}" >&2
	exit 0
fi

# `dpkg -s` also succeeds for removed packages whose configuration files remain, so look at
# the status line itself.
installed() {
	dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done
((${#missing[@]} > 0)) || exit 0

if ((EUID == 0)); then
	sudo=()
elif command -v sudo >/dev/null 2>&1; then
	sudo=(sudo)
else
	echo "setup-deps.sh: missing packages: ${missing[*]}" >&2
	echo "setup-deps.sh: not root and no sudo; run as root: apt-get install ${missing[*]}" >&2
	exit 1
fi

echo "setup-deps.sh: installing ${missing[*]}" >&2
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
"${apt[@]}" update
"${apt[@]}" install -y --no-install-recommends "${missing[@]}"
