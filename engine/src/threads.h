// SPDX-License-Identifier: GPL-3.0-or-later
// Device and thread set-up shared by runs, pretraining and the throughput benchmark.
#pragma once

#include <string>

namespace clwb::detail {

/// OpenBLAS thread count, found at run time; false (and no effect) with another BLAS.
bool setBlasThreads(int n);
/// Hardware threads of this machine, at least 1.
int cpuCores();
/// OpenBLAS's current thread count; 0 with another BLAS.
int blasThreads();
/// 0 = auto (with OpenBLAS: 1 OpenMP thread, BLAS on every core; with another BLAS, as
/// PyPI's LibTorch 2.x: OpenMP on every core); N = N of both. CLWB_BLAS_THREADS overrides the
/// BLAS count.
void configureThreads(int requested);
/// Keeps large blocks in glibc's heap instead of mmap/munmap per tensor (engine.cpp); called by
/// configureThreads, once per process.
void tuneAllocator();
/// "auto" -> "cuda" when available, else "cpu".
std::string resolveDevice(const std::string& requested);

}  // namespace clwb::detail
