#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README command 2 (and CI): install, build, run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd "${CLWB_BUILD_DIR:-build}"
# GUI tests render offscreen; no display needed.
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "${CLWB_TEST_JOBS:-1}"
cd - >/dev/null
# The Debian package: built, linted, installed with apt, demo and window run from /usr/bin, purged.
scripts/check-package.sh --no-build
