// Resolver: /etc/hosts, a DNS server on loopback (a fake one in this hub), concurrency, errors.
// Real clock: c-ares times its retries on the real clock.

#include <string>
#include <vector>

#include "io/fake_dns.hpp"
#include "io/io_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::Address;
using pinfiber::Resolver;

class ResolverTest : public RealIoTest {};

TEST_F(ResolverTest, NumericAddressesNeedNoLookup) {
  Resolver r;
  EXPECT_EQ(r.resolve("127.0.0.1", 80), std::vector<Address>{Address::parse("127.0.0.1", 80)});
  EXPECT_EQ(r.resolve("::1", 81), std::vector<Address>{Address::parse("::1", 81)});
}

TEST_F(ResolverTest, EtcHostsIsHonoured) {
  pinfiber_test::FakeDns dns;  // not asked: localhost is in /etc/hosts
  Resolver r({.servers = {dns.address()}});
  auto found = r.resolve("localhost", 8080, AF_INET);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front(), Address::parse("127.0.0.1", 8080));
  EXPECT_EQ(dns.queries(), 0);
}

TEST_F(ResolverTest, AsksTheConfiguredServer) {
  pinfiber_test::FakeDns dns;
  Resolver r({.servers = {dns.address()}});
  auto found = r.resolve("abc.test", 443, AF_INET);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found.front().to_string(), "10.0.0.8:443");
}

TEST_F(ResolverTest, ConcurrentLookupsTakeTheLongestNotTheSum) {
  pinfiber_test::FakeDns dns;
  Resolver r({.servers = {dns.address()}});
  const auto t0 = pinfiber::Clock::now();
  std::vector<pinfiber::Greenlet<std::string>> jobs;
  for (const char* name : {"delay-300.test", "delay-250.test", "delay-200.test", "delay-150.test"}) {
    jobs.push_back(pinfiber::spawn([&r, name] { return r.resolve(name, 80, AF_INET).front().to_string(); }));
  }
  EXPECT_EQ(pinfiber::joinall(jobs, 5s).size(), 4u);
  const auto took = pinfiber::Clock::now() - t0;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 700ms) << "the lookups ran one after another";  // the sum is 900 ms
  EXPECT_EQ(jobs[0].get(), "10.0.0.14:80");
}

TEST_F(ResolverTest, UnknownNameIsResolveErrorNamingIt) {
  pinfiber_test::FakeDns dns;
  Resolver r({.servers = {dns.address()}});
  try {
    (void)r.resolve("missing.test", 80, AF_INET);
    FAIL();
  } catch (const pinfiber::ResolveError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("resolve 'missing.test': ", 0), 0u) << e.what();
  }
}

// Options c-ares itself accepts without a word (an out-of-range port wraps, an empty server or no
// tries at all leave every lookup to fail later, far from the mistake) are refused where they are made.
TEST_F(ResolverTest, OptionsThatMakeNoSenseAreRefusedNamingTheMistake) {
  auto refusal = [](pinfiber::ResolverOptions options) -> std::string {
    try {
      Resolver r(std::move(options));
    } catch (const pinfiber::Error& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_EQ(refusal({.servers = {"127.0.0.1:99999"}}),
            "set DNS server '127.0.0.1:99999': port '99999' is not in 1..65535");
  EXPECT_EQ(refusal({.servers = {"127.0.0.1:0"}}), "set DNS server '127.0.0.1:0': port '0' is not in 1..65535");
  EXPECT_EQ(refusal({.servers = {"127.0.0.1:"}}), "set DNS server '127.0.0.1:': port '' is not in 1..65535");
  EXPECT_EQ(refusal({.servers = {""}}), "set DNS server '': empty");
  EXPECT_EQ(refusal({.servers = {"dns.example"}}),
            "set DNS server 'dns.example': 'dns.example' is not a numeric IPv4 or IPv6 address");
  EXPECT_EQ(refusal({.servers = {"[::1"}}), "set DNS server '[::1': missing ']'");
  EXPECT_EQ(refusal({.tries = 0}), "create a DNS resolver: tries must be at least 1, not 0");
  EXPECT_EQ(refusal({.tries = -5}), "create a DNS resolver: tries must be at least 1, not -5");
  EXPECT_NE(refusal({.try_timeout = 0s}).find("try_timeout"), std::string::npos);
  EXPECT_EQ(refusal({.servers = {"127.0.0.1:5353", "[::1]:53", "10.0.0.1"}}), "accepted");
  Resolver r({.servers = {"127.0.0.1:5353"}});
  EXPECT_THROW((void)r.resolve("", 80), pinfiber::ResolveError);
}

TEST_F(ResolverTest, CallerTimeoutAbandonsTheLookup) {
  pinfiber_test::FakeDns dns;
  Resolver r({.servers = {dns.address()}, .try_timeout = 5s, .tries = 1});
  const auto t0 = pinfiber::Clock::now();
  EXPECT_THROW((void)r.resolve("silent.test", 80, AF_INET, 100ms), pinfiber::TimeoutError);
  EXPECT_GE(pinfiber::Clock::now() - t0, 100ms);
  EXPECT_LT(pinfiber::Clock::now() - t0, 2s);
}

TEST_F(ResolverTest, CreateConnectionResolvesThenConnects) {
  auto server = pinfiber::Socket::tcp();
  server.bind(Address::loopback(AF_INET, 0));
  server.listen();
  auto s = pinfiber::Socket::create_connection("localhost", server.local_address().port(), 2s);
  auto accepted = server.accept();
  EXPECT_EQ(accepted.peer_address(), s.local_address());
  auto s2 = pinfiber::Socket::tcp();
  s2.connect("localhost", server.local_address().port());
  auto accepted2 = server.accept();
}
