// SPDX-License-Identifier: GPL-3.0-or-later
// One-page PDF report of a run with the run's log beside it, and CSV export of its matrix and
// metrics.
#include "export/report_writer.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPainter>
#include <QPdfWriter>
#include <QTextStream>

#include <algorithm>
#include <cmath>

namespace report_writer {

namespace {

QString number(double v)
{
    return std::isnan(v) ? QString() : QString::number(v, 'g', 6);
}

/// Draws `px` scaled into `box` keeping its aspect ratio, with a caption above.
void drawFigure(QPainter& p, const QRect& box, const QPixmap& px, const QString& caption)
{
    QFont f = p.font();
    f.setPointSizeF(10);
    f.setBold(true);
    p.setFont(f);
    const int captionH = p.fontMetrics().height() + 6;
    p.drawText(QRect(box.left(), box.top(), box.width(), captionH), Qt::AlignLeft | Qt::AlignBottom,
               caption);
    const QRect area = box.adjusted(0, captionH + 4, 0, 0);
    if (px.isNull()) return;
    const QSize s = px.size().scaled(area.size(), Qt::KeepAspectRatio);
    p.drawPixmap(QRect(area.topLeft(), s), px);
}

}  // namespace

bool writePdf(const QString& file, const Report& r)
{
    QPdfWriter pdf(file);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout::Millimeter);
    pdf.setResolution(200);
    pdf.setTitle(r.title);
    pdf.setCreator(QStringLiteral("CL Workbench"));
    QPainter p;
    if (!p.begin(&pdf)) return false;
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    const QRect page(0, 0, pdf.width(), pdf.height());
    int y = 0;

    QFont titleFont = p.font();
    titleFont.setPointSizeF(18);
    titleFont.setBold(true);
    p.setFont(titleFont);
    // Long run names wrap instead of running off the page.
    const QRect titleRect = p.fontMetrics().boundingRect(
        QRect(0, 0, page.width(), page.height() / 4), Qt::TextWordWrap, r.title);
    p.drawText(QRect(0, y, page.width(), titleRect.height()), Qt::TextWordWrap, r.title);
    y += titleRect.height();
    QFont sub = p.font();
    sub.setPointSizeF(10);
    sub.setBold(false);
    p.setFont(sub);
    p.setPen(QColor(90, 90, 90));
    p.drawText(QRect(0, y, page.width(), p.fontMetrics().height()), Qt::AlignLeft, r.subtitle);
    y += p.fontMetrics().height() + 8;
    p.setPen(QColor(0, 114, 178));
    p.drawLine(0, y, page.width(), y);
    p.setPen(Qt::black);
    y += 20;

    // Config summary (left) and metrics table (right), both as key/value rows.
    QFont body = p.font();
    body.setPointSizeF(9);
    p.setFont(body);
    const int lineH = p.fontMetrics().height() + 4;
    const int colW = page.width() / 2 - 20;
    auto drawTable = [&](int x, const QString& heading,
                         const std::vector<std::pair<QString, QString>>& rows) {
        QFont h = body;
        h.setBold(true);
        p.setFont(h);
        p.drawText(QRect(x, y, colW, lineH), Qt::AlignLeft | Qt::AlignVCenter, heading);
        p.setFont(body);
        int yy = y + lineH + 2;
        int keyW = 0;
        for (const auto& [k, v] : rows) keyW = std::max(keyW, p.fontMetrics().horizontalAdvance(k));
        // Generous padding: PDF text can come out a little wider than the metrics say.
        keyW = std::min(int(keyW * 1.15) + 30, colW * 2 / 3);
        bool shade = false;
        for (const auto& [k, v] : rows) {
            if (shade) p.fillRect(QRect(x, yy, colW, lineH), QColor(242, 244, 247));
            shade = !shade;
            p.drawText(QRect(x + 4, yy, keyW, lineH), Qt::AlignLeft | Qt::AlignVCenter, k);
            p.drawText(QRect(x + keyW, yy, colW - keyW - 4, lineH),
                       Qt::AlignLeft | Qt::AlignVCenter,
                       p.fontMetrics().elidedText(v, Qt::ElideMiddle, colW - keyW - 4));
            yy += lineH;
        }
        return yy;
    };
    const int yLeft =
        drawTable(0, QCoreApplication::translate("ReportWriter", "Experiment"), r.config);
    const int yRight = drawTable(page.width() / 2 + 20,
                                 QCoreApplication::translate("ReportWriter", "Metrics"), r.metrics);
    y = std::max(yLeft, yRight) + 30;

