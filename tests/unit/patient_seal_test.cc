// Patient data at rest: the patient key's text, the BSN hash, sealing and
// opening a Patient and free text, and what a failure may say.
#include "service/patient_seal.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace ozcc::service {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

// Key texts of the tests: fixed, so a failure names the same key every run.
const std::string kKeyA = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string kKeyB = "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f";

PatientKey Key(const std::string& text) { return std::move(ParsePatientKey(text)).value(); }

Patient Full() {
  Patient p;
  p.bsn = "111222333";
  p.name = "Jan de Vries";
  p.birth_date = Date{year{1938}, month{4}, day{30}};
  p.address = "Dorpsstraat 1, Zoetermeer";
  p.gp = "Huisartsenpraktijk De Linde";
  p.summary = "COPD GOLD III, lives alone; short of breath since this morning.";
  p.medication = "tiotropium; salbutamol as needed";
  p.allergies = "penicillin";
  return p;
}

// Every clear field of the patient, to look for in what must not hold them.
std::vector<std::string> Fields(const Patient& p) {
  return {p.bsn, p.name, p.address, p.gp, p.summary, p.medication, p.allergies};
}

void ExpectNoSecretIn(const std::string& text, const Patient& p) {
  for (const std::string& f : Fields(p)) {
    if (!f.empty()) {
      EXPECT_EQ(text.find(f), std::string::npos) << "\"" << f << "\" in: " << text;
    }
  }
  for (const std::string& k : {kKeyA, kKeyB}) {
    EXPECT_EQ(text.find(k.substr(0, 16)), std::string::npos) << "key material in: " << text;
    EXPECT_EQ(text.find(k.substr(48)), std::string::npos) << "key material in: " << text;
  }
}

bool IsLowerHex(const std::string& s) { return s.find_first_not_of("0123456789abcdef") == std::string::npos; }

TEST(PatientSealTest, EveryFieldRoundTrips) {
  PatientSeal seal(Key(kKeyA));
  const Patient p = Full();
  const SealedPatient s = seal.Seal(p, "case-1");
  EXPECT_EQ(s.key_id, seal.key_id());
  EXPECT_EQ(s.bsn_hash, seal.BsnHash(p.bsn));
  auto opened = seal.Open(s, "case-1");
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(*opened, p);
  ExpectNoSecretIn(s.sealed + s.bsn_hash + s.key_id, p);
}

TEST(PatientSealTest, EmptyPatientRoundTripsWithoutHash) {
  PatientSeal seal(Key(kKeyA));
  const SealedPatient s = seal.Seal(Patient{}, "case-1");
  EXPECT_EQ(s.bsn_hash, "") << "an unknown BSN gets no hash: unknown patients must not share one";
  auto opened = seal.Open(s, "case-1");
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(*opened, Patient{});
}

TEST(PatientSealTest, UnicodeAndLargestFieldsRoundTrip) {
  PatientSeal seal(Key(kKeyA));
  auto fill = [](const std::string& unit, std::size_t bytes) {
    std::string s;
    while (s.size() + unit.size() <= bytes) s += unit;
    return s;
  };
  Patient p;
  p.bsn = "999999990";
  p.name = fill("Zoë Ĳsselmeer-Çelik 李 ", kMaxNameBytes);
  p.birth_date = Date{year{1900}, month{1}, day{1}};
  p.address = fill("Keizersgracht 1°, 1015 Amsterdam\n", kMaxAddressBytes);
  p.gp = fill("Praktijk ‘t Hoge Land ", kMaxNameBytes);
  p.summary = fill("Benauwd 😮‍💨 sinds vanochtend;\r\n\ttemperatuur 39,2 °C. ", kMaxSummaryBytes);
  p.medication = fill("metoprolol 50 mg 1×/dag\n", kMaxSummaryBytes);
  p.allergies = fill("pinda’s; ", kMaxAllergiesBytes);
  p.allergies += std::string("\0nul", 4);  // bytes, not C strings
  auto opened = seal.Open(seal.Seal(p, "c"), "c");
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(*opened, p);

  p.birth_date = Date{year{2026}, month{12}, day{31}};
  opened = seal.Open(seal.Seal(p, "c"), "c");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->birth_date, p.birth_date);
}

TEST(PatientSealTest, TwoSealsOfOnePatientDiffer) {
  PatientSeal seal(Key(kKeyA));
  const SealedPatient a = seal.Seal(Full(), "case-1");
  const SealedPatient b = seal.Seal(Full(), "case-1");
  EXPECT_NE(a.sealed, b.sealed) << "a fresh random nonce per seal";
  EXPECT_EQ(a.bsn_hash, b.bsn_hash);
  EXPECT_TRUE(seal.Open(a, "case-1").ok());
  EXPECT_TRUE(seal.Open(b, "case-1").ok());
}

