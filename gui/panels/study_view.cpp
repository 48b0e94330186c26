// SPDX-License-Identifier: GPL-3.0-or-later
// The Study tab: a study's (or any runs') results over seeds: curves with ±std bands, the
// matrix averaged over seeds, the results table with its exports, and the grid's axes.
#include "panels/study_view.h"

#include <QComboBox>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "charts/accuracy_matrix_chart.h"
#include "charts/study_curve_chart.h"
#include "panels/study_table_model.h"

namespace {

/// Values in points for the charts; NaN where no seed gave one.
StudyCurveChart::Line lineOf(const QString& name, const std::vector<clwb::MeanStd>& values)
{
    StudyCurveChart::Line line{name, {}, {}};
    for (const auto& v : values) {
        line.mean.push_back(v.n > 0 ? 100.0 * v.mean : std::nan(""));
        line.std.push_back(v.n > 0 ? 100.0 * v.std : std::nan(""));
    }
    return line;
}

/// A legend's name for a group: settings by their last key part ("ewc (lr=0.001)"), the table
/// gives them in full.
QString legendName(const QString& full)
{
    static const QRegularExpression dotted(QStringLiteral("[\\w.]*\\.(\\w+)="));
    QString name = full;
    return name.replace(dotted, QStringLiteral("\\1="));
}

/// A grid value as the axis shows it: strings without their JSON quotes.
QString axisValue(const std::string& json)
{
    QString v = QString::fromStdString(json);
    if (v.size() >= 2 && v.startsWith(QLatin1Char('"')) && v.endsWith(QLatin1Char('"')))
        v = v.mid(1, v.size() - 2);
    return v;
}

}  // namespace

StudyView::StudyView(QWidget* parent)
    : QWidget(parent),
      header_(new QLabel(this)),
      best_(new QLabel(this)),
      note_(new QLabel(this)),
      accuracy_(new StudyCurveChart(StudyCurveChart::Kind::AverageAccuracy, this)),
      forgetting_(new StudyCurveChart(StudyCurveChart::Kind::Forgetting, this)),
      groupLabel_(new QLabel(this)),
      groupBox_(new QComboBox(this)),
      matrix_(new AccuracyMatrixChart(this)),
      tableLabel_(new QLabel(this)),
      model_(new StudyTableModel(this)),
      proxy_(new QSortFilterProxyModel(this)),
      table_(new QTableView(this)),
      csvButton_(new QPushButton(this)),
      markdownButton_(new QPushButton(this)),
      latexButton_(new QPushButton(this)),
      bottom_(new QTabWidget(this)),
      axisPanel_(new QWidget(this)),
      axisRow_(new QHBoxLayout(axisPanel_))
{
    QFont bold = header_->font();
    bold.setBold(true);
    header_->setFont(bold);
    for (QLabel* l : {header_, best_, note_}) {
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    tableLabel_->setWordWrap(true);  // long in Japanese: the tab must not get wider than the window
    matrix_->setInitRowShown(false);
    groupBox_->setObjectName(QStringLiteral("studyGroupBox"));
    groupBox_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    groupBox_->setMinimumContentsLength(12);
    for (auto* chart : std::initializer_list<QWidget*>{accuracy_, forgetting_, matrix_})
        chart->setMinimumHeight(280);

    proxy_->setSourceModel(model_);
    proxy_->setSortRole(StudyTableModel::SortRole);
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->setVisible(false);
    table_->setAlternatingRowColors(true);
    table_->setMinimumHeight(150);
    csvButton_->setObjectName(QStringLiteral("exportCsvButton"));
    markdownButton_->setObjectName(QStringLiteral("exportMarkdownButton"));
    latexButton_->setObjectName(QStringLiteral("exportLatexButton"));

    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    layout->addWidget(header_);
    layout->addWidget(best_);
    layout->addWidget(note_);
    auto* charts = new QHBoxLayout;
    charts->addWidget(accuracy_, 1);
    charts->addWidget(forgetting_, 1);
    auto* matrixColumn = new QVBoxLayout;
    auto* groupRow = new QHBoxLayout;
    groupRow->addWidget(groupLabel_);
    groupRow->addWidget(groupBox_, 1);
    matrixColumn->addLayout(groupRow);
    matrixColumn->addWidget(matrix_, 1);
    charts->addLayout(matrixColumn, 1);
    layout->addLayout(charts, 3);
    // The results table, and a grid study's axes in a second tab of the same room.
    auto* results = new QWidget;
    auto* resultsLayout = new QVBoxLayout(results);
    resultsLayout->setContentsMargins(2, 2, 2, 2);
    auto* tableHeader = new QHBoxLayout;
    tableHeader->addWidget(tableLabel_, 1);
    for (QPushButton* b : {csvButton_, markdownButton_, latexButton_}) tableHeader->addWidget(b);
    resultsLayout->addLayout(tableHeader);
    resultsLayout->addWidget(table_, 1);
    axisRow_->setContentsMargins(2, 2, 2, 2);
    bottom_->addTab(results, QString());
    bottom_->addTab(axisPanel_, QString());
    bottom_->setDocumentMode(true);
    layout->addWidget(bottom_, 2);
    bottom_->setTabVisible(1, false);  // until a grid study is shown
    bottom_->tabBar()->setVisible(false);

    // The tab scrolls on small screens rather than squeezing the charts.
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    connect(groupBox_, qOverload<int>(&QComboBox::activated), this,
            [this](int i) { showGroupMatrix(groupBox_->itemData(i).toInt()); });
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid())
                    showGroupMatrix(current.data(StudyTableModel::GroupRole).toInt());
            });
    connect(csvButton_, &QPushButton::clicked, this, [this] { askExport(Format::Csv); });
    connect(markdownButton_, &QPushButton::clicked, this, [this] { askExport(Format::Markdown); });
    connect(latexButton_, &QPushButton::clicked, this, [this] { askExport(Format::Latex); });
    retranslateUi();
}

