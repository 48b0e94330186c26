// SPDX-License-Identifier: GPL-3.0-or-later
// Translation of the engine's English strategy texts (names, summaries, parameter labels/help).
#include "strategy_strings.h"

#include <QCoreApplication>

// The catalogue is generated from `clwb-run strategies` (names, summaries, parameter labels,
// help texts and choice labels) and exists only so that lupdate extracts these texts into
// i18n/clwb_ja.ts. The literals must match the engine's byte for byte; a text that is not here
// simply stays English. See "Strategy texts" in docs/gui.md for adding a new strategy.
const std::vector<const char*>& strategyStringCatalogue()
{
    static const std::vector<const char*> catalogue = {
        // finetune
        QT_TRANSLATE_NOOP("StrategyStrings", "Sequential fine-tuning"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Trains every weight on each task in turn; the forgetting "
                          "baseline."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Class-masked loss"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Cross-entropy only over the current task's classes (logits of "
                          "other classes set to -inf while training). Forgets far less in "
                          "class-incremental learning."),
        // freeze
        QT_TRANSLATE_NOOP("StrategyStrings", "Freeze (linear probe)"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Frozen pretrained backbone; only a linear head is trained, "
                          "class-masked."),
        // simplecil
        QT_TRANSLATE_NOOP("StrategyStrings", "SimpleCIL"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "No training: a cosine classifier over class-mean features of the "
                          "frozen backbone."),
        // seq-lora
        QT_TRANSLATE_NOOP("StrategyStrings", "Sequential LoRA"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "LoRA adapters on a frozen backbone, either one adapter continued "
                          "across tasks or a fresh adapter per task merged into the weights "
                          "afterwards."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Variant"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "continue: one adapter trained across all tasks; merge: a fresh "
                          "adapter per task, merged into W after the task (SEFE/CoIN "
                          "baseline)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "continue"),
        QT_TRANSLATE_NOOP("StrategyStrings", "merge"),
        QT_TRANSLATE_NOOP("StrategyStrings", "Rank r"),
        QT_TRANSLATE_NOOP("StrategyStrings", "LoRA rank per adapted matrix."),
        QT_TRANSLATE_NOOP("StrategyStrings", "α"),
        QT_TRANSLATE_NOOP("StrategyStrings", "LoRA scaling numerator: ΔW = (α/r)·BA."),
        QT_TRANSLATE_NOOP("StrategyStrings", "LoRA targets"),
        QT_TRANSLATE_NOOP("StrategyStrings", "Which linear layers of every block get adapters."),
        QT_TRANSLATE_NOOP("StrategyStrings", "qkv, proj, fc1, fc2"),
        QT_TRANSLATE_NOOP("StrategyStrings", "qkv"),
        QT_TRANSLATE_NOOP("StrategyStrings", "qkv, proj"),
        QT_TRANSLATE_NOOP("StrategyStrings", "fc1, fc2"),
        // ewc
        QT_TRANSLATE_NOOP("StrategyStrings", "EWC"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Penalises changes to weights that mattered for earlier tasks "
                          "(diagonal Fisher)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "λ"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Penalty strength; 1e2–1e5 is typical for small nets."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Fisher samples"),
        QT_TRANSLATE_NOOP("StrategyStrings", "Training images used to estimate the Fisher."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Online EWC"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Keep one decayed Fisher and one anchor instead of one per task."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Online decay γ"),
        QT_TRANSLATE_NOOP("StrategyStrings", "F ← γF + F_t (online EWC only)."),
        // joint
        QT_TRANSLATE_NOOP("StrategyStrings", "Joint (upper bound)"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Retrains on all data seen so far at every task: the accuracy a "
                          "CL method aims for."),
        // o-lora
        QT_TRANSLATE_NOOP("StrategyStrings", "O-LoRA"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "A fresh LoRA per task whose input subspace (A) is pushed "
                          "orthogonal to all previous tasks' LoRAs; old LoRAs stay frozen "
                          "in the sum."),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "LoRA rank per task and matrix. Keep tasks x r <= d_in."),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "LoRA scaling numerator: ΔW = (α/r)·BA (official: 32)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "λ1 (orthogonality)"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Weight of Σ|A_old·A_tᵀ| (sum of absolute entries, per module)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "λ2 (L2)"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Weight of the L2 norms of the new task's A and B (official: 0)."),
        // lorac-ipc
        QT_TRANSLATE_NOOP("StrategyStrings", "LoRAC-IPC"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "A per-task LoRA pool composed with learned per-matrix weights "
                          "and kept orthonormal (LoRAC); after each task the most important "
                          "weight matrices (sensitivity x uncertainty) are frozen for all "
                          "later tasks (IPC)."),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "LoRA scaling numerator: ΔW = (α/r)·BA (official: 1)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "λ orth"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Weight of the orthonormality loss ‖QQᵀ−I‖_F over the stacked A's "
                          "of every unfrozen matrix."),
        QT_TRANSLATE_NOOP("StrategyStrings", "IPC"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Important Parameter Constraints: freeze the top-scored weight "
                          "matrices after each task (off = plain LoRAC)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "IPC threshold"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Fraction of all adapted matrices frozen after each task: k = "
                          "⌊threshold·N⌋, N = 6 × depth."),
        QT_TRANSLATE_NOOP("StrategyStrings", "β1"),
        QT_TRANSLATE_NOOP("StrategyStrings", "EMA factor of the sensitivity."),
        QT_TRANSLATE_NOOP("StrategyStrings", "β2"),
        QT_TRANSLATE_NOOP("StrategyStrings", "EMA factor of the uncertainty."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Gradient clip"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Max global gradient norm of the trainable parameters (0 = off)."),
    };
    return catalogue;
}

QString trStrategy(const std::string& englishText)
{
    if (englishText.empty()) return {};
    return QCoreApplication::translate("StrategyStrings", englishText.c_str());
}
