// Timeout (story 4): a scoped deadline, custom exceptions, nesting, cancellation.

#include <string>

#include "core/hub_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;
using pinfiber::Timeout;

class Timeouts : public HubTest {};

namespace {
struct TooLong {
  std::string why;
};
}  // namespace

TEST_F(Timeouts, CoversABlockOfCode) {
  bool fired = false;
  try {
    Timeout t(1s);
    pinfiber::sleep(10s);
  } catch (const Timeout& t) {
    fired = true;
    EXPECT_EQ(t.duration(), 1s);
    EXPECT_STREQ(t.what(), "Timeout after 1.000 s");
  }
  EXPECT_TRUE(fired);
  EXPECT_EQ(elapsed(), 1s);
}

TEST_F(Timeouts, NotReachedIsCancelledOnScopeExit) {
  {
    Timeout t(5s);
    pinfiber::sleep(1s);
    EXPECT_TRUE(t.pending());
  }
  pinfiber::sleep(10s);  // the cancelled deadline does not fire here
  EXPECT_EQ(elapsed(), 11s);
}

TEST_F(Timeouts, CustomException) {
  EXPECT_THROW(
      {
        Timeout t(2s, TooLong{"slow"});
        pinfiber::sleep(3s);
      },
      TooLong);
  EXPECT_EQ(elapsed(), 2s);
}

TEST_F(Timeouts, NotSwallowedByStdException) {
  bool generic = false;
  bool specific = false;
  try {
    Timeout t(1s);
    try {
      pinfiber::sleep(2s);
    } catch (const std::exception&) {
      generic = true;
    }
  } catch (const Timeout&) {
    specific = true;
  }
  EXPECT_FALSE(generic);
  EXPECT_TRUE(specific);
}

TEST_F(Timeouts, InnerExpiringDoesNotTriggerOuter) {
  Timeout outer(10s);
  try {
    Timeout inner(1s);
    pinfiber::sleep(5s);
    FAIL() << "inner timeout did not fire";
  } catch (const Timeout& t) {
    EXPECT_EQ(t.duration(), 1s);
  }
  EXPECT_TRUE(outer.pending());
  pinfiber::sleep(5s);  // well inside the outer deadline
  EXPECT_EQ(elapsed(), 6s);
}

TEST_F(Timeouts, OuterExpiringIsNotMistakenForInner) {
  std::string who;
  try {
    Timeout outer(1s);
    Timeout inner(10s);
    try {
      pinfiber::sleep(5s);
    } catch (const Timeout& t) {
      who = t.is(inner) ? "inner" : t.is(outer) ? "outer" : "other";
      throw;
    }
  } catch (const Timeout& t) {
    EXPECT_EQ(t.duration(), 1s);
  }
  EXPECT_EQ(who, "outer");
  EXPECT_EQ(elapsed(), 1s);
}

TEST_F(Timeouts, IsIdentifiesTheDeadlineThatFired) {
  Timeout a(3s);
  Timeout b(1s);
  try {
    pinfiber::sleep(10s);
  } catch (const Timeout& t) {
    EXPECT_TRUE(t.is(b));
    EXPECT_FALSE(t.is(a));
  }
  b.cancel();
  try {
    pinfiber::sleep(10s);
  } catch (const Timeout& t) {
    EXPECT_TRUE(t.is(a));
  }
  EXPECT_EQ(elapsed(), 3s);
}

TEST_F(Timeouts, CoversLaterWaitsOfTheGreenletThatStartedIt) {
  auto g = spawn([] {
    Timeout t(5s);
    int naps = 0;
    try {
      for (;;) {
        pinfiber::sleep(2s);
        ++naps;
      }
    } catch (const Timeout&) {
    }
    return naps;
  });
  EXPECT_EQ(g.get(), 2);
  EXPECT_EQ(elapsed(), 5s);
}

TEST_F(Timeouts, OnlyTheOwningGreenletIsInterrupted) {
  auto other = spawn([] {
    pinfiber::sleep(3s);
    return 1;
  });
  EXPECT_THROW(
      {
        Timeout t(1s);
        other.join();
      },
      Timeout);
  EXPECT_EQ(other.get(), 1);
  EXPECT_EQ(elapsed(), 3s);
}

TEST_F(Timeouts, WithTimeoutReturnsFallback) {
  int v = pinfiber::with_timeout(
      1s,
      [] {
        pinfiber::sleep(2s);
        return 1;
      },
      -1);
  EXPECT_EQ(v, -1);
  int w = pinfiber::with_timeout(
      3s,
      [] {
        pinfiber::sleep(2s);
        return 1;
      },
      -1);
  EXPECT_EQ(w, 1);
}

TEST_F(Timeouts, ForeverArmsNothing) {
  Timeout t(pinfiber::forever);
  EXPECT_FALSE(t.pending());
  pinfiber::sleep(1s);
}

TEST_F(Timeouts, FiresWhenGreenletYieldsRatherThanParks) {
  // A deadline that passes while its greenlet sits in the run queue is thrown when it resumes.
  int turns = 0;
  auto g = spawn([&] {
    Timeout t(1s);
    for (;;) {
      ++turns;
      pinfiber::sleep(0);
    }
  });
  pinfiber::sleep(0);
  EXPECT_EQ(turns, 1);
  pinfiber::hub().advance_clock(2s);
  g.join();
  EXPECT_THROW(g.get(), Timeout);
  EXPECT_EQ(turns, 1);
}

// gevent's silent `with Timeout(s, False):`.
TEST_F(Timeouts, WithinEndsTheBlockSilently) {
  bool after = false;
  EXPECT_FALSE(pinfiber::within(1s, [&] {
    pinfiber::sleep(10s);
    after = true;
  }));
  EXPECT_FALSE(after);
  EXPECT_EQ(elapsed(), 1s);
  EXPECT_TRUE(pinfiber::within(1s, [] { pinfiber::sleep(500ms); }));
  EXPECT_EQ(elapsed(), 1500ms);
  // Another deadline passes through it.
  EXPECT_THROW(
      {
        pinfiber::Timeout outer(100ms);
        pinfiber::within(1s, [] { pinfiber::sleep(10s); });
      },
      pinfiber::Timeout);
  EXPECT_EQ(elapsed(), 1600ms);
}

// gevent's t = Timeout(s) ... t.start().
TEST_F(Timeouts, UnstartedTimeoutArmsOnStart) {
  auto t = pinfiber::Timeout::unstarted(1s);
  EXPECT_FALSE(t.pending());
  pinfiber::sleep(2s);  // not armed: nothing fires
  t.start();
  EXPECT_TRUE(t.pending());
  EXPECT_THROW(t.start(), pinfiber::Error);
  try {
    pinfiber::sleep(10s);
    ADD_FAILURE() << "the timeout did not fire";
  } catch (const pinfiber::Timeout& fired) {
    EXPECT_TRUE(fired.is(t));
  }
  EXPECT_EQ(elapsed(), 3s);
  EXPECT_FALSE(t.pending());
  t.start();  // again, after it fired
  t.cancel();
  pinfiber::sleep(2s);
  EXPECT_EQ(elapsed(), 5s);
}
