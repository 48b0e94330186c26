// SPDX-License-Identifier: GPL-3.0-or-later
// Evaluation of question-answering sequences (data/qa_tasks.h): strict / format / knowledge
// rates of a test set and the fixed example questions shown with each matrix row.
#pragma once

#include <array>
#include <vector>

#include "clwb/run_event.h"
#include "strategies/strategy.h"

namespace clwb::detail {

/// Answer scores [N, slots, vocab] of the strategy to a QA set (raw images `x`, questions `q`),
/// in eval mode without gradients.
torch::Tensor answerScores(Strategy& strategy, TaskContext& ctx, const torch::Tensor& x,
                           const torch::Tensor& q);

/// {strict, format, knowledge} rates of a QA set; zeros for an empty one.
std::array<double, 3> qaRates(Strategy& strategy, TaskContext& ctx, const torch::Tensor& x,
                              const torch::Tensor& q, const torch::Tensor& a,
                              const torch::Tensor& labels);

/// The first few test questions of every task of ctx.seq, answered by the current model.
std::vector<QaExample> qaExamples(Strategy& strategy, TaskContext& ctx);

}  // namespace clwb::detail
