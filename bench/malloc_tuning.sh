# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the PyTorch comparisons: the glibc malloc settings the engine gives itself
# (engine/src/engine.cpp, tuneAllocator), as environment variables for the peer, so both sides
# keep large blocks in the heap alike. Keep the two in step.
# shellcheck disable=SC2034  # used by the scripts that source this file
MALLOC_TUNING=(MALLOC_MMAP_THRESHOLD_=268435456 MALLOC_TRIM_THRESHOLD_=1073741824
               MALLOC_TOP_PAD_=268435456)
