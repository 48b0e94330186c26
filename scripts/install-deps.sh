#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian 12 packages CL Workbench needs (only the missing ones). Works as root, or as
# a user with sudo. Nothing else is downloaded, at build or at run time (only the cross-check test
# installs timm and safetensors from PyPI into build/refvenv; docs/backbones.md).
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config
  libtorch-dev libopenblas0-pthread          # LibTorch (CPU); OpenBLAS: ~14x faster than reference BLAS
  libspdlog-dev libfmt-dev libsqlite3-dev nlohmann-json3-dev zlib1g-dev
  libstb-dev libwebp-dev                     # decoding the user's JPEG/PNG/BMP and WebP images
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qt6-translations-l10n libgl-dev
  libqcustomplot-dev libqcustomplot2.1-qt6
  sqlite3 jq dataset-fashion-mnist           # sqlite3, jq: CLIs the shell tests use; /usr/share/datasets/fashion-mnist/*.gz
  xvfb xauth fonts-noto-cjk                  # headless GUI tests and screenshots; Japanese glyphs
  python3-venv python3-torch python3-torchvision  # tests/reference: the timm/torchvision cross-check
  dpkg-dev file help2man man-db lintian desktop-file-utils appstream  # scripts/check-package.sh
  slurm-wlm munge                            # tests/slurm: a private one-node cluster (own daemons)
)
[ "${CLWB_EXTRA_PACKAGES:-}" ] && read -r -a extra <<<"$CLWB_EXTRA_PACKAGES" && packages+=("${extra[@]}")

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null; then
  SUDO=(sudo)
else
  echo "install-deps: missing packages (${missing[*]}) and neither root nor sudo" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
