// SPDX-License-Identifier: GPL-3.0-or-later
// The slider over task boundaries (or per-task snapshots) of the inspection charts.
#pragma once

#include <QSlider>

#include <algorithm>
#include <vector>

/// A horizontal slider whose steps are a chart's boundaries, one per evaluated task. While it
/// stands on the newest boundary (or nothing is shown yet) it follows each new one; moved back
/// by the user, it stays where it is. Its own changes do not emit valueChanged.
class BoundarySlider : public QSlider
{
public:
    explicit BoundarySlider(QWidget* parent);

    /// The chart now has `count` boundaries (one more, or one replaced): updates the range and
    /// returns the index to show — the newest when `nothingShown` or the slider was at the end,
    /// else the one it stands on.
    int grow(int count, bool nothingShown);
    /// Back to empty (the chart was cleared).
    void reset();
    /// Shows `index` without emitting valueChanged (the chart changed it itself).
    void moveTo(int index);
};

/// Puts `item` into `items`, kept sorted by `key` (a boundary's task), replacing an item with
/// the same key (a replayed run after a live one).
template <typename T, typename Key>
void upsertSorted(std::vector<T>& items, T item, Key key)
{
    auto it =
        std::find_if(items.begin(), items.end(), [&](const T& x) { return key(x) >= key(item); });
    if (it != items.end() && key(*it) == key(item))
        *it = std::move(item);
    else
        items.insert(it, std::move(item));
}
