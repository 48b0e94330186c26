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
                          "Max global gradient norm of the trainable parameters (0 = off; "
                          "official 1.0, the HF trainer default)."),
        // o-lora and recurrent-kif: LoRA units inside the fused qkv layer
        QT_TRANSLATE_NOOP("StrategyStrings", "qkv matrices"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Which of q, k, v get their own LoRA inside the fused qkv layer (each "
                          "unit is a separate matrix, as in the official code)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "q, v"),
        QT_TRANSLATE_NOOP("StrategyStrings", "q, k, v"),
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
        // sefe
        QT_TRANSLATE_NOOP("StrategyStrings", "SEFE RegLoRA"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "A fresh LoRA per task, merged afterwards; later tasks are penalised for "
                          "changing the top-2 % key elements of every earlier task's own update."),
        QT_TRANSLATE_NOOP("StrategyStrings", "LoRA rank per task and matrix."),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "LoRA scaling numerator: ΔW = (α/r)·BA (2r by default)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "λ (RegLoRA)"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Weight of the mean |BA| at earlier key positions (official: 2500)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Key elements M (%)"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Share of each module's entries kept as key "
                          "positions per task (official: 2 %)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Head lr factor"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "The head trains at this fraction of the learning "
                          "rate, as SEFE's projector (2e-5 vs 2e-4)."),
        // hide
        QT_TRANSLATE_NOOP("StrategyStrings", "HiDe"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Per-task LoRA experts trained from the base; at test "
                          "time the top block(s) mix experts by feature-anchor "
                          "similarity and the lower blocks use the fused experts."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Expert rank r"),
        QT_TRANSLATE_NOOP("StrategyStrings", "LoRA rank of each task's expert."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Scale s"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Expert update s·BA; the official α/R = 96/48 = 2 applies per expert."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Expanded top blocks"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Blocks that route experts per sample (from the top); the "
                          "others fuse them. 0 = merge all, depth = expand all."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Lower-block fusion"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "code: (ΣB)(ΣA) as the official clitmoelora; "
                          "paper: ΣB·A (no cross terms)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "code"),
        QT_TRANSLATE_NOOP("StrategyStrings", "paper"),
        QT_TRANSLATE_NOOP("StrategyStrings", "Routing temperature"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Expert weights = softmax(cos / temperature) (official: 0.1)."),
        // recurrent-kif
        QT_TRANSLATE_NOOP("StrategyStrings", "Recurrent-KIF"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "One LoRA continued across tasks; rounds of inner steps "
                          "on the task and outer steps on a small replay memory, "
                          "fused element-wise by dynamic importance masks."),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "kif: dynamic importance fusion; replay-lora: the "
                          "same inner + outer steps without fusion (control); "
                          "static: masks fixed after a task's first round."),
        QT_TRANSLATE_NOOP("StrategyStrings", "kif"),
        QT_TRANSLATE_NOOP("StrategyStrings", "replay-lora"),
        QT_TRANSLATE_NOOP("StrategyStrings", "static"),
        QT_TRANSLATE_NOOP("StrategyStrings", "LoRA rank (official: 8)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Inner steps Q"),
        QT_TRANSLATE_NOOP("StrategyStrings", "Task steps per round (official: 8)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Outer steps"),
        QT_TRANSLATE_NOOP("StrategyStrings", "Memory steps per round (official: 4)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Memory batch"),
        QT_TRANSLATE_NOOP("StrategyStrings", "Images per outer step."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Memory per task (%)"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Class-balanced share of each finished task "
                          "kept for replay (official: 2)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Mask quantile"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Elements above this global quantile of "
                          "importance are key (0.8 = top 20 %)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "β1 (sensitivity EMA)"),
        QT_TRANSLATE_NOOP("StrategyStrings", "Official code: 0.85 (paper: 0.55)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "β2 (uncertainty EMA)"),
        QT_TRANSLATE_NOOP("StrategyStrings", "Official code: 0.85."),
        // mist
        QT_TRANSLATE_NOOP("StrategyStrings", "MIST (+ SimpleCIL)"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Before each task, sparsely tunes the backbone with a "
                          "mutual-information objective (the most informative few "
                          "% of each weight tensor, random gradient dropping), "
                          "then runs a frozen-backbone method (SimpleCIL) on it."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Base method"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "The frozen-backbone strategy run after each pre-adaptation."),
        QT_TRANSLATE_NOOP("StrategyStrings", "simplecil"),
        QT_TRANSLATE_NOOP("StrategyStrings", "freeze"),
        QT_TRANSLATE_NOOP("StrategyStrings", "Selection"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "mi-fisher: MIST. Official controls with plain CE and masks re-drawn "
                          "every step: random-per-step (5 % of each tensor), grad-per-step "
                          "(global top 0.5 % of |∇CE|). Workbench controls replacing only "
                          "MIST's selection, fixed per task: random-fixed (k % at random), "
                          "grad-fixed (top-k % by |∇CE|)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "mi-fisher"),
        QT_TRANSLATE_NOOP("StrategyStrings", "random-per-step"),
        QT_TRANSLATE_NOOP("StrategyStrings", "grad-per-step"),
        QT_TRANSLATE_NOOP("StrategyStrings", "random-fixed"),
        QT_TRANSLATE_NOOP("StrategyStrings", "grad-fixed"),
        QT_TRANSLATE_NOOP("StrategyStrings", "Objective"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "mi: supervised contrastive mutual information "
                          "(MIST); ce: cross-entropy (control; the per-step controls always use "
                          "ce)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "mi"),
        QT_TRANSLATE_NOOP("StrategyStrings", "ce"),
        QT_TRANSLATE_NOOP("StrategyStrings", "Selected per tensor k (%)"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Share of each weight tensor that may change (code 10, paper 5)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Gradient drop rate"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Probability of dropping each selected "
                          "gradient per step (official 0.9)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Pre-adaptation epochs"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "1 scoring epoch + (n-1) tuning epochs before each task (official 20)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Batch size"),
        QT_TRANSLATE_NOOP("StrategyStrings", "Images per pre-adaptation step (official 32)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Backbone lr"),
        QT_TRANSLATE_NOOP("StrategyStrings", "SGD learning rate of the backbone (official 1e-4)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Projection lr"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "SGD learning rate of the projection head (official 0.01)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Temperature"),
        QT_TRANSLATE_NOOP("StrategyStrings", "Contrastive temperature (official 0.07)."),
        QT_TRANSLATE_NOOP("StrategyStrings", "Overlap penalty"),
        QT_TRANSLATE_NOOP("StrategyStrings",
                          "Gradient factor per earlier selection of an element (official 0.9)."),
    };
    return catalogue;
}

QString trStrategy(const std::string& englishText)
{
    if (englishText.empty()) return {};
    return QCoreApplication::translate("StrategyStrings", englishText.c_str());
}
