// SPDX-License-Identifier: GPL-3.0-or-later
// The multi-format question-answering task family on Fashion-MNIST (SEFE's setting in miniature,
// algorithms.md §1.4): an image plus question tokens (a format token, and class tokens for yes/no
// and multiple-choice questions) is answered by up to kAnswerSlots tokens of a small vocabulary,
// in one of five styles built from labels only. The class → super-category → attributes table is
// documented in docs/qa.md.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "clwb/run_event.h"

namespace clwb::detail {

enum class QaStyle { YesNo = 0, MultipleChoice, Short, Brief, Detail };
constexpr int kQaStyles = 5;
constexpr int kQuestionLength = 5;  ///< format token + up to 4 class tokens
constexpr int kAnswerSlots = 5;     ///< DETAIL: class, super, zone, feature, EOS
constexpr int64_t kIgnore = -100;   ///< answer slots after EOS (no loss, not scored)

/// Answer vocabulary: EOS, yes, no, A-D, 10 class names, 3 super-categories, 5 zones, 10 features.
namespace vocab {
constexpr int kEos = 0, kYes = 1, kNo = 2, kOptionA = 3, kClass0 = 7, kSuper0 = 17, kZone0 = 20,
              kFeature0 = 25, kSize = 35;
}
/// Question tokens: 5 format tokens, 10 class tokens, PAD.
namespace qtok {
constexpr int kFormat0 = 0, kClass0 = 5, kPad = 15, kSize = 16;
}

std::string styleName(QaStyle s);           ///< "yn", "mcq", "short", "brief", "detail"
bool parseStyle(const std::string& name, QaStyle& out);
std::string answerWord(int token);          ///< vocabulary token -> word ("yes", "Sneaker", ...)
/// The attribute table row of a Fashion-MNIST class: super-category, zone, feature tokens.
std::vector<int> classAttributes(int cls);

/// Questions and answers for `labels` [N] (CPU, int64), one style per sample.
struct QaSet
{
    torch::Tensor questions;  ///< [N, kQuestionLength] question tokens
    torch::Tensor answers;    ///< [N, kAnswerSlots] vocabulary tokens, kIgnore after EOS
    torch::Tensor styles;     ///< [N] QaStyle
};

/// Builds one question per sample. YN: the asked class is the true one with p = 0.5, otherwise a
/// random other class of `classes`; MCQ: the true class and 3 distinct distractors from `classes`
/// in random order (the answer is the letter of the true class).
QaSet buildQa(const torch::Tensor& labels, const std::vector<QaStyle>& styles,
              const std::vector<int>& classes, torch::Generator& gen);

/// Styles of a task's training set: the native style, except asdPercent % converted evenly (in
/// turn) into the four other styles (Answer Style Diversification); shuffled by `gen`.
std::vector<QaStyle> trainingStyles(int64_t n, QaStyle native, double asdPercent,
                                    torch::Generator& gen);

/// Scores of answer scores `logits` [N, kAnswerSlots, vocab::kSize] against the questions; the
/// free answer is the argmax token per slot.
struct QaScores
{
    torch::Tensor pred;       ///< [N, kAnswerSlots] the free (argmax) answer
    torch::Tensor strict;     ///< [N] bool: exactly the expected answer
    torch::Tensor format;     ///< [N] bool: a well-formed answer of the requested style
    /// [N] bool, format-agnostic: the first answer token, decoded among the valid tokens of the
    /// requested style only (yes/no; the letters of the options; class names), is right. It asks
    /// whether the knowledge is still there even when the free answer drifted to another format.
    torch::Tensor knowledge;
};
QaScores scoreQa(const torch::Tensor& logits, const torch::Tensor& questions,
                 const torch::Tensor& answers, const torch::Tensor& labels);

/// Human-readable question ("Is it a Sneaker? (yes/no)") and answer text ("Sneaker").
std::string questionText(const torch::Tensor& question);
std::string answerText(const torch::Tensor& answer);

}  // namespace clwb::detail
