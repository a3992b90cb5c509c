// EventHub: ordering, de-duplication and the contiguous version the change
// feed catches up from.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/events.h"

namespace ozcc::api {
namespace {

class RecordingSink : public http::EventSink {
 public:
  bool Send(std::string chunk) override {
    if (closed_) return false;
    chunks.push_back(std::move(chunk));
    return true;
  }
  bool closed() const override { return closed_; }
  void Close() override { closed_ = true; }
  // The ids of the events received, in order.
  std::vector<std::string> Ids() const {
    std::vector<std::string> ids;
    for (const auto& c : chunks) ids.push_back(c.substr(4, c.find('\n') - 4));
    return ids;
  }
  std::vector<std::string> chunks;

 private:
  bool closed_ = false;
};

TEST(EventHubTest, PublishesEachVersionOnceAndTracksTheContiguousVersion) {
  EventHub hub;
  auto sink = std::make_shared<RecordingSink>();
  hub.Subscribe("R", sink, std::nullopt, 0);
  EXPECT_TRUE(hub.Publish("R", 1, "capacity", "{}"));
  EXPECT_TRUE(hub.Publish("R", 3, "capacity", "{}"));  // 2 is still on its way
  EXPECT_EQ(hub.Contiguous("R"), 1);
  EXPECT_FALSE(hub.Publish("R", 3, "capacity", "{}"));  // the feed brings it again
  EXPECT_TRUE(hub.Publish("R", 2, "capacity", "{}"));
  EXPECT_EQ(hub.Contiguous("R"), 3);
  EXPECT_EQ(sink->Ids(), (std::vector<std::string>{"1", "3", "2"}));
  EXPECT_EQ(hub.Contiguous("other"), 0);
}

TEST(EventHubTest, BaselineSkipsHistoryAndAsksOldClientsToReload) {
  EventHub hub;
  hub.SetBaseline("R", 100);
  EXPECT_EQ(hub.Contiguous("R"), 100);
  EXPECT_FALSE(hub.Publish("R", 99, "capacity", "{}"));  // before this instance's time
  EXPECT_TRUE(hub.Publish("R", 101, "capacity", "{}"));
  EXPECT_EQ(hub.Contiguous("R"), 101);

  auto resumed = std::make_shared<RecordingSink>();  // was at 100: gets 101
  hub.Subscribe("R", resumed, 100, 101);
  EXPECT_EQ(resumed->Ids(), (std::vector<std::string>{"101"}));
  auto old = std::make_shared<RecordingSink>();  // was at 50: history is not kept
  hub.Subscribe("R", old, 50, 101);
  ASSERT_EQ(old->chunks.size(), 1u);
  EXPECT_NE(old->chunks[0].find("event: reload"), std::string::npos);
}

// After a restore of an older backup the store's version is below what
// clients saw: their picture holds reports the store no longer has.
TEST(EventHubTest, AnIdNewerThanTheStoreAsksToReload) {
  EventHub hub;
  for (int v = 1; v <= 5; ++v) hub.Publish("R", v, "capacity", "{}");
  auto ahead = std::make_shared<RecordingSink>();
  hub.Subscribe("R", ahead, 900, 5);
  ASSERT_EQ(ahead->chunks.size(), 1u);
  EXPECT_EQ(ahead->chunks[0].rfind("id: 5\nevent: reload\n", 0), 0u) << ahead->chunks[0];
  EXPECT_NE(ahead->chunks[0].find("restored"), std::string::npos);
  auto current = std::make_shared<RecordingSink>();  // had the newest version: nothing to do
  hub.Subscribe("R", current, 5, 5);
  EXPECT_TRUE(current->chunks.empty());
}

TEST(EventHubTest, ReloadTellsEveryStreamAndMovesTheBaseline) {
  EventHub hub;
  auto sink = std::make_shared<RecordingSink>();
  hub.Subscribe("R", sink, std::nullopt, 0);
  hub.Reload("R", 9000, "too many");
  ASSERT_EQ(sink->chunks.size(), 1u);
  EXPECT_EQ(sink->chunks[0], "id: 9000\nevent: reload\ndata: {\"reason\":\"too many\"}\n\n");
  EXPECT_EQ(hub.Contiguous("R"), 9000);
  EXPECT_FALSE(hub.Publish("R", 8999, "capacity", "{}"));
}

TEST(EventHubTest, EvictedGapsNoLongerHoldTheContiguousVersionBack) {
  EventHub hub(3);
  hub.Publish("R", 1, "capacity", "{}");
  for (int v = 3; v <= 6; ++v) hub.Publish("R", v, "capacity", "{}");  // 2 never comes
  EXPECT_EQ(hub.Contiguous("R"), 6);                                   // 1 and 3 evicted: the gap fell out of the ring
}

TEST(EventHubTest, ReplayTotalsCountWhatTheRingsKeep) {
  EventHub hub(2);
  EXPECT_EQ(hub.replay_totals().events, 0u);
  hub.Publish("A", 1, "capacity", "{\"x\":1}");
  const size_t one = EventHub::Format(1, "capacity", "{\"x\":1}").size();
  EXPECT_EQ(hub.replay_totals().bytes, one);
  hub.Publish("A", 1, "capacity", "{\"x\":1}");  // a duplicate is not kept twice
  hub.Publish("A", 2, "capacity", "{}");
  hub.Publish("A", 3, "capacity", "{}");  // evicts version 1
  hub.Publish("B", 7, "capacity", "{}");
  const size_t small = EventHub::Format(2, "capacity", "{}").size();
  const auto t = hub.replay_totals();
  EXPECT_EQ(t.events, 3u);  // A keeps 2 and 3, B keeps 7
  EXPECT_EQ(t.bytes, 3 * small);
}

TEST(EventHubTest, ClosedStreamsAreForgottenWithoutWaitingForTheirRegion) {
  EventHub hub;
  auto quiet = std::make_shared<RecordingSink>();
  hub.Subscribe("QUIET", quiet, std::nullopt, 0);
  auto busy = std::make_shared<RecordingSink>();
  hub.Subscribe("BUSY", busy, std::nullopt, 0);
  EXPECT_EQ(hub.subscribers(), 2u);
  quiet->Close();  // the client went away; QUIET publishes nothing after that
  EXPECT_EQ(hub.subscribers(), 1u);
  EXPECT_EQ(quiet.use_count(), 2);  // still held by the hub
  hub.Subscribe("BUSY", std::make_shared<RecordingSink>(), std::nullopt, 0);
  EXPECT_EQ(quiet.use_count(), 1);  // forgotten on the next Subscribe, in any region
  EXPECT_EQ(hub.subscribers(), 2u);
}

}  // namespace
}  // namespace ozcc::api
