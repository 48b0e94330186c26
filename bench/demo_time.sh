#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# End-to-end wall time of the bundled demo, `clwb-run --demo --no-db` (target <= 60 s), measured
# with /usr/bin/time: process start, data loading, training, evaluation, exit.
#
# usage: bench/demo_time.sh [--reps N] [--bin PATH] [-- extra clwb-run arguments]
#   extra arguments go to clwb-run, e.g. -- --set data.train_per_class=50 for a quick check
#   (the target applies to the demo as shipped, without extras)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$ROOT/build/bin/clwb-run
REPS=1
TARGET=60
EXTRA=()

while [[ $# -gt 0 ]]; do
    case "$1" in
        --reps) REPS=$2; shift 2 ;;
        --bin) BIN=$2; shift 2 ;;
        --) shift; EXTRA=("$@"); break ;;
        -h|--help) sed -n '3,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "demo_time.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
die() { echo "demo_time.sh: $*" >&2; exit 2; }
[[ -x $BIN ]] || die "$BIN not built (ninja -C build clwb-run)"
[[ -x /usr/bin/time ]] || die "needs /usr/bin/time (apt install time)"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "demo_time: $BIN --demo --no-db ${EXTRA[*]}, $REPS rep(s)"
times=()
for ((r = 1; r <= REPS; ++r)); do
    if ! /usr/bin/time -f "%e" -o "$WORK/time" "$BIN" --demo --no-db "${EXTRA[@]}" \
            >"$WORK/log" 2>&1; then
        echo "demo_time.sh: the demo failed; end of its log:" >&2
        tail -20 "$WORK/log" >&2
        exit 1
    fi
    t=$(tail -1 "$WORK/time")
    times+=("$t")
    printf '  rep %d: %8.2f s\n' "$r" "$t"
done

grep -E '^(A_T|status)' "$WORK/log" | sed 's/^/  last run: /'
printf '%s\n' "${times[@]}" | sort -g | awk -v target="$TARGET" -v extra="${#EXTRA[@]}" '
{ t[NR] = $1 }
END {
    m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    printf "TARGET demo wall time (median of %d): %.2f s, target <= %d s, ratio %.2f -> %s%s\n",
           NR, m, target, m / target, (m <= target ? "PASS" : "MISS"),
           (extra > 0 ? " (with extra arguments: not the shipped demo)" : "")
    printf "RESULT demo_s=%.3f\n", m
}'