TEST(PatientSealTest, SealedLengthHidesFieldLengthsToABlock) {
  PatientSeal seal(Key(kKeyA));
  Patient shorter = Full();
  shorter.name = "Jan";
  EXPECT_EQ(seal.Seal(shorter, "c").sealed.size(), seal.Seal(Full(), "c").sealed.size());
}

TEST(PatientSealTest, TheSameKeyFileGivesTheSameSeal) {
  PatientSeal a(Key(kKeyA));
  PatientSeal b(Key(kKeyA + "\n"));
  EXPECT_EQ(a.key_id(), b.key_id());
  EXPECT_EQ(a.BsnHash("111222333"), b.BsnHash("111222333"));
  auto opened = b.Open(a.Seal(Full(), "case-1"), "case-1");
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(*opened, Full());
}

TEST(PatientSealTest, AnotherKeyDoesNotOpenNamingBothKeyIds) {
  PatientSeal a(Key(kKeyA));
  PatientSeal b(Key(kKeyB));
  ASSERT_NE(a.key_id(), b.key_id());
  const SealedPatient s = a.Seal(Full(), "case-1");
  auto opened = b.Open(s, "case-1");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kInternal);
  EXPECT_EQ(opened.status().message(),
            "patient data cannot be opened with this key (key id " + b.key_id() + ", sealed with " + a.key_id() + ")");
  ExpectNoSecretIn(opened.status().message(), Full());

  // A row claiming the other key's id: the AEAD still refuses it.
  SealedPatient relabelled = s;
  relabelled.key_id = b.key_id();
  opened = b.Open(relabelled, "case-1");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kInternal);
}

TEST(PatientSealTest, AnotherCaseDoesNotOpen) {
  PatientSeal seal(Key(kKeyA));
  const SealedPatient s = seal.Seal(Full(), "case-1");
  for (const char* other : {"case-2", "case-1 ", "", "case-10"}) {
    auto opened = seal.Open(s, other);
    ASSERT_FALSE(opened.ok()) << other;
    EXPECT_EQ(opened.status().code(), Code::kInternal);
    ExpectNoSecretIn(opened.status().message(), Full());
  }
}

TEST(PatientSealTest, AlteredRowsDoNotOpenNorCrash) {
  PatientSeal seal(Key(kKeyA));
  const SealedPatient good = seal.Seal(Full(), "case-1");
  std::vector<SealedPatient> bad;
  // Every character of the base64 changed in turn (the last ones too: padding).
  for (std::size_t i = 0; i < good.sealed.size(); ++i) {
    SealedPatient s = good;
    s.sealed[i] = s.sealed[i] == 'A' ? 'B' : 'A';
    bad.push_back(s);
  }
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{4}, std::size_t{36}, good.sealed.size() - 4}) {
    SealedPatient s = good;
    s.sealed.resize(n);
    bad.push_back(s);
  }
  for (const std::string& junk : {std::string("not base64 at all!"), std::string("====="), good.sealed + "AAAA",
                                  good.sealed + "\n", std::string(100, '\0')}) {
    SealedPatient s = good;
    s.sealed = junk;
    bad.push_back(s);
  }
  SealedPatient swapped = good;  // the hash of another patient: the store would find this row under it
  swapped.bsn_hash = seal.BsnHash("999999990");
  bad.push_back(swapped);
  SealedPatient no_hash = good;
  no_hash.bsn_hash.clear();
  bad.push_back(no_hash);
  for (const char* id : {"", "0000000000000000", "<script>"}) {
    SealedPatient s = good;
    s.key_id = id;
    bad.push_back(s);
  }

  for (const SealedPatient& s : bad) {
    auto opened = seal.Open(s, "case-1");
    ASSERT_FALSE(opened.ok()) << s.sealed;
    EXPECT_EQ(opened.status().code(), Code::kInternal);
    ExpectNoSecretIn(opened.status().message(), Full());
    EXPECT_EQ(opened.status().message().find("<script>"), std::string::npos);
  }
  EXPECT_TRUE(seal.Open(good, "case-1").ok());
}

TEST(PatientSealTest, BsnHashIsKeyedStableHex) {
  PatientSeal a(Key(kKeyA));
  PatientSeal b(Key(kKeyB));
  const std::string h = a.BsnHash("111222333");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_TRUE(IsLowerHex(h)) << h;
  EXPECT_EQ(h.find("111222333"), std::string::npos);
  EXPECT_EQ(a.BsnHash("111222333"), h) << "stable for the key";
  EXPECT_NE(b.BsnHash("111222333"), h) << "differs across keys";
  std::set<std::string> seen;
  for (const char* bsn : {"111222333", "999999990", "123456782", "111222334"}) seen.insert(a.BsnHash(bsn));
  EXPECT_EQ(seen.size(), 4u) << "differs across BSNs";
  EXPECT_EQ(a.BsnHash(""), "");
}

