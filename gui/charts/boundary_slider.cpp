// SPDX-License-Identifier: GPL-3.0-or-later
// The slider over task boundaries (or per-task snapshots) of the inspection charts.
#include "charts/boundary_slider.h"

BoundarySlider::BoundarySlider(QWidget* parent) : QSlider(Qt::Horizontal, parent)
{
    setTickPosition(QSlider::TicksBelow);
    setPageStep(1);
    reset();
}

int BoundarySlider::grow(int count, bool nothingShown)
{
    const bool followLatest = nothingShown || value() == maximum();
    const QSignalBlocker block(this);
    setRange(0, count - 1);
    setEnabled(count > 1);
    const int index = followLatest ? count - 1 : value();
    setValue(index);
    return index;
}

void BoundarySlider::reset()
{
    const QSignalBlocker block(this);
    setRange(0, 0);
    setEnabled(false);
}

void BoundarySlider::moveTo(int index)
{
    if (value() == index) return;
    const QSignalBlocker block(this);
    setValue(index);
}
