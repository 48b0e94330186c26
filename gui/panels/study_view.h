// SPDX-License-Identifier: GPL-3.0-or-later
// The Study tab: a study's (or any runs') results over seeds: curves with ±std bands, the
// matrix averaged over seeds, the results table with its exports, and the grid's axes.
#pragma once

#include <QString>
#include <QWidget>

#include <vector>

#include "clwb/study_summary.h"

class AccuracyMatrixChart;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;
class StudyCurveChart;
class StudyTableModel;

class StudyView : public QWidget
{
    Q_OBJECT

public:
    enum class Format { Csv, Markdown, Latex, Json };

    explicit StudyView(QWidget* parent = nullptr);

    /// Shows `summary`; `subject` names it in the header ("Study 3: lr sweep", "Runs 4, 7, 9").
    void setSummary(const clwb::StudySummary& summary, const QString& subject = {});
    const clwb::StudySummary& summary() const { return summary_; }
    bool isEmpty() const { return summary_.groups.empty(); }

    /// The accuracy matrix of group `group` (an index into summary().groups), averaged over
    /// its seeds, cells "mean ± std".
    void showGroupMatrix(int group);
    int shownGroup() const { return shownGroup_; }

    /// Writes the engine's export of the summary (studySummaryCsv etc.); false if it cannot.
    bool exportTo(Format format, const QString& file) const;
    static std::string exportText(Format format, const clwb::StudySummary& summary);

    StudyCurveChart* accuracyChart() const { return accuracy_; }
    StudyCurveChart* forgettingChart() const { return forgetting_; }
    AccuracyMatrixChart* matrix() const { return matrix_; }
    QComboBox* groupBox() const { return groupBox_; }
    StudyTableModel* tableModel() const { return model_; }
    QSortFilterProxyModel* proxy() const { return proxy_; }
    QTableView* table() const { return table_; }
    const std::vector<StudyCurveChart*>& axisCharts() const { return axisCharts_; }
    /// The tabs under the charts: the results table, and a grid study's axes.
    QTabWidget* bottomTabs() const { return bottom_; }
    /// "Best configuration: …", empty without one.
    QString bestText() const;
    /// Replots every chart now (tests, screenshots).
    void flushReplots();

Q_SIGNALS:
    /// An export was written (for the status bar).
    void exported(const QString& file);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void askExport(Format format);
    void rebuildAxisCharts();

    clwb::StudySummary summary_;
    QString subject_;
    int shownGroup_ = -1;

    QLabel* header_;
    QLabel* best_;
    QLabel* note_;
    StudyCurveChart* accuracy_;
    StudyCurveChart* forgetting_;
    QLabel* groupLabel_;
    QComboBox* groupBox_;
    AccuracyMatrixChart* matrix_;
    QLabel* tableLabel_;
    StudyTableModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* table_;
    QPushButton* csvButton_;
    QPushButton* markdownButton_;
    QPushButton* latexButton_;
    QTabWidget* bottom_;
    QWidget* axisPanel_;
    QHBoxLayout* axisRow_;
    std::vector<StudyCurveChart*> axisCharts_;
};
