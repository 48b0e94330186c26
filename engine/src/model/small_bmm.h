// SPDX-License-Identifier: GPL-3.0-or-later
// Batched matrix products of tiny matrices (a small ViT's attention: 17 tokens x 16 channels per
// head). torch::bmm on the CPU runs one BLAS call per batch item, each with its own selects and
// checks: for 17x16x17 products that overhead outweighs the arithmetic. A register-blocked AVX2
// loop over all items is about 3x faster (docs/performance.md); larger products, other devices,
// dtypes and CPUs without AVX2/FMA keep torch::bmm.
#pragma once

#include <torch/torch.h>

namespace clwb::detail {

/// a [G, M, K] x b [G, K, N] -> [G, M, N], differentiable, equal to torch::bmm up to float
/// rounding.
torch::Tensor smallBmm(const torch::Tensor& a, const torch::Tensor& b);

/// True when smallBmm uses its own loop for [M, K] x [K, N] items of `x`'s device and dtype on
/// this machine (else torch::bmm).
bool smallBmmFits(int64_t m, int64_t k, int64_t n, const torch::Tensor& x);

}  // namespace clwb::detail
