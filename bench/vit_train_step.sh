#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ViT-S/16 train step at 224: the engine's ViT (bench_train_throughput --arch) versus timm's in
# plain PyTorch (bench/pytorch_vit_step.py), same shapes, batch, loss and AdamW. The peer runs
# with its best thread setting from a short sweep on this machine; then both run REPS times in
# alternating order. Prints the settings, the median s/step, the speed-up (target >= 1.0x).
#
# usage: bench/vit_train_step.sh [--arch NAME] [--image-size N] [--classes N] [--batch N]
#                                [--steps N] [--warmup N] [--reps N] [--sweep-steps N]
#                                [--settings "default 1x1 1x2 2x1 2x2"] [--peer-setting S]
#                                [--ours-setting S] [--ours-sweep] [--bin PATH] [--python PATH]
#   a setting is "default" (no thread variable set, nothing called) or OxB: OpenMP O threads
#   (torch.set_num_threads / --threads) and OpenBLAS B threads (OPENBLAS_NUM_THREADS)
#   --peer-setting S  skip the peer's sweep and use S;  --ours-setting S  ours (default: default)
#   --ours-sweep      sweep ours over the same settings too (for information)
#   --peer-plain-malloc  run the peer without the glibc malloc settings the engine uses itself
#                     (by default it gets them too: MALLOC_MMAP_THRESHOLD_ 256 MB, ...)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/malloc_tuning.sh
. "$ROOT/bench/malloc_tuning.sh"
BIN=$ROOT/build/bin/bench_train_throughput
PYTHON=/usr/bin/python3
ARCH=vit_small_patch16_224
IMAGE_SIZE=0
CLASSES=10
BATCH=32
STEPS=5
WARMUP=2
REPS=2
SWEEP_STEPS=2
SETTINGS="default 1x1 1x2 2x1 2x2"
PEER_SETTING=""
PEER_SWEEP_S=0
OURS_SETTING=default
OURS_SWEEP=0
TARGET=1.0
PEER_MALLOC=1

while [[ $# -gt 0 ]]; do
    case "$1" in
        --arch) ARCH=$2; shift 2 ;;
        --image-size) IMAGE_SIZE=$2; shift 2 ;;
        --classes) CLASSES=$2; shift 2 ;;
        --batch) BATCH=$2; shift 2 ;;
        --steps) STEPS=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --sweep-steps) SWEEP_STEPS=$2; shift 2 ;;
        --settings) SETTINGS=$2; shift 2 ;;
        --peer-setting) PEER_SETTING=$2; shift 2 ;;
        --ours-setting) OURS_SETTING=$2; shift 2 ;;
        --ours-sweep) OURS_SWEEP=1; shift ;;
        --peer-plain-malloc) PEER_MALLOC=0; shift ;;
        --bin) BIN=$2; shift 2 ;;
        --python) PYTHON=$2; shift 2 ;;
        -h|--help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "vit_train_step.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
