// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/forgetting_chart.h"

#include <algorithm>

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include "charts/chart_palette.h"
#include "qcustomplot.h"

ForgettingChart::ForgettingChart(QWidget* parent)
    : ChartPanel(parent),
      essential_(new QCPBars(plot_->xAxis, plot_->yAxis)),
      superficial_(new QCPBars(plot_->xAxis, plot_->yAxis)),
      caption_(new QLabel(this)),
      examples_(new QTableWidget(this))
{
    essential_->setWidth(0.6);
    superficial_->setWidth(0.6);
    essential_->setPen(Qt::NoPen);
    superficial_->setPen(Qt::NoPen);
    essential_->setBrush(QColor(0xc0, 0x39, 0x2b));    // knowledge lost: red
    superficial_->setBrush(QColor(0xf3, 0x9c, 0x12));  // format drift: amber
    superficial_->moveAbove(essential_);
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    plot_->yAxis->setRange(0.0, 100.0);
    plot_->xAxis->setRange(-0.5, 0.5);
    caption_->setWordWrap(true);
    mainLayout()->addWidget(caption_);
    examples_->setColumnCount(4);
    examples_->verticalHeader()->setVisible(false);
    examples_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    examples_->setSelectionMode(QAbstractItemView::NoSelection);
    examples_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    examples_->horizontalHeader()->setStretchLastSection(true);
    examples_->setWordWrap(false);
    mainLayout()->addWidget(examples_, 1);
    retranslateUi();
}

void ForgettingChart::retranslateUi()
{
    setTitle(tr("Superficial vs essential forgetting"));
    plot_->xAxis->setLabel(tr("Task (its native answer style)"));
    plot_->yAxis->setLabel(tr("Strict drop (points)"));
    essential_->setName(tr("Essential: knowledge lost"));
    superficial_->setName(tr("Superficial: format drift"));
    examples_->setHorizontalHeaderLabels(
        {tr("Task"), tr("Question"), tr("Expected"), tr("Model's answer")});
    plot_->setToolTip(
        tr("For each earlier task j after the latest task i: strict drop = S[j][j] − S[i][j];\n"
           "essential = drop of the knowledge accuracy (answer decoded among the valid tokens of\n"
           "the requested style); superficial = strict drop − essential."));
    rebuild();
}

void ForgettingChart::clear()
{
    strict_.clear();
    knowledge_.clear();
    decomposition_ = {};
    lastExamples_.clear();
    rebuild();
}

void ForgettingChart::handleEvent(const clwb::RunEvent& event)
{
    if (event.kind != clwb::RunEvent::Kind::TaskEvaluated || event.task < 0 ||
        event.knowledgeValues.empty())
        return;
    const bool first = strict_.empty();
    const auto row = size_t(event.task);
    if (strict_.size() <= row) {
        strict_.resize(row + 1);
        knowledge_.resize(row + 1);
    }
    strict_[row] = event.values;
    knowledge_[row] = event.knowledgeValues;
    if (!event.examples.empty()) lastExamples_ = event.examples;
    decomposition_ = clwb::decomposeForgetting(strict_, knowledge_, event.task);
    rebuild();
    if (first) Q_EMIT dataArrived();
}

int ForgettingChart::exampleCount() const { return examples_->rowCount(); }

void ForgettingChart::rebuild()
{
    const auto& d = decomposition_;
    QVector<double> keys, ess, sup;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    const int tasks = strict_.empty() ? 0 : int(strict_.back().size());
    double top = 10.0, bottom = 0.0;
    for (int j = 0; j < tasks; ++j) {
        ticker->addTick(j, tr("T%1").arg(j + 1));
        if (j < int(d.essential.size())) {
            keys << j;
            ess << 100.0 * d.essential[size_t(j)];
            sup << 100.0 * d.superficial[size_t(j)];
            top = std::max(top, 100.0 * (std::max(0.0, d.essential[size_t(j)]) +
                                         std::max(0.0, d.superficial[size_t(j)])));
            bottom = std::min(bottom, 100.0 * (std::min(0.0, d.essential[size_t(j)]) +
                                               std::min(0.0, d.superficial[size_t(j)])));
        }
    }
    essential_->setData(keys, ess);
    superficial_->setData(keys, sup);
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setRange(-0.5, std::max(1, tasks) - 0.5);
    plot_->yAxis->setRange(bottom * 1.1, top * 1.1);
    if (strict_.empty()) {
        caption_->setText(tr("Shown for question-answering sequences (preset \"question answering\")."));
    } else if (d.essential.empty()) {
        caption_->setText(tr("After task %1: nothing to forget yet.").arg(d.afterTask + 1));
    } else {
        caption_->setText(tr("After task %1: strict drop %2 = essential %3 + superficial %4 points (mean over earlier tasks).")
                              .arg(d.afterTask + 1)
                              .arg(QLocale().toString(100.0 * d.meanStrictDrop, 'f', 1))
                              .arg(QLocale().toString(100.0 * d.meanEssential, 'f', 1))
                              .arg(QLocale().toString(100.0 * d.meanSuperficial, 'f', 1)));
    }
    // Example answers: green = right, amber = knowledge kept but the format drifted, red = wrong.
    examples_->setRowCount(int(lastExamples_.size()));
    for (int i = 0; i < int(lastExamples_.size()); ++i) {
        const auto& e = lastExamples_[size_t(i)];
        const QColor tint = e.strict ? QColor(0xd5, 0xf5, 0xe3)
                            : (!e.format && e.knowledge) ? QColor(0xfd, 0xeb, 0xd0)
                                                         : QColor(0xfa, 0xdb, 0xd8);
        const QStringList cells = {tr("T%1 (%2)").arg(e.task + 1).arg(QString::fromStdString(e.style)),
                                   QString::fromStdString(e.question),
                                   QString::fromStdString(e.expected),
                                   QString::fromStdString(e.answer)};
        for (int c = 0; c < 4; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c == 3) {
                item->setBackground(tint);
                item->setForeground(QColor(30, 30, 30));
                item->setToolTip(e.strict ? tr("Right")
                                 : (!e.format && e.knowledge)
                                     ? tr("Superficial: knows the answer, wrong format")
                                 : e.format ? tr("Essential: well-formed but wrong")
                                            : tr("Wrong and ill-formed"));
            }
            examples_->setItem(i, c, item);
        }
    }
    requestReplot();
}
