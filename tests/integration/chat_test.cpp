// The chat example run as a program, with real clients over 127.0.0.1: joins and leaves are
// announced to the others, a line goes to everyone but its sender, a client that vanishes with a
// reset does not disturb the rest, and SIGTERM ends the program with exit code 0. Hostile members
// cost bounded memory: one that never reads is dropped once 64 KiB behind, an endless line is
// refused at 4 KiB, and the room goes on serving the others meanwhile.

#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "example_programs.hpp"
#include "io/io_fixture.hpp"

extern char** environ;

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
  pinfiber::Socket& socket() { return socket_; }
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

class ChatTest : public RealIoTest {
 protected:
  void TearDown() override {
    if (chat) chat->kill(SIGKILL);  // a test that failed halfway; else it has exited already
    errors = {};
    chat.reset();  // its pipes, before the fixture counts fds
    RealIoTest::TearDown();
  }
  // Starts the chat example on a free port; false if it is not built or did not come up.
  bool start_chat() {
    const std::string program = pinfiber_test::example_path("chat");
    if (program.empty()) return false;
    // ASan keeps freed memory in quarantine (256 MB): without it, resident size counts what the
    // program holds, which is what the memory bounds below are about.
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      if (std::string_view(*e).rfind("ASAN_OPTIONS=", 0) != 0) env.emplace_back(*e);
    }
    const char* asan = std::getenv("ASAN_OPTIONS");
    env.push_back(std::string("ASAN_OPTIONS=") + (asan ? std::string(asan) + ":" : "") + "quarantine_size_mb=0");
    chat.emplace(pinfiber_test::command(program, {"0"}),
                 pinfiber::SubprocessOptions{.env = env, .in = pinfiber::Stdio::null});
    errors = pinfiber::spawn([this] { return chat->read_all_err(120s); });
    // The first line names the port.
    std::string first;
    while (first.find('\n') == std::string::npos) {
      char c[64];
      const std::size_t n = chat->read_out(c, sizeof c, 30s);
      if (n == 0) {
        ADD_FAILURE() << "chat exited before listening: " << errors.get(5s);
        return false;
      }
      first.append(c, n);
    }
    const std::string prefix = "listening on 127.0.0.1:";
    if (first.rfind(prefix, 0) != 0) {
      ADD_FAILURE() << first;
      return false;
    }
    port = static_cast<std::uint16_t>(std::stoi(first.substr(prefix.size())));
    return true;
  }
  // The chat's resident memory now and at its peak, in KiB (/proc/PID/status).
  std::size_t memory_kib(const char* field) const {
    std::ifstream status("/proc/" + std::to_string(chat->pid()) + "/status");
    for (std::string key; status >> key;) {
      std::size_t kib = 0;
      if (key == std::string(field) + ":" && status >> kib) return kib;
      status.ignore(1 << 20, '\n');
    }
    ADD_FAILURE() << "no " << field << " for the chat process";
    return 0;
  }
  void stop_chat() {
    chat->kill(SIGTERM);
    const std::optional<pinfiber::ExitStatus> status = chat->wait(30s);
    ASSERT_TRUE(status.has_value()) << "chat did not exit on SIGTERM";
    EXPECT_TRUE(status->success()) << status->to_string();
    EXPECT_EQ(errors.get(5s), "");
  }

  std::optional<pinfiber::Subprocess> chat;
  pinfiber::Greenlet<std::string> errors;
  std::uint16_t port = 0;
};

TEST_F(ChatTest, BroadcastsJoinsLeavesAndStopsOnSigterm) {
  if (!start_chat()) GTEST_SKIP() << "examples not built";

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

    chat->kill(SIGTERM);
    // Shutting down closes every client's connection.
    EXPECT_EQ(alice.line(), "<eof>");
    EXPECT_EQ(bob.line(), "<eof>");
  }

  const std::optional<pinfiber::ExitStatus> status = chat->wait(30s);
  ASSERT_TRUE(status.has_value()) << "chat did not exit on SIGTERM";
  EXPECT_TRUE(status->success()) << status->to_string();
  EXPECT_EQ(chat->read_all_out(5s), "");
  EXPECT_EQ(errors.get(5s), "");
}

