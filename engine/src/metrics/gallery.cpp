// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/gallery.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace clwb::detail {

Gallery chooseGallery(const TaskSequence& seq, int perTask, uint64_t seed)
{
    Gallery g;
    if (seq.qa || perTask <= 0) return g;
    auto gen = at::detail::createCPUGenerator(seed);
    const auto want = size_t(perTask);
    g.rows.resize(seq.tasks.size());
    for (size_t t = 0; t < seq.tasks.size(); ++t) {
        const auto& task = seq.tasks[t];
        const int64_t n = task.testY.defined() ? task.testY.size(0) : 0;
        if (n == 0) continue;
        const auto labels = task.testY.to(torch::kCPU, torch::kLong).contiguous();
        const auto* y = labels.data_ptr<int64_t>();
        // Each class's rows in a seeded order, then the task's classes in a seeded order.
        const auto order = torch::randperm(n, gen, torch::kLong);
        const auto* o = order.data_ptr<int64_t>();
        std::map<int64_t, std::vector<int64_t>> byClass;
        for (int64_t i = 0; i < n; ++i) byClass[y[o[i]]].push_back(o[i]);
        std::vector<std::vector<int64_t>*> classes;
        for (int c : task.classes)
            if (auto it = byClass.find(c); it != byClass.end()) classes.push_back(&it->second);
        const auto classOrder = torch::randperm(int64_t(classes.size()), gen, torch::kLong);
        const auto* co = classOrder.data_ptr<int64_t>();
        // Round-robin over the classes, so the images spread over them.
        auto& rows = g.rows[t];
        for (size_t depth = 0; rows.size() < want; ++depth) {
            const size_t before = rows.size();
            for (size_t k = 0; k < classes.size() && rows.size() < want; ++k)
                if (const auto& list = *classes[size_t(co[k])]; depth < list.size())
                    rows.push_back(list[depth]);
            if (rows.size() == before) break;  // every class exhausted
        }
        if (rows.empty()) continue;
        const auto index = torch::tensor(rows, torch::kLong).to(task.testX.device());
        const auto thumbs = thumbnails(task.testX.index_select(0, index));
        const auto* px = thumbs.data_ptr<uint8_t>();
        const int64_t h = thumbs.size(1), w = thumbs.size(2), c = thumbs.size(3);
        for (size_t i = 0; i < rows.size(); ++i) {
            GalleryImage im;
            im.task = int(t);
            im.label = int(y[rows[i]]);
            im.height = int(h);
            im.width = int(w);
            im.channels = int(c);
            im.pixels.assign(px + int64_t(i) * h * w * c, px + int64_t(i + 1) * h * w * c);
            g.images.push_back(std::move(im));
        }
    }
    return g;
}

torch::Tensor thumbnails(const torch::Tensor& raw)
{
    auto x = raw.to(torch::kCPU);
    const int64_t h = x.size(2), w = x.size(3), longSide = std::max(h, w);
    const bool unit = x.scalar_type() != torch::kUInt8;  // rotated sequences hold [0, 1] floats
    const bool shrink = longSide > kThumbnailSize && x.size(0) > 0;
    if (unit || shrink) {
        auto f = x.to(torch::kFloat32);
        if (unit) f = f * 255.0;
        if (shrink) {
            const double scale = double(kThumbnailSize) / double(longSide);
            const auto side = [&](int64_t s) {
                return std::max<int64_t>(1, std::lround(double(s) * scale));
            };
            namespace F = torch::nn::functional;
            f = F::interpolate(f, F::InterpolateFuncOptions()
                                      .size(std::vector<int64_t>{side(h), side(w)})
                                      .mode(torch::kArea));
        }
        x = f.round().clamp(0, 255).to(torch::kUInt8);
    }
    return x.permute({0, 2, 3, 1}).contiguous();
}

GalleryPicks::GalleryPicks(const Gallery& gallery) : gallery_(gallery)
{
    size_t next = 0;
    for (const auto& rows : gallery.rows) {
        offset_.push_back(next);
        next += rows.size();
    }
    out_.assign(next, -1);
}

void GalleryPicks::beginTask(int task)
{
    task_ = task;
}

void GalleryPicks::add(int64_t first, const torch::Tensor& pred)
{
    if (task_ < 0 || size_t(task_) >= gallery_.rows.size()) return;
    const auto& rows = gallery_.rows[size_t(task_)];
    const int64_t end = first + pred.size(0);
    std::vector<int64_t> local;
    std::vector<size_t> at;
    for (size_t k = 0; k < rows.size(); ++k)
        if (rows[k] >= first && rows[k] < end) {
            local.push_back(rows[k] - first);
            at.push_back(offset_[size_t(task_)] + k);
        }
    if (local.empty()) return;
    const auto picked = pred.index_select(0, torch::tensor(local, torch::kLong).to(pred.device()))
                            .to(torch::kCPU, torch::kLong)
                            .contiguous();
    for (size_t i = 0; i < at.size(); ++i) out_[at[i]] = int(picked.data_ptr<int64_t>()[i]);
}

}  // namespace clwb::detail