    // Charts: 2 x 2 grid in the remaining space.
    const int footerH = lineH + 10;
    const int gridH = page.height() - y - footerH;
    const int cellW = (page.width() - 30) / 2, cellH = (gridH - 30) / 2;
    const QPixmap* figures[] = {&r.matrix, &r.curves, &r.loss, &r.importance};
    for (int i = 0; i < 4; ++i) {
        const QRect box((i % 2) * (cellW + 30), y + (i / 2) * (cellH + 30), cellW, cellH);
        drawFigure(p, box, *figures[i], r.captions.value(i));
    }
    auto footer = [&] {
        p.setFont(body);
        p.setPen(QColor(120, 120, 120));
        p.drawText(QRect(0, page.height() - lineH, page.width(), lineH), Qt::AlignRight,
                   QCoreApplication::translate("ReportWriter", "CL Workbench report, %1")
                       .arg(QLocale().toString(QDateTime::currentDateTime(), QLocale::ShortFormat)));
        p.setPen(Qt::black);
    };
    footer();
    // A further page: its heading, and y below it.
    auto newPage = [&](const QString& heading) {
        pdf.newPage();
        y = 0;
        QFont h = titleFont;
        h.setPointSizeF(14);
        p.setFont(h);
        p.drawText(QRect(0, y, page.width(), p.fontMetrics().height()), Qt::AlignLeft, heading);
        y += p.fontMetrics().height() + 20;
    };
    if (!r.forgetting.isNull()) {
        newPage(r.forgettingCaption);
        const int figH = page.height() * 2 / 5;
        drawFigure(p, QRect(0, y, page.width(), figH), r.forgetting, QString());
        y += figH + 30;
        p.setFont(body);
        y = drawTable(0, QCoreApplication::translate("ReportWriter", "Forgetting per task"),
                      r.decomposition) + 30;
        // Example answers at full width: question | the model's answer (expected).
        QFont bold = body;
        bold.setBold(true);
        p.setFont(bold);
        p.drawText(QRect(0, y, page.width(), lineH), Qt::AlignLeft | Qt::AlignVCenter,
                   QCoreApplication::translate("ReportWriter", "Example answers"));
        p.setFont(body);
        y += lineH + 2;
        const int qW = page.width() * 11 / 20;
        bool shade = false;
        for (const auto& [question, answer] : r.examples) {
            if (y + lineH > page.height() - footerH) break;
            if (shade) p.fillRect(QRect(0, y, page.width(), lineH), QColor(242, 244, 247));
            shade = !shade;
            p.drawText(QRect(4, y, qW - 8, lineH), Qt::AlignLeft | Qt::AlignVCenter,
                       p.fontMetrics().elidedText(question, Qt::ElideRight, qW - 8));
            p.drawText(QRect(qW, y, page.width() - qW - 4, lineH), Qt::AlignLeft | Qt::AlignVCenter,
                       p.fontMetrics().elidedText(answer, Qt::ElideMiddle, page.width() - qW - 4));
            y += lineH;
        }
        footer();
    }
    if (!r.confusion.isNull()) {
        newPage(r.confusionCaption);
        p.setFont(body);
        const QRect reading = p.fontMetrics().boundingRect(QRect(0, 0, page.width(), page.height()),
                                                           Qt::TextWordWrap, r.confusionReading);
        p.drawText(QRect(0, y, page.width(), reading.height()), Qt::TextWordWrap, r.confusionReading);
        y += reading.height() + 20;
        // With a gallery the matrix takes the upper half and the gallery the rest.
        const int room = page.height() - y - footerH;
        const int figH = r.gallery.isNull() ? std::min(page.width(), room) : room / 2;
        drawFigure(p, QRect(0, y, page.width(), figH), r.confusion, QString());
        y += figH + 20;
        if (!r.gallery.isNull()) {
            p.setFont(body);
            p.drawText(QRect(0, y, page.width(), lineH), Qt::AlignLeft | Qt::AlignVCenter,
                       r.galleryCaption);
            y += lineH + 6;
            drawFigure(p, QRect(0, y, page.width(), page.height() - y - footerH), r.gallery,
                       QString());
        }
        footer();
    }
    return p.end();
}

bool copyRunLog(const QString& reportFile, const QString& logFile)
{
    if (logFile.isEmpty() || !QFileInfo::exists(logFile)) return true;
    const QFileInfo report(reportFile);
    const QString target = report.dir().filePath(report.completeBaseName() + QStringLiteral(".log"));
    QFile::remove(target);
    return QFile::copy(logFile, target);
}

bool writeCsv(const QString& file, const std::vector<std::vector<double>>& rows,
              const std::vector<double>& initial,
              const std::vector<std::pair<QString, double>>& metrics)
{
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) return false;
    QTextStream out(&f);
    const size_t T = std::max(initial.size(), rows.empty() ? size_t(0) : rows.front().size());
    out << "row";
    for (size_t j = 0; j < T; ++j) out << ",task" << (j + 1);
    out << "\n";
    auto writeRow = [&](const QString& name, const std::vector<double>& row) {
        out << name;
        for (size_t j = 0; j < T; ++j) out << ',' << (j < row.size() ? number(row[j]) : QString());
        out << "\n";
    };
    if (!initial.empty()) writeRow(QStringLiteral("init"), initial);
    for (size_t i = 0; i < rows.size(); ++i)
        writeRow(QStringLiteral("after_task%1").arg(i + 1), rows[i]);
    out << "\nmetric,value\n";
    for (const auto& [key, v] : metrics) out << key << ',' << number(v) << "\n";
    return out.status() == QTextStream::Ok;
}

}  // namespace report_writer
