// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/qa_tasks.h"

#include <algorithm>
#include <stdexcept>

#include "clwb/run_config.h"

namespace clwb::detail {
namespace {

const char* kStyleNames[] = {"yn", "mcq", "short", "brief", "detail"};
const char* kSupers[] = {"garment", "footwear", "accessory"};
const char* kZones[] = {"upper-body", "lower-body", "full-body", "feet", "carried"};
const char* kFeatures[] = {"short-sleeved", "long", "long-sleeved", "one-piece", "outerwear",
                           "open",          "buttoned", "laced",     "handled",   "closed"};

// Class -> (super-category, zone, feature) indices; the table of docs/qa.md.
const int kTable[10][3] = {
    {0, 0, 0},  // T-shirt/top: garment, upper-body, short-sleeved
    {0, 1, 1},  // Trouser: garment, lower-body, long
    {0, 0, 2},  // Pullover: garment, upper-body, long-sleeved
    {0, 2, 3},  // Dress: garment, full-body, one-piece
    {0, 0, 4},  // Coat: garment, upper-body, outerwear
    {1, 3, 5},  // Sandal: footwear, feet, open
    {0, 0, 6},  // Shirt: garment, upper-body, buttoned
    {1, 3, 7},  // Sneaker: footwear, feet, laced
    {2, 4, 8},  // Bag: accessory, carried, handled
    {1, 3, 9},  // Ankle boot: footwear, feet, closed
};

int64_t draw(torch::Generator& gen, int64_t n)
{
    return torch::randint(n, {1}, gen).item<int64_t>();
}

bool isClass(int64_t t) { return t >= vocab::kClass0 && t < vocab::kClass0 + 10; }
bool isSuper(int64_t t) { return t >= vocab::kSuper0 && t < vocab::kZone0; }
bool isZone(int64_t t) { return t >= vocab::kZone0 && t < vocab::kFeature0; }
bool isFeature(int64_t t) { return t >= vocab::kFeature0 && t < vocab::kSize; }

}  // namespace

std::string styleName(QaStyle s) { return kStyleNames[int(s)]; }

bool parseStyle(const std::string& name, QaStyle& out)
{
    for (int i = 0; i < kQaStyles; ++i)
        if (name == kStyleNames[i]) {
            out = QaStyle(i);
            return true;
        }
    return false;
}

std::string answerWord(int token)
{
    static const auto names = classNames("fashion-mnist");
    if (token == vocab::kEos) return "<end>";
    if (token == vocab::kYes) return "yes";
    if (token == vocab::kNo) return "no";
    if (token >= vocab::kOptionA && token < vocab::kClass0)
        return std::string(1, char('A' + token - vocab::kOptionA));
    if (isClass(token)) return names[size_t(token - vocab::kClass0)];
    if (isSuper(token)) return kSupers[token - vocab::kSuper0];
    if (isZone(token)) return kZones[token - vocab::kZone0];
    if (isFeature(token)) return kFeatures[token - vocab::kFeature0];
    return "?";
}

std::vector<int> classAttributes(int cls)
{
    if (cls < 0 || cls >= 10) throw std::out_of_range("class " + std::to_string(cls));
    return {vocab::kSuper0 + kTable[cls][0], vocab::kZone0 + kTable[cls][1],
            vocab::kFeature0 + kTable[cls][2]};
}

QaSet buildQa(const torch::Tensor& labels, const std::vector<QaStyle>& styles,
              const std::vector<int>& classes, torch::Generator& gen)
{
    const int64_t n = labels.size(0);
    if (int64_t(styles.size()) != n) throw std::invalid_argument("one style per label");
    if (classes.size() < 2) throw std::invalid_argument("questions need at least 2 classes");
    QaSet out;
    out.questions = torch::full({n, kQuestionLength}, qtok::kPad, torch::kLong);
    out.answers = torch::full({n, kAnswerSlots}, kIgnore, torch::kLong);
    out.styles = torch::empty({n}, torch::kLong);
    auto q = out.questions.accessor<int64_t, 2>();
    auto a = out.answers.accessor<int64_t, 2>();
    auto lab = labels.to(torch::kCPU).to(torch::kLong);
    auto y = lab.accessor<int64_t, 1>();
    for (int64_t i = 0; i < n; ++i) {
        const auto style = styles[size_t(i)];
        const int c = int(y[i]);
        out.styles[i] = int64_t(style);
        q[i][0] = qtok::kFormat0 + int(style);
        std::vector<int> others;
        for (int k : classes)
            if (k != c) others.push_back(k);
        switch (style) {
        case QaStyle::YesNo: {
            const bool positive = draw(gen, 2) == 0;
            const int asked = positive ? c : others[size_t(draw(gen, int64_t(others.size())))];
            q[i][1] = qtok::kClass0 + asked;
            a[i][0] = positive ? vocab::kYes : vocab::kNo;
            a[i][1] = vocab::kEos;
            break;
        }
        case QaStyle::MultipleChoice: {
            // 3 distinct distractors (fewer if the pool is smaller), shuffled with the answer.
            std::vector<int> options{c};
            while (options.size() < 4 && !others.empty()) {
                const auto k = size_t(draw(gen, int64_t(others.size())));
                options.push_back(others[k]);
                others.erase(others.begin() + long(k));
            }
            for (size_t k = options.size(); k > 1; --k)
                std::swap(options[k - 1], options[size_t(draw(gen, int64_t(k)))]);
            for (size_t k = 0; k < options.size(); ++k) {
                q[i][int64_t(k) + 1] = qtok::kClass0 + options[k];
                if (options[k] == c) a[i][0] = vocab::kOptionA + int64_t(k);
            }
            a[i][1] = vocab::kEos;
            break;
        }
        case QaStyle::Short:
            a[i][0] = vocab::kClass0 + c;
            a[i][1] = vocab::kEos;
            break;
        case QaStyle::Brief:
            a[i][0] = vocab::kClass0 + c;
            a[i][1] = classAttributes(c)[0];
            a[i][2] = vocab::kEos;
            break;
        case QaStyle::Detail: {
            const auto attr = classAttributes(c);
            a[i][0] = vocab::kClass0 + c;
            a[i][1] = attr[0];
            a[i][2] = attr[1];
            a[i][3] = attr[2];
            a[i][4] = vocab::kEos;
            break;
        }
        }
    }
    return out;
}

std::vector<QaStyle> trainingStyles(int64_t n, QaStyle native, double asdPercent,
                                    torch::Generator& gen)
{
    std::vector<QaStyle> styles(size_t(n), native);
    const auto converted = int64_t(double(n) * std::clamp(asdPercent, 0.0, 100.0) / 100.0);
    std::vector<QaStyle> others;
    for (int s = 0; s < kQaStyles; ++s)
        if (QaStyle(s) != native) others.push_back(QaStyle(s));
    for (int64_t i = 0; i < converted; ++i) styles[size_t(i)] = others[size_t(i) % others.size()];
    auto perm = torch::randperm(n, gen);
    std::vector<QaStyle> shuffled(static_cast<size_t>(n));
    auto p = perm.accessor<int64_t, 1>();
    for (int64_t i = 0; i < n; ++i) shuffled[size_t(p[i])] = styles[size_t(i)];
    return shuffled;
}

QaScores scoreQa(const torch::Tensor& logits, const torch::Tensor& questions,
                 const torch::Tensor& answers, const torch::Tensor& labels)
{
    auto lc = logits.detach().to(torch::kCPU).to(torch::kFloat32);
    auto pc = lc.argmax(2);
    auto first = lc.select(1, 0);  // [N, V] scores of the first answer slot
    auto qc = questions.to(torch::kCPU);
    auto ac = answers.to(torch::kCPU);
    auto yc = labels.to(torch::kCPU).to(torch::kLong);
    const int64_t n = pc.size(0);
    QaScores s;
    s.pred = pc;
    s.strict = torch::zeros({n}, torch::kBool);
    s.format = torch::zeros({n}, torch::kBool);
    s.knowledge = torch::zeros({n}, torch::kBool);
    auto p = pc.accessor<int64_t, 2>();
    auto f = first.accessor<float, 2>();
    auto q = qc.accessor<int64_t, 2>();
    auto a = ac.accessor<int64_t, 2>();
    auto y = yc.accessor<int64_t, 1>();
    auto strict = s.strict.accessor<bool, 1>();
    auto format = s.format.accessor<bool, 1>();
    auto knowledge = s.knowledge.accessor<bool, 1>();
    auto best = [&](int64_t i, int64_t lo, int64_t hi, const std::vector<bool>* allowed = nullptr) {
        int64_t arg = -1;
        for (int64_t t = lo; t < hi; ++t)
            if ((!allowed || (*allowed)[size_t(t - lo)]) && (arg < 0 || f[i][t] > f[i][arg])) arg = t;
        return arg;
    };
    for (int64_t i = 0; i < n; ++i) {
        // The decoded answer: tokens before the first EOS; none = never ended (ill-formed).
        std::vector<int64_t> ans;
        bool ended = false;
        for (int k = 0; k < kAnswerSlots; ++k) {
            if (p[i][k] == vocab::kEos) {
                ended = true;
                break;
            }
            ans.push_back(p[i][k]);
        }
        bool exact = ended;
        for (int k = 0; k < kAnswerSlots && exact; ++k) {
            if (a[i][k] == kIgnore) break;
            exact = p[i][k] == a[i][k];
        }
        strict[i] = exact;
        const auto style = QaStyle(q[i][0] - qtok::kFormat0);
        const auto size = ans.size();
        bool ok = ended;
        switch (style) {
        case QaStyle::YesNo: ok = ok && size == 1 && (ans[0] == vocab::kYes || ans[0] == vocab::kNo); break;
        case QaStyle::MultipleChoice:
            ok = ok && size == 1 && ans[0] >= vocab::kOptionA && ans[0] < vocab::kClass0 &&
                 q[i][ans[0] - vocab::kOptionA + 1] != qtok::kPad;
            break;
        case QaStyle::Short: ok = ok && size == 1 && isClass(ans[0]); break;
        case QaStyle::Brief: ok = ok && size == 2 && isClass(ans[0]) && isSuper(ans[1]); break;
        case QaStyle::Detail:
            ok = ok && size == 4 && isClass(ans[0]) && isSuper(ans[1]) && isZone(ans[2]) &&
                 isFeature(ans[3]);
            break;
        }
        format[i] = ok;
        // Knowledge: the first slot decoded among the style's valid tokens only.
        switch (style) {
        case QaStyle::YesNo: {
            const bool saysYes = f[i][vocab::kYes] > f[i][vocab::kNo];
            knowledge[i] = saysYes == (q[i][1] - qtok::kClass0 == y[i]);
            break;
        }
        case QaStyle::MultipleChoice: {
            std::vector<bool> present(4);
            for (int k = 0; k < 4; ++k) present[size_t(k)] = q[i][k + 1] != qtok::kPad;
            const auto letter = best(i, vocab::kOptionA, vocab::kClass0, &present);
            knowledge[i] = q[i][letter - vocab::kOptionA + 1] - qtok::kClass0 == y[i];
            break;
        }
        default: knowledge[i] = best(i, vocab::kClass0, vocab::kSuper0) - vocab::kClass0 == y[i];
        }
    }
    return s;
}

std::string questionText(const torch::Tensor& question)
{
    static const auto names = classNames("fashion-mnist");
    auto q = question.to(torch::kCPU);
    const auto style = QaStyle(q[0].item<int64_t>() - qtok::kFormat0);
    auto cls = [&](int k) { return names[size_t(q[k].item<int64_t>() - qtok::kClass0)]; };
    switch (style) {
    case QaStyle::YesNo: return "Is it a " + cls(1) + "? (yes/no)";
    case QaStyle::MultipleChoice: {
        std::string s = "Which is it?";
        for (int k = 1; k < kQuestionLength && q[k].item<int64_t>() != qtok::kPad; ++k)
            s += std::string(" ") + char('A' + k - 1) + ") " + cls(k);
        return s + " (letter)";
    }
    case QaStyle::Short: return "What is it? (short answer)";
    case QaStyle::Brief: return "What is it? (brief: class, category)";
    case QaStyle::Detail: return "Describe it. (detailed: class, category, attributes)";
    }
    return "?";
}

std::string answerText(const torch::Tensor& answer)
{
    auto a = answer.to(torch::kCPU);
    std::string s;
    for (int k = 0; k < a.size(0); ++k) {
        const auto t = a[k].item<int64_t>();
        if (t == kIgnore || t == vocab::kEos) return s.empty() ? "(empty)" : s;
        s += (s.empty() ? "" : ", ") + answerWord(int(t));
    }
    return s + " …";  // never ended
}

}  // namespace clwb::detail
