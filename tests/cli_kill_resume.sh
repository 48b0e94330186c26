#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# clwb-run killed with SIGKILL at random moments (inside checkpoint writes too) and resumed with
# --resume: the database passes PRAGMA integrity_check, the killed run shows as interrupted once
# clwb-run opens the file again, and the resumed run's summary (accuracy matrix, metrics) equals
# the uninterrupted run's exactly (docs/reliability.md).
# Usage: cli_kill_resume.sh CLWB_RUN CONFIG [N]; N (or CLWB_KILL_RUNS) kills, default 10 (CI),
# 30 for the full check. CLWB_KILL_SEED fixes the random moments.
set -euo pipefail
runner=$1 config=$2
n=${3:-${CLWB_KILL_RUNS:-10}}
seed=${CLWB_KILL_SEED:-$$}
RANDOM=$seed
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Four tasks and a few epochs: most kills land between checkpoints, some before the first one
# (the run then restarts from its first task). Every checkpoint write sleeps half-way through its
# temporary file, so some kills land inside a write.
args=(--config "$config" --set train.epochs=4 --set 'data.tasks=[[0,1],[2,3],[4,5],[6,7]]')
export CLWB_CHECKPOINT_WRITE_DELAY_MS=${CLWB_CHECKPOINT_WRITE_DELAY_MS:-150}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

t0=$(now_ms)
"$runner" "${args[@]}" --db "$tmp/full.sqlite" --summary-json "$tmp/full.json" > /dev/null 2> "$tmp/full.err" ||
  { echo "the uninterrupted run failed"; cat "$tmp/full.err"; exit 1; }
full_ms=$(( $(now_ms) - t0 ))

same() {  # $1 $2 = summaries: matrix and metrics equal, exactly
  "$py" - "$1" "$2" <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
keys = ["accuracy_matrix", "initial_accuracy", "metrics", "stored_params", "trainable_params"]
bad = [k for k in keys if a[k] != b[k]]
if a["status"] != "finished" or b["status"] != "finished": bad.append("status")
if bad: print("differs:", ", ".join(bad)); sys.exit(1)
EOF
}

intact=0 interrupted=0 resumed=0 in_write=0 before_first=0 i=0 attempts=0
while [ $i -lt "$n" ]; do
  attempts=$((attempts + 1))
  [ $attempts -le $((3 * n)) ] || { echo "too many runs finished before their kill"; exit 1; }
  base="$tmp/k$i"
  db="$base.sqlite"
  rm -rf "$base".*
  "$runner" "${args[@]}" --db "$db" > /dev/null 2> "$base.err" &
  pid=$!
  for _ in $(seq 1 1000); do  # the run row exists once "started:" is printed
    grep -q "^started:" "$base.err" 2>/dev/null && break
    sleep 0.01
  done
  delay=$(( RANDOM % (full_ms * 3 / 4) ))
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -KILL $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  status=$(sqlite3 "$db" "select status from runs where id = 1")
  if [ "$status" = finished ]; then continue; fi  # too late: another random moment
  i=$((i + 1))
  ls "$base".checkpoints/run-1/*.tmp > /dev/null 2>&1 && in_write=$((in_write + 1))
  [ "$(sqlite3 "$db" "select checkpoint from runs where id = 1")" = "" ] && before_first=$((before_first + 1))

  check=$(sqlite3 "$db" "pragma integrity_check")
  if [ "$check" = ok ]; then intact=$((intact + 1)); else echo "run $i: integrity_check: $check"; fi

  # Opening the file marks the dead process's run interrupted; --check runs nothing.
  "$runner" --db "$db" --resume 1 --check 2> "$tmp/check.err" || { echo "run $i:"; cat "$tmp/check.err"; }
  status=$(sqlite3 "$db" "select status from runs where id = 1")
  if [ "$status" = interrupted ]; then interrupted=$((interrupted + 1)); else echo "run $i: status '$status', not interrupted"; fi

  if "$runner" --db "$db" --resume 1 --summary-json "$tmp/r.json" > /dev/null 2> "$tmp/r.err" &&
     same "$tmp/full.json" "$tmp/r.json" &&
     [ "$(sqlite3 "$db" "pragma integrity_check")" = ok ]; then
    resumed=$((resumed + 1))
  else
    echo "run $i (killed after ${delay} ms): the resumed run differs"; tail -5 "$tmp/r.err"
  fi
done

echo "$intact/$n integrity ok, $interrupted/$n interrupted, $resumed/$n resumed bit-identical" \
     "($in_write killed inside a checkpoint write, $before_first before the first checkpoint;" \
     "seed $seed)"
[ $intact -eq "$n" ] && [ $interrupted -eq "$n" ] && [ $resumed -eq "$n" ]
