#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A private one-node Slurm cluster for the tests: its own munged (own key and socket), slurmctld
# and slurmd on their own ports, all state, logs and pid files in one directory. Nothing of a
# system Slurm or munge is used or touched. See tests/slurm/README.md.
#
#   tests/slurm/cluster.sh start    install slurm-wlm and munge if missing, start, wait until idle
#   tests/slurm/cluster.sh stop     cancel the cluster's jobs, stop the daemons by their pid files
#   tests/slurm/cluster.sh status   exit 0 when all three daemons run and the node answers
#   tests/slurm/cluster.sh env      print the export lines a client needs (eval "$(... env)")
#
# Environment: CLWB_SLURM_DIR (state directory, default /tmp/clwb-slurm-$UID), CLWB_SLURM_PORT
# (slurmctld port, slurmd uses the next one; default 16817), CLWB_SLURM_TIMEOUT (seconds to wait
# for the node to become idle, default 60). Exit code 77: this machine cannot run the cluster
# (no root and no passwordless sudo, apt unavailable, a daemon does not start); the reason is the
# last line on stderr.
set -euo pipefail

uid=$(id -u)
dir=${CLWB_SLURM_DIR:-/tmp/clwb-slurm-$uid}
port=${CLWB_SLURM_PORT:-16817}
timeout=${CLWB_SLURM_TIMEOUT:-60}
conf=$dir/slurm.conf
packages=(slurm-wlm munge)

say() { echo "slurm-cluster: $*" >&2; }
starting=0
skip() {  # a start that gives up leaves no daemon behind
  say "SKIP: $*"
  [ $starting = 1 ] && starting=0 && cmd_stop quiet
  exit 77
}

# Daemons need root (slurmd switches to the job's user). A user with passwordless sudo gets the
# whole command re-run as root, on the same state directory.
if [ "$uid" -ne 0 ]; then
  case ${1:-} in env) ;; *)
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      exec sudo -n env CLWB_SLURM_DIR="$dir" CLWB_SLURM_PORT="$port" CLWB_SLURM_TIMEOUT="$timeout" \
        "$(readlink -f "$0")" "$@"
    fi
    skip "the daemons need root or passwordless sudo, and $(id -un) has neither" ;;
  esac
fi

install_packages() {
  local missing=() p status
  for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || skip "${missing[*]} missing and no apt-get"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The packages' own services may be refused a start (containers); ours do not use them.
  { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
    > "$dir/apt.log" 2>&1 || skip "apt-get install ${missing[*]} failed (see $dir/apt.log)"
}

pid_alive() {  # $1 = pid file
  local pid
  [ -s "$1" ] && pid=$(cat "$1") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

stop_pids() {  # pid files: TERM to all at once (each daemon takes ~2 s to exit), KILL after 10 s
  local f pids=() pid alive
  for f in "$@"; do
    pid_alive "$f" && pids+=("$(cat "$f")")
  done
  [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 100); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 1 ] || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      say "pid $pid ignored SIGTERM for 10 s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -f "$@"
}

# What a client needs: the configuration (which names the munge socket). Site or user defaults
# for sbatch/squeue/sacct options and formats would change what the tests submit and parse.
client_vars="export SLURM_CONF=$conf
unset SBATCH_ACCOUNT SBATCH_PARTITION SBATCH_QOS SBATCH_RESERVATION SBATCH_CLUSTERS SLURM_CLUSTERS
unset SQUEUE_FORMAT SQUEUE_FORMAT2 SQUEUE_SORT SQUEUE_ALL SACCT_FORMAT SINFO_FORMAT"
client_env() { eval "$client_vars"; }

write_conf() {
  local host node
  host=$(hostname -s)
  # slurmd -C reports what slurmd will register; configuring more makes the node invalid.
  node=$(slurmd -C 2>/dev/null | head -n1 | tr ' ' '\n' |
    grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore|RealMemory)=' | tr '\n' ' ')
  case $node in *CPUs=*RealMemory=*) ;; *) skip "slurmd -C did not report the machine's CPUs and memory" ;; esac
  cat > "$conf" <<EOF
