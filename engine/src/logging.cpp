// SPDX-License-Identifier: GPL-3.0-or-later
// The run log on spdlog: a sink that turns records into Log events, and a file sink.
#include "logging.h"

#include <spdlog/details/null_mutex.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>

#include <exception>
#include <filesystem>
#include <utility>

#include "clwb/run_log.h"

namespace clwb {
namespace {

spdlog::level::level_enum toSpd(LogLevel level)
{
    switch (level) {
        case LogLevel::Debug: return spdlog::level::debug;
        case LogLevel::Info: return spdlog::level::info;
        case LogLevel::Warning: return spdlog::level::warn;
        case LogLevel::Error: return spdlog::level::err;
    }
    return spdlog::level::info;
}

LogLevel fromSpd(spdlog::level::level_enum level)
{
    if (level <= spdlog::level::debug) return LogLevel::Debug;
    if (level == spdlog::level::info) return LogLevel::Info;
    if (level == spdlog::level::warn) return LogLevel::Warning;
    return LogLevel::Error;
}

/// Hands each record to the front end as a Log event. Never throws (spdlog would swallow it):
/// a stop request or an exception of the callback is kept for RunLog::log to act on.
class EventSink : public spdlog::sinks::base_sink<spdlog::details::null_mutex>
{
public:
    explicit EventSink(ProgressCallback onEvent) : onEvent_(std::move(onEvent)) {}

    bool enabled = true;          ///< false while RunLog::record writes to the file only
    bool stop = false;            ///< the callback returned false
    std::exception_ptr failure;   ///< the callback threw

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override
    {
        if (!enabled || !onEvent_) return;
        RunEvent ev;
        ev.kind = RunEvent::Kind::Log;
        ev.level = fromSpd(msg.level);
        ev.message.assign(msg.payload.data(), msg.payload.size());
        try {
            if (!onEvent_(ev)) stop = true;
        } catch (...) {
            failure = std::current_exception();
        }
    }
    void flush_() override {}

private:
    ProgressCallback onEvent_;
};

}  // namespace

std::string runLogPath(const std::string& dbPath, std::int64_t runId)
{
    if (dbPath.empty() || dbPath == ":memory:" || runId <= 0) return {};
    const std::filesystem::path db(dbPath);
    auto folder = db.parent_path() / (db.stem().string() + ".logs");
    return (folder / ("run-" + std::to_string(runId) + ".log")).string();
}

const char* logLevelName(LogLevel level)
{
    switch (level) {
        case LogLevel::Debug: return "debug";
        case LogLevel::Info: return "info";
        case LogLevel::Warning: return "warning";
        case LogLevel::Error: return "error";
    }
    return "info";
}

std::optional<LogLevel> parseLogLevel(const std::string& name)
{
    for (auto level : {LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error})
        if (name == logLevelName(level)) return level;
    if (name == "warn") return LogLevel::Warning;
    return std::nullopt;
}

namespace detail {

struct RunLog::Impl
{
    ProgressCallback onEvent;
    std::shared_ptr<EventSink> events;
    spdlog::logger logger{"run"};  // not registered: concurrent runs keep their own loggers
};

RunLog::RunLog(ProgressCallback onEvent) : impl_(std::make_unique<Impl>())
{
    impl_->onEvent = onEvent;
    impl_->events = std::make_shared<EventSink>(std::move(onEvent));
    impl_->logger.sinks().push_back(impl_->events);
    impl_->logger.set_level(spdlog::level::debug);  // front ends pick their own level
    impl_->logger.flush_on(spdlog::level::debug);   // "Open log" during a run sees every line
    // A log file that cannot be written (disk full) must not stop the run, nor print spdlog's
    // own complaint on stderr for every line.
    impl_->logger.set_error_handler([](const std::string&) {});
}

RunLog::~RunLog() = default;

std::string RunLog::openFile(const std::string& path, bool append)
{
    try {
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        auto file = std::make_shared<spdlog::sinks::basic_file_sink_st>(path, /*truncate=*/!append);
        file->set_pattern("%Y-%m-%d %H:%M:%S.%e [%l] %v");
        impl_->logger.sinks().push_back(std::move(file));
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

bool RunLog::log(LogLevel level, const std::string& message)
{
    auto& sink = *impl_->events;
    impl_->logger.log(toSpd(level), "{}", message);
    if (sink.failure) std::rethrow_exception(std::exchange(sink.failure, nullptr));
    return !std::exchange(sink.stop, false);
}

void RunLog::record(LogLevel level, const std::string& message)
{
    impl_->events->enabled = false;
    impl_->logger.log(toSpd(level), "{}", message);
    impl_->events->enabled = true;
}

void RunLog::note(const RunEvent& ev)
{
    using K = RunEvent::Kind;
    switch (ev.kind) {
        case K::Started: record(LogLevel::Info, "started: " + ev.message); break;
        case K::Failed: record(LogLevel::Error, "failed: " + ev.message); break;
        case K::Cancelled: record(LogLevel::Warning, "cancelled: " + ev.message); break;
        case K::Finished: record(LogLevel::Info, "finished"); break;
        default: break;
    }
}

ProgressCallback RunLog::events()
{
    return [this](const RunEvent& ev) {
        if (ev.kind == RunEvent::Kind::Log) return log(ev.level, ev.message);
        note(ev);
        return !impl_->onEvent || impl_->onEvent(ev);
    };
}

}  // namespace detail
}  // namespace clwb
