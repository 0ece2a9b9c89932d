// local<T>: a value per greenlet.

#include <string>

#include "sync/sync_fixture.hpp"

using pinfiber::spawn;

class LocalTest : public SyncTest {};

namespace {
struct Counted {
  static inline int alive = 0;
  int v;
  explicit Counted(int x = 0) : v(x) { ++alive; }
  Counted(const Counted& o) : v(o.v) { ++alive; }
  ~Counted() { --alive; }
};
}  // namespace

TEST_F(LocalTest, AValueSetInOneGreenletIsInvisibleInAnother) {
  pinfiber::local<int> stash;
  std::string log;
  auto g1 = spawn([&] {
    stash.set(1);
    pinfiber::sleep(0);
    log += std::to_string(stash.value());
  });
  auto g2 = spawn([&] {
    EXPECT_FALSE(stash.has_value());
    EXPECT_EQ(stash.get_if(), nullptr);
    EXPECT_THROW(stash.value(), pinfiber::Error);
    *stash = 2;
    log += std::to_string(*stash);
  });
  pinfiber::joinall({g1, g2});
  EXPECT_EQ(log, "21");
  EXPECT_FALSE(stash.has_value());  // main never set one
}

TEST_F(LocalTest, ValuesDieWithTheirGreenlet) {
  Counted::alive = 0;
  pinfiber::local<Counted> stash;
  auto g = spawn([&] {
    stash.emplace(5);
    EXPECT_EQ(Counted::alive, 1);
    EXPECT_EQ(stash->v, 5);
  });
  g.join();
  EXPECT_EQ(Counted::alive, 0);
}

TEST_F(LocalTest, ValuesDieWithTheirLocal) {
  Counted::alive = 0;
  auto stash = std::make_unique<pinfiber::local<Counted>>();
  pinfiber::Event go;
  auto g = spawn([&] {
    stash->emplace(1);
    go.wait();
  });
  stash->emplace(2);  // main's own value
  pinfiber::sleep(0);
  EXPECT_EQ(Counted::alive, 2);
  stash.reset();
  EXPECT_EQ(Counted::alive, 0);
  go.set();
  g.join();
}

TEST_F(LocalTest, ResetAndSeveralLocalsPerGreenlet) {
  pinfiber::local<int> a;
  pinfiber::local<std::string> b;
  auto g = spawn([&] {
    a.set(1);
    b.set("x");
    a.reset();
    EXPECT_FALSE(a.has_value());
    EXPECT_EQ(b.value(), "x");
  });
  g.join();
}
