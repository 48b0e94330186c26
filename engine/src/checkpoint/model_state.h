// SPDX-License-Identifier: GPL-3.0-or-later
// The model's share of a run checkpoint: every registered parameter and buffer (values and
// requires_grad), and on every adaptable layer (the head included) its row units and every LoRA
// adapter with all its fields. Adapters live outside the module's parameters and strategies add
// them per task (O-LoRA, SEFE, HiDe, LoRAC-IPC), so loading rebuilds them before any strategy
// state is read.
#pragma once

#include "checkpoint/state_archive.h"
#include "model/vit.h"

namespace clwb::detail {

void saveModelState(Vit& model, StateWriter out);
/// Restores what saveModelState wrote into a model of the same architecture: parameters are
/// copied in place (handles strategies hold stay valid), adapters replaced. Throws
/// std::runtime_error naming what does not match.
void loadModelState(Vit& model, const StateReader& in);
/// Drops every gradient the model holds (parameters and adapters). Called at every task boundary,
/// so a task starts the same way whether the run went on or resumed from a checkpoint.
void clearGradients(Vit& model);

}  // namespace clwb::detail
