// The blocking monitor names a greenlet that keeps the hub from switching, and stays quiet about
// one that waits cooperatively or offloads its blocking call. Its thread runs on the real clock,
// and what it watches is a real blocking call, so the bounds here are generous and the assertions
// are about who was reported, not exactly when.

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "io/io_fixture.hpp"

using namespace std::chrono_literals;

namespace {

// Collects reports from the monitor's thread.
struct Reports {
  std::mutex mutex;
  std::vector<pinfiber::BlockingReport> got;
  pinfiber::BlockingReportFn fn() {
    return [this](const pinfiber::BlockingReport& r) {
      std::lock_guard lock(mutex);
      got.push_back(r);
    };
  }
  std::vector<pinfiber::BlockingReport> take() {
    std::lock_guard lock(mutex);
    return got;
  }
};

}  // namespace

class BlockingMonitorTest : public RealIoTest {};

TEST_F(BlockingMonitorTest, NamesTheGreenletThatBlocksTheHub) {
  Reports reports;
  {
    pinfiber::BlockingMonitor monitor(50ms, reports.fn());
    auto writer = pinfiber::spawn_with({.name = "db-writer"}, [] { std::this_thread::sleep_for(300ms); });
    writer.join();
    pinfiber::sleep(100ms);  // the hub moves again: the incident ends and is reported
  }
  auto got = reports.take();
  ASSERT_GE(got.size(), 1u);
  EXPECT_EQ(got[0].greenlet, "db-writer");
  EXPECT_GE(got[0].blocked_for, 200ms);  // generous: the monitor samples every threshold/4
}

TEST_F(BlockingMonitorTest, ReportsOnceAndDefaultsToOneLineOnStderr) {
  testing::internal::CaptureStderr();
  std::uint64_t incidents = 0;
  {
    pinfiber::BlockingMonitor monitor(50ms);
    pinfiber::spawn_with({.name = "busy"}, [] { std::this_thread::sleep_for(300ms); }).join();
    pinfiber::sleep(100ms);
    incidents = monitor.incidents();
  }
  const std::string err = testing::internal::GetCapturedStderr();
  // Exactly one line names 'busy' (one report per incident, not one per sample); under valgrind a
  // slow start of main may add an incident of its own, hence no exact total.
  EXPECT_GE(incidents, 1u);
  const std::string line = "pinfiber: warning: greenlet 'busy' blocked the hub for ";
  const auto at = err.find(line);
  ASSERT_NE(at, std::string::npos) << err;
  EXPECT_EQ(err.find(line, at + 1), std::string::npos) << err;
  EXPECT_EQ(err.find('\n', at), err.find(" ms\n", at) + 3) << err;
}

TEST_F(BlockingMonitorTest, AnIncidentStillGoingIsReportedWhenTheMonitorStops) {
  Reports reports;
  {
    pinfiber::spawn([] {}).join();  // so that main is the greenlet last switched to
    pinfiber::BlockingMonitor monitor(20ms, reports.fn());
    std::this_thread::sleep_for(200ms);  // main itself holds the hub
  }
  auto got = reports.take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].greenlet, "main");
  EXPECT_GE(got[0].blocked_for, 100ms);
}

TEST_F(BlockingMonitorTest, QuietWhileGreenletsWaitCooperativelyOrOffload) {
  Reports reports;
  {
    pinfiber::ThreadPool pool(2);
    pinfiber::BlockingMonitor monitor(150ms, reports.fn());    // far above a hub turn, even under valgrind
    auto a = pinfiber::spawn([] { pinfiber::sleep(500ms); });  // idle hub
    auto b = pinfiber::spawn([&] { pool.run([] { std::this_thread::sleep_for(500ms); }); });  // offloaded
    pinfiber::joinall({a, b});
  }
  EXPECT_TRUE(reports.take().empty());
}

TEST_F(BlockingMonitorTest, ThresholdBelowOneMillisecondIsAnError) {
  EXPECT_THROW(pinfiber::BlockingMonitor(100us), pinfiber::Error);
}

// Greenlets that block the hub briefly and end at once, one after another, while the monitor samples
// every quarter millisecond: it must name them from the hub's own copy of the names - a greenlet
// that ended is freed, and reading its memory from the monitor's thread was a use after free
// (ThreadSanitizer reported it; CI runs this test under TSan).
TEST_F(BlockingMonitorTest, NamesComeFromTheHubsCopyNeverFromAFreedGreenlet) {
  Reports reports;
  {
    pinfiber::BlockingMonitor monitor(1ms, reports.fn());
    for (int i = 0; i < 200; ++i) {
      auto g = pinfiber::spawn_with({.name = "brief-" + std::to_string(i)},
                                    [] { std::this_thread::sleep_for(std::chrono::microseconds(1500)); });
      g.join();
    }
    pinfiber::sleep(5ms);
  }
  // Every name is one a greenlet of this test really had (main's own work may cross the 1 ms
  // threshold too on a loaded machine or under TSan), and the brief ones are among them.
  auto got = reports.take();
  bool named_a_brief_one = false;
  for (const auto& r : got) {
    const bool brief = r.greenlet.rfind("brief-", 0) == 0 && r.greenlet.size() > 6 && r.greenlet.size() <= 9;
    named_a_brief_one |= brief;
    EXPECT_TRUE(brief || r.greenlet == "main") << r.greenlet;
  }
  EXPECT_TRUE(named_a_brief_one);
}
