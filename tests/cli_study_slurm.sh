#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# clwb-run study --executor slurm on a real one-node Slurm (tests/slurm/cluster.sh: munged,
# slurmctld, slurmd of its own): tests/data/tiny-study.json (2 strategies x 2 seeds) as a job
# array, followed with study-status until every task ended, merged: 4 runs with their group
# keys, seeds and the metrics of their own summaries. Then a longer study: one running array task
# is cancelled with scancel; the study shows it cancelled and the other runs merge intact.
# Exit 77 (skipped) where the machine cannot run the daemons (cluster.sh says why).
set -euo pipefail
runner=$1 src=$2
export LC_ALL=C
export CLWB_SLURM_DIR=${CLWB_SLURM_DIR:-/tmp/clwb-slurm-ctest-$UID}
cluster=$src/tests/slurm/cluster.sh
tmp=$(mktemp -d)
rc=0
"$cluster" start || rc=$?
if [ "$rc" -ne 0 ]; then rm -rf "$tmp"; exit "$rc"; fi  # 77: skipped, with the reason printed
trap '"$cluster" stop > /dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
eval "$("$cluster" env)"
fail() { echo "FAIL: $*"; "$cluster" status || true; exit 1; }

cp "$src/tests/data/tiny-study.json" "$src/tests/data/tiny-synthetic.json" "$tmp/"
cd "$tmp"
db=$tmp/runs.sqlite

# Waits until no task of FOLDER is pending, running or unknown; prints the states.
wait_ended() {
  local folder=$1 states=""
  for _ in $(seq 1 240); do
    states=$("$runner" study-status "$folder" --json | jq -r '[.tasks[].state] | join(" ")')
    case " $states " in
      *" pending "* | *" running "* | *" unknown "*) sleep 1 ;;
      *) echo "$states"; return 0 ;;
    esac
  done
  fail "tasks of $folder did not end: $states"
}

"$runner" study tiny-study.json --db "$db" --executor slurm --max-parallel 2 --folder study \
  --submit > submit.json || fail "submit exited $?"
id=$(jq -r .study_id submit.json)
states=$(wait_ended study)
[ "$states" = "finished finished finished finished" ] || fail "states: $states"
"$runner" study-merge study > /dev/null
[ "$("$runner" runs --db "$db" --json | jq length)" -eq 4 ] || fail "expected 4 merged runs"
members=$(sqlite3 "$db" "select group_key || ':' || seed from study_runs where study_id = $id order by task_index" | tr '\n' ' ')
[ "$members" = "finetune:0 finetune:1 ewc:0 ewc:1 " ] || fail "group keys and seeds: $members"
# Each merged run carries the metrics its array task wrote into its own summary.
for i in 0 1 2 3; do
  want=$(jq -r '.metrics.final_average_accuracy' "study/runs/$i.summary.json")
  run=$(sqlite3 "$db" "select run_id from study_runs where study_id = $id and task_index = $i")
  got=$("$runner" show "$run" --db "$db" --json | jq -r '.metrics.final_average_accuracy')
  [ "$want" = "$got" ] || fail "task $i: A_T $got in the database, $want in its summary"
done
echo "slurm study $id: 4 array tasks finished and merged: $members"
# A second merge adds nothing.
[ "$("$runner" study-merge study | jq -r .merged)" -eq 0 ] || fail "a second merge added runs"

# A longer study; scancel one running task.
jq '.name = "long" | .set["train.epochs"] = 200' tiny-study.json > long.json
"$runner" study long.json --db "$db" --executor slurm --max-parallel 2 --folder long --submit \
  > long-submit.json || fail "long submit exited $?"
long=$(jq -r .study_id long-submit.json)
job=$(jq -r '.jobs[0]' long/state.json 2> /dev/null || true)
[ -n "$job" ] && [ "$job" != null ] || job=$("$runner" study-status long --json | jq -r '.jobs[0]')
for _ in $(seq 1 120); do
  running=$(squeue -h -r -j "$job" -t RUNNING -o '%i' | head -n 1)
  [ -n "$running" ] && break
  sleep 0.5
done
[ -n "$running" ] || fail "no task of job $job started"
scancel "$running"
cancelled_index=${running#*_}
# The others run to their end (200 epochs of tiny data: seconds).
states=$(wait_ended long)
read -r -a each <<< "$states"
[ "${each[$cancelled_index]}" = cancelled ] || fail "task $cancelled_index: ${each[$cancelled_index]} after scancel ($states)"
finished=0
for s in "${each[@]}"; do [ "$s" = finished ] && finished=$((finished + 1)); done
[ "$finished" -eq 3 ] || fail "the other tasks: $states"
"$runner" study-merge long > /dev/null
merged=$(sqlite3 "$db" "select count(*) from study_runs s join runs r on r.id = s.run_id where s.study_id = $long and r.status = 'finished'")
[ "$merged" -eq 3 ] || fail "expected 3 finished runs of the long study, got $merged"
[ "$(sqlite3 "$db" "select count(*) from study_runs where study_id = $id")" -eq 4 ] || fail "the first study's runs"
[ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ] || fail "integrity_check"
echo "slurm study $long: task $cancelled_index cancelled by scancel ($running), 3 finished and merged; first study intact"
