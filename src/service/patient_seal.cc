#include "service/patient_seal.h"

#include <sodium.h>

#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <stdexcept>
#include <utility>

#include "service/credentials.h"

namespace ozcc::service {

namespace {

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "ozcc-pat";
constexpr std::uint64_t kSealSubkey = 1;
constexpr std::uint64_t kHashSubkey = 2;
constexpr std::uint64_t kIdSubkey = 3;
constexpr std::size_t kSubkeyBytes = 32;
static_assert(crypto_kdf_KEYBYTES == PatientKey::kBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kSubkeyBytes);
static_assert(crypto_generichash_KEYBYTES == kSubkeyBytes);

constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr char kEnvelopeV1 = 1;  // first byte of a sealed value: version ‖ nonce ‖ ciphertext
constexpr char kFormatV1 = 1;    // first byte of a serialised Patient or text
constexpr std::size_t kPadBlock = 128;
constexpr int kBase64 = sodium_base64_VARIANT_ORIGINAL;
constexpr std::string_view kPatientAd = "openzcc patient v1";
constexpr std::string_view kTextAd = "openzcc text v1";
constexpr std::size_t kKeyIdHexChars = 16;

unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

detail::SecureBytes SecureAlloc(std::size_t n) {
  InitCrypto();
  auto* p = static_cast<unsigned char*>(sodium_malloc(n));
  if (p == nullptr) throw std::bad_alloc();
  return detail::SecureBytes(p);
}

// Zeroes a buffer that held clear text or key material before it is freed.
void Wipe(std::string& s) {
  sodium_memzero(s.data(), s.size());
  s.clear();
}

std::string Hex(const unsigned char* bin, std::size_t n) {
  std::string hex(2 * n + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bin, n);
  hex.pop_back();
  return hex;
}

std::string Ad(std::string_view purpose, std::string_view id) {
  std::string ad(purpose);
  ad.push_back('\0');
  ad.append(id);
  return ad;
}

// A key id from a row, for an error message: it is public, but a damaged row
// may hold anything.
std::string ShownId(std::string_view id) {
  if (id.empty()) return "none";
  const bool hex = id.size() <= 64 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
  return hex ? std::string(id) : "an unreadable id";
}

// Serialisation, format 1: the format byte, then each field in Patient's
// order; a text is its length (4 bytes, little-endian) and its bytes; the
// birth date is a presence byte and, if present, year (4 bytes), month, day.
void PutU32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutText(std::string& out, const std::string& s) {
  PutU32(out, static_cast<std::uint32_t>(s.size()));
  out += s;
}

struct Reader {
  std::string_view rest;
  bool Byte(unsigned char& v) {
    if (rest.empty()) return false;
    v = static_cast<unsigned char>(rest.front());
    rest.remove_prefix(1);
    return true;
  }
  bool U32(std::uint32_t& v) {
    if (rest.size() < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v |= std::uint32_t{static_cast<unsigned char>(rest[i])} << (8 * i);
    rest.remove_prefix(4);
    return true;
  }
  bool Text(std::string& s) {
    std::uint32_t n = 0;
    if (!U32(n) || n > rest.size()) return false;
    s.assign(rest.substr(0, n));
    rest.remove_prefix(n);
    return true;
  }
};

std::string Serialise(const Patient& p) {
  std::string out(1, kFormatV1);
  PutText(out, p.bsn);
  PutText(out, p.name);
  out.push_back(p.birth_date ? 1 : 0);
  if (p.birth_date) {
    PutU32(out, static_cast<std::uint32_t>(static_cast<int>(p.birth_date->year())));
    out.push_back(static_cast<char>(static_cast<unsigned>(p.birth_date->month())));
    out.push_back(static_cast<char>(static_cast<unsigned>(p.birth_date->day())));
  }
  for (const std::string* s : {&p.address, &p.gp, &p.summary, &p.medication, &p.allergies}) PutText(out, *s);
  return out;
}

std::optional<Patient> Deserialise(std::string_view bytes) {
  Reader r{bytes};
  Patient p;
  unsigned char format = 0;
  unsigned char has_date = 0;
  if (!r.Byte(format) || format != kFormatV1 || !r.Text(p.bsn) || !r.Text(p.name) || !r.Byte(has_date)) {
    return std::nullopt;
  }
  if (has_date == 1) {
    std::uint32_t year = 0;
    unsigned char month = 0;
    unsigned char day = 0;
    if (!r.U32(year) || !r.Byte(month) || !r.Byte(day)) return std::nullopt;
    p.birth_date = Date{std::chrono::year{static_cast<int>(year)}, std::chrono::month{month}, std::chrono::day{day}};
  } else if (has_date != 0) {
    return std::nullopt;
  }
  for (std::string* s : {&p.address, &p.gp, &p.summary, &p.medication, &p.allergies}) {
    if (!r.Text(*s)) return std::nullopt;
  }
  if (!r.rest.empty()) return std::nullopt;
  return p;
}

}  // namespace

void detail::SecureFree::operator()(unsigned char* p) const noexcept { sodium_free(p); }

PatientKey::PatientKey() : bytes_(SecureAlloc(kBytes)) {}

Result<PatientKey> ParsePatientKey(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  text = first == std::string_view::npos ? std::string_view{} : text.substr(first);
  text = text.substr(0, text.find_last_not_of(kSpace) + 1);
  const std::string what = "a patient key is exactly 64 hex characters (as `openzcc patient-key generate` writes it)";
  if (text.size() != 2 * PatientKey::kBytes) {
    return Status::Invalid(what + "; this one has " + std::to_string(text.size()) + " characters");
  }
  PatientKey key;
  std::size_t len = 0;
  if (sodium_hex2bin(key.bytes_.get(), PatientKey::kBytes, text.data(), text.size(), nullptr, &len, nullptr) != 0 ||
      len != PatientKey::kBytes) {
    return Status::Invalid(what + "; this one has other characters");
  }
  return key;
}

std::string GeneratePatientKey() {
  auto raw = SecureAlloc(PatientKey::kBytes);
  randombytes_buf(raw.get(), PatientKey::kBytes);
  std::string text = Hex(raw.get(), PatientKey::kBytes);
  text.push_back('\n');
  return text;
}

PatientSeal::PatientSeal(const PatientKey& key) {
  if (!key.bytes_) throw std::invalid_argument("PatientSeal from an empty (moved-from) PatientKey");
  keys_ = SecureAlloc(2 * kSubkeyBytes);
  const unsigned char* master = key.bytes_.get();
  crypto_kdf_derive_from_key(keys_.get(), kSubkeyBytes, kSealSubkey, kKdfContext, master);
  crypto_kdf_derive_from_key(keys_.get() + kSubkeyBytes, kSubkeyBytes, kHashSubkey, kKdfContext, master);
  auto id_key = SecureAlloc(kSubkeyBytes);
  crypto_kdf_derive_from_key(id_key.get(), kSubkeyBytes, kIdSubkey, kKdfContext, master);
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, id_key.get(), kSubkeyBytes, nullptr, 0);
  key_id_ = Hex(hash, sizeof hash).substr(0, kKeyIdHexChars);
}

std::string PatientSeal::BsnHash(std::string_view bsn) const {
  if (bsn.empty()) return {};
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, Bytes(bsn), bsn.size(), keys_.get() + kSubkeyBytes, kSubkeyBytes);
  return Hex(hash, sizeof hash);
}

