// SPDX-License-Identifier: GPL-3.0-or-later
// Tiny synthetic experiments shared by the engine tests: a few seconds on 2 cores.
#pragma once

#include "clwb/run_config.h"

namespace clwb::test {

/// A two-block ViT on 16 px images: builds and runs in milliseconds.
inline ModelConfig tinyModel()
{
    ModelConfig m;
    m.imageSize = 16;
    m.patchSize = 4;
    m.dim = 32;
    m.depth = 2;
    m.heads = 2;
    return m;
}

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
    c.model = tinyModel();
    c.model.backbone = "random";
    c.train.epochs = 2;
    c.train.batchSize = 32;
    c.train.lr = 3e-3;
    c.train.evalEvery = 2;
    c.threads = 2;
    return c;
}

}  // namespace clwb::test
