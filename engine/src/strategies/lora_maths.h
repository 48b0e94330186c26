// SPDX-License-Identifier: GPL-3.0-or-later
// The pure maths of the LoRA-based strategies (O-LoRA, LoRAC-IPC, SEFE RegLoRA, HiDe), kept apart from the
// strategies' state so tst_lora_methods can check every formula on hand-made tensors.
// A matrices use the peft layout of LoraAdapter: A is [rank, d_in], one row per LoRA direction.
#pragma once

#include <vector>

#include <torch/torch.h>

#include "model/lora_linear.h"

namespace clwb::detail {

/// O-LoRA's orthogonality term for one module: sum_ab |(A_old A_new^T)_ab|, A_old the row-stack of
/// the previous tasks' A's. The sum of absolute entries is what the official code computes (the
/// paper writes a squared norm). Zero (but defined) without old A's.
torch::Tensor oLoraOrthogonality(const std::vector<torch::Tensor>& oldAs,
                                 const torch::Tensor& newA);

/// O-LoRA's lambda2 term: the sum over tensors of their unsquared L2 norms (torch.norm(p, 2)).
torch::Tensor sumOfNorms(const std::vector<torch::Tensor>& tensors);

/// LoRAC's orthonormality loss for one matrix: ||Q Q^T - I||_F (Frobenius, not squared), Q the
/// row-stack of the old A's (detached here) and the new A. It pushes the new rows to be unit,
/// mutually orthogonal and orthogonal to every old row.
torch::Tensor loracOrthonormality(const std::vector<torch::Tensor>& oldAs,
                                  const torch::Tensor& newA);

/// IPC's first-order sensitivity of a weight matrix: mean_ij |W_ij * dL/dW_ij| (0-dim tensor).
torch::Tensor ipcSensitivity(const torch::Tensor& w, const torch::Tensor& grad);

/// AdaLoRA-style exponential averages of one matrix's sensitivity, as LoRAC's update_ipt.
struct IpcEma
{
    double sensitivity = 0;  ///< I-bar
    double uncertainty = 0;  ///< U-bar
    /// I-bar <- b1 I-bar + (1-b1) I;  U-bar <- b2 U-bar + (1-b2) |I - I-bar| (the updated I-bar).
    void update(double ipt, double beta1, double beta2);
    double score() const { return sensitivity * uncertainty; }
    void reset() { *this = IpcEma{}; }
};

/// LoRAC's mask_ipt_lora: scores of already-frozen matrices count as 0; k = floor(threshold * N)
/// with N all matrices; every matrix scoring >= the k-th largest score is frozen (ties may freeze
/// more than k). A score of exactly 0 never freezes (see lorac_ipc.cpp). Returns the new mask
/// (true = frozen), a superset of `frozen`.
std::vector<bool> ipcFreeze(const std::vector<double>& scores, const std::vector<bool>& frozen,
                            double threshold);

/// IPC gating of a task's new LoRA on a frozen matrix (M = 0): the adapter stops contributing and
/// its tensors leave autograd, so no optimiser step can move it.
void gateAdapter(LoraAdapter& ad);
/// Drops any gradient a gated adapter holds (undefined, not zero: AdamW would still apply weight
/// decay to a zero gradient).
void dropGradients(LoraAdapter& ad);

}  // namespace clwb::detail

namespace clwb::detail {

// ---- SEFE RegLoRA (algorithms.md §1.1 B) ----

/// Flat indices of the top `fraction` entries of |delta| (at least one): one task's key elements
/// of a module. `delta` is B A without the LoRA scale, in fp32.
torch::Tensor keyElements(const torch::Tensor& delta, double fraction);

/// RegLoRA's regulariser: (1/|M|) sum_m mean_{p in S^m} |delta_m[p]|, with `keys[m]` the flat
/// index list S^m (duplicates kept, so a position chosen by two tasks weighs twice) and |M| the
/// number of modules. A module without keys contributes 0.
torch::Tensor regLoraPenalty(const std::vector<torch::Tensor>& deltas,
                             const std::vector<torch::Tensor>& keys);

// ---- HiDe (algorithms.md §3.1) ----

/// Expert weights d = softmax(cos(f, a_i) / temperature) per sample: feats [B, d], anchors
/// [E, d] -> [B, E]. One row per sample (the official code evaluates with batch size 1).
torch::Tensor expertWeights(const torch::Tensor& feats, const torch::Tensor& anchors,
                            double temperature);

/// Linear CKA with centering between two feature matrices [n, d1], [n, d2] of the same samples.
double linearCka(const torch::Tensor& x, const torch::Tensor& y);

}  // namespace clwb::detail
