// SPDX-License-Identifier: GPL-3.0-or-later
// "Import checkpoint…": choose a backbone checkpoint (clwb, timm or torchvision), optionally name
// its timm architecture and the image size, and see what clwb::inspectBackbone detected.
#pragma once

#include <QDialog>
#include <QStringList>

#include "clwb/backbones.h"

class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTimer;

class BackboneDialog : public QDialog
{
    Q_OBJECT

public:
    explicit BackboneDialog(QWidget* parent = nullptr);

    /// Fills the fields (and inspects): a checkpoint, a timm name ("" = inferred), an image size
    /// (0 = the checkpoint's).
    void setCheckpoint(const QString& path, const QString& arch = {}, int imageSize = 0);
    QString checkpoint() const;
    QString architecture() const;
    int imageSize() const;  ///< 0 = the checkpoint's

    /// The last inspection (valid once inspected() was emitted).
    const clwb::BackboneInfo& info() const { return info_; }
    bool isInspecting() const;
    /// What the problem line shows ("" = usable): the checkpoint's or a field's problem.
    QString problemText() const;
    /// The detected architecture with backbone, arch and image size set from the fields.
    clwb::ModelConfig modelConfig() const;
    /// The text of a detail row (tests, screenshots): "format", "architecture", "size",
    /// "image", "pooling", "classToken", "layerScale", "parameters", "normalisation", "notes".
    QString detail(const QString& key) const;

    /// Checkpoints accepted before, newest first (QSettings "recentCheckpoints").
    static QStringList recentCheckpoints();

Q_SIGNALS:
    /// info() describes the current fields.
    void inspected();

public Q_SLOTS:
    void accept() override;

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void browse();
    void inspectSoon();
    void inspectNow();
    void showInfo();

    clwb::BackboneInfo info_;
    bool inspectedOnce_ = false;
    int generation_ = 0;
    int applied_ = 0;

    QLabel* fileLabel_;
    QComboBox* file_;
    QPushButton* browse_;
    QLabel* archLabel_;
    QComboBox* arch_;
    QLabel* sizeLabel_;
    QSpinBox* size_;
    QGroupBox* detected_;
    QFormLayout* details_;
    QLabel* status_;
    QDialogButtonBox* buttons_;
    QTimer* debounce_;
};
