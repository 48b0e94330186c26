// SPDX-License-Identifier: GPL-3.0-or-later
// Question-answering runs: superficial versus essential forgetting per task (stacked bars) and the
// current model's answers to a few fixed test questions (docs/qa.md).
#pragma once

#include <vector>

#include "charts/chart_panel.h"
#include "clwb/metrics.h"

class QCPBars;
class QLabel;
class QTableWidget;

/// Fed by TaskEvaluated events that carry knowledgeValues (QA sequences only; other events are
/// ignored). After each task i the bars show, for every earlier task j, the strict-accuracy drop
/// S[j][j] - S[i][j] split into essential (knowledge lost) and superficial (the rest) forgetting;
/// the table lists the example answers of the latest event.
class ForgettingChart : public ChartPanel
{
    Q_OBJECT

public:
    explicit ForgettingChart(QWidget* parent = nullptr);

    void handleEvent(const clwb::RunEvent& event) override;
    void clear() override;

    /// True once a QA event arrived (the window shows the panel only then).
    bool hasData() const { return !strict_.empty(); }
    const clwb::ForgettingDecomposition& decomposition() const { return decomposition_; }
    int exampleCount() const;
    QTableWidget* examplesTable() const { return examples_; }

Q_SIGNALS:
    void dataArrived();

protected:
    void retranslateUi() override;

private:
    void rebuild();

    clwb::AccuracyMatrix strict_, knowledge_;
    clwb::ForgettingDecomposition decomposition_;
    std::vector<clwb::QaExample> lastExamples_;
    QCPBars* essential_;
    QCPBars* superficial_;
    QLabel* caption_;
    QTableWidget* examples_;
};
