#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# clwb-run versus plain PyTorch on the same experiment: sequential fine-tuning of a random-init
# ViT on Split Fashion-MNIST 5x2 (bench/seq-ft-random.json / bench/pytorch_seq_ft.py), both timed
# end to end with /usr/bin/time, REPS times each in alternating order. Prints the median times,
# the speed-up (target >= 1.5x) and how far apart the two final accuracy matrices are.
#
# usage: bench/compare_pytorch.sh [--reps N] [--limit N] [--test-limit N] [--threads N]
#                                 [--bin PATH] [--python PATH] [--keep DIR]
#   --limit / --test-limit  training / test images per class on both sides (default: all)
#   --threads N             intra-op threads on both sides (default: 2 for Python, all cores
#                           for clwb-run, i.e. 2 on the reference machine)
#   --keep DIR              keep logs and JSON summaries in DIR
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$ROOT/build/bin/clwb-run
PYTHON=/usr/bin/python3
REPS=3
LIMIT=0
TEST_LIMIT=0
THREADS=0
KEEP=""
TARGET=1.5

while [[ $# -gt 0 ]]; do
    case "$1" in
        --reps) REPS=$2; shift 2 ;;
        --limit) LIMIT=$2; shift 2 ;;
        --test-limit) TEST_LIMIT=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --bin) BIN=$2; shift 2 ;;
        --python) PYTHON=$2; shift 2 ;;
        --keep) KEEP=$2; shift 2 ;;
        -h|--help) sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "compare_pytorch.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
die() { echo "compare_pytorch.sh: $*" >&2; exit 2; }
[[ -x $BIN ]] || die "$BIN not built (ninja -C build clwb-run)"
[[ -x /usr/bin/time ]] || die "needs /usr/bin/time (apt install time)"

if [[ -n $KEEP ]]; then
    mkdir -p "$KEEP"
    WORK=$(cd "$KEEP" && pwd)
else
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
fi

PY_ARGS=(--limit "$LIMIT" --test-limit "$TEST_LIMIT")
CL_ARGS=(--set "data.train_per_class=$LIMIT" --set "data.test_per_class=$TEST_LIMIT")
if [[ $THREADS -gt 0 ]]; then
    PY_ARGS+=(--threads "$THREADS")
    CL_ARGS+=(--set "threads=$THREADS")
fi

# run NAME REP COMMAND...: times one run; its log, JSON and time land in $WORK.
run() {
    local name=$1 rep=$2
    shift 2
    if ! /usr/bin/time -f "%e" -o "$WORK/$name.$rep.time" "$@" >"$WORK/$name.$rep.log" 2>&1; then
        echo "compare_pytorch.sh: $name run $rep failed; end of its log:" >&2
        tail -20 "$WORK/$name.$rep.log" >&2
        exit 1
    fi
    printf '  %-8s rep %d: %8.2f s\n' "$name" "$rep" "$(tail -1 "$WORK/$name.$rep.time")"
}
run_python() {
    run pytorch "$1" "$PYTHON" "$ROOT/bench/pytorch_seq_ft.py" "${PY_ARGS[@]}" \
        --json "$WORK/pytorch.$1.json"
}
run_clwb() {
    run clwb "$1" "$BIN" --config "$ROOT/bench/seq-ft-random.json" --no-db "${CL_ARGS[@]}" \
        --summary-json "$WORK/clwb.$1.json"
}

echo "compare_pytorch: $REPS reps each, train/class ${LIMIT/#0/all}," \
     "test/class ${TEST_LIMIT/#0/all}, threads ${THREADS/#0/default}"
for ((r = 1; r <= REPS; ++r)); do
    if ((r % 2)); then run_python "$r"; run_clwb "$r"; else run_clwb "$r"; run_python "$r"; fi
done

"$PYTHON" - "$WORK" "$REPS" "$TARGET" <<'EOF'
import json, statistics, sys

work, reps, target = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])

def times(name):
    return [float(open(f"{work}/{name}.{r}.time").read().split()[-1]) for r in range(1, reps + 1)]

def matrix(name):
    return json.load(open(f"{work}/{name}.{reps}.json"))["accuracy_matrix"]

py, cl = times("pytorch"), times("clwb")
mpy, mcl = statistics.median(py), statistics.median(cl)
speedup = mpy / mcl
print(f"\nmedian wall time (end to end): PyTorch {mpy:.2f} s, clwb-run {mcl:.2f} s")
print(f"TARGET speed-up: {speedup:.2f}x, target >= {target:.1f}x, "
      f"ratio {speedup / target:.2f} -> {'PASS' if speedup >= target else 'MISS'}")

a, b = matrix("pytorch"), matrix("clwb")
if len(a) != len(b) or any(len(x) != len(y) for x, y in zip(a, b)):
    sys.exit("the two accuracy matrices have different shapes")
diff = max(abs(x - y) for ra, rb in zip(a, b) for x, y in zip(ra, rb))
at_py, at_cl = sum(a[-1]) / len(a[-1]), sum(b[-1]) / len(b[-1])
fmt = lambda row: " ".join(f"{100 * v:5.1f}" for v in row)
print(f"\nfinal row (after the last task), % per task:")
print(f"  PyTorch  {fmt(a[-1])}")
print(f"  clwb-run {fmt(b[-1])}")
print(f"max |difference| over the final accuracy matrices: {diff:.3f}")
verdict = "same within noise" if abs(at_py - at_cl) < 0.05 else "DIFFERENT (|dA_T| >= 0.05)"
print(f"A_T: PyTorch {at_py:.3f}, clwb-run {at_cl:.3f}, "
      f"|dA_T| {abs(at_py - at_cl):.3f} -> {verdict}")
print(f"RESULT pytorch_s={mpy:.3f} clwb_s={mcl:.3f} speedup={speedup:.3f} "
      f"max_abs_diff={diff:.4f} at_pytorch={at_py:.4f} at_clwb={at_cl:.4f}")
EOF
