#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A study on the demo-sized experiment (Split Fashion-MNIST 5x2, 1000 train / 500 test images
# per class, 1 epoch, the bundled backbone): STRATEGIES x 3 seeds, once in process (one run after
# another, auto threads) and once as a local pool of 2 clwb-run children (1 thread each), each
# under /usr/bin/time -v. Prints wall time, CPU utilisation, the pool/in-process wall ratio, and
# each merge's time as a share of its run's training time (docs/performance.md, "Studies").
#
# usage: bench/study_pool.sh [--bin PATH] [--strategies "finetune ewc ..."] [--seeds N]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$ROOT/build/bin/clwb-run
STRATEGIES="finetune ewc simplecil seq-lora"
SEEDS=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        --bin) BIN=$2; shift 2 ;;
        --strategies) STRATEGIES=$2; shift 2 ;;
        --seeds) SEEDS=$2; shift 2 ;;
        -h|--help) sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "study_pool.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[[ -x $BIN ]] || { echo "study_pool.sh: $BIN not built" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "study_pool.sh: needs /usr/bin/time (apt install time)" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
configs=$(for s in $STRATEGIES; do printf '{"strategy": "%s"},' "$s"; done)
cat > "$WORK/study.json" <<JSON
{"name": "demo pool benchmark", "base": "$ROOT/resources/demo.json",
 "configurations": [${configs%,}], "seeds": $SEEDS}
JSON
runs=$(( $(wc -w <<< "$STRATEGIES") * SEEDS ))
echo "study: $STRATEGIES x $SEEDS seeds = $runs demo-sized runs on $(nproc) cores"

measure() {  # name, executor, extra arguments
    local name=$1 executor=$2; shift 2
    /usr/bin/time -v -o "$WORK/$name.time" "$BIN" study "$WORK/study.json" --db "$WORK/$name.sqlite" \
        --executor "$executor" --folder "$WORK/$name" "$@" > "$WORK/$name.json" 2> "$WORK/$name.err"
    local wall cpu
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
                for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$WORK/$name.time")
    cpu=$(awk -F': ' '/Percent of CPU/ { print $2 }' "$WORK/$name.time")
    echo "$name: wall ${wall} s, CPU ${cpu} (of $(( $(nproc) * 100 ))%)" >&2
    echo "$wall"
}
inproc=$(measure inprocess inprocess)
pool=$(measure pool local --max-parallel 2)
awk -v a="$inproc" -v b="$pool" 'BEGIN { printf "wall ratio pool / in process: %.2f (%.2fx faster)\n", b / a, a / b }'

# Merge time per run against the run's own training time (its summary's wall_seconds).
grep -o 'task [0-9]* (.*merged as run [0-9]* in [0-9]* ms' "$WORK/pool.err" |
  sed -E 's/^task ([0-9]+) .* in ([0-9]+) ms$/\1 \2/' | while read -r task ms; do
    train=$(jq -r .wall_seconds "$WORK/pool/runs/$task.summary.json")
    echo "$task $ms $train"
  done | awk '{ share = $2 / 1000 / $3; s += share; m += $2; if (share > max) max = share; n++ }
              END { printf "merge: %.0f ms per run on average, %.3f %% of its training time (max %.3f %%), %d runs\n",
                           m / n, 100 * s / n, 100 * max, n }'
echo "runs merged: $(sqlite3 "$WORK/pool.sqlite" 'select count(*) from runs') (pool), $(sqlite3 "$WORK/inprocess.sqlite" 'select count(*) from runs') (in process)"