# Written by tests/slurm/cluster.sh; rewritten on every start.
ClusterName=clwbtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munged.sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups in a container: track processes by parentage, bind nothing.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
# No slurmdbd: jobs end up in a text file that 'sacct --completion' reads.
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to squeue/scontrol for an hour; SIGKILL follows SIGTERM after 10 s.
MinJobAge=3600
KillWait=10
InactiveLimit=0
NodeName=$host NodeAddr=127.0.0.1 ${node}State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munged() {
  local m=$dir/munge
  pid_alive "$m/munged.pid" && return 0
  mkdir -p "$m"
  chmod 0755 "$m"
  if [ ! -s "$m/munge.key" ]; then
    if command -v mungekey >/dev/null; then
      mungekey --create --keyfile="$m/munge.key" --force
    else
      dd if=/dev/urandom of="$m/munge.key" bs=1024 count=1 status=none
    fi
  fi
  chmod 0600 "$m/munge.key"
  rm -f "$m/munged.sock" "$m/munged.sock.lock"
  munged --socket="$m/munged.sock" --key-file="$m/munge.key" --pid-file="$m/munged.pid" \
    --log-file="$m/munged.log" --seed-file="$m/munged.seed" 2>> "$m/munged.log" ||
    skip "munged did not start: $(tail -n1 "$m/munged.log")"
  for _ in $(seq 1 50); do
    [ -S "$m/munged.sock" ] && break
    sleep 0.1
  done
  munge --socket="$m/munged.sock" -n | unmunge --socket="$m/munged.sock" >/dev/null 2>&1 ||
    skip "munged runs but does not answer on $m/munged.sock"
}

start_daemon() {  # $1 = slurmctld|slurmd, then its own options
  pid_alive "$dir/run/$1.pid" && return 0
  # -c: start from a clean slate (no jobs or node states of an earlier cluster).
  "$@" -f "$conf" -c >> "$dir/log/$1.stderr" 2>&1 ||
    skip "$1 did not start: $(last_error "$1")"
  for _ in $(seq 1 50); do
    pid_alive "$dir/run/$1.pid" && return 0
    sleep 0.1
  done
  skip "$1 exited at start: $(last_error "$1")"
}

last_error() {  # $1 = daemon: its last error line
  grep -hE 'error|fatal' "$dir/log/$1.log" "$dir/log/$1.stderr" 2>/dev/null | tail -n1 | sed 's/^\[[^]]*\] //'
}

wait_idle() {
  local state="" end=$((SECONDS + timeout)) name
  while [ $SECONDS -lt $end ]; do
    for name in slurmctld slurmd; do
      pid_alive "$dir/run/$name.pid" || skip "$name exited: $(last_error $name)"
    done
    state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n1 || true)
    case $state in idle|mixed|allocated) return 0 ;; esac
    sleep 0.5
  done
  skip "node not idle after ${timeout} s (state '${state:-no answer}'; $(sinfo -h -R -o '%E' 2>/dev/null | head -n1)); logs in $dir/log"
}

cmd_start() {
  local t0=$SECONDS
  mkdir -p "$dir"
  chmod 0755 "$dir"
  install_packages
  client_env
  if pid_alive "$dir/run/slurmctld.pid" && pid_alive "$dir/run/slurmd.pid" &&
     pid_alive "$dir/munge/munged.pid"; then
    wait_idle
    say "already running ($dir)"
    return 0
  fi
  cmd_stop quiet
  starting=1
  # A fresh cluster: job ids restart at 1, so the old job-completion records go too.
  rm -rf "$dir/state" "$dir/spool" "$dir/log/jobcomp.txt"
  mkdir -p "$dir/state" "$dir/spool" "$dir/run" "$dir/log"
  write_conf
  start_munged
  start_daemon slurmctld
  start_daemon slurmd -N "$(hostname -s)"  # the NodeName of slurm.conf, whatever the resolver says
  wait_idle
  starting=0
  say "started in $((SECONDS - t0)) s: $(sinfo -h -N -o '%N %c CPUs %m MB %T'); export SLURM_CONF=$conf"
}

cmd_stop() {
  client_env
  if pid_alive "$dir/run/slurmctld.pid"; then
    # Jobs first, so that no slurmstepd outlives the cluster.
    scancel --full --partition=debug 2>/dev/null || true
    for _ in $(seq 1 100); do
      [ -z "$(squeue -h -t running,completing,pending -o %i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  stop_pids "$dir/run/slurmd.pid" "$dir/run/slurmctld.pid" "$dir/munge/munged.pid"
  [ "${1:-}" = quiet ] || say "stopped ($dir)"
}

cmd_status() {
  local name file rc=0
  client_env
  for name in munged slurmctld slurmd; do
    file=$dir/run/$name.pid
    [ $name = munged ] && file=$dir/munge/munged.pid
    if pid_alive "$file"; then echo "$name: running (pid $(cat "$file"))"; else echo "$name: stopped"; rc=1; fi
  done
  [ $rc -eq 0 ] && sinfo -N -o '%N %c %m %T'
  return $rc
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) echo "$client_vars" ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
