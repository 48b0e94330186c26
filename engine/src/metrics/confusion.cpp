// SPDX-License-Identifier: GPL-3.0-or-later
// The reading of a confusion matrix per earlier task; definition in docs/metrics.md.
#include "clwb/confusion.h"

#include <stdexcept>
#include <string>

namespace clwb {

ConfusionReading readConfusion(const std::vector<std::int64_t>& counts,
                               const std::vector<int>& classTask, int afterTask)
{
    const std::size_t c = classTask.size();
    if (counts.size() != c * c)
        throw std::invalid_argument("readConfusion: " + std::to_string(counts.size()) +
                                    " counts for " + std::to_string(c) + " classes, expected " +
                                    std::to_string(c * c));
    ConfusionReading out;
    out.afterTask = afterTask;
    for (int j = 0; j < afterTask; ++j) {
        std::int64_t images = 0, correct = 0, own = 0, newest = 0;
        for (std::size_t y = 0; y < c; ++y) {
            if (classTask[y] != j) continue;
            for (std::size_t p = 0; p < c; ++p) {
                const std::int64_t n = counts[y * c + p];
                images += n;
                if (p == y) correct += n;
                if (classTask[p] == j) own += n;
                if (classTask[p] == afterTask) newest += n;
            }
        }
        if (images == 0) continue;
        TaskDrift d;
        d.task = j;
        d.images = images;
        d.correct = double(correct) / double(images);
        d.own = double(own) / double(images);
        d.newest = double(newest) / double(images);
        d.other = double(images - own - newest) / double(images);
        out.earlier.push_back(d);
        if (out.mostDrawn < 0 || d.newest > out.earlier[std::size_t(out.mostDrawn)].newest)
            out.mostDrawn = int(out.earlier.size()) - 1;
    }
    return out;
}

}  // namespace clwb
