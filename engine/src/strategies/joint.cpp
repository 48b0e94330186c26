// SPDX-License-Identifier: GPL-3.0-or-later
// Joint (cumulative) training: the upper bound. At task t the model is trained on the union of
// tasks 0..t, so every row of the accuracy matrix is an upper bound for that point of the sequence.
// Trains: everything. Stores: all past data (counted as stored parameters = pixels kept).
// Hooks: trainingData (union of the tasks so far).
#include "strategies/strategy.h"

namespace clwb::detail {
namespace {

class Joint final : public Strategy
{
public:
    bool shardable(TaskContext&) const override { return true; }  // pure loss and logits
    Batch trainingData(TaskContext& ctx) override
    {
        auto [x, y] = ctx.seq.trainUnion(ctx.task);
        stored_ = x.numel();
        return {x, y};
    }

    int64_t trainingSize(TaskContext& ctx) override
    {
        int64_t n = 0;
        for (int t = 0; t <= ctx.task; ++t) n += ctx.seq.tasks[size_t(t)].trainX.size(0);
        return n;
    }

    int64_t storedParameters() const override { return stored_; }

    void saveState(StateWriter& out) const override { out.integer("stored", stored_); }
    void loadState(const StateReader& in, TaskContext&) override { stored_ = in.integer("stored"); }

private:
    int64_t stored_ = 0;
};

}  // namespace

StrategyInfo jointInfo()
{
    return {"joint", "Joint (upper bound)",
            "Retrains on all data seen so far at every task: the accuracy a CL method aims for.",
            "", {}};
}

std::unique_ptr<Strategy> makeJoint() { return std::make_unique<Joint>(); }

}  // namespace clwb::detail