std::string PatientSeal::SealBytes(std::string_view plain, std::string_view ad) const {
  std::string padded(plain);
  padded.resize(plain.size() + kPadBlock);
  std::size_t padded_len = 0;
  (void)sodium_pad(&padded_len, Bytes(padded), plain.size(), kPadBlock, padded.size());  // fails only without room

  std::string box(1 + kNonceBytes + padded_len + kTagBytes, '\0');
  box[0] = kEnvelopeV1;
  unsigned char* nonce = Bytes(box) + 1;
  randombytes_buf(nonce, kNonceBytes);
  unsigned long long box_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceBytes, &box_len, Bytes(padded), padded_len, Bytes(ad),
                                             ad.size(), nullptr, nonce, keys_.get());
  Wipe(padded);

  std::string b64(sodium_base64_ENCODED_LEN(box.size(), kBase64), '\0');
  sodium_bin2base64(b64.data(), b64.size(), Bytes(box), box.size(), kBase64);
  b64.resize(std::strlen(b64.c_str()));
  return b64;
}

Result<std::string> PatientSeal::OpenBytes(std::string_view what, std::string_view sealed, std::string_view key_id,
                                           std::string_view ad) const {
  auto fail = [&](std::string_view why) {
    return Status::Internal(std::string(what) + " cannot be opened with this key (key id " + key_id_ +
                            ", sealed with " + ShownId(key_id) + ")" + std::string(why));
  };
  if (key_id != key_id_) return fail("");
  std::string box(sealed.size() / 4 * 3 + 3, '\0');
  std::size_t box_len = 0;
  if (sodium_base642bin(Bytes(box), box.size(), sealed.data(), sealed.size(), nullptr, &box_len, nullptr, kBase64) !=
          0 ||
      box_len < 1 + kNonceBytes + kTagBytes || box[0] != kEnvelopeV1) {
    return fail(": not a sealed value");
  }
  const unsigned char* nonce = Bytes(box) + 1;
  std::string plain(box_len - 1 - kNonceBytes - kTagBytes, '\0');
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(Bytes(plain), &plain_len, nullptr, nonce + kNonceBytes,
                                                 box_len - 1 - kNonceBytes, Bytes(ad), ad.size(), nonce,
                                                 keys_.get()) != 0) {
    return fail(": altered, or sealed for another record");
  }
  std::size_t unpadded = 0;
  if (sodium_unpad(&unpadded, Bytes(plain), plain_len, kPadBlock) != 0) {
    Wipe(plain);
    return fail(": malformed");
  }
  plain.resize(unpadded);
  return plain;
}

