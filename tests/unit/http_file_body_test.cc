// http/file_body.h: a large shared body's file holds its bytes, is made once
// per body, and goes with the body.
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "http/file_body.h"

namespace ozcc::http {
namespace {

std::string ReadAll(const FileBody& f) {
  std::string out(f.size(), '\0');
  EXPECT_EQ(::pread(f.fd(), out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
  return out;
}

std::shared_ptr<const std::string> Body(char fill, std::size_t size = 64 * 1024) {
  return std::make_shared<const std::string>(std::string(size, fill));
}

TEST(FileBodyCacheTest, SmallBodiesAreWrittenFromMemory) {
  FileBodyCache cache(32 * 1024, 8);
  EXPECT_EQ(cache.Get(Body('a', 4 * 1024)), nullptr);
  EXPECT_EQ(cache.Get(nullptr), nullptr);
  EXPECT_EQ(cache.files(), 0u);
}

TEST(FileBodyCacheTest, OneFilePerBodyHoldingItsBytes) {
  FileBodyCache cache(32 * 1024, 8);
  auto body = Body('x');
  auto f1 = cache.Get(body);
  ASSERT_NE(f1, nullptr);
  EXPECT_EQ(f1->size(), body->size());
  EXPECT_EQ(ReadAll(*f1), *body);
  EXPECT_EQ(cache.Get(body), f1);  // made once
  // Sealed: nobody can change what a sendfile() in progress reads.
  EXPECT_LT(::ftruncate(f1->fd(), 1), 0);
}

TEST(FileBodyCacheTest, ANewBodyGetsANewFileAndGoneBodiesLoseTheirs) {
  FileBodyCache cache(32 * 1024, 8);
  std::weak_ptr<const FileBody> old_file;
  {
    auto old_body = Body('o');
    old_file = cache.Get(old_body);
    ASSERT_FALSE(old_file.expired());
  }
  // Allocated after the old body was freed, perhaps at its address.
  auto next = Body('n');
  auto f = cache.Get(next);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(ReadAll(*f), *next);
  EXPECT_TRUE(old_file.expired()) << "the file of a freed body is dropped when a new one is made";
  EXPECT_EQ(cache.files(), 1u);
}

TEST(FileBodyCacheTest, AtMostMaxFiles) {
  FileBodyCache cache(32 * 1024, 2);
  std::vector<std::shared_ptr<const std::string>> live = {Body('1'), Body('2'), Body('3')};
  EXPECT_NE(cache.Get(live[0]), nullptr);
  EXPECT_NE(cache.Get(live[1]), nullptr);
  EXPECT_EQ(cache.Get(live[2]), nullptr);  // written from memory instead
  live[0].reset();
  EXPECT_NE(cache.Get(live[2]), nullptr);  // room again
  EXPECT_EQ(cache.files(), 2u);
}

}  // namespace
}  // namespace ozcc::http
