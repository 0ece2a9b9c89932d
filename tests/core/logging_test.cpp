// The log: templates, fields and the greenlet in each record; the level filter; the rate limit on the
// paused clock (a flood of identical reports becomes a few lines and one count); the stream sink's
// line and its journald priority prefix; a HubLog written from another thread; the library's own
// failure reports going through all of it.

#include <unistd.h>
#include <pinfiber/core.hpp>
#include <pinfiber/core/logging.hpp>
#include <pinfiber/testing.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <cerrno>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace logging = pinfiber::logging;

namespace {

// Keeps what it is given: the rendered line, and the parts a journal would get.
struct CaptureSink : logging::Sink {
  struct Kept {
    logging::Level level;
    std::string line;
    std::string source;
    std::string greenlet;
    std::string message;
  };
  std::vector<Kept> kept;
  void write(const logging::Record& r) override {
    kept.push_back({r.level, logging::StreamSink::format(r), std::string(r.source), std::string(r.greenlet),
                    std::string(r.message)});
  }
};

class LoggingTest : public pinfiber::testing::HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    logging::set_sink(sink_);
    logging::set_identifier("prog");
  }
  void TearDown() override {
    logging::set_rate_limit({});  // says what it held back, to this test's sink
    logging::set_sink(nullptr);
    logging::set_level(logging::Level::info);
    logging::set_identifier(program_invocation_short_name);
    HubTest::TearDown();
  }
  std::shared_ptr<CaptureSink> sink_ = std::make_shared<CaptureSink>();
};

}  // namespace

TEST_F(LoggingTest, RecordsCarryTheRenderedTemplateTheFieldsAndTheGreenlet) {
  pinfiber::spawn_with({.name = "sampler"}, [] {
    logging::warning("sensor {id} read failed", {{"id", 3}, {"error", "timed out"}, {"after", 250ms}});
  }).join();
  logging::info("plain {{braces}} and {unknown}", {{"ok", true}, {"ratio", 0.5}, {"took", 1500ms}});
  ASSERT_EQ(sink_->kept.size(), 2u);
  EXPECT_EQ(sink_->kept[0].line,
            "prog: warning: sensor 3 read failed error=\"timed out\" after=250ms greenlet=sampler");
  EXPECT_EQ(sink_->kept[0].greenlet, "sampler");
  EXPECT_EQ(sink_->kept[0].message, "sensor 3 read failed");
  // Main is not named on stderr (it would be on every line of a simple program).
  EXPECT_EQ(sink_->kept[1].line, "prog: info: plain {braces} and {unknown} ok=true ratio=0.5 took=1.5s");
  EXPECT_EQ(sink_->kept[1].greenlet, "main");
}

TEST_F(LoggingTest, RecordsBelowTheLevelAreDropped) {
  logging::debug("not by default");
  logging::set_level(logging::Level::warning);
  logging::info("not now");
  logging::error("this one");
  ASSERT_EQ(sink_->kept.size(), 1u);
  EXPECT_EQ(sink_->kept[0].line, "prog: error: this one");
  EXPECT_EQ(logging::parse_level("warn"), logging::Level::warning);
  EXPECT_EQ(logging::parse_level("7"), logging::Level::debug);
  EXPECT_THROW(logging::parse_level("loud"), pinfiber::Error);
}

TEST_F(LoggingTest, RepeatedReportsAreRateLimitedPerTemplateAndCounted) {
  logging::set_rate_limit({.burst = 3, .interval = 10s});
  for (int peer = 0; peer < 100; ++peer) logging::error("peer {peer} reset the connection", {{"peer", peer}});
  logging::error("another report");  // its own template: not held back by the flood
  ASSERT_EQ(sink_->kept.size(), 4u);
  EXPECT_EQ(sink_->kept[2].line, "prog: error: peer 2 reset the connection");
  EXPECT_EQ(sink_->kept[3].line, "prog: error: another report");
  EXPECT_EQ(logging::suppressed(), 97u);
  // Once the interval is over, the next record says what was held back, then passes itself.
  pinfiber::sleep(10s);
  logging::info("later");
  ASSERT_EQ(sink_->kept.size(), 6u);
  EXPECT_EQ(sink_->kept[4].line,
            "pinfiber: error: 97 more like \"peer {peer} reset the connection\" dropped within 10s");
  EXPECT_EQ(sink_->kept[5].line, "prog: info: later");
  logging::error("peer {peer} reset the connection", {{"peer", 100}});
  EXPECT_EQ(sink_->kept.back().line, "prog: error: peer 100 reset the connection");
}

TEST_F(LoggingTest, AFloodOfIdenticalGreenletFailuresIsAFewLines) {
  // The attack: one failing connection handler per peer reset, each reported by the hub.
  logging::set_rate_limit({.burst = 5, .interval = 10s});
  std::vector<pinfiber::Greenlet<void>> handlers;
  for (int i = 0; i < 200; ++i) {
    handlers.push_back(pinfiber::spawn([] { throw pinfiber::Error(ECONNRESET, "recv from 10.0.0.9:5000"); }));
  }
  pinfiber::joinall(handlers);
  ASSERT_EQ(sink_->kept.size(), 5u);
  EXPECT_EQ(sink_->kept[0].source, "pinfiber");
  EXPECT_EQ(sink_->kept[0].level, logging::Level::error);
  EXPECT_NE(sink_->kept[0].line.find("pinfiber: error: greenlet 'Greenlet-"), std::string::npos) << sink_->kept[0].line;
  EXPECT_NE(
      sink_->kept[0].line.find("' failed with pinfiber::Error: recv from 10.0.0.9:5000: Connection reset by peer"),
      std::string::npos)
      << sink_->kept[0].line;
  EXPECT_EQ(logging::suppressed(), 195u);
}

TEST_F(LoggingTest, TheStreamSinkPrefixesThePriorityOnJournaldsStream) {
  // A socket pair, as journald's stream is a socket (and each end has an inode of its own, where a
  // pipe's two ends share one).
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  struct stat st {};
  ASSERT_EQ(::fstat(fds[1], &st), 0);
  const std::string stream = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  ::setenv("JOURNAL_STREAM", stream.c_str(), 1);
  EXPECT_TRUE(logging::is_journal_stream(fds[1]));
  EXPECT_FALSE(logging::is_journal_stream(fds[0]));
  {
    logging::set_sink(std::make_shared<logging::StreamSink>(fds[1]));
    logging::warning("low {what}", {{"what", "battery"}, {"volts", 3.3}});
  }
  ::unsetenv("JOURNAL_STREAM");
  logging::set_sink(std::make_shared<logging::StreamSink>(fds[1]));
  logging::notice("no prefix off the journal");
  logging::set_sink(sink_);
  char buf[256];
  const ssize_t n = ::read(fds[0], buf, sizeof buf);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)),
            "<4>prog: warning: low battery volts=3.3\nprog: notice: no prefix off the journal\n");
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_F(LoggingTest, AHubLogTakesRecordsFromAnotherThreadWithoutTheRateLimit) {
  logging::set_rate_limit({.burst = 1, .interval = 10s});
  logging::HubLog log;
  std::thread other([&] {
    for (int i = 0; i < 3; ++i) log.write(logging::Level::warning, "from a thread {i}", {{"i", i}});
    log.report(logging::Level::error, "a library report");
  });
  other.join();
  ASSERT_EQ(sink_->kept.size(), 4u);
  EXPECT_EQ(sink_->kept[2].line, "prog: warning: from a thread 2");
  EXPECT_EQ(sink_->kept[2].greenlet, "");
  EXPECT_EQ(sink_->kept[3].line, "pinfiber: error: a library report");
}
