// SPDX-License-Identifier: GPL-3.0-or-later
// Sequential fine-tuning (Seq-FT): the lower bound.
// Trains: the whole backbone and the head on each task in turn. Freezes: nothing. Stores: nothing.
// Hooks: none beyond the defaults (loss = CE, optionally class-masked); shardable.
#include "strategies/strategy.h"

namespace clwb::detail {
namespace {

class Finetune final : public Strategy
{
public:
    bool shardable(TaskContext&) const override { return true; }  // pure loss and logits
};

}  // namespace

StrategyInfo finetuneInfo()
{
    return {"finetune", "Sequential fine-tuning",
            "Trains every weight on each task in turn; the forgetting baseline.", "",
            {maskedCeParam(false)},
            true};
}

std::unique_ptr<Strategy> makeFinetune() { return std::make_unique<Finetune>(); }

}  // namespace clwb::detail
