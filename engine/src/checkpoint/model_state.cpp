// SPDX-License-Identifier: GPL-3.0-or-later
#include "checkpoint/model_state.h"

#include <stdexcept>

namespace clwb::detail {
namespace {

/// Every layer that may carry adapters: the backbone's linears and the head.
std::vector<NamedLinear> adaptableLayers(Vit& model)
{
    auto out = model->linears();
    out.push_back({"head", -1, "head", model->head});
    return out;
}

void saveAdapter(StateWriter out, const LoraAdapter& ad)
{
    out.tensor("a", ad.a);
    out.tensor("b", ad.b);
    out.tensor("gate", ad.gate);
    out.integer("requires_grad", (ad.a.defined() && ad.a.requires_grad() ? 1 : 0) |
                                     (ad.b.defined() && ad.b.requires_grad() ? 2 : 0) |
                                     (ad.gate.defined() && ad.gate.requires_grad() ? 4 : 0));
    out.real("scale", ad.scale);
    out.real("weight", ad.weight);
    out.integer("enabled", ad.enabled ? 1 : 0);
    out.text("unit", ad.unit);
    out.integer("row_begin", ad.rowBegin);
}

LoraAdapter loadAdapter(const StateReader& in)
{
    LoraAdapter ad;
    const auto grads = in.integer("requires_grad");
    ad.a = in.tensor("a");
    ad.b = in.tensor("b");
    ad.gate = in.tensor("gate");
    if (ad.a.defined()) ad.a.set_requires_grad((grads & 1) != 0);
    if (ad.b.defined()) ad.b.set_requires_grad((grads & 2) != 0);
    if (ad.gate.defined()) ad.gate.set_requires_grad((grads & 4) != 0);
    ad.scale = in.real("scale");
    ad.weight = in.real("weight");
    ad.enabled = in.integer("enabled") != 0;
    ad.unit = in.text("unit");
    ad.rowBegin = in.integer("row_begin");
    return ad;
}

}  // namespace

void saveModelState(Vit& model, StateWriter out)
{
    auto params = out.scope("parameters");
    const auto named = model->named_parameters(/*recurse=*/true);
    params.integer("size", std::int64_t(named.size()));
    for (const auto& p : named) {
        params.tensor(p.key(), p.value());
        params.integer(p.key() + "/requires_grad", p.value().requires_grad() ? 1 : 0);
    }
    auto buffers = out.scope("buffers");
    const auto named_buffers = model->named_buffers(/*recurse=*/true);
    buffers.integer("size", std::int64_t(named_buffers.size()));
    for (const auto& b : named_buffers) buffers.tensor(b.key(), b.value());

    for (auto& l : adaptableLayers(model)) {
        auto layer = out.scope("layers").scope(l.name);
        std::vector<std::string> units;
        for (const auto& u : l.layer->units()) {
            units.push_back(u.name);
            layer.integer("unit/" + u.name + "/begin", u.begin);
            layer.integer("unit/" + u.name + "/end", u.end);
        }
        layer.texts("units", units);
        std::vector<std::string> names;
        for (const auto& [name, ad] : l.layer->adapters()) names.push_back(name);
        layer.texts("adapters", names);
        for (const auto& [name, ad] : l.layer->adapters())
            saveAdapter(layer.scope("adapter").scope(name), ad);
    }
}

void loadModelState(Vit& model, const StateReader& in)
{
    const auto params = in.scope("parameters");
    const auto named = model->named_parameters(/*recurse=*/true);
    if (params.integer("size") != std::int64_t(named.size()))
        throw std::runtime_error("the checkpoint's model has " +
                                 std::to_string(params.integer("size")) +
                                 " parameters, the run's " + std::to_string(named.size()));
    for (const auto& p : named) {
        params.copyInto(p.key(), p.value());
        p.value().set_requires_grad(params.integer(p.key() + "/requires_grad") != 0);
    }
    const auto buffers = in.scope("buffers");
    for (const auto& b : model->named_buffers(/*recurse=*/true))
        buffers.copyInto(b.key(), b.value());

    for (auto& l : adaptableLayers(model)) {
        const auto layer = in.scope("layers").scope(l.name);
        std::vector<LoraUnit> units;
        for (const auto& u : layer.texts("units"))
            units.push_back(
                {u, layer.integer("unit/" + u + "/begin"), layer.integer("unit/" + u + "/end")});
        l.layer->setUnits(units);
        auto& adapters = l.layer->adapters();
        adapters.clear();
        for (const auto& name : layer.texts("adapters"))
            adapters[name] = loadAdapter(layer.scope("adapter").scope(name));
    }
}

void clearGradients(Vit& model)
{
    for (auto& p : model->parameters()) p.mutable_grad() = torch::Tensor();
    for (auto& l : adaptableLayers(model))
        for (auto& [name, ad] : l.layer->adapters())
            for (auto* t : {&ad.a, &ad.b, &ad.gate})
                if (t->defined()) t->mutable_grad() = torch::Tensor();
}

}  // namespace clwb::detail
