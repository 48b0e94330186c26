#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Smoke test of the one-node test cluster (tests/slurm/cluster.sh): a throttled job array runs two
# one-CPU tasks at once and completes, scancel of one running array task shows it as CANCELLED,
# and SIGTERM reaches a batch script both from 'scancel --signal=TERM --full' and from
# '--signal=B:TERM@5 --time=1' (what a runner relies on to stop cleanly). Exit 0 passed, 1 failed,
# 77 skipped (the machine cannot run the cluster). CLWB_SLURM_QUICK=1 leaves out the time-limit
# signal case, the only one that waits for Slurm's ~30 s time-limit sweep.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cluster=$here/cluster.sh
tmp=$(mktemp -d)
started=0

fail() { echo "slurm-smoke: FAIL: $*" >&2; exit 1; }
cleanup() {
  local rc=$?
  if [ "$started" = 1 ]; then
    "$cluster" stop || true
  fi
  if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ -n "${SLURM_CONF:-}" ]; then
    echo "--- slurmctld.log (tail)" >&2; tail -n 15 "$(dirname "$SLURM_CONF")/log/slurmctld.log" >&2 || true
    echo "--- slurmd.log (tail)" >&2; tail -n 15 "$(dirname "$SLURM_CONF")/log/slurmd.log" >&2 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# Leave a cluster that was already running (someone else's test) as it was.
was_running=0
"$cluster" status >/dev/null 2>&1 && was_running=1
t0=$SECONDS
set +e
"$cluster" start
rc=$?
set -e
[ $rc -eq 77 ] && exit 77
[ $was_running = 1 ] || started=1
[ $rc -eq 0 ] || fail "cluster.sh start exited $rc"
start_s=$((SECONDS - t0))
eval "$("$cluster" env)"
jobcomp=$(scontrol show config | awk '$1 == "JobCompLoc" {print $3}')
cd "$tmp"

active() {  # $1 = job id: prints its tasks that have not ended yet
  squeue -h -r -j "$1" -t pending,configuring,running,completing,suspended -o %i 2>/dev/null || true
}
wait_ended() {  # $1 = job id, $2 = seconds
  local end=$((SECONDS + $2))
  while [ -n "$(active "$1")" ]; do
    [ $SECONDS -lt $end ] || fail "job $1 still active after $2 s: $(squeue -h -r -j "$1" -o '%i %T %r' | tr '\n' ';')"
    sleep 0.5
  done
}
wait_file() {  # $1 = file, $2 = seconds
  local end=$((SECONDS + $2))
  until [ -s "$1" ]; do
    [ $SECONDS -lt $end ] || fail "$1 not written after $2 s"
    sleep 0.2
  done
}
task_states() {  # $1 = job id: "task state" per array task, from squeue (finished jobs stay an hour)
  squeue -h -r -t all -j "$1" -o '%K %T' | sort -n
}
job_field() {  # $1 = job id, $2 = field of scontrol show job
  scontrol show job "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n1
}

# 1. Throttled array: 4 tasks, 2 at a time. Each task waits (up to 10 s) to see a second task's
# marker, so with two free CPUs the peak is 2; a single usable CPU gives 1, a broken throttle 3+.
cat > array.sh <<'EOF'
#!/bin/bash
id=$SLURM_ARRAY_TASK_ID
touch run.$id
for _ in $(seq 1 50); do [ "$(ls run.* | wc -l)" -ge 2 ] && break; sleep 0.2; done
ls run.* | wc -l > peak.$id
echo $id > out.$id
sleep 2
rm -f run.$id
EOF
array=$(sbatch --parsable --array=0-3%2 -o slurm-%A_%a.out array.sh)
wait_ended "$array" 120
states=$(task_states "$array")
[ "$states" = "$(printf '0 COMPLETED\n1 COMPLETED\n2 COMPLETED\n3 COMPLETED')" ] ||
  fail "array $array: expected 4 COMPLETED tasks, squeue says: $(echo "$states" | tr '\n' ';')"
for i in 0 1 2 3; do
  [ "$(cat "out.$i" 2>/dev/null)" = "$i" ] || fail "array task $i: out.$i is '$(cat "out.$i" 2>/dev/null)'"
done
peak=$(sort -n peak.* | tail -n1)
# CR_Core: one task per core, so a single-core machine runs one at a time.
cores=$(sinfo -h -N -o %z | head -n1 | awk -F: '{print $1 * $2}')
want=$((cores < 2 ? cores : 2))
[ "$peak" -eq "$want" ] || fail "array: expected $want tasks at once ($cores cores, %2 throttle), saw $peak"
# The job-completion file (what 'sacct --completion' reads) has one line per task.
done_lines=$(grep -c "ArrayJobId=$array .*JobState=COMPLETED\|JobState=COMPLETED.* ArrayJobId=$array " "$jobcomp" || true)
[ "$done_lines" -eq 4 ] || fail "array: expected 4 COMPLETED lines in $jobcomp, got $done_lines"
raw_ids=$(squeue -h -r -t all -j "$array" -o %A | paste -sd,)
sacct_done=$(sacct --completion -n -P -j "$raw_ids" -o state 2>/dev/null | grep -c '^COMPLETED$' || true)
[ "$sacct_done" -eq 4 ] || fail "sacct --completion -j $raw_ids: expected 4 COMPLETED, got $sacct_done"
echo "slurm-smoke: array $array: 4/4 tasks COMPLETED, outputs right, peak $peak at once"

