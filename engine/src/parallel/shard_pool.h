// SPDX-License-Identifier: GPL-3.0-or-later
// Coarse-grained data parallelism on the CPU: a batch split into shards that run at once on
// persistent threads, each single-threaded. A small ViT's GEMMs are too small for BLAS threads
// to share (they yield and spin between them: most of a run's system time), while independent
// shards keep every core busy with no synchronisation inside a step (docs/performance.md).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace at {
class ThreadLocalState;
}

namespace clwb::detail {

class ShardPool
{
public:
    /// `shards` - 1 worker threads; the caller runs shard 0.
    explicit ShardPool(int shards);
    ~ShardPool();
    ShardPool(const ShardPool&) = delete;
    ShardPool& operator=(const ShardPool&) = delete;

    int shards() const { return int(workers_.size()) + 1; }

    /// Runs fn(k) for every k in [0, n) at once (n <= shards()): shard 0 on the calling thread,
    /// the others on the workers, each with the caller's thread-local torch state (grad mode,
    /// autocast) and with OpenBLAS on one thread for the duration (restored after). Returns when
    /// all are done; rethrows the exception of the lowest shard that threw.
    void run(int n, const std::function<void(int)>& fn);

private:
    void work(int shard);

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    const std::function<void(int)>* job_ = nullptr;
    const at::ThreadLocalState* state_ = nullptr;  ///< the caller's, during run()
    int jobShards_ = 0;
    int pending_ = 0;
    uint64_t generation_ = 0;
    bool stop_ = false;
    std::vector<std::exception_ptr> errors_;
};

/// Rows [begin, end) of shard k when n rows are split into `shards` near-equal parts.
inline std::pair<int64_t, int64_t> shardRange(int64_t n, int shards, int k)
{
    return {n * k / shards, n * (k + 1) / shards};
}

}  // namespace clwb::detail
