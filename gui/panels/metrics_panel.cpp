// SPDX-License-Identifier: GPL-3.0-or-later
// Continual-learning metrics table (A_T, Ā, BWT, FWT, forgetting, plasticity) with explanations.
#include "panels/metrics_panel.h"

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool isDifference(const std::string& key)
{
    return key == "bwt" || key == "fwt" || key == "forgetting" || key == "forgetting_first";
}
}  // namespace

MetricsPanel::MetricsPanel(QWidget* parent)
    : QWidget(parent), status_(new QLabel(this)), table_(new QTableWidget(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    QFont bold = status_->font();
    bold.setBold(true);
    status_->setFont(bold);
    status_->setWordWrap(true);
    layout->addWidget(status_);
    layout->addWidget(table_, 1);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionMode(QAbstractItemView::NoSelection);
    table_->verticalHeader()->setVisible(false);
    table_->horizontalHeader()->setStretchLastSection(false);
    table_->setTextElideMode(Qt::ElideRight);
    table_->setWordWrap(false);
    table_->setRowCount(int(keys().size()));
    columnNames_ = QStringList{QString()};
    columns_.assign(1, {});
    retranslateUi();
}

std::vector<std::string> MetricsPanel::keys()
{
    std::vector<std::string> out;
    for (const auto& [k, v] : clwb::metricsAsList(clwb::Metrics{})) out.push_back(k);
    return out;
}

QString MetricsPanel::metricLabel(const std::string& key) const
{
    if (key == "final_average_accuracy") return tr("Final average accuracy A_T");
    if (key == "average_incremental_accuracy") return tr("Average incremental accuracy Ā");
    if (key == "bwt") return tr("Backward transfer (BWT)");
    if (key == "fwt") return tr("Forward transfer (FWT)");
    if (key == "forgetting") return tr("Forgetting (max)");
    if (key == "forgetting_first") return tr("Forgetting (first)");
    if (key == "plasticity") return tr("Plasticity");
    return QString::fromStdString(key);
}

QString MetricsPanel::tooltip(const std::string& key) const
{
    // Formulas as in docs/metrics.md (0-based: tasks 0..T-1, R[i][j] = accuracy on task j
    // after training task i, b[j] = accuracy before any training).
    QString plain, formula;
    if (key == "final_average_accuracy") {
        plain = tr("How well the final model does on all tasks, on average.");
        formula = QStringLiteral("A_T = 1/T · Σ_j R[T-1][j]");
    } else if (key == "average_incremental_accuracy") {
        plain =
            tr("The average accuracy over seen tasks, averaged over the whole sequence: "
               "rewards methods that are good all along, not only at the end.");
        formula = QStringLiteral("Ā = 1/T · Σ_i A_i,   A_i = 1/(i+1) · Σ_{j≤i} R[i][j]");
    } else if (key == "bwt") {
        plain =
            tr("How training on later tasks changed accuracy on earlier ones. "
               "Negative means forgetting.");
        formula = QStringLiteral("BWT = 1/(T-1) · Σ_{j<T-1} (R[T-1][j] − R[j][j])");
    } else if (key == "fwt") {
        plain =
            tr("How much earlier tasks help a task before it is trained, compared with "
               "the untrained model.");
        formula = QStringLiteral("FWT = 1/(T-1) · Σ_{j≥1} (R[j-1][j] − b[j])");
    } else if (key == "forgetting") {
        plain = tr("How much accuracy on old tasks dropped since its best (Chaudhry et al.).");
        formula = QStringLiteral("F = 1/(T-1) · Σ_{j<T-1} (max_{j≤l<T-1} R[l][j] − R[T-1][j])");
    } else if (key == "forgetting_first") {
        plain =
            tr("How much accuracy on old tasks dropped since right after they were "
               "learned (Avalanche's definition; equals −BWT).");
        formula = QStringLiteral("F₁ = 1/(T-1) · Σ_{j<T-1} (R[j][j] − R[T-1][j])");
    } else if (key == "plasticity") {
        plain = tr("How well each task is learned when it is trained (mean of the diagonal).");
        formula = QStringLiteral("P = 1/T · Σ_j R[j][j]");
    }
    return QStringLiteral("<p><b>%1</b></p><p>%2</p><p><code>%3</code></p><p><i>%4</i></p>")
        .arg(metricLabel(key).toHtmlEscaped(), plain.toHtmlEscaped(), formula.toHtmlEscaped(),
             tr("R[i][j]: accuracy on task j after training task i; b[j]: accuracy before "
                "training; T tasks. See docs/metrics.md.")
                 .toHtmlEscaped());
}

QString MetricsPanel::formattedValue(const std::string& key, double v) const
{
    if (std::isnan(v)) return QStringLiteral("—");
    const QString number = QLocale().toString(v * 100.0, 'f', 1);
    if (isDifference(key)) return tr("%1 pp").arg(v > 0 ? QStringLiteral("+") + number : number);
    return tr("%1 %").arg(number);
}

void MetricsPanel::retranslateUi()
{
    QStringList headers{tr("Metric")};
    for (int c = 0; c < int(columnNames_.size()); ++c)
        headers << (columnNames_[c].isEmpty() ? tr("Value") : columnNames_[c]);
    table_->setColumnCount(int(headers.size()));
    table_->setHorizontalHeaderLabels(headers);
    const auto ks = keys();
    for (int r = 0; r < int(ks.size()); ++r) {
        auto* name = new QTableWidgetItem(metricLabel(ks[size_t(r)]));
        name->setToolTip(tooltip(ks[size_t(r)]));
        table_->setItem(r, 0, name);
        for (int c = 0; c < int(columns_.size()); ++c) {
            const auto it = columns_[size_t(c)].find(ks[size_t(r)]);
            const double v = it == columns_[size_t(c)].end() ? kNaN : it->second;
            auto* item = new QTableWidgetItem(formattedValue(ks[size_t(r)], v));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            item->setData(Qt::UserRole, v);
            item->setToolTip(name->toolTip());
            table_->setItem(r, c + 1, item);
        }
    }
    // One run: the names take the spare width. Several: every column fits its contents and the
    // table scrolls sideways, so no metric name is cut.
    table_->horizontalHeader()->setSectionResizeMode(
        0, columnNames_.size() > 1 ? QHeaderView::ResizeToContents : QHeaderView::Stretch);
    for (int c = 1; c < table_->columnCount(); ++c)
        table_->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    if (columnNames_.size() > 1) {
        status_->setText(tr("Comparison of %n run(s)", nullptr, int(columnNames_.size())));
    } else if (final_) {
        status_->setText(tr("Final metrics (%n task(s))", nullptr, taskCount_));
    } else if (!rows_.empty()) {
        status_->setText(tr("So far: after task %1 of %2").arg(int(rows_.size())).arg(taskCount_));
    } else {
        status_->setText(tr("Metrics appear after the first task is evaluated"));
    }
}

void MetricsPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void MetricsPanel::clear()
{
    rows_.clear();
    initial_.clear();
    taskCount_ = 0;
    final_ = false;
    columnNames_ = QStringList{QString()};
    columns_.assign(1, {});
    retranslateUi();
}

void MetricsPanel::showValues(const std::map<std::string, double>& values)
{
    columnNames_ = QStringList{QString()};
    columns_.assign(1, values);
    retranslateUi();
}

void MetricsPanel::setColumns(const QStringList& names,
                              const std::vector<std::map<std::string, double>>& values)
{
    columnNames_ = names;
    columns_ = values;
    columns_.resize(size_t(names.size()));
    retranslateUi();
}

void MetricsPanel::recompute()
{
    const int k = int(rows_.size());
    if (k == 0 || taskCount_ == 0) return;
    // Leading k x k block: the metrics of the sequence truncated after task k-1.
    clwb::AccuracyMatrix sub;
    for (const auto& row : rows_) sub.emplace_back(row.begin(), row.begin() + k);
    const bool haveInit = int(initial_.size()) >= k;
    std::vector<double> init = haveInit
                                   ? std::vector<double>(initial_.begin(), initial_.begin() + k)
                                   : std::vector<double>(size_t(k), 0.0);
    try {
        std::map<std::string, double> values;
        for (const auto& [key, v] : clwb::metricsAsList(clwb::computeMetrics(sub, init)))
            values[key] = v;
        if (!haveInit) values["fwt"] = kNaN;
        showValues(values);
    } catch (const std::exception&) {
        // A malformed (e.g. partially stored) matrix: keep the previous values.
    }
}

void MetricsPanel::handleEvent(const clwb::RunEvent& event)
{
    using Kind = clwb::RunEvent::Kind;
    if (event.kind == Kind::Started) {
        clear();
    } else if (event.kind == Kind::TaskEvaluated && !event.values.empty()) {
        taskCount_ = int(event.values.size());
        if (event.task < 0) {
            initial_ = event.values;
        } else if (event.task == int(rows_.size())) {
            rows_.push_back(event.values);
            recompute();
        }
    } else if (event.kind == Kind::Finished) {
        std::map<std::string, double> values;
        const auto ks = keys();
        for (size_t i = 0; i < ks.size() && i < event.values.size(); ++i)
            values[ks[i]] = event.values[i];
        final_ = true;
        showValues(values);
    }
}

double MetricsPanel::value(const std::string& key, int column) const
{
    if (column < 0 || column >= int(columns_.size())) return kNaN;
    const auto it = columns_[size_t(column)].find(key);
    return it == columns_[size_t(column)].end() ? kNaN : it->second;
}
