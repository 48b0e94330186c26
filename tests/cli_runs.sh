#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# clwb-run runs / show / export / delete on two tiny stored runs: the listing, a run's matrix and
# metrics (the very values the run's --summary-json printed), the GUI's CSV layout, deletion, and
# exit status 2 for an unknown run id or a missing database.
set -euo pipefail
runner=$1 config=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
db=$tmp/runs.sqlite
fail() { echo "FAIL: $*"; exit 1; }

"$runner" --config "$config" --db "$db" --quiet --summary-json "$tmp/a.json" > /dev/null
"$runner" --config "$config" --db "$db" --quiet --set 'name="second run"' --set 'strategy="ewc"' \
    --summary-json "$tmp/b.json" > /dev/null
a=$(jq -r .run_id "$tmp/a.json")
b=$(jq -r .run_id "$tmp/b.json")
{ [ "$a" -ge 1 ] && [ "$b" -gt "$a" ]; } || fail "run ids $a and $b"

# runs: an aligned table, newest first, A_T as stored.
"$runner" runs --db "$db" > "$tmp/runs.txt"
[ "$(wc -l < "$tmp/runs.txt")" -eq 3 ] || fail "runs: expected a header and 2 rows"; cat "$tmp/runs.txt"
read -r -a header < "$tmp/runs.txt"
[ "${header[*]}" = "ID NAME STRATEGY STATUS A_T STARTED (UTC) DURATION" ] || fail "runs header: ${header[*]}"
row2=$(sed -n 2p "$tmp/runs.txt")
at_b=$(printf '%.3f' "$(jq -r .metrics.final_average_accuracy "$tmp/b.json")")
[[ "$row2" =~ ^\ *$b\ +second\ run\ +ewc\ +finished\ +$at_b\  ]] || fail "runs row: '$row2' (A_T $at_b)"
col() { awk -v s="$2" '{ print index($0, s) }' <<< "$1"; }
[ "$(col "$(sed -n 1p "$tmp/runs.txt")" STATUS)" -eq "$(col "$row2" finished)" ] || fail "columns not aligned"
[ "$(jq -c '[.[].id]' < <("$runner" runs --db "$db" --json))" = "[$b,$a]" ] || fail "runs --json ids"
[ "$(jq -r '.[1].name' < <("$runner" runs --db "$db" --json))" = "tiny synthetic smoke run" ] || fail "runs --json name"
[ "$("$runner" runs --db "$db" --status failed --json)" = "[]" ] || fail "--status failed lists runs"
[ "$("$runner" runs --db "$db" --status finished --json | jq length)" -eq 2 ] || fail "--status finished"
echo "runs: 2 runs listed, newest first, A_T $at_b as stored"

# show: the matrix and metrics are the ones the run printed when it ended.
"$runner" show "$a" --db "$db" --json > "$tmp/show.json"
for key in accuracy_matrix initial_accuracy metrics.final_average_accuracy metrics.bwt; do
  [ "$(jq -c ".$key" "$tmp/show.json")" = "$(jq -c ".$key" "$tmp/a.json")" ] \
    || fail "show --json $key: $(jq -c ".$key" "$tmp/show.json") vs $(jq -c ".$key" "$tmp/a.json")"
done
[ "$(jq -r .status "$tmp/show.json")" = finished ] || fail "show status"
[ "$(jq -r .config.name "$tmp/show.json")" = "tiny synthetic smoke run" ] || fail "show config"
cell=$(jq -r '.accuracy_matrix[1][1]' "$tmp/a.json")
pct=$(printf '%.1f' "$(echo "$cell * 100" | bc -l)")
"$runner" show "$a" --db "$db" | grep -E "^after T1 +[0-9.]+ +$pct *$" > /dev/null \
  || { "$runner" show "$a" --db "$db"; fail "show: after T1 lacks $pct"; }
echo "show: matrix cell [1][1] = $cell ($pct %), metrics as in --summary-json"

# export: the GUI's CSV layout, numbers as %.6g; JSON to a file.
"$runner" export "$a" --db "$db" --csv > "$tmp/a.csv"
[ "$(sed -n 1p "$tmp/a.csv")" = "row,task1,task2" ] || fail "csv header: $(sed -n 1p "$tmp/a.csv")"
row=$(printf 'after_task2,%.6g,%.6g' "$(jq -r '.accuracy_matrix[1][0]' "$tmp/a.json")" "$cell")
grep -qx "$row" "$tmp/a.csv" || { cat "$tmp/a.csv"; fail "csv lacks '$row'"; }
faa=$(printf 'final_average_accuracy,%.6g' "$(jq -r .metrics.final_average_accuracy "$tmp/a.json")")
grep -qx "$faa" "$tmp/a.csv" || fail "csv lacks '$faa'"
grep -qx "metric,value" "$tmp/a.csv" || fail "csv lacks the metrics block"
"$runner" export "$b" --db "$db" --json --out "$tmp/b-export.json"
[ "$(jq -c .accuracy_matrix "$tmp/b-export.json")" = "$(jq -c .accuracy_matrix "$tmp/b.json")" ] || fail "export --json matrix"
[ "$(jq -r .metrics.forgetting "$tmp/b-export.json")" = "$(jq -r .metrics.forgetting "$tmp/b.json")" ] || fail "export --json metric"
set +e
"$runner" export "$a" --db "$db" > /dev/null 2>&1; rc=$?
set -e
[ $rc -eq 2 ] || fail "export without --csv/--json: exit $rc"
echo "export: CSV rows '$row' and '$faa'; JSON matrix as stored"

# delete: refused without --yes off a terminal, then done; the run and its log are gone.
log=$(jq -r .log_file "$tmp/b.json")
[ -f "$log" ] || fail "no log file $log"
set +e
"$runner" delete "$b" --db "$db" < /dev/null > /dev/null 2>&1; rc=$?
set -e
[ $rc -eq 2 ] || fail "delete without --yes: exit $rc"
[ "$("$runner" runs --db "$db" --json | jq length)" -eq 2 ] || fail "deleted without --yes"
"$runner" delete "$b" --db "$db" --yes | grep -q "deleted run $b" || fail "delete --yes"
[ "$("$runner" runs --db "$db" --json | jq -c '[.[].id]')" = "[$a]" ] || fail "run $b still listed"
[ "$(sqlite3 "$db" "select count(*) from matrices where run_id = $b")" -eq 0 ] || fail "run $b's matrix left"
[ ! -e "$log" ] || fail "log file $log left"
echo "delete: run $b, its matrix and its log file gone; run $a kept"

# Unknown or malformed run ids, a missing database: exit 2, nothing created.
for args in "show $b" "show 999" "show abc" "export 999 --csv" "delete 999 --yes"; do
  set +e
  # shellcheck disable=SC2086
  "$runner" $args --db "$db" > /dev/null 2> "$tmp/err"; rc=$?
  set -e
  [ $rc -eq 2 ] || fail "'$args': exit $rc"
  grep -qE "no run|run id must be a number" "$tmp/err" || fail "'$args': $(cat "$tmp/err")"
done
set +e
"$runner" runs --db "$tmp/none.sqlite" > /dev/null 2>&1; rc=$?
set -e
{ [ $rc -eq 2 ] && [ ! -e "$tmp/none.sqlite" ]; } || fail "missing database: exit $rc or file created"
echo "bad ids and a missing database: exit 2, nothing created"