void StudyView::retranslateUi()
{
    if (summary_.groups.empty()) {
        header_->setText(tr("No study on show"));
        best_->setText(
            tr("Open a study in the Studies dock, or select runs in the Runs browser "
               "and press Study comparison."));
    } else {
        int runs = 0;
        for (const auto& g : summary_.groups) runs += int(g.runIds.size());
        const int groups = int(summary_.groups.size());
        const QString counts =
            (groups == 1 ? tr("1 configuration") : tr("%1 configurations").arg(groups)) +
            QStringLiteral(", ") +
            (runs == 1 ? tr("1 finished run") : tr("%1 finished runs").arg(runs));
        header_->setText(subject_.isEmpty() ? counts
                                            : QStringLiteral("%1 — %2").arg(subject_, counts));
        best_->setText(bestText());
    }
    const int unfinished = int(summary_.unfinished.size());
    note_->setText(unfinished == 0   ? QString()
                   : unfinished == 1 ? tr("1 run that did not finish is left out of the averages.")
                                     : tr("%1 runs that did not finish are left out of the "
                                          "averages.")
                                           .arg(unfinished));
    note_->setVisible(!summary_.unfinished.empty());
    groupLabel_->setText(tr("Matrix of:"));
    tableLabel_->setText(
        tr("Results: mean ± std over seeds; the best of each column in bold. "
           "Click a header to sort, a row to show its matrix."));
    bottom_->setTabText(0, tr("Results"));
    bottom_->setTabText(1, tr("Grid: A_T by each axis"));
    csvButton_->setText(tr("Export CSV…"));
    markdownButton_->setText(tr("Export Markdown…"));
    latexButton_->setText(tr("Export LaTeX…"));
    model_->retranslate();
    if (shownGroup_ >= 0 && shownGroup_ < int(summary_.groups.size()))
        showGroupMatrix(shownGroup_);  // the tips are texts too
}

void StudyView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

QString StudyView::bestText() const
{
    if (summary_.best < 0 || summary_.best >= int(summary_.groups.size())) return {};
    const auto& g = summary_.groups[size_t(summary_.best)];
    const auto it = g.metrics.find("final_average_accuracy");
    const QString at = it == g.metrics.end()
                           ? QString()
                           : StudyTableModel::formatted("final_average_accuracy", it->second);
    return tr("Best configuration: %1 (A_T %2; ties go to lower forgetting)")
        .arg(StudyTableModel::groupName(g), at);
}

void StudyView::setSummary(const clwb::StudySummary& summary, const QString& subject)
{
    summary_ = summary;
    subject_ = subject;
    model_->setSummary(summary_);
    table_->resizeColumnsToContents();
    // Every row in sight up to a dozen; more scroll.
    const int rows = std::min(12, model_->rowCount());
    table_->setMinimumHeight(table_->horizontalHeader()->sizeHint().height() +
                             (rows + 1) * table_->verticalHeader()->defaultSectionSize() + 4);
    const int atColumn = model_->columnOf("final_average_accuracy");
    if (atColumn >= 0) table_->sortByColumn(atColumn, Qt::DescendingOrder);

    size_t tasks = 0;
    for (const auto& g : summary_.groups) tasks = std::max(tasks, g.averageAccuracy.size());
    QStringList taskLabels;
    for (size_t t = 0; t < tasks; ++t) taskLabels << QString::number(t + 1);
    std::vector<StudyCurveChart::Line> acc, forg;
    groupBox_->clear();
    for (size_t i = 0; i < summary_.groups.size(); ++i) {
        const auto& g = summary_.groups[i];
        const QString name = StudyTableModel::groupName(g);
        acc.push_back(lineOf(legendName(name), g.averageAccuracy));
        forg.push_back(lineOf(legendName(name), g.forgetting));
        groupBox_->addItem(name, int(i));
    }
    accuracy_->setLines(taskLabels, acc);
    forgetting_->setLines(taskLabels, forg);
    rebuildAxisCharts();
    shownGroup_ = -1;
    matrix_->clear();
    if (!summary_.groups.empty()) showGroupMatrix(summary_.best >= 0 ? summary_.best : 0);
    retranslateUi();
}

