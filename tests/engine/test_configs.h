// SPDX-License-Identifier: GPL-3.0-or-later
// Tiny synthetic experiments shared by the engine tests: a few seconds on 2 cores.
#pragma once

#include "clwb/run_config.h"

namespace clwb::test {

inline RunConfig tinyConfig(const std::string& strategy, int tasks = 2)
{
    RunConfig c;
    c.name = "tiny " + strategy;
    c.strategy = strategy;
    c.data.dataset = "synthetic";
    c.data.tasks.clear();
    for (int t = 0; t < tasks; ++t) c.data.tasks.push_back({{2 * t, 2 * t + 1}});
    c.data.trainPerClass = 32;
    c.data.testPerClass = 16;
    c.data.curvePerTask = 16;
    c.model.backbone = "random";
    c.model.imageSize = 16;
    c.model.patchSize = 4;
    c.model.dim = 32;
    c.model.depth = 2;
    c.model.heads = 2;
    c.train.epochs = 2;
    c.train.batchSize = 32;
    c.train.lr = 3e-3;
    c.train.evalEvery = 2;
    c.threads = 2;
    return c;
}

}  // namespace clwb::test