TEST(PatientSealTest, KeyIdIsShortPublicAndPerKey) {
  PatientSeal a(Key(kKeyA));
  PatientSeal b(Key(kKeyB));
  EXPECT_EQ(a.key_id().size(), 16u);
  EXPECT_TRUE(IsLowerHex(a.key_id()));
  EXPECT_NE(a.key_id(), b.key_id());
  EXPECT_EQ(kKeyA.find(a.key_id().substr(0, 8)), std::string::npos) << "the id is no part of the key";
  EXPECT_EQ(a.BsnHash("111222333").find(a.key_id()), std::string::npos);
}

TEST(PatientSealTest, TextRoundTripsAndIsBoundToItsContext) {
  PatientSeal seal(Key(kKeyA));
  for (const std::string& text : {std::string(), std::string("Advies: paracetamol, terugbellen bij koorts > 39 °C."),
                                  std::string(10000, 'x') + "ë", std::string("a\0b", 3)}) {
    const SealedText s = seal.SealText(text, "contact:abc");
    EXPECT_EQ(s.key_id, seal.key_id());
    auto opened = seal.OpenText(s, "contact:abc");
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    EXPECT_EQ(*opened, text);
    EXPECT_FALSE(seal.OpenText(s, "contact:abd").ok());
  }
  const SealedText s = seal.SealText("Advies: rust", "ctx");
  EXPECT_NE(seal.SealText("Advies: rust", "ctx").sealed, s.sealed);
  auto other_key = PatientSeal(Key(kKeyB)).OpenText(s, "ctx");
  ASSERT_FALSE(other_key.ok());
  EXPECT_EQ(other_key.status().code(), Code::kInternal);
  EXPECT_EQ(other_key.status().message().find("Advies"), std::string::npos);
}

TEST(PatientSealTest, PatientAndTextDoNotStandInForEachOther) {
  PatientSeal seal(Key(kKeyA));
  const SealedPatient p = seal.Seal(Full(), "case-1");
  EXPECT_FALSE(seal.OpenText({p.sealed, p.key_id}, "case-1").ok());
  const SealedText t = seal.SealText("x", "case-1");
  EXPECT_FALSE(seal.Open({"", t.sealed, t.key_id}, "case-1").ok());
}

TEST(PatientSealTest, KeyTextIsParsedStrictly) {
  for (const std::string& good : {kKeyA, kKeyA + "\n", "  \t" + kKeyA + "\r\n\n",
                                  std::string("000102030405060708090A0B0C0D0E0F"
                                              "101112131415161718191A1B1C1D1E1F")}) {
    EXPECT_TRUE(ParsePatientKey(good).ok()) << good;
  }
  EXPECT_EQ(PatientSeal(Key(kKeyA)).key_id(),
            PatientSeal(Key("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F")).key_id());
  const std::string near = kKeyA.substr(0, 40);
  for (const std::string& bad :
       {std::string(), std::string("\n"), kKeyA.substr(0, 63), kKeyA + "0", kKeyA + kKeyA, "0x" + kKeyA.substr(2),
        kKeyA.substr(0, 63) + "g", kKeyA.substr(0, 32) + " " + kKeyA.substr(32), near + std::string(24, 'z'),
        "key = \"" + kKeyA + "\""}) {
    auto k = ParsePatientKey(bad);
    ASSERT_FALSE(k.ok()) << bad;
    EXPECT_EQ(k.status().code(), Code::kInvalid);
    EXPECT_NE(k.status().message().find("64 hex characters"), std::string::npos) << k.status().message();
    EXPECT_EQ(k.status().message().find(kKeyA.substr(0, 16)), std::string::npos) << k.status().message();
    EXPECT_EQ(k.status().message().find("zzzz"), std::string::npos) << k.status().message();
  }
}

TEST(PatientSealTest, GeneratedKeysAreFreshKeyFileText) {
  const std::string a = GeneratePatientKey();
  const std::string b = GeneratePatientKey();
  ASSERT_EQ(a.size(), 65u);
  EXPECT_EQ(a.back(), '\n');
  EXPECT_TRUE(IsLowerHex(a.substr(0, 64))) << a;
  EXPECT_NE(a, b);
  EXPECT_NE(PatientSeal(Key(a)).key_id(), PatientSeal(Key(b)).key_id());
}

TEST(PatientSealTest, MovedFromKeyIsRefused) {
  PatientKey k = Key(kKeyA);
  PatientKey moved = std::move(k);
  EXPECT_THROW(PatientSeal{k}, std::invalid_argument);  // NOLINT(bugprone-use-after-move): the point of the test
  EXPECT_NO_THROW(PatientSeal{moved});
}

TEST(PatientSealTest, OneSealServesManyThreads) {
  const PatientSeal seal(Key(kKeyA));
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        Patient p = Full();
        p.name += std::to_string(t * 1000 + i);
        const std::string id = "case-" + std::to_string(i);
        auto opened = seal.Open(seal.Seal(p, id), id);
        if (!opened.ok() || *opened != p) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace ozcc::service
