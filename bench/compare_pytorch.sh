#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# clwb-run versus plain PyTorch on the same experiment, both timed end to end with /usr/bin/time
# (wall, user and system seconds, CPU utilisation), REPS times each in alternating order:
#   seq-ft (default)  sequential fine-tuning of a random-init ViT on Split Fashion-MNIST 5x2
#                     (bench/seq-ft-random.json / bench/pytorch_seq_ft.py), target >= 1.5x
#   seq-lora, o-lora, lorac-ipc
#                     the demo (resources/demo.json: the bundled pretrained backbone, 2000 / 500
#                     images per class, live curves every 5 steps) with that strategy
#                     (clwb-run --demo / bench/pytorch_lora_cl.py), target >= 1.3x
# The PyTorch side runs with its fastest thread setting, chosen by a short sweep (--sweep-limit
# images) and a final round of the two fastest at the timed size, on this machine first. Prints
# both thread settings, the median times, the speed-up and how far apart the two final accuracy
# matrices are.
#
# usage: bench/compare_pytorch.sh [--experiment E] [--reps N] [--limit N] [--test-limit N]
#                                 [--threads N]
#                                 [--peer-setting S] [--settings "default 1x1 1x2 2x1 2x2"]
#                                 [--sweep-limit N] [--sweep-test-limit N]
#                                 [--bin PATH] [--python PATH] [--keep DIR]
#   --experiment E          seq-ft | seq-lora | o-lora | lorac-ipc (default seq-ft)
#   --limit / --test-limit  training / test images per class on both sides (default: all for
#                           seq-ft, the demo's 2000 / 500 for the others)
#   --threads N             N threads on both sides: clwb-run threads=N (N shards, or N OpenMP +
#                           N OpenBLAS where a strategy runs batches whole), PyTorch setting NxN,
#                           no sweep (default: clwb-run auto = one single-threaded shard per core;
#                           PyTorch swept)
#   --shards N              clwb-run's train.shards (default 0 = auto; 1 = batches run whole)
#   --accuracy-seeds "1 2"  after the timed reps (seed 0), one untimed run of each side per seed:
#                           A_T mean and std over seed 0 and these (one seed's matrix is noisy
#                           where a strategy forgets much)
#   --peer-setting S        PyTorch's setting, no sweep: "default" (nothing set) or OxB =
#                           torch.set_num_threads(O), OPENBLAS_NUM_THREADS=B
#   --settings LIST         the settings the sweep tries (default "default 1x1 1x2 2x1 2x2")
#   --sweep-limit N         training / test images per class of each sweep run (default 1000 /
#   --sweep-test-limit N    200, or --limit / --test-limit when smaller)
#   --peer-plain-malloc     no glibc malloc tuning for the peer (default: the engine's own)
#   --keep DIR              keep logs and JSON summaries in DIR
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/malloc_tuning.sh
. "$ROOT/bench/malloc_tuning.sh"
BIN=$ROOT/build/bin/clwb-run
PYTHON=/usr/bin/python3
REPS=3
EXPERIMENT=seq-ft
LIMIT=""
TEST_LIMIT=""
SHARDS=0
ACC_SEEDS=""
THREADS=0
KEEP=""
PEER_SETTING=""
SETTINGS="default 1x1 1x2 2x1 2x2"
SWEEP_LIMIT=1000
SWEEP_TEST_LIMIT=200
TARGET=1.5
PEER_MALLOC=1

while [[ $# -gt 0 ]]; do
    case "$1" in
        --reps) REPS=$2; shift 2 ;;
        --experiment) EXPERIMENT=$2; shift 2 ;;
        --shards) SHARDS=$2; shift 2 ;;
        --accuracy-seeds) ACC_SEEDS=$2; shift 2 ;;
        --limit) LIMIT=$2; shift 2 ;;
        --test-limit) TEST_LIMIT=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --bin) BIN=$2; shift 2 ;;
        --python) PYTHON=$2; shift 2 ;;
        --keep) KEEP=$2; shift 2 ;;
        --peer-plain-malloc) PEER_MALLOC=0; shift ;;
        --peer-setting) PEER_SETTING=$2; shift 2 ;;
        --settings) SETTINGS=$2; shift 2 ;;
        --sweep-limit) SWEEP_LIMIT=$2; shift 2 ;;
        --sweep-test-limit) SWEEP_TEST_LIMIT=$2; shift 2 ;;
        -h|--help) sed -n '3,37p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "compare_pytorch.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
