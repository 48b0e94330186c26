// SPDX-License-Identifier: GPL-3.0-or-later
// The pure maths of the element-wise importance strategies (Recurrent-KIF, MIST): importance
// EMAs, quantile masks, KIF's fusion table, MIST's gradient dropping and MI loss. Kept apart from
// the strategies' state so tst_lora_methods can check every formula on hand-made tensors.
#pragma once

#include <utility>
#include <vector>

#include <torch/torch.h>

namespace clwb::detail {

/// Element-wise sensitivity x uncertainty EMAs (AdaLoRA style, as KIF's lora_importance_bilevel):
/// I = |w * g|;  I-bar <- b1 I-bar + (1-b1) I;  U-bar <- b2 U-bar + (1-b2) |I - I-bar|.
struct ElementEma
{
    torch::Tensor sensitivity;  ///< I-bar (undefined until the first update)
    torch::Tensor uncertainty;  ///< U-bar
    void update(const torch::Tensor& ipt, double beta1, double beta2);
    torch::Tensor score() const { return sensitivity * uncertainty; }
    void reset() { *this = ElementEma{}; }
};

/// Masks s > quantile(all scores together, q): one global threshold over every tensor (KIF's
/// calculate_score_inner, q = 0.8 keeps the top 20 %).
std::vector<torch::Tensor> globalQuantileMasks(const std::vector<torch::Tensor>& scores, double q);

/// KIF's element-wise fusion weights (w_in, w_out) for masks (m_in, m_out), the official table:
/// (1,0) -> (1,0); (0,1) -> (0,1); (1,1) -> (0.4,0.6); (0,0) -> (0.5,0.5).
std::pair<torch::Tensor, torch::Tensor> kifFusionWeights(const torch::Tensor& mIn,
                                                         const torch::Tensor& mOut);

/// MIST's per-tensor selection: score >= quantile(score, 1 - rate) (ties may select more).
torch::Tensor perTensorTopMask(const torch::Tensor& score, double rate);

/// MIST's gradient filter: g * mask * Bernoulli(1 - dropRate) * penalty^overlap, with a fresh
/// Bernoulli draw per element; frozen elements (if defined) get 0.
torch::Tensor filterGradient(const torch::Tensor& grad, const torch::Tensor& mask,
                             const torch::Tensor& overlap, const torch::Tensor& frozen,
                             double dropRate, double overlapPenalty, torch::Generator& gen);

/// MIST's control `_run_rand`: a fresh random set of exactly max(1, floor(rate * numel)) elements
/// of a tensor of `sizes` (official rate 5 %), drawn anew at every step.
torch::Tensor randomFractionMask(at::IntArrayRef sizes, double rate, torch::Generator& gen,
                                 torch::Device device);

/// MIST's control `_run_grad`: one global threshold over every tensor's |gradient|, the k-th
/// largest with k = floor(rate * total numel) (official rate 0.5 %); masks |g| >= threshold
/// (ties may keep more). k = 0 keeps nothing.
std::vector<torch::Tensor> globalTopMagnitudeMasks(const std::vector<torch::Tensor>& grads,
                                                   double rate);

/// MIST's L_MI, the official Supervised_NT_xent_n: z [2B, d] the normalised projections of
/// [x; x'], y [2B]. With S = z z^T / t, the row's softmax excludes the diagonal:
/// p_ij = e_ij / (sum_{k != i} e_ik + eps), e_ij = exp(S_ij - max_k S_ik) for j != i, e_ii = 0,
/// and L_ij = -log(p_ij + eps) (eps = 1e-8), so L_ii = -log eps, a constant without gradient.
/// L = (1/2B) sum_i L_{i,twin} + 2 (1/2B) sum_ij P_ij L_ij, P_ij = 1[y_i = y_j] / (#{j : y_j =
/// y_i} + eps): the normaliser counts i itself and the diagonal term stays in the sum, as
/// officially.
torch::Tensor supervisedNtXent(const torch::Tensor& z, const torch::Tensor& y,
                               double temperature);

}  // namespace clwb::detail
