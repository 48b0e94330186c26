// SPDX-License-Identifier: GPL-3.0-or-later
#include "checkpoint/loop_state.h"

#include <string>
#include <utility>

namespace clwb::detail {

void saveLoopState(const LoopState& s, StateWriter out, int afterTask)
{
    out.integer("after_task", afterTask);
    out.integer("step", s.step);
    out.real("wall_seconds", s.wallSeconds);
    out.integer("trainable_params", s.result.trainableParams);
    out.integer("cached_images", s.cachedImages);
    out.engine("rng", s.rng);
    out.generator("torch_cpu", at::detail::getDefaultCPUGenerator());
    if (!s.device.is_cpu())
        out.generator("torch_device", at::globalContext().defaultGenerator(s.device));
    out.generator("augment", s.augment);
    out.tensor("drift", s.drift.previous());
    out.real("loss_scale", s.scaler.currentScale());
    out.integer("loss_scale_steps", s.scaler.goodSteps());
    const auto& r = s.result;
    out.reals("initial", r.initialAccuracy);
    out.reals("initial_format", r.initialFormat);
    out.reals("initial_knowledge", r.initialKnowledge);
    for (const auto& [key, m] :
         {std::pair<std::string, const AccuracyMatrix*>{"matrix", &r.accuracyMatrix},
          {"format", &r.formatMatrix},
          {"knowledge", &r.knowledgeMatrix}}) {
        out.integer(key + "/rows", std::int64_t(m->size()));
        for (std::size_t i = 0; i < m->size(); ++i)
            out.reals(key + "/" + std::to_string(i), (*m)[i]);
    }
}

int loadLoopState(LoopState& s, const StateReader& in)
{
    s.step = in.integer("step");
    s.wallSeconds = in.real("wall_seconds");
    s.result.trainableParams = in.integer("trainable_params");
    s.cachedImages = in.integer("cached_images");
    in.engine("rng", s.rng);
    auto cpu = at::detail::getDefaultCPUGenerator();
    in.generator("torch_cpu", cpu);
    if (!s.device.is_cpu() && in.has("torch_device")) {
        auto device = at::globalContext().defaultGenerator(s.device);
        in.generator("torch_device", device);
    }
    in.generator("augment", s.augment);
    s.drift.setPrevious(in.tensor("drift"));
    s.scaler.restore(in.real("loss_scale"), int(in.integer("loss_scale_steps")));
    auto& r = s.result;
    r.initialAccuracy = in.reals("initial");
    r.initialFormat = in.reals("initial_format");
    r.initialKnowledge = in.reals("initial_knowledge");
    for (const auto& [key, m] :
         {std::pair<std::string, AccuracyMatrix*>{"matrix", &r.accuracyMatrix},
          {"format", &r.formatMatrix},
          {"knowledge", &r.knowledgeMatrix}}) {
        m->clear();
        for (std::int64_t i = 0; i < in.integer(key + "/rows"); ++i)
            m->push_back(in.reals(key + "/" + std::to_string(i)));
    }
    return int(in.integer("after_task"));
}

}  // namespace clwb::detail
