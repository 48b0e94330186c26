#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SIGINT (Ctrl-C), SIGTERM (kill, a Slurm time limit) and SIGHUP stop clwb-run cleanly: exit code
# 128 + the signal, run stored as cancelled with the rows measured so far, and a JSON summary
# still printed. A second signal ends the process at once and the database stays intact.
set -euo pipefail
runner=$1 config=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

start_run() {  # $1 = name; waits until training has started (the initial matrix row exists)
  "$runner" --config "$config" --db "$tmp/$1.sqlite" --set train.epochs=200 \
      > "$tmp/$1.json" 2> "$tmp/$1.err" &
  pid=$!
  for _ in $(seq 1 100); do
    grep -q "before training" "$tmp/$1.err" 2>/dev/null && break
    sleep 0.1
  done
  sleep 0.5
}

for sig in INT TERM HUP; do
  start_run "$sig"
  kill -"$sig" $pid
  set +e
  wait $pid
  rc=$?
  set -e
  expected=$((128 + $(kill -l "$sig")))
  [ $rc -eq $expected ] || { echo "SIG$sig: expected exit code $expected, got $rc"; cat "$tmp/$sig.err"; exit 1; }
  status=$(sqlite3 "$tmp/$sig.sqlite" "select status from runs")
  [ "$status" = cancelled ] || { echo "SIG$sig: expected status cancelled, got '$status'"; exit 1; }
  grep -q '"status": "cancelled"' "$tmp/$sig.json" || { echo "SIG$sig: summary lacks cancelled status"; exit 1; }
  cells=$(sqlite3 "$tmp/$sig.sqlite" "select count(*) from matrices where kind = 'accuracy'")
  [ "$cells" -ge 2 ] || { echo "SIG$sig: expected the initial row to be stored, got $cells cells"; exit 1; }
  echo "clwb-run stopped on SIG$sig: exit $rc, run cancelled, $cells matrix cells kept"
done

# Two signals in a row: the second ends the process at once; the database is intact.
start_run twice
kill -TERM $pid
kill -TERM $pid
set +e
wait $pid
rc=$?
set -e
[ $rc -ne 0 ] || { echo "two signals: expected a non-zero exit, got 0"; exit 1; }
check=$(sqlite3 "$tmp/twice.sqlite" "pragma integrity_check")
[ "$check" = ok ] || { echo "two signals: integrity_check says '$check'"; exit 1; }
runs=$(sqlite3 "$tmp/twice.sqlite" "select count(*) from runs")
[ "$runs" -eq 1 ] || { echo "two signals: expected the run row, got $runs rows"; exit 1; }
echo "clwb-run ended on a second SIGTERM (exit $rc); database intact"
