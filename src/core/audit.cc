#include "core/audit.h"

namespace ozcc {

std::string TruncateForAudit(std::string text, std::size_t max) {
  if (text.size() <= max) return text;
  // The marker's length depends on N; reserve room for the largest.
  const std::size_t dropped_max = text.size();
  const std::string longest = "\u2026[+" + std::to_string(dropped_max) + " bytes]";
  std::size_t keep = max > longest.size() ? max - longest.size() : 0;
  // Do not cut a UTF-8 sequence: back up over continuation bytes (10xxxxxx).
  while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) --keep;
  const std::size_t dropped = text.size() - keep;
  text.resize(keep);
  text += "\u2026[+" + std::to_string(dropped) + " bytes]";
  return text;
}

AuditRecord BoundedAudit(AuditRecord a) {
  for (std::string* field : {&a.actor, &a.role, &a.organization_id, &a.action, &a.object, &a.outcome, &a.request_id}) {
    *field = TruncateForAudit(std::move(*field), kAuditFieldMax);
  }
  a.detail = TruncateForAudit(std::move(a.detail), kAuditDetailMax);
  return a;
}

}  // namespace ozcc
