// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/batch_prefetcher.h"

#include <utility>

namespace clwb::detail {

BatchPrefetcher::BatchPrefetcher(torch::Tensor rows, torch::Tensor order, std::int64_t batchSize,
                                 bool pin)
    : rows_(std::move(rows)), order_(order.cpu()), batchSize_(batchSize), pin_(pin)
{
    start();
}

BatchPrefetcher::~BatchPrefetcher()
{
    if (ahead_.valid()) ahead_.wait();  // the thread reads rows_: let it finish first
}

void BatchPrefetcher::start()
{
    if (at_ >= order_.size(0)) return;
    const auto idx = order_.slice(0, at_, std::min(order_.size(0), at_ + batchSize_));
    at_ += idx.size(0);
    ahead_ = std::async(std::launch::async, [rows = rows_, idx, pin = pin_] {
        torch::NoGradGuard noGrad;
        auto sizes = rows.sizes().vec();
        sizes[0] = idx.size(0);
        auto batch = torch::empty(sizes, rows.options().pinned_memory(pin));
        return torch::index_select_out(batch, rows, 0, idx);
    });
}

torch::Tensor BatchPrefetcher::next()
{
    auto batch = ahead_.get();
    start();
    return batch;
}

}  // namespace clwb::detail
