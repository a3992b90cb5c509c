// Entry complaints (ingangsklachten): the one triage vocabulary of the
// worklist. A case's complaint and a pathway's entry complaints are codes
// from this list; data/complaints.json holds it (format in data/README.md,
// parsed by api/json/complaint_json.h).
//
// The list is OpenZCC's own, modelled on the entry complaints of the
// Nederlandse Triage Standaard (NTS) plus a few care-coordination situations
// the pilots built pathways for ("it no longer works at home"); it is not the
// licensed NTS table. A region that triages with the NTS maps its codes here.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace ozcc {

struct Complaint {
  std::string code;                   // stable, lower-case kebab: "chest-pain"
  std::string name_nl;                // "Pijn op de borst"
  std::string name_en;                // "Chest pain"
  std::vector<std::string> synonyms;  // other words people use, Dutch or English: "pijn thorax"
  bool operator==(const Complaint&) const = default;
};

inline constexpr std::size_t kMaxComplaintCode = 64;
inline constexpr std::size_t kMaxComplaintName = 120;
inline constexpr std::size_t kMaxSynonyms = 20;

// A complaint code: 1–64 of a–z, 0–9 and '-', starting with a letter.
bool ValidComplaintCode(std::string_view code);

// Checks codes (format, unique), names (nl and en required, ≤ 120 bytes) and
// synonyms (≤ 20, each 1–120 bytes). Field names: "complaints[3].code",
// "complaints[3].synonyms[1]".
std::vector<FieldError> ValidateComplaints(const std::vector<Complaint>& list);

// The complaint with `code`, or nullptr.
const Complaint* FindComplaint(const std::vector<Complaint>& list, std::string_view code);

// Complaints matching `query` (what a triagist types), best first, at most
// `limit`. Matching ignores case and Dutch diacritics (é, ë, ï, …) and looks
// at the code, both names and the synonyms. Rank: exact code or name, then a
// name or synonym that starts with the query, then one with a word that
// starts with it, then any substring; ties keep the list's order. An empty
// query returns the first `limit` complaints in list order.
std::vector<const Complaint*> SearchComplaints(const std::vector<Complaint>& list, std::string_view query,
                                               std::size_t limit = 20);

}  // namespace ozcc