# 2. Time-limit signal: submitted now, checked last; SIGTERM comes up to ~60 s before the limit.
if [ "${CLWB_SLURM_QUICK:-0}" != 1 ]; then
  cat > limit.sh <<'EOF'
#!/bin/bash
exec bash -c 'trap "echo TERM > limit.term; exit 0" TERM; echo ready > limit.ready; while :; do sleep 0.2; done'
EOF
  limit=$(sbatch --parsable --time=1 --signal=B:TERM@5 -o limit.out limit.sh)
fi

# 3. Cancel one running task of a long array; the script then cancels the rest.
long=$(sbatch --parsable --array=0-3 -o /dev/null --wrap 'sleep 60')
end=$((SECONDS + 60))
victim=""
while [ -z "$victim" ]; do
  [ $SECONDS -lt $end ] || fail "no task of array $long started within 60 s"
  victim=$(squeue -h -r -j "$long" -t running -o %i | head -n1)
  [ -n "$victim" ] || sleep 0.2
done
scancel "$victim"
end=$((SECONDS + 30))
until [ "$(job_field "$victim" JobState)" = CANCELLED ]; do
  [ $SECONDS -lt $end ] || fail "$victim: expected CANCELLED, is $(job_field "$victim" JobState)"
  sleep 0.2
done
vtask=${victim#*_}
cancel_lines=$(grep -c "JobState=CANCELLED.* ArrayJobId=$long ArrayTaskId=$vtask " "$jobcomp" || true)
[ "$cancel_lines" -eq 1 ] || fail "$victim: expected one CANCELLED line in $jobcomp, got $cancel_lines"
others_running=$(squeue -h -r -j "$long" -t running -o %i | grep -vc "^$victim$" || true)
scancel "$long"
wait_ended "$long" 60
# A cancelled pending array task leaves no record at all (squeue, scontrol or jobcomp); only the
# ones that ran are listed.
listed=$(task_states "$long")
bad=$(echo "$listed" | grep -vc ' CANCELLED$' || true)
[ "$bad" -eq 0 ] || fail "array $long: tasks not CANCELLED after scancel: $(echo "$listed" | tr '\n' ';')"
echo "slurm-smoke: array $long: running task $victim CANCELLED, then $others_running running + the pending tasks cancelled"

# 4. scancel --signal=TERM --full signals every process of the batch script. The script execs its
# program (as a runner's should: an untrapped bash dies of the signal, ExitCode 0:15), which exits
# 143 as clwb-run does on SIGTERM.
cat > term.sh <<'EOF'
#!/bin/bash
exec bash -c 'trap "echo TERM > term.child; exit 143" TERM; echo ready > term.ready; while :; do sleep 0.2; done'
EOF
term=$(sbatch --parsable -o term.out term.sh)
wait_file term.ready 60
scancel --signal=TERM --full "$term"
wait_ended "$term" 30
[ "$(cat term.child 2>/dev/null)" = TERM ] || fail "job $term: the batch script's program got no SIGTERM"
term_state=$(job_field "$term" JobState) term_exit=$(job_field "$term" ExitCode)
if [ "$term_state" != FAILED ] || [ "$term_exit" != 143:0 ]; then
  fail "job $term: expected FAILED with ExitCode 143:0, got $term_state $term_exit"
fi
echo "slurm-smoke: job $term: scancel --signal=TERM --full delivered SIGTERM; $term_state, ExitCode $term_exit"

limit_msg="time-limit signal not tested (CLWB_SLURM_QUICK=1)"
if [ -n "${limit:-}" ]; then
  wait_ended "$limit" 150
  [ -s limit.ready ] || fail "job $limit never started its program"
  [ "$(cat limit.term 2>/dev/null)" = TERM ] ||
    fail "job $limit: no SIGTERM before its time limit ($(job_field "$limit" JobState))"
  limit_msg="--signal=B:TERM@5 --time=1 delivered SIGTERM after $(job_field "$limit" RunTime) ($(job_field "$limit" JobState))"
  echo "slurm-smoke: job $limit: $limit_msg"
fi

echo "slurm-smoke: PASS: cluster up in ${start_s} s; array 4/4 COMPLETED (peak $peak at once);" \
  "1 running task CANCELLED + rest cancelled; SIGTERM via scancel --full ok; $limit_msg;" \
  "sacct --completion: $sacct_done/4 COMPLETED by raw job id"
