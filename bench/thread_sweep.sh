#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# OpenMP threads x OpenBLAS threads sweep of the ViT train step (bench_train_throughput), to
# justify the engine's default split (engine.cpp, configureThreads: auto = 1 OpenMP thread,
# OpenBLAS on all cores, unless CLWB_BLAS_THREADS is set). Prints one table row per combination.
#
# usage: bench/thread_sweep.sh [--configs "tiny base"] [--omp "1 2"] [--blas "1 2"]
#                              [--steps N] [--warmup N] [--batch N] [--wait "default passive"]
#                              [--bin PATH]
#   --wait  also sweep OMP_WAIT_POLICY (default: only the environment's setting)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$ROOT/build/bin/bench_train_throughput
CONFIGS="tiny base"
OMP="1 2"
BLAS="1 2"
WAIT="default"
EXTRA=()

while [[ $# -gt 0 ]]; do
    case "$1" in
        --configs) CONFIGS=$2; shift 2 ;;
        --omp) OMP=$2; shift 2 ;;
        --blas) BLAS=$2; shift 2 ;;
        --wait) WAIT=$2; shift 2 ;;
        --steps|--warmup|--batch) EXTRA+=("$1" "$2"); shift 2 ;;
        --bin) BIN=$2; shift 2 ;;
        -h|--help) sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "thread_sweep.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [[ ! -x $BIN ]]; then
    echo "thread_sweep.sh: $BIN not built (ninja -C build bench_train_throughput)" >&2
    exit 2
fi

ROWS=$(mktemp)
trap 'rm -f "$ROWS"' EXIT

for config in $CONFIGS; do
    for wait in $WAIT; do
        for omp in $OMP; do
            for blas in $BLAS; do
                env=()
                [[ $wait != default ]] && env=(OMP_WAIT_POLICY="$wait")
                out=$(env "${env[@]}" "$BIN" --config "$config" --threads "$omp" \
                      --blas-threads "$blas" "${EXTRA[@]}") || {
                    echo "thread_sweep.sh: $BIN failed for $config omp $omp blas $blas" >&2
                    exit 1
                }
                line=$(grep "^RESULT config=$config " <<<"$out")
                echo "$config $wait $omp $blas $line" >>"$ROWS"
                echo "  done: $config, wait $wait, omp $omp, blas $blas" >&2
            done
        done
    done
done

# RESULT key=value pairs -> table; "vs best" is samples/s relative to the best row of the config.
awk '
function field(key,   i, kv) {
    for (i = 5; i <= NF; ++i) { split($i, kv, "="); if (kv[1] == key) return kv[2] }
    return ""
}
{
    n++; cfg[n] = $1; wait[n] = $2; omp[n] = $3; blas[n] = $4
    sps[n] = field("samples_per_s"); gf[n] = field("gflops"); peak[n] = field("peak_gflops")
    share[n] = field("share"); step[n] = field("median_step_ms")
    if (sps[n] > best[$1]) best[$1] = sps[n]
}
END {
    printf "\n%-6s %-8s %4s %5s %12s %10s %10s %11s %8s %8s\n", "config", "wait", "omp", "blas",
           "step ms", "samples/s", "GFLOP/s", "peak GF/s", "of peak", "vs best"
    for (i = 1; i <= n; ++i)
        printf "%-6s %-8s %4d %5d %12.1f %10.1f %10.2f %11.1f %7.1f%% %8.2f\n", cfg[i],
               wait[i], omp[i], blas[i], step[i], sps[i], gf[i], peak[i], 100 * share[i],
               sps[i] / best[cfg[i]]
    print "(peak = torch::mm 1024x1024 sgemm with the same thread settings, measured per row)"
}' "$ROWS"
