// Patient data at rest: the patient key (a file) and the seal made from it
// (libsodium). The store keeps patient data only as PatientSeal writes it
// (store/case_store.h: SealedPatient, Contact::sealed).
//
// What is secret
// - The patient key: 32 random bytes, written in its file as 64 hex
//   characters (`openzcc patient-key generate`). It and the subkeys derived
//   from it live in locked memory (sodium_malloc: mlock'd, guard pages,
//   zeroed when freed) and appear in no log and no error message.
// - Every Patient field (BSN, name, birth date, address, GP, summary,
//   medication, allergies) and every sealed text (a contact's advice).
//   Errors of Open / OpenText name key ids only, never a field.
//
// What the store sees (public)
// - `bsn_hash`: BLAKE2b of the BSN keyed with a subkey. Stable for a key, so
//   the store finds a patient's cases and contacts by it; useless without the
//   key (an unkeyed hash of the 10^9 possible BSNs is reversed in minutes).
// - `sealed`: base64 of  version 1 (one byte) ‖ random 24-byte nonce ‖
//   XChaCha20-Poly1305 ciphertext and tag  of the padded serialisation. The
//   padding (128-byte blocks) hides the exact length of the fields.
// - `key_id`: 16 hex characters naming the key: a BLAKE2b hash of a subkey
//   derived for that alone, so it tells nothing about the key.
//
// Subkeys: crypto_kdf from the key, context "ozcc-pat": 1 seals (AEAD),
// 2 hashes BSNs, 3 names the key (key_id). One key never serves two purposes.
//
// What the associated data binds: a sealed patient to its case
// ("openzcc patient v1", NUL, the case id) and a sealed text to the context
// the caller names ("openzcc text v1", NUL, the context). A patient row
// copied to another case, or a sealed text put where a patient belongs, does
// not open. The bsn_hash is not under the AEAD: Open checks it against the
// BSN it opened, so a row with a swapped hash does not open either.
//
// Open and OpenText fail with kInternal, never with partial data: on another
// key ("patient data cannot be opened with this key (key id X, sealed with
// Y)"), altered or moved ciphertext, or a malformed serialisation.
//
// Rotation: not yet. key_id names the key in every row, so a later version
// can hold old keys next to the current one (seal with the current, open with
// the one the row names) and re-seal rows in the background. Until then a
// lost or replaced key makes every sealed row unreadable: back the key file
// up (docs/operations.md, "Patient key").
//
// Thread-safe: a PatientSeal has only const methods after construction.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/cases.h"
#include "store/case_store.h"

namespace ozcc::service {

namespace detail {
// Frees sodium_malloc'd memory (sodium_free zeroes it first).
struct SecureFree {
  void operator()(unsigned char* p) const noexcept;
};
using SecureBytes = std::unique_ptr<unsigned char, SecureFree>;
}  // namespace detail

// The 32 bytes of a patient key, in locked memory. Move-only; a moved-from
// key is empty, and building a PatientSeal from it throws std::invalid_argument.
class PatientKey {
 public:
  static constexpr std::size_t kBytes = 32;

  PatientKey(PatientKey&&) noexcept = default;
  PatientKey& operator=(PatientKey&&) noexcept = default;
  PatientKey(const PatientKey&) = delete;
  PatientKey& operator=(const PatientKey&) = delete;
  ~PatientKey() = default;

 private:
  PatientKey();  // allocates kBytes of locked memory
  friend Result<PatientKey> ParsePatientKey(std::string_view text);
  friend class PatientSeal;
  detail::SecureBytes bytes_;
};

// The key from its file's text: exactly 64 hex characters; leading and
// trailing whitespace (a final newline) allowed. kInvalid otherwise, with a
// message that never repeats the text.
Result<PatientKey> ParsePatientKey(std::string_view text);

// A new random key as its file's text (64 lower-case hex characters and a
// newline). The caller writes it and then wipes the string (sodium_memzero).
std::string GeneratePatientKey();

// A sealed text (a contact's advice): what Contact keeps in `sealed` and `key_id`.
struct SealedText {
  std::string sealed;
  std::string key_id;
};

// Seals and opens patient data with the subkeys of one patient key. Not
// copyable nor movable: hold it in a std::shared_ptr<const PatientSeal>.
class PatientSeal {
 public:
  explicit PatientSeal(const PatientKey& key);
  PatientSeal(const PatientSeal&) = delete;
  PatientSeal& operator=(const PatientSeal&) = delete;
  ~PatientSeal() = default;

  // 16 hex characters naming this key; public (stored with every row).
  const std::string& key_id() const { return key_id_; }

  // The keyed hash of a BSN: 64 lower-case hex characters, the same for the
  // same BSN and key. Hashes the text as given (validate it first: ValidBsn);
  // "" for an empty BSN, so unknown patients share no hash.
  std::string BsnHash(std::string_view bsn) const;

  // The patient sealed for the case (a fresh random nonce each time, so two
  // seals of one patient differ), with BsnHash(p.bsn) and key_id().
  SealedPatient Seal(const Patient& p, std::string_view case_id) const;
  // The patient of `sealed` if it was sealed with this key for this case and
  // is unaltered; kInternal otherwise (see the top of this file).
  Result<Patient> Open(const SealedPatient& sealed, std::string_view case_id) const;

  // Free text sealed for a context the caller chooses and gives again to
  // open it (for a contact: what identifies the row before it is stored,
  // e.g. its bsn_hash, organisation and time).
  SealedText SealText(std::string_view text, std::string_view context) const;
  Result<std::string> OpenText(const SealedText& sealed, std::string_view context) const;

 private:
  std::string SealBytes(std::string_view plain, std::string_view ad) const;
  Result<std::string> OpenBytes(std::string_view what, std::string_view sealed, std::string_view key_id,
                                std::string_view ad) const;

  detail::SecureBytes keys_;  // the AEAD subkey, then the BSN hash subkey
  std::string key_id_;
};

// The field errors of patient data sent along with a transfer or a
// placement: none without a patient; "patient" when this server has no key
// to seal it (`seal` null); else ValidatePatient's.
std::vector<FieldError> PatientFieldErrors(const PatientSeal* seal, const std::optional<Patient>& patient, Time now);

}  // namespace ozcc::service
