// The SimulationStore part of the Store contract (store/simulation_store.h),
// run on every backend with the rest of the contract (included by
// store_contract.h).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "store/store.h"

namespace ozcc::store_test {

inline StoredSimulation SimulationRun(const std::string& id, const std::string& region, Time created) {
  StoredSimulation r;
  r.id = id;
  r.region_id = region;
  r.name = "ED of X closed tonight";
  r.state = "queued";
  r.replications = 10;
  r.seed = (std::int64_t{1} << 53) - 1;  // the largest seed the API takes
  r.created_by = "coordinator";
  r.created_at = created;
  r.heartbeat_at = created;
  r.scenario = R"({"horizon_hours": 24, "stations": []})";
  return r;
}

TEST_P(StoreContractTest, SimulationRunsRoundTripAndUpdate) {
  Store& s = store();
  EXPECT_EQ(s.GetSimulation("sim-1").status().code(), Code::kNotFound);
  EXPECT_TRUE(s.ListSimulations("ZWN", 50)->empty());
  const size_t audited = s.ListAudit(0, 1000)->size();

  StoredSimulation a = SimulationRun("sim-1", "ZWN", kT0);
  ASSERT_TRUE(s.CreateSimulation(a, Audit("simulation.start", "sim-1")).ok());
  StoredSimulation b = SimulationRun("sim-2", "ZWN", kT0 + std::chrono::seconds(5));
  ASSERT_TRUE(s.CreateSimulation(b, Audit("simulation.start", "sim-2")).ok());
  ASSERT_TRUE(s.CreateSimulation(SimulationRun("sim-3", "OTH", kT0), Audit("simulation.start", "sim-3")).ok());
  EXPECT_EQ(s.ListAudit(0, 1000)->size(), audited + 3);
  EXPECT_EQ(s.ListAudit(0, 1)->at(0).action, "simulation.start");

  auto got = s.GetSimulation("sim-1");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, a);

  // Newest first, without scenario and result; only the region's.
  auto list = s.ListSimulations("ZWN", 50);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "sim-2");
  EXPECT_EQ((*list)[1].id, "sim-1");
  EXPECT_TRUE((*list)[0].scenario.empty());
  EXPECT_EQ(s.ListSimulations("ZWN", 1)->size(), 1u);

  // Progress, then the end with its result.
  StoredSimulation run = a;
  run.state = "running";
  run.started_at = kT0 + std::chrono::seconds(1);
  run.replications_done = 3;
  run.heartbeat_at = kT0 + std::chrono::seconds(2);
  ASSERT_TRUE(s.UpdateSimulation(run).ok());
  EXPECT_EQ(*s.GetSimulation("sim-1"), run);
  // Only the run's progress members change: the rest stays as created.
  StoredSimulation other = run;
  other.name = "renamed";
  other.scenario = "{}";
  ASSERT_TRUE(s.UpdateSimulation(other).ok());
  EXPECT_EQ(s.GetSimulation("sim-1")->name, a.name);
  EXPECT_EQ(s.GetSimulation("sim-1")->scenario, a.scenario);
  run.state = "done";
  run.replications_done = 10;
  run.finished_at = kT0 + std::chrono::seconds(9);
  run.heartbeat_at = *run.finished_at;
  run.result = R"({"stations": {}, "events": 12})";
  ASSERT_TRUE(s.UpdateSimulation(run).ok());
  got = s.GetSimulation("sim-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, run);
  // An ended run changes no more.
  other = run;
  other.state = "running";
  EXPECT_EQ(s.UpdateSimulation(other).code(), Code::kConflict);
  EXPECT_EQ(*s.GetSimulation("sim-1"), run);
  StoredSimulation failed = b;
  failed.state = "failed";
  failed.error = "station \"ED\" cannot keep up";
  ASSERT_TRUE(s.UpdateSimulation(failed).ok());
  EXPECT_EQ(s.GetSimulation("sim-2")->error, failed.error);
  EXPECT_TRUE(s.GetSimulation("sim-2")->result.empty());
}

