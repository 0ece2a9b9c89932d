// A DNS server that never answers (a UDP socket on loopback that reads and drops): the lookup
// fails with c-ares's timeout after its retries, and the hub stays responsive meanwhile.

#include <string>

#include "io/io_fixture.hpp"

using namespace std::chrono_literals;

class DnsTimeoutTest : public RealIoTest {};

TEST_F(DnsTimeoutTest, SilentServerGivesResolveErrorTimeout) {
  auto black_hole = pinfiber::Socket::udp();
  black_hole.bind(pinfiber::Address::loopback(AF_INET, 0));
  int dropped = 0;
  auto drop = pinfiber::spawn([&] {
    char buf[512];
    for (;;) {
      (void)black_hole.recvfrom(buf, sizeof buf);
      ++dropped;
    }
  });
  int ticks = 0;
  auto ticker = pinfiber::spawn([&] {
    for (;;) {
      pinfiber::sleep(20ms);
      ++ticks;
    }
  });
  pinfiber::Resolver r({.servers = {black_hole.local_address().to_string()}, .try_timeout = 150ms, .tries = 2});
  const auto t0 = pinfiber::Clock::now();
  try {
    (void)r.resolve("nowhere.test", 80, AF_INET);
    FAIL() << "resolved";
  } catch (const pinfiber::ResolveError& e) {
    EXPECT_EQ(std::string(e.what()), "resolve 'nowhere.test': Timeout while contacting DNS servers");
  }
  const auto took = pinfiber::Clock::now() - t0;
  EXPECT_GE(took, 300ms);  // two tries of 150 ms
  EXPECT_LT(took, 3s);
  EXPECT_GE(dropped, 2);
  EXPECT_GE(ticks, 5) << "the hub stalled while the lookup waited";
  drop.kill();
  ticker.kill();
}
