// The PathwayStore part of the Store contract (store/pathway_store.h), run on
// every backend with the rest of the contract (included by store_contract.h).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace ozcc::store_test {

inline StoredPathway PathwayDoc(const std::string& id, const std::string& text, const std::string& by = "tester") {
  StoredPathway p;
  p.id = id;
  p.document = text;
  p.created_by = by;
  return p;
}

TEST_P(StoreContractTest, PathwayVersionsAreAllKept) {
  Store& s = store();
  EXPECT_TRUE(s.CurrentPathways()->empty());
  EXPECT_TRUE(s.PathwayVersions("catheter-care")->empty());
  EXPECT_EQ(s.GetPathway("catheter-care", 1).status().code(), Code::kNotFound);

  auto v1 =
      s.PutPathway(PathwayDoc("catheter-care", R"({"v":1})", "shipped"), 0, Audit("pathway.seed", "catheter-care"));
  ASSERT_TRUE(v1.ok()) << v1.status().message();
  EXPECT_EQ(v1->version, 1);
  EXPECT_NE(v1->created_at, Time{});
  auto other = s.PutPathway(PathwayDoc("falls", R"({"f":1})"), 0, Audit("pathway.put", "falls"));
  ASSERT_TRUE(other.ok());

  StoredPathway edit = PathwayDoc("catheter-care", R"({"v":2})", "admin");
  edit.created_at = kT0;
  auto v2 = s.PutPathway(edit, 1, Audit("pathway.put", "catheter-care"));
  ASSERT_TRUE(v2.ok()) << v2.status().message();
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(v2->created_at, kT0);

  auto current = s.CurrentPathways();
  ASSERT_TRUE(current.ok());
  ASSERT_EQ(current->size(), 2u);
  EXPECT_EQ((*current)[0], *v2);  // by id: catheter-care, falls
  EXPECT_EQ((*current)[1].id, "falls");
  EXPECT_EQ((*current)[1].version, 1);

  auto versions = s.PathwayVersions("catheter-care");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0], *v1);
  EXPECT_EQ((*versions)[1], *v2);
  auto old = s.GetPathway("catheter-care", 1);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->document, R"({"v":1})");
  EXPECT_EQ(old->created_by, "shipped");
  EXPECT_EQ(s.GetPathway("catheter-care", 3).status().code(), Code::kNotFound);

  // The writes were audited with them.
  auto audit = s.ListAudit(0, 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_GE(audit->size(), 3u);
  EXPECT_EQ((*audit)[0].action, "pathway.put");
  EXPECT_EQ((*audit)[0].object, "catheter-care");
}

TEST_P(StoreContractTest, PathwayPutOnAStaleBaseStoresNothing) {
  Store& s = store();
  ASSERT_TRUE(s.PutPathway(PathwayDoc("falls", "one"), 0, Audit("pathway.put", "falls")).ok());
  const size_t audited = s.ListAudit(0, 100)->size();
  // A new id that exists, a base that is behind, one that is ahead.
  for (int base : {0, 2, 5}) {
    auto r = s.PutPathway(PathwayDoc("falls", "two"), base, Audit("pathway.put", "falls"));
    EXPECT_EQ(r.status().code(), Code::kPreconditionFailed) << base;
  }
  EXPECT_EQ(s.PutPathway(PathwayDoc("new-one", "x"), 1, Audit("pathway.put", "new-one")).status().code(),
            Code::kPreconditionFailed);
  EXPECT_EQ(s.PutPathway(PathwayDoc("", "x"), 0, Audit("pathway.put", "")).status().code(), Code::kInvalid);
  EXPECT_EQ(s.PutPathway(PathwayDoc("falls", ""), 1, Audit("pathway.put", "falls")).status().code(), Code::kInvalid);
  EXPECT_EQ(s.PutPathway(PathwayDoc("falls", std::string("a\0b", 3)), 1, Audit("pathway.put", "falls")).status().code(),
            Code::kInvalid);
  EXPECT_EQ(s.PathwayVersions("falls")->size(), 1u);
  EXPECT_TRUE(s.PathwayVersions("new-one")->empty());
  EXPECT_EQ(s.ListAudit(0, 100)->size(), audited);
}

TEST_P(StoreContractTest, ConcurrentPathwayPutsOnOneBaseOneWins) {
  Store& s = store();
  ASSERT_TRUE(s.PutPathway(PathwayDoc("falls", "v1"), 0, Audit("pathway.put", "falls")).ok());
  constexpr int kRounds = 5;
  constexpr int kThreads = 4;
  for (int round = 0; round < kRounds; ++round) {
    const int base = round + 1;
    std::atomic<int> ok{0}, stale{0}, other{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        while (!go.load()) std::this_thread::yield();
        auto r = s.PutPathway(PathwayDoc("falls", "writer " + std::to_string(t)), base, Audit("pathway.put", "falls"));
        if (r.ok()) {
          ++ok;
        } else if (r.status().code() == Code::kPreconditionFailed) {
          ++stale;
        } else {
          ++other;
        }
      });
    }
    go = true;
    for (auto& th : threads) th.join();
    ASSERT_EQ(ok.load(), 1) << "round " << round;
    ASSERT_EQ(stale.load(), kThreads - 1);
    ASSERT_EQ(other.load(), 0);
  }
  auto versions = s.PathwayVersions("falls");
  ASSERT_EQ(versions->size(), static_cast<size_t>(kRounds) + 1);
  for (size_t i = 0; i < versions->size(); ++i) EXPECT_EQ((*versions)[i].version, static_cast<int>(i) + 1);
}

}  // namespace ozcc::store_test
