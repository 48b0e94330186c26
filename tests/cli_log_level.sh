#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# clwb-run --log-level: info lines leave stderr at "warning", the run's log file beside the
# database keeps them all, and an unknown level is refused.
set -euo pipefail
runner=$1 config=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$1"; cat "$tmp/stderr.txt"; exit 1; }

"$runner" --config "$config" --db "$tmp/runs.sqlite" > "$tmp/summary.json" 2> "$tmp/stderr.txt"
grep -q "planned optimisation steps" "$tmp/stderr.txt" || fail "info lines missing by default"

"$runner" --config "$config" --db "$tmp/runs.sqlite" --log-level warning \
    > "$tmp/summary.json" 2> "$tmp/stderr.txt"
! grep -q "planned optimisation steps" "$tmp/stderr.txt" || fail "--log-level warning printed info"
grep -q "status finished" "$tmp/stderr.txt" || fail "the result table is still printed"
log=$(sed -n 's/.*"log_file": "\(.*\)".*/\1/p' "$tmp/summary.json")
[ "$log" = "$tmp/runs.logs/run-2.log" ] || { echo "log_file is '$log'"; cat "$tmp/summary.json"; exit 1; }
grep -q "\[info\] planned optimisation steps" "$log" || { echo "log file lacks info"; cat "$log"; exit 1; }

set +e
"$runner" --config "$config" --no-db --log-level loud > /dev/null 2> "$tmp/stderr.txt"
rc=$?
set -e
[ $rc -eq 2 ] || fail "an unknown level should exit 2, got $rc"
grep -q "unknown log level loud" "$tmp/stderr.txt" || fail "no message for an unknown level"
echo "clwb-run --log-level: info filtered on stderr, kept in $log"