die() { echo "compare_pytorch.sh: $*" >&2; exit 2; }
[[ -x $BIN ]] || die "$BIN not built (ninja -C build clwb-run)"
[[ -x /usr/bin/time ]] || die "needs /usr/bin/time (apt install time)"
case $EXPERIMENT in
    seq-ft)
        PEER_SCRIPT=$ROOT/bench/pytorch_seq_ft.py PEER_EXTRA=()
        CL_RUN=(--config "$ROOT/bench/seq-ft-random.json")
        TARGET=1.5 LIMIT=${LIMIT:-0} TEST_LIMIT=${TEST_LIMIT:-0} ;;
    seq-lora|o-lora|lorac-ipc)
        PEER_SCRIPT=$ROOT/bench/pytorch_lora_cl.py PEER_EXTRA=(--strategy "$EXPERIMENT")
        CL_RUN=(--demo --set "strategy=$EXPERIMENT")
        TARGET=1.3 LIMIT=${LIMIT:-2000} TEST_LIMIT=${TEST_LIMIT:-500}
        ((SWEEP_LIMIT > 500)) && SWEEP_LIMIT=500 ;;
    *) die "unknown experiment '$EXPERIMENT' (seq-ft | seq-lora | o-lora | lorac-ipc)" ;;
esac
[[ -z $PEER_SETTING && $THREADS -gt 0 ]] && PEER_SETTING=${THREADS}x$THREADS
for s in $SETTINGS $PEER_SETTING; do
    [[ $s == default || $s =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || die "bad setting '$s' (default|OxB)"
done

if [[ -n $KEEP ]]; then
    mkdir -p "$KEEP"
    WORK=$(cd "$KEEP" && pwd)
else
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
fi

PY_ARGS=(--limit "$LIMIT" --test-limit "$TEST_LIMIT")
CL_ARGS=(--set "data.train_per_class=$LIMIT" --set "data.test_per_class=$TEST_LIMIT"
         --set "train.shards=$SHARDS")
CORES=$(nproc)
if [[ $THREADS -gt 0 ]]; then
    CL_ARGS+=(--set "threads=$THREADS")
    CL_SETTING="threads $THREADS"
else  # the engine's configureThreads: auto = 1 OpenMP thread, OpenBLAS on all cores
    CL_SETTING="threads auto"
fi
CL_SETTING+=", train.shards $SHARDS"
[[ $SHARDS == 0 ]] && CL_SETTING+=" (auto)"

# peer_env SETTING: the environment prefix and extra arguments of the PyTorch side.
peer_env() {
    PEER_ENV=(env -u OMP_NUM_THREADS -u OPENBLAS_NUM_THREADS)
    # clwb-run keeps large blocks in glibc's heap (engine.cpp, tuneAllocator): so does the peer,
    # through the environment, unless --peer-plain-malloc.
    ((PEER_MALLOC)) && PEER_ENV+=("${MALLOC_TUNING[@]}")
    PEER_THREADS=()
    if [[ $1 != default ]]; then
        PEER_ENV+=(OMP_NUM_THREADS="${1%x*}" OPENBLAS_NUM_THREADS="${1#*x}")
        PEER_THREADS=(--threads "${1%x*}")
    fi
}

# time_peer TAG SETTING ARGS...: one timed end-to-end run of the peer at SETTING with ARGS; its
# log, JSON and time land in $WORK/TAG.SETTING.*; prints the seconds.
time_peer() {
    local tag=$1 s=$2
    shift 2
    peer_env "$s"
    if ! /usr/bin/time -f "%e %U %S" -o "$WORK/$tag.$s.time" "${PEER_ENV[@]}" "$PYTHON" \
            "$PEER_SCRIPT" "${PEER_EXTRA[@]}" "$@" "${PEER_THREADS[@]}" \
            --json "$WORK/$tag.$s.json" >"$WORK/$tag.$s.log" 2>&1; then
        echo "compare_pytorch.sh: $tag run $s failed; end of its log:" >&2
        tail -20 "$WORK/$tag.$s.log" >&2
        exit 1
    fi
    tail -1 "$WORK/$tag.$s.time" | awk '{ print $1 }'
}

# faster A B: true when A seconds beat B (or B is empty).
faster() { [[ -z $2 ]] || awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# run NAME REP COMMAND...: times one run; its log, JSON and time land in $WORK.
run() {
    local name=$1 rep=$2
    shift 2
    if ! /usr/bin/time -f "%e %U %S" -o "$WORK/$name.$rep.time" "$@" >"$WORK/$name.$rep.log" 2>&1; then
        echo "compare_pytorch.sh: $name run $rep failed; end of its log:" >&2
        tail -20 "$WORK/$name.$rep.log" >&2
        exit 1
    fi
    read -r wall user sys < <(tail -1 "$WORK/$name.$rep.time")
    printf '  %-8s rep %d: %8.2f s wall, %6.2f s user, %6.2f s system, CPU %3.0f %%\n' "$name" \
        "$rep" "$wall" "$user" "$sys" "$(awk -v w="$wall" -v u="$user" -v s="$sys" \
        'BEGIN { print (w > 0 ? 100 * (u + s) / w : 0) }')"
}
run_python() {
    peer_env "$PEER_SETTING"
    run pytorch "$1" "${PEER_ENV[@]}" "$PYTHON" "$PEER_SCRIPT" "${PEER_EXTRA[@]}" "${PY_ARGS[@]}" \
        "${PEER_THREADS[@]}" --json "$WORK/pytorch.$1.json"
}
run_clwb() {
    run clwb "$1" "$BIN" "${CL_RUN[@]}" --no-db "${CL_ARGS[@]}" \
        --summary-json "$WORK/clwb.$1.json"
}

echo "compare_pytorch: $EXPERIMENT, $REPS reps each, train/class ${LIMIT/#0/all}," \
     "test/class ${TEST_LIMIT/#0/all}; clwb-run threads: $CL_SETTING"

# The peer's thread sweep: one shorter end-to-end run per setting, the fastest wins.
if [[ -z $PEER_SETTING ]]; then
    ((LIMIT > 0 && LIMIT < SWEEP_LIMIT)) && SWEEP_LIMIT=$LIMIT
    ((TEST_LIMIT > 0 && TEST_LIMIT < SWEEP_TEST_LIMIT)) && SWEEP_TEST_LIMIT=$TEST_LIMIT
    echo "PyTorch thread sweep ($SWEEP_LIMIT train / $SWEEP_TEST_LIMIT test images per class," \
         "end to end):"
    best_s=""
    for s in $SETTINGS; do
        sec=$(time_peer sweep "$s" --limit "$SWEEP_LIMIT" --test-limit "$SWEEP_TEST_LIMIT")
        printf '  %-8s OpenMP %s, OpenBLAS %s: %8.2f s\n' "$s" \
            "$(sed -n 's/.*"threads": \([0-9-]*\).*/\1/p' "$WORK/sweep.$s.json")" \
            "$(sed -n 's/.*"blas_threads": \([0-9-]*\).*/\1/p' "$WORK/sweep.$s.json")" "$sec"
        if faster "$sec" "$best_s"; then PEER_SETTING=$s best_s=$sec; fi
        echo "$sec $s" >>"$WORK/sweep.ranking"
    done
    # The short runs rank the settings only roughly (default and 1x1 came within 6 % of each
    # other at 1000 images per class and 20 % apart at full size): the two fastest meet again at
    # the timed size, once each, and the faster of those is the peer's setting.
    mapfile -t finalists < <(sort -g "$WORK/sweep.ranking" | head -2 | awk '{ print $2 }')
    if ((${#finalists[@]} == 2)); then
        echo "final round at the timed size:"
        best_s=""
        for s in "${finalists[@]}"; do
            sec=$(time_peer final "$s" "${PY_ARGS[@]}")
            printf '  %-8s %8.2f s\n' "$s" "$sec"
            if faster "$sec" "$best_s"; then PEER_SETTING=$s best_s=$sec; fi
        done
    fi
    echo "PyTorch's fastest setting: $PEER_SETTING"
else
    echo "PyTorch setting given: $PEER_SETTING (no sweep)"
fi
if ((PEER_MALLOC)); then
    echo "PyTorch's glibc malloc: tuned as clwb-run tunes its own (MALLOC_MMAP_THRESHOLD_ 256 MB, ...)"
else
    echo "PyTorch's glibc malloc: plain (--peer-plain-malloc); clwb-run tunes its own"
fi
for ((r = 1; r <= REPS; ++r)); do
    if ((r % 2)); then run_python "$r"; run_clwb "$r"; else run_clwb "$r"; run_python "$r"; fi
done

for s in $ACC_SEEDS; do
    [[ $s =~ ^[0-9]+$ ]] || die "bad seed '$s'"
    peer_env "$PEER_SETTING"
    run pytorch-seed "$s" "${PEER_ENV[@]}" "$PYTHON" "$PEER_SCRIPT" "${PEER_EXTRA[@]}" \
        "${PY_ARGS[@]}" "${PEER_THREADS[@]}" --seed "$s" --json "$WORK/pytorch-seed.$s.json"
    run clwb-seed "$s" "$BIN" "${CL_RUN[@]}" --no-db "${CL_ARGS[@]}" --set "seed=$s" \
        --summary-json "$WORK/clwb-seed.$s.json"
done

"$PYTHON" - "$WORK" "$REPS" "$TARGET" "$PEER_SETTING" "$CL_SETTING" "$EXPERIMENT" $ACC_SEEDS <<'EOF'
import json, re, statistics, sys

work, reps, target = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
peer_setting, clwb_setting, experiment = sys.argv[4:7]
acc_seeds = sys.argv[7:]

def fields(name, i):
    """Field i (0 wall, 1 user, 2 system seconds) of each rep's /usr/bin/time line."""
    return [float(open(f"{work}/{name}.{r}.time").read().split("\n")[-2].split()[i])
            for r in range(1, reps + 1)]

def times(name):
    return fields(name, 0)

def usage(name):
    """Median user and system seconds and CPU utilisation (% of one core) of the reps."""
    wall, user, sys_ = fields(name, 0), fields(name, 1), fields(name, 2)
    cpu = [100 * (u + s) / w for w, u, s in zip(wall, user, sys_)]
    return statistics.median(user), statistics.median(sys_), statistics.median(cpu)

# What the engine did with its threads, from its own log of the last rep.
log = open(f"{work}/clwb.{reps}.log").read()
m = re.search(r"batches split over (\d+) single-threaded shards", log)
clwb_shards = int(m.group(1)) if m else 1
clwb_setting += f": {clwb_shards} shard(s)" + ("" if m else " (batches whole)")

def matrix(name):
    return json.load(open(f"{work}/{name}.{reps}.json"))["accuracy_matrix"]

py, cl = times("pytorch"), times("clwb")
mpy, mcl = statistics.median(py), statistics.median(cl)
speedup = mpy / mcl
peer = json.load(open(f"{work}/pytorch.{reps}.json"))
peer_omp, peer_blas = peer.get("threads", -1), peer.get("blas_threads", -1)
print(f"\nexperiment {experiment}")
print(f"threads: PyTorch {peer_setting} (OpenMP {peer_omp}, OpenBLAS {peer_blas}); "
      f"clwb-run {clwb_setting}")
print(f"median wall time (end to end): PyTorch {mpy:.2f} s, clwb-run {mcl:.2f} s")
upy, ucl = usage("pytorch"), usage("clwb")
for label, (u, s, c) in (("PyTorch ", upy), ("clwb-run", ucl)):
    print(f"  {label} median user {u:.2f} s, system {s:.2f} s, CPU utilisation {c:.0f} %")
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
if acc_seeds:
    def a_t(path):
        m = json.load(open(path))["accuracy_matrix"]
        return sum(m[-1]) / len(m[-1])
    seeds = ["0"] + acc_seeds
    sides = {"PyTorch ": [at_py] + [a_t(f"{work}/pytorch-seed.{s}.json") for s in acc_seeds],
             "clwb-run": [at_cl] + [a_t(f"{work}/clwb-seed.{s}.json") for s in acc_seeds]}
    print(f"A_T over seeds {', '.join(seeds)}:")
    for label, v in sides.items():
        print(f"  {label} {statistics.mean(v):.3f} +- {statistics.stdev(v):.3f}  "
              f"({' '.join(f'{x:.3f}' for x in v)})")
    gap = abs(statistics.mean(sides["PyTorch "]) - statistics.mean(sides["clwb-run"]))
    noise = max(statistics.stdev(v) for v in sides.values())
    print(f"  |difference of the means| {gap:.3f} vs the larger std {noise:.3f} -> "
          f"{'within noise' if gap <= noise else 'BEYOND the seed noise'}")
print(f"RESULT experiment={experiment} pytorch_s={mpy:.3f} clwb_s={mcl:.3f} "
      f"speedup={speedup:.3f} max_abs_diff={diff:.4f} at_pytorch={at_py:.4f} at_clwb={at_cl:.4f} "
      f"pytorch_setting={peer_setting} pytorch_omp={peer_omp} pytorch_blas={peer_blas} "
      f"pytorch_sys_s={upy[1]:.2f} pytorch_cpu_pct={upy[2]:.0f} clwb_shards={clwb_shards} "
      f"clwb_sys_s={ucl[1]:.2f} clwb_cpu_pct={ucl[2]:.0f}")
EOF
