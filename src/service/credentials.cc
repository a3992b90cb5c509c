#include "service/credentials.h"

#include <sodium.h>

namespace ozcc::service {

void InitCrypto() {
  static const int kInit = sodium_init();
  (void)kInit;
}

std::string HashPassword(std::string_view password) {
  InitCrypto();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return {};
  }
  return out;
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  InitCrypto();
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  std::string z(encoded);  // NUL-terminated copy
  return crypto_pwhash_str_verify(z.c_str(), password.data(), password.size()) == 0;
}

std::string NewToken(std::string_view prefix) {
  InitCrypto();
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(prefix) + b64;
}

std::string Sha256Hex(std::string_view bytes) {
  InitCrypto();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string TokenHash(std::string_view token) { return Sha256Hex(token); }

}  // namespace ozcc::service
