// LoopExit: the main greenlet blocking on something nothing can ever wake gets an error, not a hang.

#include <string>
#include <thread>

#include "core/hub_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

class LoopExitTest : public HubTest {};

TEST_F(LoopExitTest, JoiningAGreenletParkedForeverRaisesNamingIt) {
  auto stuck = pinfiber::spawn_with(
      {.name = "stuck"}, [] { pinfiber::detail::park_until({"nothing at all"}, pinfiber::TimePoint::max()); });
  try {
    stuck.join();
    FAIL() << "join returned";
  } catch (const pinfiber::LoopExit& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("would block forever"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'stuck'"), std::string::npos) << msg;
  }
  stuck.kill();
  EXPECT_TRUE(stuck.ready());
}

TEST_F(LoopExitTest, NotRaisedWhileATimerIsPending) {
  auto sleeper = spawn([] {
    pinfiber::sleep(5s);
    return 1;
  });
  EXPECT_EQ(sleeper.get(), 1);
}

TEST_F(LoopExitTest, NotRaisedWhileAnotherThreadHoldsTheHub) {
  auto& hub = pinfiber::hub();
  bool posted_ran = false;
  auto waiter = spawn([] { pinfiber::detail::park_until({"a post from another thread"}, pinfiber::TimePoint::max()); });
  pinfiber::sleep(0);
  hub.hold();
  std::thread t([&hub, f = waiter.fiber(), &posted_ran] {
    hub.post([f, &posted_ran] {
      posted_ran = true;
      pinfiber::detail::wake(f);
    });
    hub.unhold();
  });
  waiter.join();
  t.join();
  EXPECT_TRUE(posted_ran);
}

TEST_F(LoopExitTest, RaisedInRealTimeToo) {
  pinfiber::hub().resume_clock();
  auto stuck = spawn([] { pinfiber::detail::park_until({"nothing"}, pinfiber::TimePoint::max()); });
  EXPECT_THROW(stuck.join(), pinfiber::LoopExit);
  stuck.kill();
}
