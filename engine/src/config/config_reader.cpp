// SPDX-License-Identifier: GPL-3.0-or-later
// JSON -> RunConfig: every problem located by its JSON path, "did you mean" for misspelt keys,
// --set overrides. Pure: no file, checkpoint or device is looked at here (config_validation.cpp).
#include "clwb/run_config.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "config/config_common.h"
#include "config/config_fields.h"

namespace clwb {
namespace config {
namespace {

class Reader
{
public:
    explicit Reader(std::vector<ConfigError>& errors) : errors_(errors) {}

    void error(const std::string& path, const std::string& message)
    {
        errors_.push_back({path, message});
    }

    /// Type-checks an object and reports its unknown keys. False when `j` is not an object.
    bool object(const Json& j, const std::string& path, const Keys& known)
    {
        if (!j.is_object()) {
            error(path, "expected an object, got " + typeName(j));
            return false;
        }
        for (const auto& item : j.items()) {
            if (contains(known, item.key())) continue;
            error(childPath(path, item.key()),
                  unknownKeyMessage(item.key(), known,
                                    path.empty() ? sectionHint(item.key()) : std::string()));
        }
        return true;
    }

    void readString(const Json& obj, const char* key, const std::string& parent, std::string& out)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        if (it->is_string())
            out = it->get<std::string>();
        else
            error(childPath(parent, key), "expected a string, got " + typeName(*it));
    }

    void readInt(const Json& obj, const char* key, const std::string& parent, int& out)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        std::string problem;
        if (!toInt(*it, out, problem)) error(childPath(parent, key), problem);
    }

    void readDouble(const Json& obj, const char* key, const std::string& parent, double& out)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        if (it->is_number())
            out = it->get<double>();
        else
            error(childPath(parent, key), "expected a number, got " + typeName(*it));
    }

    void readBool(const Json& obj, const char* key, const std::string& parent, bool& out)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        if (it->is_boolean())
            out = it->get<bool>();
        else
            error(childPath(parent, key), "expected true or false, got " + typeName(*it));
    }

    void readParams(const Json& root, ParamValues& out)
    {
        const auto it = root.find("params");
        if (it == root.end()) return;
        if (!it->is_object()) {
            error("params", "expected an object, got " + typeName(*it));
            return;
        }
        // Which keys exist depends on the strategy, so validateRunConfig checks the names.
        for (const auto& item : it->items()) {
            const Json& v = item.value();
            if (v.is_boolean())
                out[item.key()] = v.get<bool>() ? 1.0 : 0.0;
            else if (v.is_number())
                out[item.key()] = v.get<double>();
            else
                error(childPath("params", item.key()),
                      "expected a number or a boolean, got " + typeName(v));
        }
    }

    void readNumberList(const Json& obj, const char* key, const std::string& parent,
                        std::vector<double>& out)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        const std::string path = parent + "." + key;
        if (!it->is_array()) {
            error(path, "expected an array of numbers, got " + typeName(*it));
            return;
        }
        std::vector<double> values;
        for (std::size_t i = 0; i < it->size(); ++i) {
            if (!(*it)[i].is_number()) {
                error(indexPath(path, i), "expected a number, got " + typeName((*it)[i]));
                return;
            }
            values.push_back((*it)[i].get<double>());
        }
        out = std::move(values);
    }

    void readStringList(const Json& obj, const char* key, const std::string& parent,
                        std::vector<std::string>& out)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        const std::string path = parent + "." + key;
        if (!it->is_array()) {
            error(path, "expected an array of strings, got " + typeName(*it));
            return;
        }
        std::vector<std::string> values;
        for (std::size_t i = 0; i < it->size(); ++i) {
            if (!(*it)[i].is_string()) {
                error(path + "[" + std::to_string(i) + "]",
                      "expected a string, got " + typeName((*it)[i]));
                return;
            }
            values.push_back((*it)[i].get<std::string>());
        }
        out = std::move(values);
    }

    void readTasks(const Json& data, std::vector<TaskSpec>& out)
    {
        const auto it = data.find("tasks");
        if (it == data.end()) return;
        const std::string path = "data.tasks";
        if (!it->is_array()) {
            error(path,
                  "expected an array of class lists such as [[0,1],[2,3]], got " + typeName(*it));
            return;
        }
        if (it->empty()) {
            error(path, "at least one task is needed (leave the key out for the 5 x 2 default)");
            return;
        }
        std::vector<TaskSpec> tasks;
        bool ok = true;
        for (std::size_t i = 0; i < it->size(); ++i) {
            const Json& task = (*it)[i];
            if (!task.is_array()) {
                error(indexPath(path, i), "expected an array of class ids, got " + typeName(task));
                ok = false;
                continue;
            }
            TaskSpec spec;
            for (std::size_t k = 0; k < task.size(); ++k) {
                int c = 0;
                std::string problem;
                if (toInt(task[k], c, problem)) {
                    spec.classes.push_back(c);
                } else {
                    error(indexPath(indexPath(path, i), k), problem);
                    ok = false;
                }
            }
            tasks.push_back(std::move(spec));
        }
        // A half-read list would make validation report the same problem a second time.
        if (ok) out = std::move(tasks);
    }

    // One overload per field type of the table (config_fields.h).
    void read(const Json& o, const char* k, const std::string& p, std::string& out)
    {
        readString(o, k, p, out);
    }
    void read(const Json& o, const char* k, const std::string& p, int& out)
    {
        readInt(o, k, p, out);
    }
    void read(const Json& o, const char* k, const std::string& p, double& out)
    {
        readDouble(o, k, p, out);
    }
    void read(const Json& o, const char* k, const std::string& p, bool& out)
    {
        readBool(o, k, p, out);
    }
    void read(const Json& o, const char* k, const std::string& p, std::vector<double>& out)
    {
        readNumberList(o, k, p, out);
    }
    void read(const Json& o, const char* k, const std::string& p, std::vector<std::string>& out)
    {
        readStringList(o, k, p, out);
    }
    void read(const Json& o, const char*, const std::string&, std::vector<TaskSpec>& out)
    {
        readTasks(o, out);
    }
    void read(const Json& o, const char*, const std::string&, ParamValues& out)
    {
        readParams(o, out);
    }

