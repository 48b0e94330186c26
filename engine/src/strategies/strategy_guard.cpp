// SPDX-License-Identifier: GPL-3.0-or-later
#include "strategies/strategy_guard.h"

#include <cstdlib>
#include <limits>
#include <utility>

#include "out_of_memory.h"

namespace clwb::detail {
namespace {

/// CLWB_FAULT_HOOK, read once per run.
struct Fault
{
    std::string hook;  ///< empty = no fault
    std::string kind = "throw";
    int task = -1;  ///< -1 = every task
};

Fault readFault()
{
    Fault f;
    const char* env = std::getenv("CLWB_FAULT_HOOK");
    if (!env || !*env) return f;
    std::string s = env;
    const auto bad = [&] {
        return std::invalid_argument(std::string("CLWB_FAULT_HOOK='") + env +
                                     "': expected HOOK[:throw|oom|nan|nan-always][@TASK]");
    };
    if (const auto at = s.find('@'); at != std::string::npos) {
        const std::string task = s.substr(at + 1);
        if (task.empty() || task.find_first_not_of("0123456789") != std::string::npos) throw bad();
        f.task = std::atoi(task.c_str());
        s.resize(at);
    }
    if (const auto colon = s.find(':'); colon != std::string::npos) {
        f.kind = s.substr(colon + 1);
        s.resize(colon);
    }
    if (s.empty() ||
        (f.kind != "throw" && f.kind != "oom" && f.kind != "nan" && f.kind != "nan-always"))
        throw bad();
    f.hook = s;
    return f;
}

/// Every hook forwards to the strategy inside a guard. Built on DelegatingStrategy, so a hook added
/// to Strategy later still reaches the strategy (unguarded) until it is added here.
class GuardedStrategy : public DelegatingStrategy
{
public:
    GuardedStrategy(std::unique_ptr<Strategy> inner, std::string id)
        : id_(std::move(id)), fault_(readFault())
    {
        inner_ = std::move(inner);
    }

