// The journald sink: the protocol's encoding, field by field; one datagram per record to a socket the
// test binds in journald's place; a record too large for a datagram passed as a sealed memfd; a full
// socket that drops and counts rather than block; and the real systemd-journald, run privately in a
// mount namespace of its own, reading what the main demo logs.

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <map>

#include "daemon/daemon_fixture.hpp"
#include "example_programs.hpp"

using namespace std::chrono_literals;
using pinfiber_test::DatagramListener;
namespace logging = pinfiber::logging;

namespace {

// Decodes a native-protocol entry into its fields (the last value of a repeated name wins).
std::map<std::string, std::string> decode(const std::string& entry) {
  std::map<std::string, std::string> fields;
  std::size_t at = 0;
  while (at < entry.size()) {
    const std::size_t nl = entry.find('\n', at);
    const std::string line = entry.substr(at, nl - at);
    const std::size_t eq = line.find('=');
    if (eq != std::string::npos) {
      fields[line.substr(0, eq)] = line.substr(eq + 1);
      at = nl + 1;
      continue;
    }
    // NAME\n, 64-bit little-endian length, the value, \n.
    std::uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= std::uint64_t(static_cast<unsigned char>(entry[nl + 1 + i])) << (8 * i);
    fields[line] = entry.substr(nl + 9, n);
    EXPECT_EQ(entry[nl + 9 + n], '\n');
    at = nl + 10 + n;
  }
  return fields;
}

// Keeps the records a JournalSink would send, encoded.
struct EncodingSink : logging::Sink {
  std::vector<std::string> entries;
  void write(const logging::Record& r) override { entries.push_back(pinfiber::JournalSink::encode(r)); }
};

}  // namespace

class JournalTest : public DaemonTest {
 protected:
  void TearDown() override {
    logging::set_sink(nullptr);
    DaemonTest::TearDown();
  }
};

TEST_F(JournalTest, EveryPartOfARecordBecomesAJournalField) {
  auto sink = std::make_shared<EncodingSink>();
  logging::set_sink(sink);
  logging::set_identifier("doorbell");
  const int line = __LINE__ + 2;
  pinfiber::spawn_with({.name = "ringer"}, [] {
    logging::warning("rang {times} times",
                     {{"times", 3}, {"temp-c", 21.5}, {"_trusted", "no"}, {"2x", 1}, {"trace", "line one\nline two"}});
  }).join();
  pinfiber::detail::report(logging::Level::error, "a library report");
  ASSERT_EQ(sink->entries.size(), 2u);
  auto f = decode(sink->entries[0]);
  EXPECT_EQ(f["MESSAGE"], "rang 3 times");
  EXPECT_EQ(f["PRIORITY"], "4");
  EXPECT_EQ(f["SYSLOG_IDENTIFIER"], "doorbell");
  EXPECT_EQ(f["GREENLET"], "ringer");
  EXPECT_EQ(f["TIMES"], "3");
  EXPECT_EQ(f["TEMP_C"], "21.5");
  EXPECT_EQ(f["F__TRUSTED"], "no");  // journald keeps leading '_' for the fields it vouches for
  EXPECT_EQ(f["F_2X"], "1");
  EXPECT_EQ(f["TRACE"], "line one\nline two");  // the binary-safe form
  EXPECT_NE(sink->entries[0].find("TRACE\n"), std::string::npos);
  EXPECT_EQ(f["CODE_LINE"], std::to_string(line));
  EXPECT_NE(f["CODE_FILE"].find("journal_test.cpp"), std::string::npos);
  EXPECT_EQ(decode(sink->entries[1])["MESSAGE"], "pinfiber: a library report");
  EXPECT_EQ(decode(sink->entries[1])["GREENLET"], "main");
  logging::set_identifier(program_invocation_short_name);
}

TEST_F(JournalTest, EachRecordIsOneDatagramToTheJournalSocket) {
  DatagramListener journald("socket");
  pinfiber::testing::FedFromOutside fed(journald.socket().fd());
  auto sink = std::make_shared<pinfiber::JournalSink>(journald.path());
  logging::set_sink(sink);
  logging::info("status on tcp {address}", {{"address", pinfiber::Address::parse("127.0.0.1", 8017)}});
  logging::debug("below the level: not sent");
  auto f = decode(journald.next(1s));
  EXPECT_EQ(f["MESSAGE"], "status on tcp 127.0.0.1:8017");
  EXPECT_EQ(f["ADDRESS"], "127.0.0.1:8017");
  EXPECT_EQ(f["PRIORITY"], "6");
  EXPECT_EQ(journald.queued(), "");
  EXPECT_EQ(sink->dropped(), 0u);
}

