#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Ctrl-C on clwb-run stops the run cleanly: exit code 130, run stored as cancelled with the rows
# measured so far, and a JSON summary still printed.
set -euo pipefail
runner=$1 config=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$runner" --config "$config" --db "$tmp/runs.sqlite" --set train.epochs=200 \
    > "$tmp/summary.json" 2> "$tmp/stderr.txt" &
pid=$!
# Wait until training has started (the first task's matrix row exists), then interrupt.
for _ in $(seq 1 100); do
  grep -q "before training" "$tmp/stderr.txt" 2>/dev/null && break
  sleep 0.1
done
sleep 0.5
kill -INT $pid
set +e
wait $pid
rc=$?
set -e
[ $rc -eq 130 ] || { echo "expected exit code 130, got $rc"; cat "$tmp/stderr.txt"; exit 1; }
status=$(sqlite3 "$tmp/runs.sqlite" "select status from runs")
[ "$status" = cancelled ] || { echo "expected status cancelled, got '$status'"; exit 1; }
grep -q '"status": "cancelled"' "$tmp/summary.json" || { echo "summary lacks cancelled status"; exit 1; }
cells=$(sqlite3 "$tmp/runs.sqlite" "select count(*) from matrices where kind = 'accuracy'")
[ "$cells" -ge 2 ] || { echo "expected the initial row to be stored, got $cells cells"; exit 1; }
echo "clwb-run stopped on SIGINT: exit 130, run cancelled, $cells matrix cells kept"
