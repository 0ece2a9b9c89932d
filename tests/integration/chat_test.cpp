// The chat example run as a program, with three real clients over 127.0.0.1: joins and leaves are
// announced to the others, a line goes to everyone but its sender, a client that vanishes with a
// reset does not disturb the rest, and SIGTERM ends the program with exit code 0.

#include <signal.h>
#include <sys/socket.h>

#include <string>

#include "example_programs.hpp"
#include "io/io_fixture.hpp"

using namespace std::chrono_literals;

namespace {

// One chat client: lines in and out over a real socket, every read bounded by the socket timeout
// so a missing line fails the test instead of hanging it.
class ChatClient {
 public:
  ChatClient(std::uint16_t port, const std::string& name)
      : socket_(pinfiber::Socket::create_connection("127.0.0.1", port, 5s)) {
    socket_.set_timeout(5s);
    say(name);
  }
  void say(const std::string& line) { socket_.send_all(line + "\n"); }
  std::string line() {
    for (;;) {
      if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string l = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return l;
      }
      char chunk[512];
      const std::size_t n = socket_.recv(chunk, sizeof chunk);
      if (n == 0) return "<eof>";
      buffer_.append(chunk, n);
    }
  }
  // Gone without a goodbye: SO_LINGER 0 makes close() send a reset.
  void vanish() {
    const linger abort{.l_onoff = 1, .l_linger = 0};
    ASSERT_EQ(::setsockopt(socket_.fd(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort), 0);
    socket_.close();
  }

 private:
  pinfiber::Socket socket_;
  std::string buffer_;
};

}  // namespace

class ChatTest : public RealIoTest {};

TEST_F(ChatTest, BroadcastsJoinsLeavesAndStopsOnSigterm) {
  const std::string program = pinfiber_test::example_path("chat");
  if (program.empty()) GTEST_SKIP() << "examples not built";
  pinfiber::Subprocess chat(pinfiber_test::command(program, {"0"}), {.in = pinfiber::Stdio::null});
  auto errors = pinfiber::spawn([&] { return chat.read_all_err(60s); });

  // The first line names the port.
  std::string first;
  while (first.find('\n') == std::string::npos) {
    char c[64];
    const std::size_t n = chat.read_out(c, sizeof c, 30s);
    ASSERT_GT(n, 0u) << "chat exited before listening: " << errors.get(5s);
    first.append(c, n);
  }
  const std::string prefix = "listening on 127.0.0.1:";
  ASSERT_EQ(first.rfind(prefix, 0), 0u) << first;
  const auto port = static_cast<std::uint16_t>(std::stoi(first.substr(prefix.size())));

  {
    // Each waits for its welcome, so the joins happen in this order.
    ChatClient alice(port, "alice");
    EXPECT_EQ(alice.line(), "* welcome alice");
    ChatClient bob(port, "bob");
    EXPECT_EQ(bob.line(), "* welcome bob");
    EXPECT_EQ(alice.line(), "* bob joined");
    ChatClient carol(port, "carol");
    EXPECT_EQ(carol.line(), "* welcome carol");
    EXPECT_EQ(alice.line(), "* carol joined");
    EXPECT_EQ(bob.line(), "* carol joined");

    alice.say("hello");
    EXPECT_EQ(bob.line(), "alice: hello");
    EXPECT_EQ(carol.line(), "alice: hello");
    bob.say("hi");
    // alice's next line is bob's: her own was not echoed back to her.
    EXPECT_EQ(alice.line(), "bob: hi");
    EXPECT_EQ(carol.line(), "bob: hi");

    carol.vanish();
    EXPECT_EQ(alice.line(), "* carol left");
    EXPECT_EQ(bob.line(), "* carol left");

    // The room still works for the rest.
    alice.say("still here");
    EXPECT_EQ(bob.line(), "alice: still here");
    bob.say("me too");
    EXPECT_EQ(alice.line(), "bob: me too");

    chat.kill(SIGTERM);
    // Shutting down closes every client's connection.
    EXPECT_EQ(alice.line(), "<eof>");
    EXPECT_EQ(bob.line(), "<eof>");
  }

  const std::optional<pinfiber::ExitStatus> status = chat.wait(30s);
  ASSERT_TRUE(status.has_value()) << "chat did not exit on SIGTERM";
  EXPECT_TRUE(status->success()) << status->to_string();
  EXPECT_EQ(chat.read_all_out(5s), "");
  EXPECT_EQ(errors.get(5s), "");
}
