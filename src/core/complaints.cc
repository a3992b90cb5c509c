#include "core/complaints.h"

#include <algorithm>
#include <set>
#include <utility>

namespace ozcc {

bool ValidComplaintCode(std::string_view code) {
  if (code.empty() || code.size() > kMaxComplaintCode || code[0] < 'a' || code[0] > 'z') return false;
  return std::all_of(code.begin(), code.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

std::vector<FieldError> ValidateComplaints(const std::vector<Complaint>& list) {
  std::vector<FieldError> errs;
  std::set<std::string_view> codes;
  auto name = [&](const std::string& field, const std::string& v) {
    if (v.empty()) {
      errs.push_back({field, "is required"});
    } else if (v.size() > kMaxComplaintName) {
      errs.push_back({field, "must be at most " + std::to_string(kMaxComplaintName) + " bytes"});
    }
  };
  for (size_t i = 0; i < list.size(); ++i) {
    const Complaint& c = list[i];
    const std::string p = "complaints[" + std::to_string(i) + "].";
    if (!ValidComplaintCode(c.code)) {
      errs.push_back({p + "code", "must be 1–64 of a–z, 0–9 and '-', starting with a letter"});
    } else if (!codes.insert(c.code).second) {
      errs.push_back({p + "code", "duplicate code " + c.code});
    }
    name(p + "nl", c.name_nl);
    name(p + "en", c.name_en);
    if (c.synonyms.size() > kMaxSynonyms) {
      errs.push_back({p + "synonyms", "at most " + std::to_string(kMaxSynonyms) + " synonyms"});
    }
    for (size_t j = 0; j < c.synonyms.size(); ++j) name(p + "synonyms[" + std::to_string(j) + "]", c.synonyms[j]);
  }
  return errs;
}

const Complaint* FindComplaint(const std::vector<Complaint>& list, std::string_view code) {
  for (const Complaint& c : list) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

namespace {

// Lower case, Latin-1 letters with diacritics as their base letter ("é" →
// "e", "ß" → "ss"); other bytes unchanged. Enough for Dutch and English.
std::string Fold(std::string_view s) {
  // U+00C0 … U+00FF; '\0' keeps the character as it is.
  static constexpr char kLatin1[] = "aaaaaa\0ceeeeiiiidnooooo\0ouuuuy\0\0aaaaaa\0ceeeeiiiidnooooo\0ouuuuy\0y";
  static_assert(sizeof kLatin1 == 64 + 1);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      continue;
    }
    if (c == 0xC3 && i + 1 < s.size()) {
      auto next = static_cast<unsigned char>(s[i + 1]);
      if (next >= 0x80 && next <= 0xBF) {
        unsigned cp = 0xC0 + (next - 0x80);
        if (cp == 0xC6 || cp == 0xE6) {
          out += "ae";
          ++i;
          continue;
        }
        if (cp == 0xDF) {
          out += "ss";
          ++i;
          continue;
        }
        char base = kLatin1[cp - 0xC0];
        if (base != '\0') {
          out += base;
          ++i;
          continue;
        }
      }
    }
    out += static_cast<char>(c);
  }
  return out;
}

// 0 exact, 1 prefix, 2 word prefix, 3 substring, 4 no match.
int Rank(const std::string& text, const std::string& q) {
  if (text == q) return 0;
  if (text.rfind(q, 0) == 0) return 1;
  for (size_t at = text.find(q); at != std::string::npos; at = text.find(q, at + 1)) {
    char before = text[at - 1];  // at > 0: a match at 0 is a prefix
    if (before == ' ' || before == '-' || before == '/' || before == '(') return 2;
  }
  return text.find(q) != std::string::npos ? 3 : 4;
}

}  // namespace

std::vector<const Complaint*> SearchComplaints(const std::vector<Complaint>& list, std::string_view query,
                                               std::size_t limit) {
  std::string q = Fold(query);
  // Trim spaces; a query of spaces is an empty query.
  q.erase(0, q.find_first_not_of(' '));
  q.erase(q.find_last_not_of(' ') + 1);
  std::vector<std::pair<int, size_t>> hits;  // (rank, index)
  for (size_t i = 0; i < list.size(); ++i) {
    const Complaint& c = list[i];
    if (q.empty()) {
      hits.emplace_back(0, i);
      continue;
    }
    int best = Fold(c.code) == q ? 0 : 4;
    for (const std::string* text : {&c.name_nl, &c.name_en}) best = std::min(best, Rank(Fold(*text), q));
    for (const std::string& s : c.synonyms) best = std::min(best, std::max(1, Rank(Fold(s), q)));
    if (best < 4) hits.emplace_back(best, i);
  }
  std::stable_sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const Complaint*> out;
  for (const auto& [rank, i] : hits) {
    if (out.size() == limit) break;
    out.push_back(&list[i]);
  }
  return out;
}

}  // namespace ozcc
