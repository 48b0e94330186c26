# SPDX-License-Identifier: GPL-3.0-or-later
"""The reference virtual environment shared by the cross-check test and the benchmarks.

It sees Debian's python3-torch / python3-torchvision (--system-site-packages) and gets timm and
safetensors from PyPI with --no-deps, so pip never fetches a new torch (gigabytes).
"""
import os
import subprocess
import sys

TIMM = "timm==1.0.31"
SAFETENSORS = "safetensors==0.8.0"


def ensure_venv(venv):
    """Re-executes the calling script inside `venv`, creating it and installing timm first."""
    python = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", "--system-site-packages", venv])
    probe = subprocess.run([python, "-c", "import timm, safetensors"], capture_output=True)
    if probe.returncode != 0:
        subprocess.check_call([python, "-m", "pip", "install", "--quiet",
                               "--disable-pip-version-check", "--no-deps", TIMM, SAFETENSORS])
    os.execv(python, [python] + sys.argv)
