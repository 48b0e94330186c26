#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Renders clwb.svg into the PNG sizes the package installs (icons/<N>x<N>/clwb.png). The PNGs are
# committed so building needs no SVG renderer; rerun this after editing the SVG.
# Needs rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")"
for n in 16 22 24 32 48 64 128 256; do
  mkdir -p "icons/${n}x${n}"
  rsvg-convert -w "$n" -h "$n" clwb.svg -o "icons/${n}x${n}/clwb.png"
done