SealedPatient PatientSeal::Seal(const Patient& p, std::string_view case_id) const {
  std::string plain = Serialise(p);
  SealedPatient out{BsnHash(p.bsn), SealBytes(plain, Ad(kPatientAd, case_id)), key_id_};
  Wipe(plain);
  return out;
}

Result<Patient> PatientSeal::Open(const SealedPatient& sealed, std::string_view case_id) const {
  auto plain = OpenBytes("patient data", sealed.sealed, sealed.key_id, Ad(kPatientAd, case_id));
  if (!plain.ok()) return plain.status();
  std::optional<Patient> p = Deserialise(*plain);
  Wipe(plain.value());
  if (!p) return Status::Internal("patient data sealed with key id " + key_id_ + " is malformed");
  if (BsnHash(p->bsn) != sealed.bsn_hash) {
    return Status::Internal("patient data sealed with key id " + key_id_ + " does not match its BSN hash");
  }
  return std::move(*p);
}

SealedText PatientSeal::SealText(std::string_view text, std::string_view context) const {
  std::string plain(1, kFormatV1);
  plain += text;
  SealedText out{SealBytes(plain, Ad(kTextAd, context)), key_id_};
  Wipe(plain);
  return out;
}

Result<std::string> PatientSeal::OpenText(const SealedText& sealed, std::string_view context) const {
  auto plain = OpenBytes("sealed text", sealed.sealed, sealed.key_id, Ad(kTextAd, context));
  if (!plain.ok()) return plain.status();
  if (plain->empty() || plain->front() != kFormatV1) {
    Wipe(plain.value());
    return Status::Internal("sealed text with key id " + key_id_ + " is malformed");
  }
  plain->erase(0, 1);
  return plain;
}

std::vector<FieldError> PatientFieldErrors(const PatientSeal* seal, const std::optional<Patient>& patient, Time now) {
  if (!patient) return {};
  if (seal == nullptr) return {{"patient", "this server has no patient key: patient data cannot be stored"}};
  return ValidatePatient(*patient, now);
}

}  // namespace ozcc::service
