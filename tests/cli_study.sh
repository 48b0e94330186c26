#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# clwb-run study end to end: tests/data/tiny-study.json (2 strategies x 2 seeds) with the local
# pool, 2 children at once, into a fresh database: 4 runs merged with their group keys and seeds
# and logs; study-report's means are the means of the per-run summaries; a second study-merge
# changes nothing; a bad study names the JSON path; SIGINT stops the pool, the running child's
# run is stored as cancelled and merged, the rest stays pending.
set -euo pipefail
runner=$1 study=$2 config=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
db=$tmp/runs.sqlite
fail() { echo "FAIL: $*"; exit 1; }

"$runner" study "$study" --db "$db" --executor local --max-parallel 2 --folder "$tmp/study" \
    > "$tmp/out.json" 2> "$tmp/err.txt" || { cat "$tmp/err.txt"; fail "study exited $?"; }
cat "$tmp/err.txt"
id=$(jq -r .study_id "$tmp/out.json")
[ "$(jq -r .not_finished "$tmp/out.json")" -eq 0 ] || fail "not every task finished"
[ "$("$runner" runs --db "$db" --json | jq length)" -eq 4 ] || fail "expected 4 runs in $db"
members=$(sqlite3 "$db" "select group_key || ':' || seed from study_runs where study_id = $id order by task_index" | tr '\n' ' ')
[ "$members" = "finetune:0 finetune:1 ewc:0 ewc:1 " ] || fail "group keys and seeds: $members"
[ "$(sqlite3 "$db" "select count(*) from runs r join study_runs s on s.run_id = r.id where r.seed = s.seed and r.status = 'finished'")" -eq 4 ] \
  || fail "runs' seeds or statuses"
for run in $(jq -r '.runs[]' "$tmp/out.json"); do
  [ -s "$tmp/runs.logs/run-$run.log" ] || fail "no log for run $run beside the database"
done
echo "study $id: 4 runs merged with group keys and seeds: $members"

# The report's mean and std per group, against the per-task summaries' metrics.
"$runner" study-report "$id" --db "$db" --json > "$tmp/report.json"
for group in finetune ewc; do
  tasks=$(jq -r --arg g "$group" '.tasks[] | select(.group == $g) | .index' "$tmp/study/state.json")
  values=$(for t in $tasks; do jq -r .metrics.final_average_accuracy "$tmp/study/runs/$t.summary.json"; done)
  expected=$(awk '{ s += $1; v[NR] = $1 } END { m = s / NR; for (i = 1; i <= NR; i++) q += (v[i] - m) ^ 2;
                   printf "%.12f %.12f", m, sqrt(q / (NR - 1)) }' <<< "$values")
  got=$(jq -r --arg g "$group" '.groups[] | select(.group == $g) | .metrics.final_average_accuracy |
                                "\(.mean) \(.std) \(.n)"' "$tmp/report.json")
  read -r mean std n <<< "$got"
  [ "$n" -eq 2 ] || fail "$group: n = $n"
  actual=$(printf '%.12f %.12f' "$mean" "$std")
  [ "$actual" = "$expected" ] || fail "$group: report $actual, summaries $expected"
  echo "report $group: A_T mean ± std $actual = the summaries' ($(echo $values | tr '\n' ' '))"
done
"$runner" study-report "$id" --db "$db" --md | grep -q "^| ewc | 2 |" || fail "markdown row"
"$runner" study-report "$id" --db "$db" --latex | grep -q '\\toprule' || fail "latex table"
"$runner" study-report "$id" --db "$db" --csv --out "$tmp/report.csv"
head -1 "$tmp/report.csv" | grep -q "^group,label,n,seeds,final_average_accuracy_mean," || fail "csv header"

# A second merge adds nothing; the status says finished.
before=$(sqlite3 "$db" "select (select count(*) from runs) || ' ' || (select count(*) from series) || ' ' || (select count(*) from matrices)")
"$runner" study-merge "$tmp/study" > "$tmp/merge.json" 2> /dev/null
[ "$(jq -r .merged "$tmp/merge.json")" -eq 0 ] || fail "second merge merged $(jq -r .merged "$tmp/merge.json")"
after=$(sqlite3 "$db" "select (select count(*) from runs) || ' ' || (select count(*) from series) || ' ' || (select count(*) from matrices)")
[ "$before" = "$after" ] || fail "study-merge changed the database: $before -> $after"
[ "$("$runner" study-status "$id" --db "$db" --json | jq '[.tasks[] | select(.state == "finished")] | length')" -eq 4 ] \
  || fail "study-status"
echo "study-merge again: runs, series, matrices unchanged ($after)"

# A problem in the study names its JSON path; nothing is recorded.
cat > "$tmp/bad.json" <<EOF
{"base": "$config", "configurations": [{"strategy": "ewc", "grid": {"params.lamda": [1, 10]}}]}
EOF
set +e
"$runner" study "$tmp/bad.json" --db "$tmp/bad.sqlite" > /dev/null 2> "$tmp/bad.txt"; rc=$?
set -e
[ $rc -eq 2 ] || fail "bad study: exit $rc"
grep -q 'configurations\[0\].grid\["params.lamda"\]: unknown parameter .*did you mean .lambda' "$tmp/bad.txt" \
  || { cat "$tmp/bad.txt"; fail "bad study's message"; }
[ ! -e "$tmp/bad.sqlite" ] || fail "bad study created a database"
echo "bad study: $(sed -n 2p "$tmp/bad.txt")"

# SIGINT while the second of three long tasks runs (one at a time).
cat > "$tmp/long.json" <<EOF
{"name": "long", "base": "$config", "set": {"train.epochs": 200, "threads": 1},
 "configurations": [{"strategy": "finetune"}], "seeds": 3}
EOF
"$runner" study "$tmp/long.json" --db "$tmp/long.sqlite" --max-parallel 1 --folder "$tmp/long" \
    > "$tmp/long.out" 2> "$tmp/long.err" &
pid=$!
for _ in $(seq 600); do  # until task 1 has stored its run (at most a minute)
  [ -s "$tmp/long/runs/1.sqlite" ] && \
    [ "$(sqlite3 "$tmp/long/runs/1.sqlite" "select count(*) from series" 2> /dev/null || echo 0)" -gt 0 ] && break
  sleep 0.1
done
kill -INT $pid
set +e
wait $pid; rc=$?
set -e
cat "$tmp/long.err"
[ $rc -eq 130 ] || fail "SIGINT: exit $rc"
statuses=$(sqlite3 "$tmp/long.sqlite" "select s.task_index || ':' || r.status from runs r join study_runs s on s.run_id = r.id order by s.task_index" | tr '\n' ' ')
[ "$statuses" = "0:finished 1:cancelled " ] || fail "after SIGINT: $statuses"
[ "$(jq -r '.tasks[2].state' "$tmp/long/state.json")" = pending ] || fail "task 2 not pending"
echo "SIGINT: exit 130, stored $statuses, task 2 pending"
