// SPDX-License-Identifier: GPL-3.0-or-later
// The question-answering task family: question/answer builders for every style (negatives, option
// shuffling, the attribute table), Answer Style Diversification shares, the three scores
// (strict, format, knowledge) on hand-made answer scores, and a tiny QA run end to end.
// Includes torch, hence QT_NO_KEYWORDS.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <set>

#include <torch/torch.h>

#include "clwb/engine.h"
#include "data/qa_tasks.h"
#include "engine/test_configs.h"

using namespace clwb;
using namespace clwb::detail;

namespace {

const std::vector<int> kAll = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

QaSet build(QaStyle style, int n, int label = 7, uint64_t seed = 1)
{
    auto gen = at::detail::createCPUGenerator(seed);
    return buildQa(torch::full({n}, label, torch::kLong), std::vector<QaStyle>(size_t(n), style),
                   kAll, gen);
}

/// Answer scores [1, slots, vocab] that decode to `tokens` (then EOS), with optional extra score
/// on given first-slot tokens.
torch::Tensor scoresFor(const std::vector<int>& tokens, std::vector<std::pair<int, float>> first = {})
{
    auto l = torch::zeros({1, kAnswerSlots, vocab::kSize});
    for (int k = 0; k < kAnswerSlots; ++k)
        l[0][k][k < int(tokens.size()) ? tokens[size_t(k)] : vocab::kEos] = 10.0f;
    for (auto [t, v] : first) l[0][0][t] = v;
    return l;
}

}  // namespace

