// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/qa_evaluation.h"

#include "data/qa_tasks.h"
#include "data/task_sequence.h"

namespace clwb::detail {

torch::Tensor answerScores(Strategy& strategy, TaskContext& ctx, const torch::Tensor& x,
                           const torch::Tensor& q)
{
    constexpr int64_t kBatch = 1024;
    torch::NoGradGuard noGrad;
    ctx.model->eval();
    std::vector<torch::Tensor> parts;
    for (int64_t i = 0; i < x.size(0); i += kBatch) {
        const int64_t e = std::min(x.size(0), i + kBatch);
        parts.push_back(
            strategy.answerLogits({ctx.seq.input(x.slice(0, i, e)), {}, q.slice(0, i, e)}, ctx));
    }
    return parts.empty() ? torch::empty({0, kAnswerSlots, vocab::kSize}) : torch::cat(parts);
}

std::array<double, 3> qaRates(Strategy& strategy, TaskContext& ctx, const torch::Tensor& x,
                              const torch::Tensor& q, const torch::Tensor& a,
                              const torch::Tensor& labels)
{
    if (x.size(0) == 0) return {0, 0, 0};
    const auto s = scoreQa(answerScores(strategy, ctx, x, q), q, a, labels);
    auto rate = [](const torch::Tensor& b) { return b.to(torch::kFloat64).mean().item<double>(); };
    return {rate(s.strict), rate(s.format), rate(s.knowledge)};
}

std::vector<QaExample> qaExamples(Strategy& strategy, TaskContext& ctx)
{
    constexpr int64_t kExamples = 3;
    std::vector<QaExample> out;
    for (size_t j = 0; j < ctx.seq.tasks.size(); ++j) {
        const auto& task = ctx.seq.tasks[j];
        const int64_t n = std::min<int64_t>(kExamples, task.testX.size(0));
        if (n == 0) continue;
        auto q = task.testQ.slice(0, 0, n), a = task.testA.slice(0, 0, n);
        auto y = task.testY.slice(0, 0, n);
        const auto s = scoreQa(answerScores(strategy, ctx, task.testX.slice(0, 0, n), q), q, a, y);
        for (int64_t i = 0; i < n; ++i) {
            QaExample e;
            e.task = int(j);
            e.style = styleName(QaStyle(task.style));
            e.question = questionText(q[i]);
            e.expected = answerText(a[i]);
            e.answer = answerText(s.pred[i]);
            e.strict = s.strict[i].item<bool>();
            e.format = s.format[i].item<bool>();
            e.knowledge = s.knowledge[i].item<bool>();
            out.push_back(std::move(e));
        }
    }
    return out;
}

}  // namespace clwb::detail
