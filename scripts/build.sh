#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Configures and builds everything (engine, clwb-run, GUI, tests, benchmarks) into ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${CLWB_BUILD_DIR:-build}
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
elif [ $# -gt 0 ]; then
  cmake "$build" "$@"
fi
# Two cores and LibTorch headers: -j2 keeps memory in check and uses the machine fully.
cmake --build "$build" -j "${CLWB_JOBS:-$(nproc)}"
