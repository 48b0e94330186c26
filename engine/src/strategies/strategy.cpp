// SPDX-License-Identifier: GPL-3.0-or-later
// Default hook behaviour and helpers shared by strategy files.
#include "strategies/strategy.h"

#include "data/qa_tasks.h"

#include <sstream>

namespace clwb::detail {

std::vector<torch::Tensor> Strategy::trainableParameters(TaskContext& ctx)
{
    std::vector<torch::Tensor> out;
    for (auto& p : ctx.model->parameters())
        if (p.requires_grad()) out.push_back(p);
    return out;
}

Batch Strategy::trainingData(TaskContext& ctx)
{
    const auto& t = ctx.seq.tasks[size_t(ctx.task)];
    if (ctx.seq.qa) return {t.trainX, t.trainA, t.trainQ};
    return {t.trainX, t.trainY, {}};
}

int64_t Strategy::trainingSize(TaskContext& ctx)
{
    return ctx.seq.tasks[size_t(ctx.task)].trainX.size(0);
}

torch::Tensor Strategy::loss(const Batch& batch, StepContext& ctx)
{
    if (batch.q.defined()) {  // QA: cross-entropy per answer slot, nothing after EOS
        auto logits = answerLogits(batch, ctx.task);
        return torch::nn::functional::cross_entropy(
            logits.reshape({-1, logits.size(2)}), batch.y.reshape({-1}),
            torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnore));
    }
    auto logits = ctx.task.model->forward(batch.x);
    torch::Tensor mask;
    auto it = ctx.task.params.find("masked_ce");
    if (it != ctx.task.params.end() && it->second != 0.0 && ctx.task.seq.classIncremental)
        mask = ctx.task.seq.classMask(ctx.task.seq.tasks[size_t(ctx.task.task)].classes,
                                      ctx.task.device);
    return maskedCrossEntropy(logits, batch.y, mask);
}

torch::Tensor Strategy::logits(const torch::Tensor& x, TaskContext& ctx)
{
    return ctx.model->forward(x);
}

torch::Tensor Strategy::logitsFromFeatures(const torch::Tensor& f, TaskContext& ctx)
{
    return ctx.model->head->forward(f);
}

torch::Tensor Strategy::answerLogits(const Batch& batch, TaskContext& ctx)
{
    return ctx.model->forward(batch.x, batch.q).view({batch.x.size(0), kAnswerSlots, vocab::kSize});
}

ParamSpec boolParam(const std::string& key, const std::string& label, const std::string& help,
                    bool def)
{
    ParamSpec p{key, label, help, ParamSpec::Type::Bool, def ? 1.0 : 0.0, 0.0, 1.0};
    return p;
}

ParamSpec floatParam(const std::string& key, const std::string& label, const std::string& help,
                     double def, double lo, double hi, bool logScale)
{
    ParamSpec p{key, label, help, ParamSpec::Type::Float, def, lo, hi};
    p.logScale = logScale;
    return p;
}

ParamSpec intParam(const std::string& key, const std::string& label, const std::string& help,
                   int def, int lo, int hi)
{
    return ParamSpec{key, label, help, ParamSpec::Type::Int, double(def), double(lo), double(hi)};
}

ParamSpec choiceParam(const std::string& key, const std::string& label, const std::string& help,
                      std::vector<std::string> choices, int def)
{
    ParamSpec p{
        key, label, help, ParamSpec::Type::Choice, double(def), 0.0, double(choices.size()) - 1.0};
    p.choices = std::move(choices);
    return p;
}

ParamSpec maskedCeParam(bool def)
{
    return boolParam("masked_ce", "Class-masked loss",
                     "Cross-entropy only over the current task's classes (logits of other classes "
                     "set to -inf while training). Forgets far less in class-incremental learning.",
                     def);
}

ParamSpec loraTargetsParam()
{
    return choiceParam("targets", "LoRA targets",
                       "Which linear layers of every block get adapters.",
                       {"qkv, proj, fc1, fc2", "qkv", "qkv, proj", "fc1, fc2"}, 0);
}

ParamSpec loraRankParam()
{
    return intParam("rank", "Rank r", "LoRA rank per task and matrix. Keep tasks x r <= d_in.", 8,
                    1, 64);
}

ParamSpec loraAlphaParam(double official)
{
    std::ostringstream help;
    help << "LoRA scaling numerator: ΔW = (α/r)·BA (official: " << official << ").";
    return floatParam("alpha", "α", help.str(), official, 0.1, 256, true);
}

std::vector<std::string> loraTargets(double choice)
{
    switch (int(choice)) {
        case 1:
            return {"qkv"};
        case 2:
            return {"qkv", "proj"};
        case 3:
            return {"fc1", "fc2"};
        default:
            return {"qkv", "proj", "fc1", "fc2"};
    }
}

