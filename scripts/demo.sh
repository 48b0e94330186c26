#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README command 1: install, build, run the demo experiment.
#   scripts/demo.sh             the workbench window on the built-in demo
#   scripts/demo.sh --headless  the same experiment through clwb-run; prints the accuracy matrix
#                               and metrics (stderr) and the JSON summary (stdout)
set -euo pipefail
cd "$(dirname "$0")/.."
headless=0
[ "${1:-}" = "--headless" ] && headless=1 && shift
scripts/install-deps.sh >&2  # stdout carries only the JSON summary
scripts/build.sh >&2
if [ $headless -eq 1 ] || [ ! -x build/bin/clwb ] || { [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; }; then
  [ $headless -eq 0 ] && echo "demo: no display found, running headless (clwb-run --demo)" >&2
  exec build/bin/clwb-run --demo "$@"
fi
exec build/bin/clwb --demo "$@"
