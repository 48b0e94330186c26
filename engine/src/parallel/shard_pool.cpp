// SPDX-License-Identifier: GPL-3.0-or-later
#include "parallel/shard_pool.h"

#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>

#include "threads.h"

namespace clwb::detail {

ShardPool::ShardPool(int shards) : errors_(size_t(std::max(1, shards)))
{
    for (int k = 1; k < shards; ++k) workers_.emplace_back([this, k] { work(k); });
}

ShardPool::~ShardPool()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
}

void ShardPool::work(int shard)
{
    // One intra-op thread per shard: the shards are the parallelism (ATen reads the global
    // count on a thread's first parallel op; setting it here keeps a worker at one).
    at::init_num_threads();
    uint64_t seen = 0;
    for (;;) {
        const std::function<void(int)>* job = nullptr;
        const at::ThreadLocalState* state = nullptr;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
            if (stop_) return;
            seen = generation_;
            if (shard >= jobShards_) continue;
            job = job_;
            state = state_;
        }
        std::exception_ptr error;
        try {
            at::ThreadLocalStateGuard guard(*state);
            (*job)(shard);
        } catch (...) {
            error = std::current_exception();
        }
        std::lock_guard<std::mutex> lock(mutex_);
        errors_[size_t(shard)] = error;
        if (--pending_ == 0) done_.notify_one();
    }
}

void ShardPool::run(int n, const std::function<void(int)>& fn)
{
    n = std::max(1, std::min(n, shards()));
    if (n == 1) {
        fn(0);
        return;
    }
    const int blas = blasThreads();
    if (blas > 1) setBlasThreads(1);  // concurrent callers of a multi-threaded OpenBLAS queue up
    const at::ThreadLocalState state;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        job_ = &fn;
        state_ = &state;
        jobShards_ = n;
        pending_ = n - 1;
        for (auto& e : errors_) e = nullptr;
        ++generation_;
    }
    wake_.notify_all();
    std::exception_ptr first;
    try {
        fn(0);
    } catch (...) {
        first = std::current_exception();
    }
    {
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [&] { return pending_ == 0; });
        job_ = nullptr;
        state_ = nullptr;
        for (int k = 1; k < n && !first; ++k) first = errors_[size_t(k)];
    }
    if (blas > 1) setBlasThreads(blas);
    if (first) std::rethrow_exception(first);
}

}  // namespace clwb::detail