class TestQaTasks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void yesNoHasHalfNegativesFromOtherClasses()
    {
        auto s = build(QaStyle::YesNo, 2000);
        int no = 0;
        for (int i = 0; i < 2000; ++i) {
            QCOMPARE(s.questions[i][0].item<int64_t>(), std::int64_t(qtok::kFormat0));
            const auto asked = s.questions[i][1].item<int64_t>() - qtok::kClass0;
            const auto ans = s.answers[i][0].item<int64_t>();
            QVERIFY(asked >= 0 && asked < 10);
            QCOMPARE(ans == vocab::kYes, asked == 7);  // yes exactly when the true class is asked
            no += ans == vocab::kNo;
            QCOMPARE(s.answers[i][1].item<int64_t>(), std::int64_t(vocab::kEos));
            QCOMPARE(s.answers[i][2].item<int64_t>(), kIgnore);
            QCOMPARE(s.questions[i][2].item<int64_t>(), std::int64_t(qtok::kPad));
        }
        QVERIFY2(no > 900 && no < 1100, qPrintable(QString::number(no)));
    }

    void multipleChoiceShufflesFourDistinctOptions()
    {
        auto s = build(QaStyle::MultipleChoice, 800);
        std::vector<int> letters(4, 0);
        for (int i = 0; i < 800; ++i) {
            std::set<int64_t> options;
            for (int k = 1; k <= 4; ++k) options.insert(s.questions[i][k].item<int64_t>() - qtok::kClass0);
            QCOMPARE(int(options.size()), 4);
            QVERIFY(options.count(7) == 1);
            const auto letter = s.answers[i][0].item<int64_t>() - vocab::kOptionA;
            QVERIFY(letter >= 0 && letter < 4);
            QCOMPARE(s.questions[i][letter + 1].item<int64_t>() - qtok::kClass0, std::int64_t(7));
            ++letters[size_t(letter)];
        }
        for (int c : letters) QVERIFY2(c > 150 && c < 250, qPrintable(QString::number(c)));
    }

    void openStylesFollowTheAttributeTable()
    {
        auto shortAns = build(QaStyle::Short, 1, 7).answers[0];
        QVERIFY(torch::equal(shortAns, torch::tensor({vocab::kClass0 + 7, vocab::kEos, -100, -100, -100}, torch::kLong)));
        auto brief = build(QaStyle::Brief, 1, 8).answers[0];
        QCOMPARE(answerText(brief), std::string("Bag, accessory"));
        auto detail = build(QaStyle::Detail, 1, 0).answers[0];
        QCOMPARE(answerText(detail), std::string("T-shirt/top, garment, upper-body, short-sleeved"));
        QCOMPARE(answerText(build(QaStyle::Detail, 1, 9).answers[0]),
                 std::string("Ankle boot, footwear, feet, closed"));
        QCOMPARE(detail[4].item<int64_t>(), std::int64_t(vocab::kEos));
        QCOMPARE(questionText(build(QaStyle::Short, 1).questions[0]), std::string("What is it? (short answer)"));
    }

    void asdConvertsTheShareEvenlyIntoTheOtherStyles()
    {
        auto gen = at::detail::createCPUGenerator(5);
        auto styles = trainingStyles(1000, QaStyle::Short, 20, gen);
        std::vector<int> counts(kQaStyles, 0);
        for (auto s : styles) ++counts[size_t(s)];
        QCOMPARE(counts[size_t(QaStyle::Short)], 800);
        for (auto s : {QaStyle::YesNo, QaStyle::MultipleChoice, QaStyle::Brief, QaStyle::Detail})
            QCOMPARE(counts[size_t(s)], 50);
        // Shuffled: the converted questions are not all at the front.
        QVERIFY(std::count(styles.begin(), styles.begin() + 200, QaStyle::Short) > 100);
        auto none = trainingStyles(10, QaStyle::YesNo, 0, gen);
        QVERIFY(std::all_of(none.begin(), none.end(), [](QaStyle s) { return s == QaStyle::YesNo; }));
    }

    void scoresSeparateFormatFromKnowledge()
    {
        auto y = torch::tensor({7}, torch::kLong);
        // A yes/no question about the true class (7, Sneaker).
        auto q = torch::tensor({{qtok::kFormat0, qtok::kClass0 + 7, qtok::kPad, qtok::kPad, qtok::kPad}}, torch::kLong);
        auto a = torch::tensor({{vocab::kYes, vocab::kEos, -100, -100, -100}}, torch::kLong);
        auto right = scoreQa(scoresFor({vocab::kYes}), q, a, y);
        QVERIFY(right.strict[0].item<bool>() && right.format[0].item<bool>() && right.knowledge[0].item<bool>());
        // "Sneaker" typed where "yes" was asked; yes still beats no among the valid answers:
        // superficial forgetting (format lost, knowledge kept).
        auto drift = scoreQa(scoresFor({vocab::kClass0 + 7}, {{vocab::kYes, 3.0f}, {vocab::kNo, 1.0f}}), q, a, y);
        QVERIFY(!drift.strict[0].item<bool>());
        QVERIFY(!drift.format[0].item<bool>());
        QVERIFY(drift.knowledge[0].item<bool>());
        // Well-formed but wrong: essential forgetting.
        auto wrong = scoreQa(scoresFor({vocab::kNo}), q, a, y);
        QVERIFY(!wrong.strict[0].item<bool>() && wrong.format[0].item<bool>() && !wrong.knowledge[0].item<bool>());
        // A detailed answer that never ends is ill-formed.
        auto dq = torch::tensor({{qtok::kFormat0 + 4, qtok::kPad, qtok::kPad, qtok::kPad, qtok::kPad}}, torch::kLong);
        auto da = build(QaStyle::Detail, 1, 7).answers;
        auto attrs = classAttributes(7);
        auto noEnd = scoresFor({vocab::kClass0 + 7, attrs[0], attrs[1], attrs[2], vocab::kYes});
        auto s = scoreQa(noEnd, dq, da, y);
        QVERIFY(!s.strict[0].item<bool>() && !s.format[0].item<bool>() && s.knowledge[0].item<bool>());
        auto full = scoreQa(scoresFor({vocab::kClass0 + 7, attrs[0], attrs[1], attrs[2]}), dq, da, y);
        QVERIFY(full.strict[0].item<bool>() && full.format[0].item<bool>());
        // A multiple-choice question answered with a class name: knowledge reads the letters.
        auto mq = torch::tensor({{qtok::kFormat0 + 1, qtok::kClass0 + 2, qtok::kClass0 + 7, qtok::kClass0 + 0, qtok::kClass0 + 9}}, torch::kLong);
        auto ma = torch::tensor({{vocab::kOptionA + 1, vocab::kEos, -100, -100, -100}}, torch::kLong);
        auto m = scoreQa(scoresFor({vocab::kClass0 + 7}, {{vocab::kOptionA + 1, 2.0f}}), mq, ma, y);
        QVERIFY(!m.format[0].item<bool>() && m.knowledge[0].item<bool>());
    }

    void qaRunStoresThreeMatricesAndTheDecomposition()
    {
        auto cfg = test::tinyConfig("seq-lora", 3);
        cfg.data.scenario = "qa";
        cfg.data.asdPercent = 20;
        cfg.params["mode"] = 1;
        std::vector<std::vector<QaExample>> examples;
        std::vector<size_t> rowSizes;
        auto r = runExperiment(cfg, nullptr, [&](const RunEvent& e) {
            if (e.kind == RunEvent::Kind::TaskEvaluated) {
                rowSizes.push_back(e.formatValues.size());
                rowSizes.push_back(e.knowledgeValues.size());
                examples.push_back(e.examples);
            }
            return true;
        });
        for (auto n : rowSizes) QCOMPARE(int(n), 3);
        QVERIFY2(r.status == clwb::RunStatus::Finished, r.message.c_str());
        QVERIFY(r.questionAnswering);
        QCOMPARE(int(r.formatMatrix.size()), 3);
        QCOMPARE(int(r.knowledgeMatrix.size()), 3);
        QCOMPARE(int(r.decomposition.essential.size()), 2);
        for (size_t j = 0; j < 2; ++j)
            QVERIFY(std::abs(r.decomposition.essential[j] + r.decomposition.superficial[j] -
                             r.decomposition.strictDrop[j]) < 1e-12);
        QCOMPARE(int(examples.size()), 4);  // before training + 3 tasks
        QCOMPARE(int(examples.back().size()), 3 * 3);
        QCOMPARE(QString::fromStdString(examples.back()[0].style), QString("yn"));
        QCOMPARE(QString::fromStdString(examples.back()[3].style), QString("mcq"));
        QVERIFY(examples.back()[0].question.rfind("Is it a ", 0) == 0);
        // Strategies without QA support are refused with the field named.
        cfg.strategy = "simplecil";
        cfg.params.clear();
        auto refused = validateRunConfig(cfg);
        QVERIFY(std::any_of(refused.begin(), refused.end(), [](const ConfigError& e) { return e.path == "strategy"; }));
    }
};

QTEST_GUILESS_MAIN(TestQaTasks)
#include "tst_qa_tasks.moc"
