#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The run database failing under clwb-run: a full disk (RLIMIT_FSIZE), a read-only file, a
# read-only folder, the file deleted under a running run, a lock held past the busy timeout. Each
# run ends failed (exit 1, status "failed" in the summary) with a message naming the cause and the
# file, and what was stored before is still there. Then two clwb-run writing one database at once
# both finish with all their data. Read-only cases run as nobody when this runs as root (root
# writes anyway); they are skipped, and say so, when that is not possible.
set -euo pipefail
runner=$1 config=$2
tmp=$(mktemp -d)
lock_pid=""
cleanup() {
  if [ -n "$lock_pid" ]; then kill "$lock_pid" 2> /dev/null || true; fi
  chmod -R u+w "$tmp" 2> /dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
export LC_ALL=C
fail() { echo "FAIL: $*"; exit 1; }
scenarios=0

# A database holding one finished run ("kept"), the run's matrix cells counted.
seed_db() {  # $1 = folder
  mkdir -p "$1"
  "$runner" --config "$config" --db "$1/runs.sqlite" --quiet --set 'name="kept"' > /dev/null 2>&1
}
kept_intact() {  # $1 = database: run 1 still finished with its 6 cells, the file sound
  [ "$(sqlite3 "$1" "pragma integrity_check")" = ok ] || fail "$1: integrity_check failed"
  [ "$(sqlite3 "$1" "select status from runs where id = 1")" = finished ] || fail "$1: run 1 not finished"
  [ "$(sqlite3 "$1" "select count(*) from matrices where run_id = 1")" -eq 6 ] || fail "$1: run 1 lost cells"
}
# Runs clwb-run; sets rc, status and message from its summary.
run() {  # $1 = name, then clwb-run's arguments
  local name=$1; shift
  set +e
  "$@" > "$tmp/$name.json" 2> "$tmp/$name.err"
  rc=$?
  set -e
  status=$(jq -r .status "$tmp/$name.json" 2> /dev/null || echo "(no summary)")
  message=$(jq -r .message "$tmp/$name.json" 2> /dev/null || echo "")
}
expect_failed() {  # $1 = name, then strings the message must hold
  local name=$1; shift
  [ "$rc" -eq 1 ] || { cat "$tmp/$name.err"; fail "$name: exit $rc, expected 1"; }
  [ "$status" = failed ] || fail "$name: status '$status'"
  for s in "$@"; do
    [[ "$message" == *"$s"* ]] || fail "$name: message lacks '$s': $message"
  done
  echo "$name: failed as it should: $message"
  scenarios=$((scenarios + 1))
}
wait_for_training() {  # $1 = stderr file of a run in the background
  for _ in $(seq 1 300); do
    grep -q "before training" "$1" 2> /dev/null && return 0
    sleep 0.1
  done
  fail "the run never started training ($1)"
}

# Full disk: files may not grow past 128 KiB (the database holds more already; its WAL may not).
# SIGXFSZ ignored, so the write fails with EFBIG instead of killing the process.
seed_db "$tmp/full"
cp "$tmp/full/runs.sqlite" "$tmp/full/before.sqlite"
run full bash -c 'trap "" XFSZ; ulimit -f 128; exec "$@"' _ "$runner" --config "$config" \
    --db "$tmp/full/runs.sqlite" --quiet --set train.epochs=20
expect_failed "full disk" "$tmp/full/runs.sqlite" "ulimit -f"
kept_intact "$tmp/full/runs.sqlite"

# Read-only cases: as another user when root.
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  if command -v setpriv > /dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2> /dev/null; then
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    chmod 755 "$tmp"
  else
    as_user=(skip)
  fi
fi
if [ "${as_user[0]:-}" = skip ]; then
  echo "read-only file and folder: SKIPPED (root without setpriv: root writes read-only files)"
else
  seed_db "$tmp/rofile"
  seed_db "$tmp/rodir"
  [ ${#as_user[@]} -eq 0 ] || chown -R 65534:65534 "$tmp/rofile" "$tmp/rodir"
  chmod 444 "$tmp/rofile/runs.sqlite"
  chmod 555 "$tmp/rodir"
  before_file=$(sha256sum < "$tmp/rofile/runs.sqlite")
  before_dir=$(sha256sum < "$tmp/rodir/runs.sqlite")
  run "read-only file" "${as_user[@]}" "$runner" --config "$config" --db "$tmp/rofile/runs.sqlite" --quiet
  expect_failed "read-only file" "$tmp/rofile/runs.sqlite" "the file is read-only"
  run "read-only folder" "${as_user[@]}" "$runner" --config "$config" --db "$tmp/rodir/runs.sqlite" --quiet
  expect_failed "read-only folder" "$tmp/rodir/runs.sqlite" "the folder '$tmp/rodir' is not writable"
  [ "$(sha256sum < "$tmp/rofile/runs.sqlite")" = "$before_file" ] || fail "read-only file changed"
  [ "$(sha256sum < "$tmp/rodir/runs.sqlite")" = "$before_dir" ] || fail "file in read-only folder changed"
  chmod 755 "$tmp/rodir"
  kept_intact "$tmp/rofile/runs.sqlite"
  kept_intact "$tmp/rodir/runs.sqlite"
fi

# The database deleted under a running run: noticed at the next heartbeat.
mkdir -p "$tmp/deleted"
"$runner" --config "$config" --db "$tmp/deleted/runs.sqlite" --set train.epochs=1000 \
    > "$tmp/deleted.json" 2> "$tmp/deleted.err" &
pid=$!
wait_for_training "$tmp/deleted.err"
rm "$tmp/deleted/runs.sqlite"
set +e
wait $pid
rc=$?
set -e
status=$(jq -r .status "$tmp/deleted.json")
message=$(jq -r .message "$tmp/deleted.json")
expect_failed "database deleted" "$tmp/deleted/runs.sqlite" "deleted or renamed while the run was writing"

# A lock held longer than the busy timeout (5 s) by another process: sqlite3 holding BEGIN
# IMMEDIATE, fed through a FIFO so closing it ends that process.
seed_db "$tmp/locked"
"$runner" --config "$config" --db "$tmp/locked/runs.sqlite" --set train.epochs=1000 \
    > "$tmp/locked.json" 2> "$tmp/locked.err" &
pid=$!
wait_for_training "$tmp/locked.err"
mkfifo "$tmp/lock.fifo"
sqlite3 "$tmp/locked/runs.sqlite" < "$tmp/lock.fifo" > /dev/null 2>&1 &
lock_pid=$!
exec 3> "$tmp/lock.fifo"
echo "BEGIN IMMEDIATE; SELECT 1;" >&3
for _ in $(seq 1 100); do  # until the lock is held (a second writer is refused at once)
  sqlite3 "$tmp/locked/runs.sqlite" "BEGIN IMMEDIATE; ROLLBACK;" > /dev/null 2>&1 || break
  sleep 0.1
done
set +e
wait $pid
rc=$?
set -e
exec 3>&-  # the lock holder reads EOF, rolls back and exits
wait "$lock_pid" || true
lock_pid=""
status=$(jq -r .status "$tmp/locked.json")
message=$(jq -r .message "$tmp/locked.json")
expect_failed "database locked" "$tmp/locked/runs.sqlite" "database is locked" "busy timeout"
kept_intact "$tmp/locked/runs.sqlite"
[ "$(sqlite3 "$tmp/locked/runs.sqlite" "select count(*) from matrices where run_id = 2")" -ge 2 ] \
  || fail "locked: the failed run's first row was lost"

# Two processes writing runs into one database at once: both finish with all their data.
mkdir -p "$tmp/two"
pids=()
for n in A B; do
  "$runner" --config "$config" --db "$tmp/two/runs.sqlite" --quiet --set train.epochs=10 \
      --set "name=\"$n\"" > "$tmp/two-$n.json" 2> "$tmp/two-$n.err" &
  pids+=($!)
done
wait "${pids[0]}" || fail "concurrent run A failed: $(cat "$tmp/two-A.err")"
wait "${pids[1]}" || fail "concurrent run B failed: $(cat "$tmp/two-B.err")"
db=$tmp/two/runs.sqlite
[ "$(sqlite3 "$db" "select group_concat(name || ':' || status, ' ') from (select * from runs order by name)")" = "A:finished B:finished" ] \
  || fail "concurrent runs: $(sqlite3 "$db" "select name, status from runs")"
for n in A B; do
  id=$(jq -r .run_id "$tmp/two-$n.json")
  cells=$(sqlite3 "$db" "select count(*) from matrices where run_id = $id and kind = 'accuracy'")
  steps=$(sqlite3 "$db" "select count(*) from series where run_id = $id and key = 'loss'")
  [ "$cells" -eq 6 ] || fail "concurrent run $n: $cells matrix cells"
  [ "$steps" -eq 40 ] || fail "concurrent run $n: $steps loss points, expected 40"
  [ "$(sqlite3 "$db" "select count(*) from metrics where run_id = $id")" -gt 0 ] || fail "run $n: no metrics"
done
[ "$(sqlite3 "$db" "pragma integrity_check")" = ok ] || fail "concurrent runs: integrity_check"
echo "two clwb-run on one database: both finished, 6 matrix cells and 40 loss points each"
scenarios=$((scenarios + 1))
echo "database faults: $scenarios scenarios passed"