TEST_F(JournalTest, ARecordTooLargeForADatagramGoesInASealedMemfd) {
  DatagramListener journald("socket");
  auto sink = std::make_shared<pinfiber::JournalSink>(journald.path());
  logging::set_sink(sink);
  const std::string big(4 << 20, 'x');  // beyond any datagram the kernel takes
  logging::info("a dump", {{"dump", big}});
  // An empty datagram with one fd.
  char data[16];
  iovec iov{data, sizeof data};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(journald.socket().fd(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  ASSERT_EQ(n, 0);
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->cmsg_type, SCM_RIGHTS);
  int mem = -1;
  std::memcpy(&mem, CMSG_DATA(c), sizeof mem);
  const int seals = ::fcntl(mem, F_GET_SEALS);
  EXPECT_EQ(seals & (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW), F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW);
  std::string entry;
  char buf[65536];
  ssize_t got;
  while ((got = ::pread(mem, buf, sizeof buf, static_cast<off_t>(entry.size()))) > 0) {
    entry.append(buf, static_cast<std::size_t>(got));
  }
  ::close(mem);
  auto f = decode(entry);
  EXPECT_EQ(f["MESSAGE"], "a dump");
  EXPECT_EQ(f["DUMP"], big);
  EXPECT_EQ(sink->dropped(), 0u);
}

TEST_F(JournalTest, AFullJournalSocketDropsAndCountsInsteadOfBlocking) {
  DatagramListener journald("socket");  // nobody reads it
  auto sink = std::make_shared<pinfiber::JournalSink>(journald.path());
  logging::set_sink(sink);
  logging::set_rate_limit({.burst = 0});
  for (int i = 0; i < 5000; ++i) logging::info("flood {i}", {{"i", i}});
  EXPECT_GT(sink->dropped(), 0u);
  EXPECT_LT(sink->dropped(), 5000u);
  EXPECT_EQ(elapsed(), 0s);
}

// The real systemd-journald, started privately: a mount namespace of its own with a tmpfs on
// /run/systemd and /run/log (so the machine's own journal, if any, is untouched), the main demo run
// under systemd-cat - its stdout and stderr on journald's stream, as systemd connects a service's -
// with JOURNAL_STREAM naming that stream, as systemd sets it. The demo must find the journal and log
// natively; journalctl then reads back what journald stored.
TEST_F(RealDaemonTest, TheRealJournaldStoresTheDemosFields) {
  const std::string demo = pinfiber_test::example_path("button_led");
  if (demo.empty()) GTEST_SKIP() << "examples not built";
  if (std::getenv("PINFIBER_TEST_EMULATOR")) GTEST_SKIP() << "journald runs on the build machine, not the target";
  if (::access("/lib/systemd/systemd-journald", X_OK) != 0) GTEST_SKIP() << "no systemd-journald (package systemd)";
  if (::geteuid() != 0) GTEST_SKIP() << "a private journald needs root (a mount namespace)";
  const std::string script = R"(
    set -e
    mount -t tmpfs tmpfs /run/systemd
    mkdir -p /run/systemd/journal /run/log
    mount -t tmpfs tmpfs /run/log
    if [ -d /var/log/journal ]; then mount -t tmpfs tmpfs /var/log/journal; fi
    /lib/systemd/systemd-journald & journald=$!
    trap 'kill $journald 2>/dev/null; wait $journald 2>/dev/null || true' EXIT
    for i in $(seq 100); do [ -S /run/systemd/journal/socket ] && [ -S /run/systemd/journal/stdout ] && break; sleep 0.1; done
    systemd-cat -t button_led sh -c 'JOURNAL_STREAM=$(stat -L -c %d:%i /proc/$$/fd/2) exec "$0" --paused-clock --mock' "$DEMO"
    journalctl --sync 2>/dev/null || sleep 1
    journalctl -D /run/log/journal -o export --no-pager SYSLOG_IDENTIFIER=button_led
  )";
  pinfiber::Subprocess sh({"unshare", "-m", "--propagation", "private", "sh", "-c", script},
                          {.env = pinfiber_test::environment_with({"DEMO=" + demo}), .in = pinfiber::Stdio::null});
  auto err = pinfiber::spawn([&] { return sh.read_all_err(60s); });
  pinfiber_test::KillOnExit reap({err});
  const std::string out = sh.read_all_out(60s);
  const auto status = sh.wait(60s);
  ASSERT_TRUE(status);
  if (!status->success() && err.get().find("unshare failed") != std::string::npos) {
    GTEST_SKIP() << "no mount namespace here: " << err.get();
  }
  ASSERT_TRUE(status->success()) << status->to_string() << "\n" << err.get();
  // Entries of journalctl's export format are separated by blank lines.
  std::vector<std::map<std::string, std::string>> entries;
  std::size_t at = 0;
  while (at < out.size()) {
    std::size_t end = out.find("\n\n", at);
    if (end == std::string::npos) end = out.size();
    entries.push_back(decode(out.substr(at, end - at) + "\n"));
    at = end + 2;
  }
  auto find = [&](const std::string& message) -> std::map<std::string, std::string> {
    for (auto& e : entries) {
      if (e["MESSAGE"].rfind(message, 0) == 0) return e;
    }
    ADD_FAILURE() << "no entry '" << message << "' in:\n" << out;
    return {};
  };
  // Logged natively: the transport, the priority and the fields are journald's.
  auto status_entry = find("status on tcp 127.0.0.1:");
  EXPECT_EQ(status_entry["_TRANSPORT"], "journal");
  EXPECT_EQ(status_entry["PRIORITY"], "6");
  EXPECT_EQ(status_entry["GREENLET"], "main");
  EXPECT_EQ(status_entry["ADDRESS"].rfind("127.0.0.1:", 0), 0u);
  EXPECT_NE(status_entry["CODE_FILE"].find("button_led.cpp"), std::string::npos);
  auto simulated = find("SIMULATED GPIO");
  EXPECT_EQ(simulated["_TRANSPORT"], "journal");
  EXPECT_EQ(simulated["PRIORITY"], "4");
  // The story's own lines, printed on stdout, came through the stream.
  auto pressed = find("LED on (press 3)");
  EXPECT_EQ(pressed["_TRANSPORT"], "stdout");
  find("LED off, pins released, bye");
}
