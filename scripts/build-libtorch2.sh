#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the engine, clwb-run, the benchmarks and the engine's tests against the LibTorch inside
# PyTorch's PyPI wheel (2.x, the CUDA build; no GPU needed to build or to run here on the CPU),
# next to the Debian LibTorch 1.13 of ./build, and runs the tests on the CPU.
#
#   scripts/build-libtorch2.sh            # venv + wheel, configure, build, ctest
#   scripts/build-libtorch2.sh --bench    # then the same benchmarks with both builds
#
# The wheel lands in build/torch2venv (pip; about 4 GB with its CUDA libraries), the build in
# build-torch2 (CLWB_TORCH2_BUILD). CLWB_TORCH_SPEC picks the wheel (default: the one measured in
# docs/performance.md). Run scripts/install-deps.sh first on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
spec=${CLWB_TORCH_SPEC:-torch==2.15.0}
venv=build/torch2venv
build=${CLWB_TORCH2_BUILD:-build-torch2}
bench=0
[ "${1:-}" = "--bench" ] && bench=1

if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
  [ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv "$venv"
  echo "== installing $spec into $venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$spec"
fi
prefix=$("$venv/bin/python" -c 'import torch; print(torch.utils.cmake_prefix_path)')
version=$("$venv/bin/python" -c 'import torch; print(torch.__version__)')
echo "== LibTorch $version from $prefix"

# The linker resolves libtorch_cuda's NCCL/cuDNN/... by path: point it at the wheel's own CUDA
# libraries, or it takes an older system NCCL (the CUDA toolkit's) and fails on missing symbols.
# At run time libtorch_cuda's RPATH ($ORIGIN/../../nvidia/...) finds them.
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
links=$(find "$site/nvidia" -maxdepth 3 -type d -name lib | sort | paste -sd:)
# TorchConfig's find_library looks in the system directories before the wheel's, where Debian's
# libtorch-dev has a libtorch.so and libc10.so of its own: name the wheel's.
torchlib=$(cd "$(dirname "$(dirname "$prefix")")/lib" && pwd)
# The GUI is not built: it links the engine only, and Qt is the same in both builds.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  -DCLWB_BUILD_GUI=OFF -DTORCH_CUDA_ARCH_LIST=9.0 \
  -DTORCH_LIBRARY="$torchlib/libtorch.so" -Dc10_LIBRARY="$torchlib/libc10.so" \
  -DCMAKE_EXE_LINKER_FLAGS="-Wl,-rpath-link,$links" > /dev/null
cmake --build "$build" -j "${CLWB_JOBS:-$(nproc)}"
(cd "$build" && ctest -j "$(nproc)" --output-on-failure)

if [ "$bench" = 1 ]; then
  [ -x build/bin/clwb-run ] || scripts/build.sh
  export OMP_WAIT_POLICY=PASSIVE
  echo "== benchmarks: Debian LibTorch 1.13 (build) vs LibTorch $version ($build), $(nproc) cores"
  for b in build "$build"; do
    echo "-- $b: bench_train_throughput (engine's auto threads, then 2 OpenMP threads)"
    "$b/bin/bench_train_throughput" | grep -E "^(bench_|sgemm|RESULT)"
    "$b/bin/bench_train_throughput" --threads 2 | grep -E "^(sgemm|RESULT)"
  done
  # End to end, each build at each thread setting (0 = the engine's auto), interleaved.
  for run in "demo|--demo" "seq-ft|--config bench/seq-ft-random.json"; do
    name=${run%%|*}
    for threads in 0 1 2; do
      for b in build "$build"; do
        out=$(mktemp)
        /usr/bin/time -f "%e %U %S" -o "$out.time" "$b/bin/clwb-run" ${run#*|} --no-db --quiet \
          --set threads=$threads --summary-json "$out" > /dev/null
        at=$(python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['metrics']['final_average_accuracy'], 4))" "$out")
        read -r wall user sys < "$out.time"
        echo "RESULT run=$name build=$b threads=$threads wall_s=$wall user_s=$user sys_s=$sys A_T=$at"
        rm -f "$out" "$out.time"
      done
    done
  done
fi
