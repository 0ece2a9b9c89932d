// A greenlet's state (story 3): started, ready, successful, value, exception, get re-raises;
// an exception stays inside its greenlet and is reported once.

#include <stdexcept>
#include <string>
#include <vector>

#include "core/hub_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

class GreenletState : public HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    pinfiber::hub().set_exception_handler([this](const std::string& name, std::exception_ptr e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        reports_.push_back(name + ": " + ex.what());
      }
    });
  }
  std::vector<std::string> reports_;
};

TEST_F(GreenletState, Successful) {
  auto winner = spawn([] { return std::string("You win!"); });
  winner.join();
  EXPECT_TRUE(winner.started());
  EXPECT_TRUE(winner.ready());
  EXPECT_TRUE(winner.successful());
  EXPECT_EQ(winner.value(), "You win!");
  EXPECT_FALSE(winner.exception());
}

TEST_F(GreenletState, FailureStaysInsideAndIsReportedOnce) {
  auto loser =
      pinfiber::spawn_with({.name = "loser"}, []() -> int { throw std::runtime_error("You fail at failing."); });
  auto results = pinfiber::joinall({loser});  // does not throw
  EXPECT_EQ(results.size(), 1u);
  EXPECT_TRUE(loser.ready());
  EXPECT_FALSE(loser.successful());
  ASSERT_TRUE(loser.exception());
  EXPECT_THROW(loser.value(), pinfiber::Error);
  EXPECT_THROW(loser.get(), std::runtime_error);
  EXPECT_THROW(loser.get(), std::runtime_error);  // again: get() re-raises each time
  EXPECT_EQ(reports_, (std::vector<std::string>{"loser: You fail at failing."}));
}

TEST_F(GreenletState, JoinallRaiseErrorRethrowsAsSoonAsOneFails) {
  auto slow = spawn([] { pinfiber::sleep(10s); });
  auto bad = spawn([] {
    pinfiber::sleep(1s);
    throw std::logic_error("bad");
  });
  EXPECT_THROW(pinfiber::joinall({slow, bad}, pinfiber::forever, true), std::logic_error);
  EXPECT_EQ(elapsed(), 1s);
  EXPECT_FALSE(slow.ready());
  slow.kill();
}

TEST_F(GreenletState, JoinallReturnsInCompletionOrderAndHonoursTimeout) {
  auto a = spawn([] { pinfiber::sleep(3s); });
  auto b = spawn([] { pinfiber::sleep(1s); });
  auto c = spawn([] { pinfiber::sleep(10s); });
  auto done = pinfiber::joinall({a, b, c}, 5s);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0], b);
  EXPECT_EQ(done[1], a);
  EXPECT_EQ(elapsed(), 5s);
  EXPECT_FALSE(c.ready());
  c.kill();
}

TEST_F(GreenletState, GetWithTimeoutThrowsTimeoutError) {
  auto g = spawn([] {
    pinfiber::sleep(10s);
    return 1;
  });
  EXPECT_THROW(g.get(2s), pinfiber::TimeoutError);
  EXPECT_EQ(elapsed(), 2s);
  EXPECT_FALSE(g.join(1s));
  EXPECT_EQ(elapsed(), 3s);
  EXPECT_EQ(g.get(), 1);
  EXPECT_EQ(elapsed(), 10s);
}

TEST_F(GreenletState, LinksRunInOrderOnCompletion) {
  std::vector<std::string> calls;
  auto ok = spawn([] { return 1; });
  auto bad = spawn([]() -> int { throw std::runtime_error("x"); });
  ok.link([&](const pinfiber::GreenletBase& g) { calls.push_back("ok:any:" + std::to_string(g.successful())); });
  ok.link_value([&](const pinfiber::GreenletBase&) { calls.push_back("ok:value"); });
  ok.link_exception([&](const pinfiber::GreenletBase&) { calls.push_back("ok:exception"); });
  bad.link_value([&](const pinfiber::GreenletBase&) { calls.push_back("bad:value"); });
  bad.link_exception([&](const pinfiber::GreenletBase&) { calls.push_back("bad:exception"); });
  pinfiber::joinall({ok, bad});
  EXPECT_EQ(calls, (std::vector<std::string>{"ok:any:1", "ok:value", "bad:exception"}));
  // Linking to a finished greenlet runs the callback soon after link() returned, never inside it.
  ok.link([&](const pinfiber::GreenletBase&) { calls.push_back("late"); });
  EXPECT_EQ(calls.back(), "bad:exception");
  pinfiber::sleep(0);
  EXPECT_EQ(calls.back(), "late");
}