TEST_F(ChatTest, AMemberThatNeverReadsIsDroppedAndTheRoomKeepsEveryLine) {
  if (!start_chat()) GTEST_SKIP() << "examples not built";
  {
    // The sloth joins and never reads again: what the room sends it piles up in the chat server.
    auto sloth = pinfiber::Socket::tcp();
    sloth.set_option(SOL_SOCKET, SO_RCVBUF, 4096);
    sloth.connect(pinfiber::Address::loopback(AF_INET, port), 5s);
    sloth.send_all("sloth\n");
    ChatClient alice(port, "alice");
    EXPECT_EQ(alice.line(), "* welcome alice");
    ChatClient bob(port, "bob");
    EXPECT_EQ(bob.line(), "* welcome bob");
    EXPECT_EQ(alice.line(), "* bob joined");
    const std::size_t before_kib = memory_kib("VmHWM");

    // 20 MB from alice, 20 lines at a time, each batch read by bob before the next is sent: bob
    // keeps up, the sloth cannot.
    const std::string text(1000, 'a');
    bool bob_saw_sloth_leave = false;
    for (int batch = 0; batch < 1000; ++batch) {
      std::string lines;
      for (int i = 0; i < 20; ++i) lines += text + "\n";
      alice.say(lines.substr(0, lines.size() - 1));
      for (int got = 0; got < 20;) {
        const std::string line = bob.line();
        if (line == "* sloth left" && !bob_saw_sloth_leave) {
          bob_saw_sloth_leave = true;
          continue;
        }
        ASSERT_EQ(line, "alice: " + text) << "batch " << batch << ", line " << got;
        ++got;
      }
    }
    EXPECT_TRUE(bob_saw_sloth_leave) << "the sloth was never dropped";
    EXPECT_EQ(alice.line(), "* sloth left");
    // Unbounded, the sloth's queue would have held most of the 20 MB.
    EXPECT_LT(memory_kib("VmHWM") - before_kib, 8u * 1024) << "the chat server grew while the sloth did not read";
    // Dropped: once it has read what the buffers held, the sloth finds its connection ended.
    std::vector<char> buf(64 * 1024);
    try {
      while (sloth.recv(buf.data(), buf.size(), 5s) > 0) {
      }
    } catch (const pinfiber::TimeoutError&) {
      ADD_FAILURE() << "the sloth's connection was left open";
    } catch (const pinfiber::Error&) {
      // reset: ended too
    }
  }
  stop_chat();
}

TEST_F(ChatTest, AnEndlessLineIsRefusedWhileTheRoomGoesOn) {
  if (!start_chat()) GTEST_SKIP() << "examples not built";
  {
    ChatClient alice(port, "alice");
    EXPECT_EQ(alice.line(), "* welcome alice");
    ChatClient mallory(port, "mallory");
    EXPECT_EQ(mallory.line(), "* welcome mallory");
    EXPECT_EQ(alice.line(), "* mallory joined");
    const std::size_t before_kib = memory_kib("VmHWM");

    // 16 MiB without a newline, while someone joins and talks.
    auto flood = pinfiber::spawn([&mallory] {
      const std::string block(64 * 1024, 'm');
      for (int i = 0; i < 256; ++i) mallory.socket().send_all(block);
    });
    ChatClient newbie(port, "newbie");
    EXPECT_EQ(newbie.line(), "* welcome newbie");
    EXPECT_EQ(alice.line(), "* newbie joined");
    newbie.say("hi");
    EXPECT_EQ(alice.line(), "newbie: hi");
    flood.join();
    // When the refusal came relative to the others depends on how far the flood had got.
    std::vector<std::string> to_mallory{mallory.line(), mallory.line(), mallory.line()};
    std::sort(to_mallory.begin(), to_mallory.end());
    EXPECT_EQ(to_mallory,
              (std::vector<std::string>{"* line dropped: longer than 4096 bytes", "* newbie joined", "newbie: hi"}));
    mallory.say("");  // the end of the endless line: nothing of it is broadcast
    mallory.say("after all");
    EXPECT_EQ(alice.line(), "mallory: after all");
    EXPECT_EQ(newbie.line(), "mallory: after all");
    EXPECT_LT(memory_kib("VmHWM") - before_kib, 8u * 1024) << "the chat server buffered the endless line";
  }
  stop_chat();
}