die() { echo "vit_train_step.sh: $*" >&2; exit 2; }
[[ -x $BIN ]] || die "$BIN not built (ninja -C build bench_train_throughput)"
for s in $SETTINGS $PEER_SETTING $OURS_SETTING; do
    [[ $s == default || $s =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || die "bad setting '$s' (default|OxB)"
done

LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT

# side SIDE SETTING STEPS WARMUP: one run of "pytorch" or "clwb"; prints "s_per_step omp blas".
side() {
    local who=$1 setting=$2 steps=$3 warmup=$4 log
    log=$LOGS/$who.$setting.$RANDOM.log
    local env=(env -u OMP_NUM_THREADS -u OPENBLAS_NUM_THREADS) args=()
    # The engine keeps large blocks in glibc's heap (engine.cpp, tuneAllocator); the peer gets the
    # same settings through the environment unless --peer-plain-malloc.
    [[ $who == pytorch && $PEER_MALLOC == 1 ]] && env+=("${MALLOC_TUNING[@]}")
    if [[ $setting != default ]]; then
        env+=(OMP_NUM_THREADS="${setting%x*}" OPENBLAS_NUM_THREADS="${setting#*x}")
        args=(--threads "${setting%x*}")
        [[ $who == clwb ]] && args+=(--blas-threads "${setting#*x}")
    fi
    local common=(--batch "$BATCH" --classes "$CLASSES" --steps "$steps" --warmup "$warmup")
    ((IMAGE_SIZE > 0)) && common+=(--image-size "$IMAGE_SIZE")
    if [[ $who == pytorch ]]; then
        "${env[@]}" "$PYTHON" "$ROOT/bench/pytorch_vit_step.py" --arch "$ARCH" "${common[@]}" \
            "${args[@]}" >"$log" 2>&1 || { tail -20 "$log" >&2; die "peer failed ($setting)"; }
    else
        "${env[@]}" "$BIN" --arch "$ARCH" "${common[@]}" "${args[@]}" >"$log" 2>&1 ||
            { tail -20 "$log" >&2; die "bench_train_throughput failed ($setting)"; }
    fi
    grep '^RESULT ' "$log" | tail -1 | tr ' ' '\n' |
        awk -F= '$1 == "median_step_s" { s = $2 } $1 == "omp" { o = $2 } $1 == "blas" { b = $2 }
                 END { if (s == "") exit 1; print s, o, b }'
}

# sweep SIDE: one short run per setting; prints a table and leaves the fastest in BEST (its
# s/step in BEST_S).
sweep() {
    local who=$1 s res sec omp blas
    BEST="" BEST_S=""
    printf '  %-8s %4s %5s %10s\n' setting omp blas "s/step"
    for s in $SETTINGS; do
        res=$(side "$who" "$s" "$SWEEP_STEPS" 1)
        read -r sec omp blas <<<"$res"
        printf '  %-8s %4s %5s %10.3f\n' "$s" "$omp" "$blas" "$sec"
        if [[ -z $BEST ]] || awk -v a="$sec" -v b="$BEST_S" 'BEGIN { exit !(a < b) }'; then
            BEST=$s BEST_S=$sec
        fi
    done
}

size=$IMAGE_SIZE
((size > 0)) || size="the model's"
echo "vit_train_step: $ARCH, image size $size, batch $BATCH, $CLASSES classes, AdamW lr 1e-3" \
     "wd 0; $REPS reps x $STEPS steps (+$WARMUP warm-up) each side, alternating"
if [[ -z $PEER_SETTING ]]; then
    echo "peer sweep (plain PyTorch + timm, $SWEEP_STEPS steps + 1 warm-up per setting):"
    sweep pytorch
    PEER_SETTING=$BEST PEER_SWEEP_S=$BEST_S
    echo "peer's best setting: $PEER_SETTING"
else
    echo "peer setting given: $PEER_SETTING (no sweep)"
fi
if ((OURS_SWEEP)); then
    echo "our sweep (bench_train_throughput --arch, for information; ours runs at $OURS_SETTING):"
    sweep clwb
    echo "our best setting: $BEST"
fi

py=() cl=()
for ((r = 1; r <= REPS; ++r)); do
    for who in $( ((r % 2)) && echo "pytorch clwb" || echo "clwb pytorch"); do
        if [[ $who == pytorch ]]; then
            res=$(side pytorch "$PEER_SETTING" "$STEPS" "$WARMUP")
            read -r sec py_omp py_blas <<<"$res"
            py+=("$sec")
        else
            res=$(side clwb "$OURS_SETTING" "$STEPS" "$WARMUP")
            read -r sec cl_omp cl_blas <<<"$res"
            cl+=("$sec")
        fi
        printf '  %-8s rep %d: %8.3f s/step\n' "$who" "$r" "$sec"
    done
done

awk -v py="${py[*]}" -v cl="${cl[*]}" -v target="$TARGET" -v arch="$ARCH" -v batch="$BATCH" \
    -v ps="$PEER_SETTING" -v po="$py_omp" -v pb="$py_blas" \
    -v cs="$OURS_SETTING" -v co="$cl_omp" -v cb="$cl_blas" -v sweep_s="$PEER_SWEEP_S" -v pm="$PEER_MALLOC" '
function median(str,   v, n, i, j, t) {
    n = split(str, v, " ")
    for (i = 1; i <= n; ++i)
        for (j = i + 1; j <= n; ++j)
            if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
BEGIN {
    mp = median(py); mc = median(cl); speedup = mp / mc
    printf "\nsettings: PyTorch %s (OpenMP %s, OpenBLAS %s, %s); clwb %s (OpenMP %s, OpenBLAS %s)\n",
           ps, po, pb, (pm ? "glibc malloc tuned as the engine does" : "plain glibc malloc"), cs, co, cb
    printf "median s/step (batch %d): PyTorch+timm %.3f s, clwb %.3f s\n", batch, mp, mc
    if (sweep_s > 0 && mp > 1.5 * sweep_s)
        printf "WARNING: the peer took %.3f s/step in its sweep but %.3f s/step now: the machine " \
               "is busy or the setting is erratic; rerun on an idle machine or pass " \
               "--peer-setting\n", sweep_s, mp
    printf "TARGET speed-up (PyTorch s/step / clwb s/step): %.2fx, target >= %.1fx, " \
           "ratio %.2f -> %s\n",
           speedup, target, speedup / target, (speedup >= target ? "PASS" : "MISS")
    printf "RESULT arch=%s batch=%d pytorch_s_per_step=%.4f clwb_s_per_step=%.4f speedup=%.3f " \
           "pytorch_setting=%s pytorch_omp=%s pytorch_blas=%s clwb_setting=%s clwb_omp=%s " \
           "clwb_blas=%s\n", arch, batch, mp, mc, speedup, ps, po, pb, cs, co, cb
}'
