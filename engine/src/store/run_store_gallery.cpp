// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore's prediction gallery (schema 5): the thumbnails once per run, the predicted class of
// each after every boundary.
#include <stdexcept>
#include <string>

#include "clwb/run_store.h"
#include "store/run_store_impl.h"

namespace clwb {

using sql::Query;
using sql::Transaction;

void RunStore::setGallery(std::int64_t runId, const std::vector<GalleryImage>& images)
{
    for (std::size_t i = 0; i < images.size(); ++i) {
        const auto& im = images[i];
        const long long bytes = im.width < 0 || im.height < 0 || im.channels < 0
                                    ? -1
                                    : (long long)im.width * im.height * im.channels;
        if (bytes != (long long)im.pixels.size())
            throw std::invalid_argument("setGallery: image " + std::to_string(i) + " has " +
                                        std::to_string(im.pixels.size()) + " bytes for " +
                                        std::to_string(im.width) + "x" + std::to_string(im.height) +
                                        "x" + std::to_string(im.channels));
    }
    Impl& d = *impl_;
    const char* what = "storing the prediction gallery";
    Transaction tx(d, Transaction::Mode::Write, what);
    Query(d, "DELETE FROM gallery WHERE run_id = ?1", what).bind(1, runId).run();
    {
        Query q(d,
                "INSERT INTO gallery(run_id, position, task, label, width, height, channels, "
                "pixels) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                what);
        for (std::size_t i = 0; i < images.size(); ++i) {
            const auto& im = images[i];
            q.bind(1, runId)
                .bind(2, int(i))
                .bind(3, im.task)
                .bind(4, im.label)
                .bind(5, im.width)
                .bind(6, im.height)
                .bind(7, im.channels)
                .bindBlob(8, im.pixels)
                .run();
        }
    }
    tx.commit();
}

void RunStore::setGalleryPredictions(std::int64_t runId, int afterTask,
                                     const std::vector<int>& predicted)
{
    Impl& d = *impl_;
    const char* what = "storing gallery predictions";
    Transaction tx(d, Transaction::Mode::Write, what);
    Query(d, "DELETE FROM gallery_predictions WHERE run_id = ?1 AND after_task = ?2", what)
        .bind(1, runId)
        .bind(2, afterTask)
        .run();
    {
        Query q(d,
                "INSERT INTO gallery_predictions(run_id, after_task, position, predicted) "
                "VALUES(?1, ?2, ?3, ?4)",
                what);
        for (std::size_t i = 0; i < predicted.size(); ++i)
            q.bind(1, runId).bind(2, afterTask).bind(3, int(i)).bind(4, predicted[i]).run();
    }
    tx.commit();
}

std::vector<GalleryImage> RunStore::gallery(std::int64_t runId)
{
    Impl& d = *impl_;
    const char* what = "reading the prediction gallery";
    Query q(d,
            "SELECT position, task, label, width, height, channels, pixels FROM gallery "
            "WHERE run_id = ?1 ORDER BY position",
            what);
    q.bind(1, runId);
    std::vector<GalleryImage> out;
    while (q.step()) {
        GalleryImage im;
        im.task = q.integer(1);
        im.label = q.integer(2);
        im.width = q.integer(3);
        im.height = q.integer(4);
        im.channels = q.integer(5);
        std::size_t bytes = 0;
        const unsigned char* p = q.blob(6, bytes);
        if (p) im.pixels.assign(p, p + bytes);
        if (q.integer(0) != int(out.size()) ||
            (long long)im.pixels.size() != (long long)im.width * im.height * im.channels)
            throw std::runtime_error("Run database '" + d.path + "': " + what + ": image " +
                                     std::to_string(q.integer(0)) + " of run " +
                                     std::to_string(runId) +
                                     " is out of place or has the wrong size (the database file "
                                     "is damaged)");
        out.push_back(std::move(im));
    }
    return out;
}

std::map<int, std::vector<int>> RunStore::galleryPredictions(std::int64_t runId)
{
    Query q(*impl_,
            "SELECT after_task, position, predicted FROM gallery_predictions WHERE run_id = ?1 "
            "ORDER BY after_task, position",
            "reading gallery predictions");
    q.bind(1, runId);
    std::map<int, std::vector<int>> out;
    while (q.step()) {
        auto& row = out[q.integer(0)];
        const int position = q.integer(1);
        if (position < 0) continue;
        if (std::size_t(position) >= row.size()) row.resize(std::size_t(position) + 1, -1);
        row[std::size_t(position)] = q.integer(2);
    }
    return out;
}

}  // namespace clwb
