#include "api/json/capacity_csv.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/external.h"

namespace ozcc::api {
namespace {

const std::string kHeader =
    "unit_id,as_of,beds_total,beds_staffed,beds_occupied,beds_available,ed_status,ed_waiting,ed_in_treatment,"
    "ed_boarding,ed_crowding,note\n";

std::vector<CsvCapacityRow> MustParse(std::string_view text) {
  auto r = ParseCapacityCsv(text);
  if (!r.ok()) {
    std::string all;
    const Status st = r.status();
    for (const FieldError& e : st.errors()) all += e.field + " — " + e.message + "\n";
    ADD_FAILURE() << r.status().message() << "\n" << all;
    return {};
  }
  return *r;
}

// Errors of a failed parse; fails the test when the parse succeeded.
std::vector<FieldError> MustFail(std::string_view text) {
  auto r = ParseCapacityCsv(text);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return {};
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  return r.status().errors();
}

bool HasField(const std::vector<FieldError>& errs, const std::string& field) {
  return std::any_of(errs.begin(), errs.end(), [&](const FieldError& e) { return e.field == field; });
}

std::string Fields(const std::vector<FieldError>& errs) {
  std::string s;
  for (const FieldError& e : errs) s += "[" + e.field + ": " + e.message + "] ";
  return s;
}

// --- good files -------------------------------------------------------------

TEST(CapacityCsv, ArrivalsColumnIsOptionalAndNeedsEdStatus) {
  auto rows = MustParse("unit_id,ed_status,ed_arrivals\nseh-1,open,9\nseh-2,open,\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].input.ed->arrivals, 9);
  EXPECT_FALSE(rows[1].input.ed->arrivals.has_value());
  auto errs = MustFail("unit_id,ed_status,ed_arrivals\nseh-1,,4\nseh-2,open,x\n");
  EXPECT_TRUE(HasField(errs, "line 2: ed_arrivals")) << Fields(errs);
  EXPECT_TRUE(HasField(errs, "line 3: ed_arrivals")) << Fields(errs);
}

TEST(CapacityCsv, FullRowParsesEveryField) {
  auto rows = MustParse(kHeader + "seh-1,2026-11-26T13:40:00Z,20,18,15,3,threatened,7,5,2,140,busy\n");
  ASSERT_EQ(rows.size(), 1u);
  const CsvCapacityRow& r = rows[0];
  EXPECT_EQ(r.line, 2u);
  EXPECT_EQ(r.input.unit_id, "seh-1");
  ASSERT_TRUE(r.input.as_of);
  EXPECT_EQ(FormatRfc3339(*r.input.as_of), "2026-11-26T13:40:00Z");
  ASSERT_TRUE(r.input.beds);
  EXPECT_EQ(*r.input.beds, (Beds{20, 18, 15, 3}));
  ASSERT_TRUE(r.input.ed);
  EXPECT_EQ(*r.input.ed, (EdState{EdStatus::kThreatened, 7, 5, 2, 140}));
  EXPECT_EQ(r.input.note, "busy");
}

TEST(CapacityCsv, ColumnsInAnyOrderAndOptionalColumnsAbsent) {
  auto rows = MustParse("beds_available,unit_id,beds_occupied,beds_total,beds_staffed\n3,ic-1,5,10,8\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].input.unit_id, "ic-1");
  EXPECT_EQ(*rows[0].input.beds, (Beds{10, 8, 5, 3}));
  EXPECT_FALSE(rows[0].input.ed);
  EXPECT_FALSE(rows[0].input.as_of);
  EXPECT_EQ(rows[0].input.note, "");
}

TEST(CapacityCsv, HeaderNamesAreCaseInsensitiveAndTrimmed) {
  auto rows = MustParse(" Unit_ID ,ED_Status\nhap-1,open\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].input.unit_id, "hap-1");
  EXPECT_EQ(rows[0].input.ed->status, EdStatus::kOpen);
}

TEST(CapacityCsv, BomCrlfAndTrailingEmptyLine) {
  auto rows = MustParse(
      "\xEF\xBB\xBFunit_id,beds_total,beds_staffed,beds_occupied,beds_available\r\n"
      "a,4,3,2,1\r\n"
      "b,8,6,4,2\r\n"
      "\r\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].input.unit_id, "a");  // BOM not part of the first column name
  EXPECT_EQ(rows[1].input.unit_id, "b");
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_EQ(rows[1].input.beds->available, 2);
}

TEST(CapacityCsv, NoTrailingNewline) {
  auto rows = MustParse("unit_id,ed_status\nx,closed");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].input.ed->status, EdStatus::kClosed);
}

TEST(CapacityCsv, QuotedNotesWithCommasNewlinesAndQuotes) {
  auto rows = MustParse(
      "unit_id,note,ed_status\n"
      "a,\"one, two\",open\n"
      "b,\"line one\nline two\r\nline three\",open\n"
      "c,\"she said \"\"full\"\"\",open\n"
      "\"d\",\"\",open\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].input.note, "one, two");
  EXPECT_EQ(rows[1].input.note, "line one\nline two\r\nline three");
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_EQ(rows[2].input.note, "she said \"full\"");
  EXPECT_EQ(rows[2].line, 6u);  // physical line: the note of row b spans lines 3-5
  EXPECT_EQ(rows[3].input.unit_id, "d");
  EXPECT_EQ(rows[3].input.note, "");
}

TEST(CapacityCsv, NoteKeepsUtf8AndSpacesVerbatim) {
  auto rows = MustParse("unit_id,ed_status,note\nseh,open,  Zeeland: drukte \xE2\x80\x93 ok \xC3\xA9  \n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].input.note, "  Zeeland: drukte \xE2\x80\x93 ok \xC3\xA9  ");
}

TEST(CapacityCsv, EmptyBedCellsMeanNoBedsAndEdCountsDefaultToZero) {
  auto rows = MustParse(kHeader + "hap-1,,,,,,open,,3,,,\n" + "ward-1,,10,9,8,1,,,,,,\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_FALSE(rows[0].input.beds);
  ASSERT_TRUE(rows[0].input.ed);
  EXPECT_EQ(*rows[0].input.ed, (EdState{EdStatus::kOpen, 0, 3, 0, 0}));
  EXPECT_TRUE(rows[1].input.beds);
  EXPECT_FALSE(rows[1].input.ed);
}

TEST(CapacityCsv, CountsMayCarrySpacesAndNegativesAreLeftToValidation) {
  auto rows = MustParse("unit_id,beds_total,beds_staffed,beds_occupied,beds_available\n u , 10 ,\t9,-1,0\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].input.unit_id, "u");
  EXPECT_EQ(*rows[0].input.beds, (Beds{10, 9, -1, 0}));
}

TEST(CapacityCsv, TimestampsWithOffsetAndFraction) {
  auto rows = MustParse("unit_id,as_of,ed_status\na,2026-11-26T14:40:00.250+01:00,open\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(FormatRfc3339(*rows[0].input.as_of), "2026-11-26T13:40:00.250Z");
}

TEST(CapacityCsv, BlankLinesAreSkippedButLinesStillCounted) {
  auto rows = MustParse("unit_id,ed_status\n\na,open\n\n\nb,open\n\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].line, 3u);
  EXPECT_EQ(rows[1].line, 6u);
}

TEST(CapacityCsv, HeaderOnlyIsAnEmptyImport) {
  auto r = ParseCapacityCsv("unit_id,ed_status\r\n");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

// --- errors, each named with its line --------------------------------------

TEST(CapacityCsv, EmptyFileNeedsAHeader) {
  for (std::string_view text : {"", "\xEF\xBB\xBF", "\n\n", "\r\n"}) {
    auto errs = MustFail(text);
    EXPECT_TRUE(HasField(errs, "line 1")) << Fields(errs);
  }
}

TEST(CapacityCsv, UnknownColumn) {
  auto errs = MustFail("unit_id,beds_free,ed_status\na,3,open\n");
  EXPECT_TRUE(HasField(errs, "line 1: beds_free")) << Fields(errs);
}

TEST(CapacityCsv, DuplicateColumn) {
  auto errs = MustFail("unit_id,ed_status,UNIT_ID\na,open,b\n");
  ASSERT_EQ(errs.size(), 1u) << Fields(errs);
  EXPECT_EQ(errs[0].field, "line 1: unit_id");
  EXPECT_NE(errs[0].message.find("duplicate"), std::string::npos);
}

TEST(CapacityCsv, MissingUnitIdColumn) {
  auto errs = MustFail("ed_status\nopen\n");
  EXPECT_TRUE(HasField(errs, "line 1: unit_id")) << Fields(errs);
}

TEST(CapacityCsv, EmptyColumnName) {
  auto errs = MustFail("unit_id,,ed_status\na,,open\n");
  EXPECT_TRUE(HasField(errs, "line 1: column 2")) << Fields(errs);
}

TEST(CapacityCsv, BedColumnsComeTogether) {
  auto errs = MustFail("unit_id,beds_total,beds_available\na,3,1\n");
  EXPECT_TRUE(HasField(errs, "line 1: beds_staffed")) << Fields(errs);
  EXPECT_TRUE(HasField(errs, "line 1: beds_occupied")) << Fields(errs);
}

TEST(CapacityCsv, EdCountColumnsNeedStatusColumn) {
  auto errs = MustFail("unit_id,ed_waiting\na,3\n");
  EXPECT_TRUE(HasField(errs, "line 1: ed_status")) << Fields(errs);
}

TEST(CapacityCsv, WrongColumnCount) {
  auto errs = MustFail("unit_id,ed_status,note\na,open\nb,open,x,y\nc,open,ok\n");
  EXPECT_TRUE(HasField(errs, "line 2")) << Fields(errs);
  EXPECT_TRUE(HasField(errs, "line 3")) << Fields(errs);
  EXPECT_EQ(errs.size(), 2u) << Fields(errs);
}

TEST(CapacityCsv, NonIntegerCounts) {
  auto errs = MustFail(kHeader + "a,,10,9.5,8,1,,,,,,\n" + "b,,10,9,1e3,1,open,x,,,,\n" +
                       "c,,10,9,8,99999999999999999999,,,,,,\n");
  EXPECT_TRUE(HasField(errs, "line 2: beds_staffed")) << Fields(errs);
  EXPECT_TRUE(HasField(errs, "line 3: beds_occupied")) << Fields(errs);
  EXPECT_TRUE(HasField(errs, "line 3: ed_waiting")) << Fields(errs);
  EXPECT_TRUE(HasField(errs, "line 4: beds_available")) << Fields(errs);
  EXPECT_EQ(errs.size(), 4u) << Fields(errs);
}

TEST(CapacityCsv, SignWithoutDigitsIsNotAnInteger) {
  auto errs = MustFail("unit_id,ed_status,ed_crowding\na,open,-\n");
  EXPECT_TRUE(HasField(errs, "line 2: ed_crowding")) << Fields(errs);
}

// Error texts quote the offending cell, clipped at a character boundary so the
// problem+json body stays valid UTF-8.
TEST(CapacityCsv, QuotedInputInMessagesIsClippedAtCharacterBoundaries) {
  std::string euro;
  for (int i = 0; i < 30; ++i) euro += "\xE2\x82\xAC";  // 90 bytes of U+20AC
  auto errs = MustFail("unit_id,ed_status\na," + euro + "\n");
  ASSERT_EQ(errs.size(), 1u);
  const std::string& m = errs[0].message;
  EXPECT_LT(m.size(), 120u);
  EXPECT_NE(m.find("..."), std::string::npos);
  std::string quoted;  // the message as a CSV field; the parser checks it is valid UTF-8
  for (char c : m) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  auto r = ParseCapacityCsv("unit_id,ed_status,note\na,open,\"" + quoted + "\"\n");
  EXPECT_TRUE(r.ok());
}

TEST(CapacityCsv, BadTimestamps) {
  auto errs = MustFail(
      "unit_id,as_of,ed_status\na,yesterday,open\nb,2026-11-26 13:40:00,open\n"
      "c,2026-02-30T10:00:00Z,open\nd,2026-11-26T13:40:00Z,open\n");
  EXPECT_TRUE(HasField(errs, "line 2: as_of")) << Fields(errs);
  EXPECT_TRUE(HasField(errs, "line 3: as_of")) << Fields(errs);
  EXPECT_TRUE(HasField(errs, "line 4: as_of")) << Fields(errs);
  EXPECT_EQ(errs.size(), 3u) << Fields(errs);
}

TEST(CapacityCsv, BadEdStatus) {
  auto errs = MustFail("unit_id,ed_status\na,Open\nb,full\n");
  EXPECT_TRUE(HasField(errs, "line 2: ed_status")) << Fields(errs);
  EXPECT_TRUE(HasField(errs, "line 3: ed_status")) << Fields(errs);
}

TEST(CapacityCsv, PartialBedsInARow) {
  auto errs = MustFail(kHeader + "a,,10,,8,,,,,,,\n");
  EXPECT_TRUE(HasField(errs, "line 2: beds_staffed")) << Fields(errs);
  EXPECT_TRUE(HasField(errs, "line 2: beds_available")) << Fields(errs);
  EXPECT_EQ(errs.size(), 2u) << Fields(errs);
}

TEST(CapacityCsv, EdCountsWithoutStatusInARow) {
  auto errs = MustFail(kHeader + "a,,,,,,,4,,,,\n");
  EXPECT_TRUE(HasField(errs, "line 2: ed_waiting")) << Fields(errs);
}

TEST(CapacityCsv, EmptyUnitId) {
  auto errs = MustFail("unit_id,ed_status\n  ,open\n");
  EXPECT_TRUE(HasField(errs, "line 2: unit_id")) << Fields(errs);
}

TEST(CapacityCsv, BadUtf8InCellAndHeader) {
  auto errs = MustFail("unit_id,ed_status,note\na,open,caf\xC3\n" + std::string("b,open,\xED\xA0\x80\n") +
                       "c,open,\xC0\xAF\n" + std::string("d,open,nul\0x\n", 13));
  EXPECT_TRUE(HasField(errs, "line 2: note")) << Fields(errs);  // truncated sequence
  EXPECT_TRUE(HasField(errs, "line 3: note")) << Fields(errs);  // surrogate
  EXPECT_TRUE(HasField(errs, "line 4: note")) << Fields(errs);  // overlong
  EXPECT_TRUE(HasField(errs, "line 5: note")) << Fields(errs);  // NUL
  auto header = MustFail("unit_id,\xFF\nx,y\n");
  EXPECT_TRUE(HasField(header, "line 1: column 2")) << Fields(header);
}

TEST(CapacityCsv, UnterminatedQuote) {
  auto errs = MustFail("unit_id,ed_status,note\na,open,fine\nb,open,\"never closed\nc,open,x\n");
  ASSERT_EQ(errs.size(), 1u) << Fields(errs);
  EXPECT_EQ(errs[0].field, "line 3: note");
  EXPECT_NE(errs[0].message.find("unterminated"), std::string::npos);
}

TEST(CapacityCsv, QuoteInsideUnquotedField) {
  auto errs = MustFail("unit_id,ed_status,note\na,open,5\" screen\n");
  EXPECT_TRUE(HasField(errs, "line 2: note")) << Fields(errs);
}

TEST(CapacityCsv, TextAfterClosingQuote) {
  auto errs = MustFail("unit_id,ed_status,note\na,open,\"x\"y\nb,open,ok\n");
  ASSERT_EQ(errs.size(), 1u) << Fields(errs);
  EXPECT_EQ(errs[0].field, "line 2: note");
}

TEST(CapacityCsv, BareCarriageReturn) {
  auto errs = MustFail("unit_id,ed_status\ra,open\r");
  EXPECT_FALSE(errs.empty());
  EXPECT_TRUE(HasField(errs, "line 1: column 2")) << Fields(errs);
}

TEST(CapacityCsv, EveryErrorIsListed) {
  auto errs = MustFail(
      "unit_id,bogus,as_of,ed_status,ed_waiting\n"
      "a,,nope,open,1\n"
      "b,,2026-11-26T13:40:00Z,meh,x\n"
      "c,,,\n"
      ",,,open,\n");
  EXPECT_EQ(errs.size(), 6u) << Fields(errs);
  EXPECT_TRUE(HasField(errs, "line 1: bogus"));
  EXPECT_TRUE(HasField(errs, "line 2: as_of"));
  EXPECT_TRUE(HasField(errs, "line 3: ed_status"));
  EXPECT_TRUE(HasField(errs, "line 3: ed_waiting"));
  EXPECT_TRUE(HasField(errs, "line 4"));
  EXPECT_TRUE(HasField(errs, "line 5: unit_id"));
}

TEST(CapacityCsv, ErrorListIsCapped) {
  std::string text = "unit_id,ed_status\n";
  for (int i = 0; i < 1500; ++i) text += "u,bad\n";
  auto errs = MustFail(text);
  ASSERT_EQ(errs.size(), kMaxCsvErrors + 1);
  EXPECT_EQ(errs.back().field, "errors");
  EXPECT_NE(errs.back().message.find("500 more"), std::string::npos) << errs.back().message;
}

TEST(CapacityCsv, TooManyRows) {
  std::string text = "unit_id,ed_status\n";
  for (int i = 0; i < 11; ++i) text += "u,open\n";
  auto r = ParseCapacityCsv(text, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kTooLarge);
  EXPECT_TRUE(ParseCapacityCsv(text, 11).ok());
}

// --- foreign CSVs (SANER IG samples): rejected with named errors -----------

TEST(CapacityCsv, ForeignSanerCsvsAreRejectedCleanly) {
  OZCC_SKIP_IF_NO_EXTERNAL();
  const auto dir = ::ozcc::test::ExternalDir() / "saner" / "csv";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".csv") continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto r = ParseCapacityCsv(ss.str());
    SCOPED_TRACE(entry.path().filename().string());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kInvalid);
    const std::vector<FieldError> errs = r.status().errors();  // status() returns a copy
    ASSERT_FALSE(errs.empty());
    // None of these files has a unit_id column; each error names a line.
    EXPECT_TRUE(HasField(errs, "line 1: unit_id")) << Fields(errs);
    for (const FieldError& e : errs) {
      EXPECT_TRUE(e.field.starts_with("line ") || e.field == "errors") << e.field;
      EXPECT_FALSE(e.message.empty());
    }
  }
  EXPECT_GE(files, 5);
}

}  // namespace
}  // namespace ozcc::api