    void setup(TaskContext& c) override
    {
        guard("setup", c.task, [&] { inner_->setup(c); });
    }
    bool trains(TaskContext& c) const override
    {
        return guard("trains", c.task, [&] { return inner_->trains(c); });
    }
    void beforeTask(TaskContext& c) override
    {
        guard("beforeTask", c.task, [&] { inner_->beforeTask(c); });
    }
    std::vector<torch::Tensor> trainableParameters(TaskContext& c) override
    {
        return guard("trainableParameters", c.task, [&] { return inner_->trainableParameters(c); });
    }
    std::vector<ParamGroup> parameterGroups(TaskContext& c) override
    {
        return guard("parameterGroups", c.task, [&] { return inner_->parameterGroups(c); });
    }
    int64_t plannedExtraSteps(TaskContext& c) override
    {
        return guard("plannedExtraSteps", c.task, [&] { return inner_->plannedExtraSteps(c); });
    }
    Batch trainingData(TaskContext& c) override
    {
        return guard("trainingData", c.task, [&] { return inner_->trainingData(c); });
    }
    int64_t trainingSize(TaskContext& c) override
    {
        return guard("trainingSize", c.task, [&] { return inner_->trainingSize(c); });
    }
    Batch augment(const Batch& b, StepContext& c) override
    {
        ++batches_;  // once per training batch, however many shards compute its loss
        return guard("augment", c.task.task, [&] { return inner_->augment(b, c); });
    }
    torch::Tensor loss(const Batch& b, StepContext& c) override
    {
        return poisoned("loss", c.task.task,
                        guard("loss", c.task.task, [&] { return inner_->loss(b, c); }));
    }
    torch::Tensor penalty(StepContext& c) override
    {
        return poisoned("penalty", c.task.task,
                        guard("penalty", c.task.task, [&] { return inner_->penalty(c); }));
    }
    bool shardable(TaskContext& c) const override
    {
        return guard("shardable", c.task, [&] { return inner_->shardable(c); });
    }
    void afterBackward(StepContext& c) override
    {
        guard("afterBackward", c.task.task, [&] { inner_->afterBackward(c); });
    }
    void afterStep(StepContext& c) override
    {
        guard("afterStep", c.task.task, [&] { inner_->afterStep(c); });
    }
    void afterTask(TaskContext& c) override
    {
        guard("afterTask", c.task, [&] { inner_->afterTask(c); });
    }
    torch::Tensor logits(const torch::Tensor& x, TaskContext& c) override
    {
        return guard("logits", c.task, [&] { return inner_->logits(x, c); });
    }
    bool frozenFeatures(TaskContext& c) const override
    {
        return guard("frozenFeatures", c.task, [&] { return inner_->frozenFeatures(c); });
    }
    torch::Tensor logitsFromFeatures(const torch::Tensor& f, TaskContext& c) override
    {
        return guard("logitsFromFeatures", c.task,
                     [&] { return inner_->logitsFromFeatures(f, c); });
    }
    torch::Tensor answerLogits(const Batch& b, TaskContext& c) override
    {
        return guard("answerLogits", c.task, [&] { return inner_->answerLogits(b, c); });
    }
    std::optional<ImportanceSnapshot> importance(TaskContext& c) override
    {
        return guard("importance", c.task, [&] { return inner_->importance(c); });
    }
    int64_t storedParameters() const override
    {
        return guard("storedParameters", -1, [&] { return inner_->storedParameters(); });
    }
    // The strategy's checkpoint state under its own names (no "base/" scope: the guard is not a
    // strategy of its own).
    void saveState(StateWriter& out) const override
    {
        guard("saveState", -1, [&] { inner_->saveState(out); });
    }
    void loadState(const StateReader& in, TaskContext& c) override
    {
        guard("loadState", c.task, [&] { inner_->loadState(in, c); });
    }

private:
    template <typename F>
    auto guard(const char* hook, int task, F&& call) const -> decltype(call())
    {
        try {
            if (fault_.hook == hook && (fault_.task < 0 || fault_.task == task)) inject(hook);
            return call();
        } catch (const EventSinkError&) {
            throw;
        } catch (const c10::OutOfMemoryError&) {
            throw;
        } catch (const c10::Error& e) {
            if (isOutOfMemory(e.what_without_backtrace())) throw;
            fail(hook, task, e.what_without_backtrace());
        } catch (const std::exception& e) {
            if (isOutOfMemory(e.what())) throw;
            fail(hook, task, e.what());
        }
    }

    [[noreturn]] void fail(const char* hook, int task, const std::string& what) const
    {
        throw std::runtime_error("strategy '" + id_ + "' failed in " + hook +
                                 (task >= 0 ? " (task " + std::to_string(task) + ")" : "") + ": " +
                                 what);
    }

    void inject(const char* hook) const
    {
        const std::string source = std::string(" (CLWB_FAULT_HOOK=") + hook + ")";
        if (fault_.kind == "throw") throw std::runtime_error("injected fault" + source);
        if (fault_.kind == "oom")
            C10_THROW_ERROR(OutOfMemoryError,
                            "CUDA out of memory. Tried to allocate 2.00 GiB, injected" + source);
    }

    /// The nan kinds: `t` times NaN in every second training batch (nan; every shard of it) or on
    /// every call (nan-always).
    torch::Tensor poisoned(const char* hook, int task, torch::Tensor t)
    {
        if (!t.defined() || fault_.hook != hook || (fault_.task >= 0 && fault_.task != task))
            return t;
        const bool every = fault_.kind == "nan-always";
        if (!every && (fault_.kind != "nan" || (batches_ - 1) % 2 != 0)) return t;
        return t * std::numeric_limits<double>::quiet_NaN();
    }

    std::string id_;
    Fault fault_;
    int64_t batches_ = 0;  ///< training batches seen (augment), for the nan fault kind
};

}  // namespace

std::unique_ptr<Strategy> guardStrategy(std::unique_ptr<Strategy> inner, const std::string& id)
{
    return std::make_unique<GuardedStrategy>(std::move(inner), id);
}

}  // namespace clwb::detail