TEST_P(StoreContractTest, SimulationCancelEndsAnActiveRunOnce) {
  Store& s = store();
  ASSERT_TRUE(s.CreateSimulation(SimulationRun("sim-1", "ZWN", kT0), Audit("simulation.start", "sim-1")).ok());
  StoredSimulation running = SimulationRun("sim-2", "ZWN", kT0);
  ASSERT_TRUE(s.CreateSimulation(running, Audit("simulation.start", "sim-2")).ok());
  running.state = "running";
  running.replications_done = 2;
  ASSERT_TRUE(s.UpdateSimulation(running).ok());
  const size_t audited = s.ListAudit(0, 1000)->size();

  const Time at = kT0 + std::chrono::seconds(30);
  ASSERT_TRUE(s.CancelSimulation("sim-1", at, Audit("simulation.cancel", "sim-1")).ok());  // queued
  ASSERT_TRUE(s.CancelSimulation("sim-2", at, Audit("simulation.cancel", "sim-2")).ok());  // running
  for (const char* id : {"sim-1", "sim-2"}) {
    auto got = s.GetSimulation(id);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->state, "cancelled") << id;
    EXPECT_EQ(got->finished_at, at) << id;
    EXPECT_EQ(got->heartbeat_at, at) << id;
  }
  EXPECT_EQ(s.GetSimulation("sim-2")->replications_done, 2);
  EXPECT_EQ(s.ListAudit(0, 1000)->size(), audited + 2);
  EXPECT_EQ(s.ListAudit(0, 1)->at(0).action, "simulation.cancel");

  // The executor's next write is refused, and so is a second cancel: nothing
  // changes and nothing more is audited.
  running.replications_done = 3;
  EXPECT_EQ(s.UpdateSimulation(running).code(), Code::kConflict);
  EXPECT_EQ(s.CancelSimulation("sim-2", at, Audit("simulation.cancel", "sim-2")).code(), Code::kConflict);
  EXPECT_EQ(s.CancelSimulation("sim-9", at, Audit("simulation.cancel", "sim-9")).code(), Code::kNotFound);
  EXPECT_EQ(s.GetSimulation("sim-2")->replications_done, 2);
  EXPECT_EQ(s.GetSimulation("sim-2")->state, "cancelled");
  EXPECT_EQ(s.ListAudit(0, 1000)->size(), audited + 2);
}

TEST_P(StoreContractTest, SimulationBadWritesStoreNothing) {
  Store& s = store();
  ASSERT_TRUE(s.CreateSimulation(SimulationRun("sim-1", "ZWN", kT0), Audit("simulation.start", "sim-1")).ok());
  const size_t audited = s.ListAudit(0, 1000)->size();
  EXPECT_EQ(s.CreateSimulation(SimulationRun("sim-1", "ZWN", kT0), Audit("simulation.start", "sim-1")).code(),
            Code::kConflict);
  StoredSimulation bad = SimulationRun("", "ZWN", kT0);
  EXPECT_EQ(s.CreateSimulation(bad, Audit("simulation.start", "")).code(), Code::kInvalid);
  bad = SimulationRun("sim-2", "ZWN", kT0);
  bad.scenario.clear();
  EXPECT_EQ(s.CreateSimulation(bad, Audit("simulation.start", "sim-2")).code(), Code::kInvalid);
  bad.scenario = std::string("{\0}", 3);
  EXPECT_EQ(s.CreateSimulation(bad, Audit("simulation.start", "sim-2")).code(), Code::kInvalid);
  EXPECT_EQ(s.UpdateSimulation(SimulationRun("sim-9", "ZWN", kT0)).code(), Code::kNotFound);
  EXPECT_EQ(s.ListSimulations("ZWN", 50)->size(), 1u);
  EXPECT_EQ(s.ListAudit(0, 1000)->size(), audited);
}

}  // namespace ozcc::store_test