torch::Tensor maskedCrossEntropy(const torch::Tensor& logits, const torch::Tensor& y,
                                 const torch::Tensor& mask)
{
    if (!mask.defined()) return torch::nn::functional::cross_entropy(logits, y);
    auto masked = logits.masked_fill(mask.logical_not().unsqueeze(0), -1e9);
    return torch::nn::functional::cross_entropy(masked, y);
}

int64_t countParameters(const std::vector<torch::Tensor>& params)
{
    int64_t n = 0;
    for (const auto& p : params) n += p.numel();
    return n;
}

ImportanceSnapshot weightChangeSnapshot(Vit& model, const std::vector<torch::Tensor>& reference,
                                        int task, const std::string& kind)
{
    torch::NoGradGuard noGrad;
    ImportanceSnapshot snap{task, kind, {}};
    auto ls = model->linears();
    for (size_t i = 0; i < ls.size(); ++i) {
        auto d = ls[i].layer->effectiveWeight() - reference[i];
        snap.cells.push_back(importanceCell(ls[i].block, ls[i].module,
                                            (d.norm() / reference[i].norm()).item<double>(), d));
    }
    return snap;
}

ImportanceCell importanceCell(int block, const std::string& module, double score,
                              const torch::Tensor& matrix, int maxSide)
{
    ImportanceCell cell;
    cell.block = block;
    cell.module = module;
    cell.score = score;
    if (matrix.defined() && matrix.dim() == 2) {
        torch::NoGradGuard noGrad;
        const int64_t rows = std::min<int64_t>(maxSide, matrix.size(0));
        const int64_t cols = std::min<int64_t>(maxSide, matrix.size(1));
        auto pooled = torch::adaptive_avg_pool2d(
                          matrix.abs().unsqueeze(0).unsqueeze(0).to(torch::kFloat32), {rows, cols})
                          .squeeze()
                          .reshape({rows, cols})
                          .contiguous()
                          .to(torch::kCPU);
        cell.rows = int(rows);
        cell.cols = int(cols);
        cell.map.assign(pooled.data_ptr<float>(), pooled.data_ptr<float>() + rows * cols);
    }
    return cell;
}

std::vector<NamedLinear> targetLinears(TaskContext& ctx)
{
    return ctx.model->linears(loraTargets(ctx.params.at("targets")));
}

int indexOfLinear(const std::vector<NamedLinear>& list, const std::string& name)
{
    for (size_t i = 0; i < list.size(); ++i)
        if (list[i].name == name) return int(i);
    return -1;
}

ParamSpec qkvUnitsParam(int def)
{
    return choiceParam("qkv_units", "qkv matrices",
                       "Which of q, k, v get their own LoRA inside the fused qkv layer (each "
                       "unit is a separate matrix, as in the official code).",
                       {"q, v", "q, k, v"}, def);
}

std::vector<std::string> qkvUnits(double choice)
{
    if (int(choice) == 1) return {"q", "k", "v"};
    return {"q", "v"};
}

void splitQkv(Vit& model)
{
    for (auto& l : model->linears({"qkv"})) {
        if (!l.layer->units().empty()) continue;
        const int64_t dim = l.layer->inFeatures();
        if (l.layer->outFeatures() != 3 * dim)
            throw std::runtime_error(l.name + " has " + std::to_string(l.layer->outFeatures()) +
                                     " output rows, not 3 x " + std::to_string(dim) +
                                     ": it cannot be split into q, k and v");
        l.layer->setUnits(fusedQkvUnits(dim));
    }
}

std::vector<LoraSite> loraSites(TaskContext& ctx, const std::vector<std::string>& units)
{
    splitQkv(ctx.model);
    std::vector<LoraSite> out;
    for (auto& l : targetLinears(ctx)) {
        if (l.module != "qkv") {
            out.push_back({l, "", l.module});
            continue;
        }
        for (const auto& u : units) out.push_back({l, u, u});
    }
    return out;
}

torch::Tensor taskDelta(LoraLinearImpl& layer, const std::string& prefix)
{
    torch::Tensor sum;
    for (auto& [name, ad] : layer.adapters()) {
        if (name != prefix && name.rfind(prefix + ".", 0) != 0) continue;
        auto d = layer.delta(name);
        sum = sum.defined() ? sum + d : d;
    }
    return sum;
}

ImportanceSnapshot adapterUpdateSnapshot(Vit& model, const std::string& adapter, int task,
                                         const std::string& kind)
{
    torch::NoGradGuard noGrad;
    ImportanceSnapshot snap;
    snap.task = task;
    snap.kind = kind;
    for (auto& l : model->linears()) {
        auto d = taskDelta(*l.layer, adapter);
        if (!d.defined()) {
            snap.cells.push_back(importanceCell(l.block, l.module, 0.0, {}));
            continue;
        }
        snap.cells.push_back(importanceCell(l.block, l.module,
                                            (d.norm() / l.layer->weight.norm()).item<double>(), d));
    }
    return snap;
}

}  // namespace clwb::detail
