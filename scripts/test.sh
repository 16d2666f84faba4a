#!/usr/bin/env bash
# test.sh - the one test command: dependencies, a sanitizer build in build-test/, then ctest.
#
# Usage: scripts/test.sh [ctest options...]   e.g. scripts/test.sh -L unit
# Exits with ctest's status.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup-deps.sh
cmake -S . -B build-test -DDESK_SANITIZE=ON -DDESK_WERROR=ON -DCMAKE_BUILD_TYPE=Debug
cmake --build build-test -j2
status=0
ctest --test-dir build-test --output-on-failure "$@" || status=$?
exit "$status"
