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

# The GUI is not built: it links the engine only, and Qt is the same in both builds.
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
    -DCLWB_BUILD_GUI=OFF
fi
cmake --build "$build" -j "${CLWB_JOBS:-$(nproc)}"
(cd "$build" && ctest -j "$(nproc)" --output-on-failure)

if [ "$bench" = 1 ]; then
  [ -x build/bin/clwb-run ] || scripts/build.sh
  echo "== benchmarks: Debian LibTorch 1.13 (build) vs LibTorch $version ($build)"
  for b in build "$build"; do
    echo "-- $b: train_throughput"
    "$b/bin/train_throughput"
  done
  for b in build "$build"; do
    echo "-- $b: demo (clwb-run --demo --headless)"
    /usr/bin/time -f "%e s wall, %U s user, %S s system" "$b/bin/clwb-run" --demo --no-db --quiet \
      > /dev/null
  done
fi