private:
    /// Top-level keys that belong in a section, e.g. "lr" -> "train.lr".
    static std::string sectionHint(const std::string& key)
    {
        for (const char* name : {"data", "model", "train", "checkpoint"})
            if (contains(sectionKeys(name), key)) return didYouMean(std::string(name) + "." + key);
        return {};
    }

    std::vector<ConfigError>& errors_;
};

}  // namespace

RunConfig fromJson(const Json& root, std::vector<ConfigError>& errors)
{
    RunConfig c;  // its member initialisers are the defaults
    Reader r(errors);
    if (!r.object(root, "", sectionKeys(""))) return c;
    for (const std::string section : {"", "data", "model", "train", "checkpoint"}) {
        const Json* obj = &root;
        if (!section.empty()) {
            const auto it = root.find(section);
            if (it == root.end() || !r.object(*it, section, sectionKeys(section))) continue;
            obj = &*it;
        }
        for (const auto& f : configFields())
            if (section == f.section)
                std::visit([&](auto get) { r.read(*obj, f.key, section, *get(c)); }, f.ref);
    }
    return c;
}

/// "invalid JSON at line L, column C: " for byte offset `at` (columns in characters).
std::string invalidJsonAt(const std::string& text, std::size_t at)
{
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < at; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte == '\n') {
            ++line;
            column = 1;
        } else if ((byte & 0xC0) != 0x80) {  // UTF-8 continuation bytes share one column
            ++column;
        }
    }
    return "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) +
           ": ";
}

/// nlohmann reports a 1-based byte count; users want line and column (in characters).
std::string invalidJsonMessage(const std::string& text, const Json::parse_error& e)
{
    const std::size_t at = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    // Keep nlohmann's description, drop its "[json.exception...] parse error at ...:" prefix.
    std::string detail = e.what();
    if (const auto pos = detail.find("parse error"); pos != std::string::npos) {
        if (const auto colon = detail.find(": ", pos); colon != std::string::npos)
            detail = detail.substr(colon + 2);
    }
    return invalidJsonAt(text, at) + detail;
}

/// nlohmann rejects a number beyond double's range (1e400) without a position: found again by
/// its text, the first time it stands as a value.
std::string numberOverflowMessage(const std::string& text, const Json::exception& e)
{
    std::string detail = e.what();
    if (const auto pos = detail.find("] "); pos != std::string::npos) detail = detail.substr(pos + 2);
    const auto open = detail.find('\''), close = detail.rfind('\'');
    const std::string token =
        open != std::string::npos && close > open ? detail.substr(open + 1, close - open - 1) : "";
    std::size_t at = token.empty() ? std::string::npos : text.find(token);
    while (at != std::string::npos) {
        const auto before = text.find_last_not_of(" \t\r\n", at == 0 ? 0 : at - 1);
        if (at == 0 || (before != std::string::npos && std::strchr(":,[", text[before]))) break;
        at = text.find(token, at + 1);
    }
    if (at == std::string::npos) return "invalid JSON: " + detail;
    return invalidJsonAt(text, at) + detail + " (beyond the range of a double)";
}