void StudyView::rebuildAxisCharts()
{
    for (StudyCurveChart* c : axisCharts_) delete c;
    axisCharts_.clear();
    for (const auto& axis : summary_.axes) {
        auto* chart = new StudyCurveChart(StudyCurveChart::Kind::Axis, axisPanel_);
        chart->setMinimumHeight(220);
        chart->setAxisName(QString::fromStdString(axis.axis));
        QStringList values;
        for (const auto& v : axis.values) values << axisValue(v);
        std::vector<StudyCurveChart::Line> lines;
        for (size_t r = 0; r < axis.rows.size(); ++r)
            lines.push_back(
                lineOf(legendName(QString::fromStdString(axis.rows[r])), axis.cells[r]));
        chart->setLines(values, lines);
        axisRow_->addWidget(chart, 1);
        axisCharts_.push_back(chart);
    }
    const bool grid = !axisCharts_.empty();
    bottom_->setTabVisible(1, grid);
    bottom_->tabBar()->setVisible(grid);
    if (!grid) bottom_->setCurrentIndex(0);
}

void StudyView::showGroupMatrix(int group)
{
    if (group < 0 || group >= int(summary_.groups.size())) return;
    shownGroup_ = group;
    const auto& g = summary_.groups[size_t(group)];
    const int T = int(g.matrix.size());
    matrix_->clear();
    matrix_->setSubject(StudyTableModel::groupName(g));
    const QLocale locale;
    const int decimals = T > 6 ? 0 : 1;
    for (int i = 0; i < T; ++i)
        for (int j = 0; j < int(g.matrix[size_t(i)].size()) && j < T; ++j) {
            const clwb::MeanStd& v = g.matrix[size_t(i)][size_t(j)];
            if (v.n == 0) continue;
            matrix_->setCell(i, j, v.mean, T);
            const QString mean = locale.toString(100.0 * v.mean, 'f', decimals);
            const QString std = locale.toString(100.0 * v.std, 'f', decimals);
            matrix_->setCellText(
                i, j, QStringLiteral("%1\n± %2").arg(mean, std),
                (v.n == 1
                     ? tr("After task %1, task %2: %3 % (one seed)").arg(i + 1).arg(j + 1).arg(mean)
                     : tr("After task %1, task %2: %3 ± %4 % over %5 seeds")
                           .arg(i + 1)
                           .arg(j + 1)
                           .arg(mean, std)
                           .arg(v.n)));
        }
    const int index = groupBox_->findData(group);
    if (index >= 0) groupBox_->setCurrentIndex(index);
}

std::string StudyView::exportText(Format format, const clwb::StudySummary& summary)
{
    switch (format) {
        case Format::Csv:
            return clwb::studySummaryCsv(summary);
        case Format::Markdown:
            return clwb::studySummaryMarkdown(summary);
        case Format::Latex:
            return clwb::studySummaryLatex(summary);
        case Format::Json:
            return clwb::studySummaryJson(summary);
    }
    return {};
}

bool StudyView::exportTo(Format format, const QString& file) const
{
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
    const std::string text = exportText(format, summary_);
    return f.write(text.data(), qint64(text.size())) == qint64(text.size()) && f.flush();
}

void StudyView::askExport(Format format)
{
    if (isEmpty()) return;
    QString filter, suffix;
    switch (format) {
        case Format::Csv:
            filter = tr("CSV files (*.csv)");
            suffix = QStringLiteral(".csv");
            break;
        case Format::Markdown:
            filter = tr("Markdown files (*.md)");
            suffix = QStringLiteral(".md");
            break;
        case Format::Latex:
            filter = tr("LaTeX files (*.tex)");
            suffix = QStringLiteral(".tex");
            break;
        case Format::Json:
            filter = tr("JSON files (*.json)");
            suffix = QStringLiteral(".json");
            break;
    }
    QSettings settings;
    QString file = QFileDialog::getSaveFileName(
        this, tr("Export the study's results"),
        settings.value(QStringLiteral("lastDirectory")).toString(), filter);
    if (file.isEmpty()) return;
    if (!file.endsWith(suffix)) file += suffix;
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(file).absolutePath());
    if (exportTo(format, file))
        Q_EMIT exported(file);
    else
        QMessageBox::warning(this, tr("Cannot export"), tr("Could not write %1.").arg(file));
}

void StudyView::flushReplots()
{
    accuracy_->flushReplot();
    forgetting_->flushReplot();
    matrix_->flushReplot();
    for (StudyCurveChart* c : axisCharts_) c->flushReplot();
}
