// Credentials: argon2id password hashes and random bearer tokens, which the
// store keeps only as SHA-256 hashes (libsodium). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ozcc::service {

inline constexpr std::string_view kSessionPrefix = "ozs_";
inline constexpr std::string_view kFeedPrefix = "ozf_";

// Initialises libsodium once; safe to call many times.
void InitCrypto();
// argon2id (libsodium interactive limits); the result embeds salt and parameters.
std::string HashPassword(std::string_view password);
bool VerifyPassword(std::string_view encoded, std::string_view password);
// prefix + 43 characters of URL-safe base64 from 32 random bytes.
std::string NewToken(std::string_view prefix);
// Lower-case hex SHA-256 of the token: what the store keeps.
std::string TokenHash(std::string_view token);
// Lower-case hex SHA-256 of arbitrary bytes.
std::string Sha256Hex(std::string_view bytes);

}  // namespace ozcc::service
