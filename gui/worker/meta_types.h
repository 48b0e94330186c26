// SPDX-License-Identifier: GPL-3.0-or-later
// Qt meta-type declarations for the engine value types that cross threads by queued signal.
#pragma once

#include <QMetaType>

#include "clwb/run_config.h"
#include "clwb/run_event.h"

// Declared in one header that every signal user includes first: a type used by moc before its
// Q_DECLARE_METATYPE would be a different (QObject-style) meta type.
Q_DECLARE_METATYPE(clwb::RunEvent)
Q_DECLARE_METATYPE(clwb::RunConfig)
Q_DECLARE_METATYPE(clwb::RunStatus)