TEST_F(GreenletState, LinkCallbacksRunInTheirOwnGreenletsAndMayBlock) {
  std::vector<std::string> log;
  auto g = spawn([] { return 7; });
  g.link([&](const pinfiber::GreenletBase& done) {
    log.push_back("link starts, current is not the finished greenlet: " +
                  std::to_string(pinfiber::getcurrent() != done));
    pinfiber::sleep(1s);
    log.push_back("link ends");
  });
  g.join();  // the link, added first, ran until it blocked; then the joiner resumed
  EXPECT_EQ(log, (std::vector<std::string>{"link starts, current is not the finished greenlet: 1"}));
  pinfiber::sleep(2s);
  EXPECT_EQ(log.back(), "link ends");
  EXPECT_EQ(elapsed(), 2s);
  EXPECT_TRUE(reports_.empty());
}

TEST_F(GreenletState, DefaultHandlerPrintsNameTypeAndMessage) {
  pinfiber::hub().set_exception_handler({});
  testing::internal::CaptureStderr();
  auto g = pinfiber::spawn_with({.name = "reporter"}, [] { throw std::out_of_range("index 7"); });
  g.join();
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "pinfiber: error: greenlet 'reporter' failed with std::out_of_range: index 7\n");
}

TEST_F(GreenletState, JoinSelfIsAnError) {
  auto g = spawn([] { pinfiber::getcurrent().join(); });
  g.join();
  EXPECT_THROW(g.get(), pinfiber::Error);
}

// gevent's Greenlet(f) + start() / start_later(): make_greenlet() makes one that does not run yet.
TEST_F(GreenletState, MadeGreenletRunsOnlyOnceStarted) {
  int runs = 0;
  auto g = pinfiber::make_greenlet([&] { ++runs; });
  EXPECT_FALSE(g.started());
  pinfiber::sleep(0);
  EXPECT_EQ(runs, 0);
  g.start();
  EXPECT_TRUE(g.started());
  EXPECT_THROW(g.start(), pinfiber::Error);
  EXPECT_THROW(g.start_later(1s), pinfiber::Error);
  g.join();
  EXPECT_EQ(runs, 1);

  auto later = pinfiber::make_greenlet([] { return 7; });
  later.start_later(2s);
  EXPECT_EQ(later.get(), 7);
  EXPECT_EQ(elapsed(), 2s);

  auto never = pinfiber::make_greenlet([&] { ++runs; });
  never.start_later(1s);
  never.kill();
  pinfiber::sleep(2s);
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(never.killed());
  // Made and never started, then killed: it ends without running, as one killed before its turn.
  auto unused = pinfiber::make_greenlet([&] { ++runs; });
  unused.kill();
  EXPECT_TRUE(unused.dead());
  EXPECT_TRUE(unused.successful());
  EXPECT_EQ(runs, 1);
}

TEST_F(GreenletState, UnlinkAndRawlink) {
  std::vector<std::string> order;
  auto g = spawn([] { pinfiber::sleep(0); });
  auto a = g.link([&](const pinfiber::GreenletBase&) { order.push_back("a"); });
  g.rawlink([&](const pinfiber::GreenletBase&) {
    order.push_back("raw");
    // A rawlink runs in the hub's links pass: it must not block.
    EXPECT_THROW(pinfiber::sleep(0), pinfiber::Error);
  });
  g.link([&](const pinfiber::GreenletBase&) { order.push_back("b"); });
  g.unlink(a);
  g.unlink(a);  // a second time: nothing
  g.join();
  pinfiber::sleep(0);
  EXPECT_EQ(order, (std::vector<std::string>{"raw", "b"}));
}

// A link added to a finished greenlet runs after link() returned, never inside it.
TEST_F(GreenletState, LinkToAFinishedGreenletRunsLater) {
  auto g = spawn([] {});
  g.join();
  bool ran = false;
  g.link([&](const pinfiber::GreenletBase&) { ran = true; });
  EXPECT_FALSE(ran);
  pinfiber::sleep(0);
  EXPECT_TRUE(ran);
}