std::string trim(const std::string& s)
{
    const auto begin = s.find_first_not_of(" \t");
    if (begin == std::string::npos) return {};
    const auto end = s.find_last_not_of(" \t");
    return s.substr(begin, end - begin + 1);
}

/// Applies one "a.b.c=value" override to the document, creating objects on the way.
void applyOverride(Json& root, const std::string& text, std::vector<ConfigError>& errors)
{
    const std::string where = "--set " + text;
    const auto eq = text.find('=');
    if (eq == std::string::npos) {
        errors.push_back({where, "expected key.path=value"});
        return;
    }
    const std::string path = trim(text.substr(0, eq));
    if (path.empty()) {
        errors.push_back({where, "empty key path before '='"});
        return;
    }
    Keys segments;
    std::size_t start = 0;
    while (true) {
        const auto dot = path.find('.', start);
        segments.push_back(path.substr(start, dot == std::string::npos ? dot : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    if (std::any_of(segments.begin(), segments.end(), [](const auto& s) { return s.empty(); })) {
        errors.push_back({where, "empty key in path " + inQuotes(path)});
        return;
    }
    // JSON if it parses (numbers, true/false, arrays, "quoted"), otherwise the raw text.
    Json value = Json::parse(text.substr(eq + 1), nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) value = text.substr(eq + 1);

    Json* node = &root;
    std::string prefix;
    for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
        prefix = childPath(prefix, segments[i]);
        Json& next = (*node)[segments[i]];
        if (next.is_null()) next = Json::object();
        if (!next.is_object()) {
            errors.push_back(
                {where, inQuotes(prefix) + " is " + typeName(next) + ", not an object"});
            return;
        }
        node = &next;
    }
    (*node)[segments.back()] = std::move(value);
}

/// Parsing and type checks without validateRunConfig (which needs the outside world).
ConfigParseResult parseUnvalidated(const std::string& text, const Keys& overrides)
{
    ConfigParseResult result;
    Json root;
    try {
        root = Json::parse(text);
    } catch (const Json::parse_error& e) {
        result.errors.push_back({"", invalidJsonMessage(text, e)});
        return result;
    } catch (const Json::exception& e) {  // a number too large for a double (out_of_range 406)
        result.errors.push_back({"", numberOverflowMessage(text, e)});
        return result;
    }
    if (!root.is_object()) {
        result.errors.push_back({"", "expected a JSON object, got " + typeName(root)});
        return result;
    }
    for (const auto& o : overrides) applyOverride(root, o, result.errors);
    result.config = fromJson(root, result.errors);
    return result;
}

bool readFile(const std::string& file, std::string& text, std::string& reason)
{
    std::error_code ec;
    if (fs::is_directory(file, ec)) {
        reason = "it is a directory";
        return false;
    }
    errno = 0;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        reason = errno != 0 ? std::strerror(errno) : "cannot open";
        return false;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        reason = "read error";
        return false;
    }
    text = buffer.str();
    return true;
}

RunConfig builtinDemo()
{
    RunConfig c;
    c.name = "Demo: Split Fashion-MNIST 5x2";
    c.strategy = "finetune";
    c.data.trainPerClass = 1000;
    c.data.testPerClass = 500;
    c.train.epochs = 1;
    c.train.batchSize = 64;
    return c;
}

}  // namespace config

using namespace config;

ConfigParseResult parseRunConfig(const std::string& json, const std::vector<std::string>& overrides)
{
    ConfigParseResult result = parseUnvalidated(json, overrides);
    // An unparsable document has no config worth validating.
    if (!result.errors.empty() && result.errors.front().path.empty()) return result;
    for (auto& e : validateRunConfig(result.config)) result.errors.push_back(std::move(e));
    return result;
}

ConfigParseResult readRunConfig(const std::string& json)
{
    return parseUnvalidated(json, {});
}

ConfigParseResult loadRunConfig(const std::string& file, const std::vector<std::string>& overrides)
{
    std::string text, reason;
    if (!readFile(file, text, reason)) {
        ConfigParseResult result;
        result.errors.push_back({"", "cannot read " + file + ": " + reason});
        return result;
    }
    return parseRunConfig(text, overrides);
}

}  // namespace clwb
