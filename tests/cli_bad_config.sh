#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# clwb-run refuses a bad config before doing anything: exit code 2 and one line per problem,
# each naming its JSON path and what is wrong (not only a failing exit code).
set -euo pipefail
runner=$1 config=$2
set +e
out=$("$runner" --config "$config" --no-db 2>&1)
rc=$?
set -e
[ $rc -eq 2 ] || { echo "expected exit code 2, got $rc"; echo "$out"; exit 1; }
for expected in \
    "the configuration has 4 problems" \
    "train.batch_sise: unknown key 'batch_sise' (did you mean 'batch_size'?)" \
    "train.lr: expected a number, got a string" \
    "data.tasks[1]: class 1 (Class 1) is also in task 0" \
    "data.tasks[2]: task 2 has no classes"; do
  grep -qF "$expected" <<<"$out" || { echo "missing: $expected"; echo "$out"; exit 1; }
done
echo "bad config refused with exit code 2 and all four problems named"
