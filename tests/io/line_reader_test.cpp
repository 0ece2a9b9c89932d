// LineReader over a socket pair, a pipe and a function: lines split across reads, CRLF, the last
// line without a delimiter, the length bound (an endless line is refused without growing the
// buffer, and the reader goes on after it), one deadline per line, and errors naming the source.

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "io/io_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::LineReader;
using pinfiber::Socket;

namespace {

struct Pair {
  Socket a, b;
};

Pair socket_pair() {
  int fds[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  return {Socket::adopt(fds[0]), Socket::adopt(fds[1])};
}

}  // namespace

class LineReaderTest : public IoTest {};

TEST_F(LineReaderTest, SplitsLinesAcrossReadsStripsCrAndReturnsTheLastUnterminatedLine) {
  auto [ours, theirs] = socket_pair();
  auto writer = pinfiber::spawn([&theirs] {
    for (const char* piece : {"first li", "ne\r\nsecond\n\nthi", "rd\nno newline"}) {
      theirs.send_all(piece);
      pinfiber::sleep(10ms);  // each piece is its own read
    }
    theirs.shutdown(SHUT_WR);
  });
  LineReader lines(ours);
  std::vector<std::string> got;
  while (auto line = lines.next(1s)) got.push_back(*line);
  EXPECT_EQ(got, (std::vector<std::string>{"first line", "second", "", "third", "no newline"}));
  EXPECT_FALSE(lines.next(1s).has_value());  // the end stays the end
  writer.join();
}

TEST_F(LineReaderTest, AnEndlessLineIsRefusedAtTheBoundWithoutGrowingTheBufferAndTheNextLineIsRead) {
  auto [ours, theirs] = socket_pair();
  const std::size_t max_line = 1000;
  auto writer = pinfiber::spawn([&theirs] {
    const std::string flood(64 * 1024, 'x');
    for (int i = 0; i < 16; ++i) theirs.send_all(flood);  // 1 MiB and no newline
    theirs.send_all("\nafter\n");
  });
  LineReader lines(ours, {.max_line = max_line});
  try {
    lines.next(5s);
    FAIL() << "an endless line was accepted";
  } catch (const pinfiber::LineTooLong& e) {
    EXPECT_EQ(e.code(), std::errc::message_size);
    EXPECT_NE(std::string(e.what()).find("no delimiter in 1000 bytes"), std::string::npos) << e.what();
    EXPECT_TRUE(lines.buffered().empty()) << "the refused line's bytes were kept";
  }
  // The rest of the long line is skipped; the reader never buffers more than a line and one read.
  const auto next = lines.next(5s);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(*next, "after");
  EXPECT_LE(lines.buffered().size(), max_line + 4096);
  writer.join();
}

TEST_F(LineReaderTest, ALineOfExactlyTheBoundIsAccepted) {
  auto [ours, theirs] = socket_pair();
  theirs.send_all(std::string(100, 'y') + "\r\n" + std::string(101, 'z') + "\n");
  LineReader lines(ours, {.max_line = 100});
  EXPECT_EQ(lines.next(1s), std::string(100, 'y'));
  EXPECT_THROW(lines.next(1s), pinfiber::LineTooLong);
}

TEST_F(LineReaderTest, TheTimeoutCoversTheWholeLineAndKeepsWhatArrived) {
  auto [ours, theirs] = socket_pair();
  auto writer = pinfiber::spawn([&theirs] {
    // A byte every 400 ms: each read alone is quick, the line as a whole is not.
    for (const char* piece : {"p", "a", "r", "t"}) {
      theirs.send_all(piece);
      pinfiber::sleep(400ms);
    }
    theirs.send_all("ial\n");
  });
  LineReader lines(ours);
  const auto started = pinfiber::Clock::now();
  EXPECT_THROW(lines.next(1s), pinfiber::TimeoutError);
  EXPECT_EQ(pinfiber::Clock::now() - started, 1s);
  EXPECT_EQ(lines.buffered(), "par");
  EXPECT_EQ(lines.next(5s), "partial");
  writer.join();
}

TEST_F(LineReaderTest, TheDefaultTimeoutIsTheSocketsOwn) {
  auto [ours, theirs] = socket_pair();
  ours.set_timeout(250ms);
  LineReader lines(ours);
  const auto started = pinfiber::Clock::now();
  EXPECT_THROW(lines.next(), pinfiber::TimeoutError);
  EXPECT_EQ(pinfiber::Clock::now() - started, 250ms);
}

TEST_F(LineReaderTest, ReadsAPipeThroughItsFdAndNamesItInErrors) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  pinfiber::Fd read_end(fds[0], "the sensor's pipe");
  ASSERT_EQ(::write(fds[1], "temperature=21.5\nhumidity=40\n", 29), 29);
  ASSERT_EQ(::write(fds[1], std::string(64, 'h').data(), 64), 64);
  ::close(fds[1]);
  LineReader lines(read_end, {.max_line = 32});
  EXPECT_EQ(lines.next(1s), "temperature=21.5");
  EXPECT_EQ(lines.next(1s), "humidity=40");
  try {
    lines.next(1s);
    FAIL() << "a 64-byte line passed a 32-byte bound";
  } catch (const pinfiber::LineTooLong& e) {
    EXPECT_STREQ(e.what(), "read a line from the sensor's pipe: no delimiter in 32 bytes (the line was dropped)");
  }
  EXPECT_FALSE(lines.next(1s).has_value());
}

TEST_F(LineReaderTest, ALongLineArrivingAByteAtATimeIsScannedOnce) {
  // 4 MiB in one-byte reads: a reader that searched its whole buffer after each read would compare
  // 8 * 10^12 bytes and hit the test's timeout; scanning only new bytes compares 4 * 10^6.
  const std::size_t size = 4 << 20;
  std::size_t sent = 0;
  LineReader lines(
      [&sent, size](void* buf, std::size_t, pinfiber::TimeSpan) -> std::size_t {
        if (sent > size) return 0;
        *static_cast<char*>(buf) = sent++ == size ? '\n' : 'a';
        return 1;
      },
      "a one-byte source", {.max_line = size});
  const auto line = lines.next();
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->size(), size);
  EXPECT_FALSE(lines.next().has_value());
}

TEST_F(LineReaderTest, AConnectionErrorPassesThroughNamingThePeer) {
  auto server = Socket::tcp();
  server.bind(pinfiber::Address::loopback(AF_INET, 0));
  server.listen();
  auto client = Socket::tcp();
  client.connect(server.local_address(), 1s);
  Socket accepted = server.accept(nullptr, 1s);
  client.send_all("half a li");
  const linger abort{.l_onoff = 1, .l_linger = 0};
  ASSERT_EQ(::setsockopt(client.fd(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort), 0);
  const std::string peer = client.local_address().to_string();
  client.close();
  LineReader lines(accepted);
  try {
    lines.next(1s);
    FAIL() << "a reset connection read as a line";
  } catch (const pinfiber::TimeoutError&) {
    FAIL() << "a reset was reported as a timeout";
  } catch (const pinfiber::Error& e) {
    EXPECT_EQ(e.code(), std::errc::connection_reset);
    EXPECT_NE(std::string(e.what()).find(peer), std::string::npos) << e.what();
  }
}
