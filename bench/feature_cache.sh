#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SimpleCIL and the linear probe (freeze) with and without the frozen-feature cache, on a
# generated CIFAR-100-format dataset (100 classes, 10 tasks B0 Inc10): wall time of each and the
# ratio. With the cache every image goes through the backbone once per run; without it, the test
# sets are re-encoded for every accuracy row and curve point (and freeze re-encodes every epoch).
#
# usage: bench/feature_cache.sh [--per-class N] [--test-per-class N] [--backbone B] [--size S]
#   defaults: 50 train + 10 test images per class, the bundled backbone (28 px), its input size.
#   A ViT-S/16 at 224 checkpoint: --backbone FILE.safetensors --size 224 (slow on 2 cores).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$ROOT/build/bin/clwb-run
PER=50 TEST=10 BACKBONE=pretrained SIZE=
while [[ $# -gt 0 ]]; do
    case "$1" in
        --per-class) PER=$2; shift 2 ;;
        --test-per-class) TEST=$2; shift 2 ;;
        --backbone) BACKBONE=$2; shift 2 ;;
        --size) SIZE=$2; shift 2 ;;
        -h|--help) sed -n '3,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "feature_cache.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[[ -x $BIN ]] || { echo "feature_cache.sh: build clwb-run first" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# CIFAR-100 binary layout: <coarse><fine><3072 bytes CHW>; class-dependent colour blobs + noise.
/usr/bin/python3 - "$WORK" "$PER" "$TEST" <<'PY'
import sys, numpy as np
out, per, test = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(0)
def write(name, n):
    recs = []
    for i in range(n):
        for c in range(100):
            img = rng.integers(0, 60, (3, 32, 32), dtype=np.uint8)
            img[c % 3, (c // 3) % 16:(c // 3) % 16 + 16, (c * 7) % 16:(c * 7) % 16 + 16] += 150
            recs.append(bytes([c // 5, c]) + img.tobytes())
    open(f"{out}/{name}", "wb").write(b"".join(recs))
write("train.bin", per); write("test.bin", test)
open(f"{out}/fine_label_names.txt", "w").write("".join(f"class{c}\n" for c in range(100)))
PY
SETS=(--preset cifar100-b0-inc10 --set "data.path=\"$WORK\"" --set "model.backbone=\"$BACKBONE\""
      --set train.eval_every=5 --set train.epochs=2 --no-db --quiet)
[[ -n $SIZE ]] && SETS+=(--set "model.image_size=$SIZE")
printf '%-10s %10s %10s %8s\n' strategy cached_s recompute_s ratio
for s in simplecil freeze; do
    t() { local a b; a=$(date +%s.%N); "$@" >/dev/null; b=$(date +%s.%N); echo "$b - $a" | bc; }
    cached=$(t "$BIN" --demo --set "strategy=\"$s\"" "${SETS[@]}")
    plain=$(CLWB_NO_FEATURE_CACHE=1 t "$BIN" --demo --set "strategy=\"$s\"" "${SETS[@]}")
    printf '%-10s %10.1f %10.1f %7.1fx\n' "$s" "$cached" "$plain" "$(echo "$plain / $cached" | bc -l)"
done
echo "($PER train + $TEST test images per class, 100 classes, 10 tasks, backbone $BACKBONE, $(nproc) cores)"
