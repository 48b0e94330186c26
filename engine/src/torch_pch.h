// SPDX-License-Identifier: GPL-3.0-or-later
// Precompiled header for the engine's torch translation units (never seen by Qt code).
#pragma once
#include <torch/torch.h>
