#pragma once
// The real things the MQTT tests run against: a mosquitto broker started by the test on 127.0.0.1
// (a free port, its own config, password and TLS files in a temporary directory), the
// mosquitto_sub / mosquitto_pub clients, certificates made with the openssl CLI, and a TCP proxy
// the test can cut to drop a connection abruptly. Everything is another process or the kernel's,
// so these tests run on the real clock, every wait bounded; they assert what happened, never how
// long it took.

#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pinfiber/core.hpp>
#include <pinfiber/io.hpp>
#include <pinfiber/sync.hpp>

#include "io/io_fixture.hpp"

using namespace std::chrono_literals;

namespace mqtt_test {

inline bool have_program(const char* name) {
  const std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

/// A temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/pinfiber-mqtt-XXXXXX";
    if (!::mkdtemp(tmpl)) throw pinfiber::Error(errno, "mkdtemp");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// Runs a command to its end (bounded) and returns its exit status; its stderr goes to `err`.
inline bool run(const std::vector<std::string>& argv, std::string* err = nullptr) {
  pinfiber::Subprocess p(argv, {.in = pinfiber::Stdio::null, .out = pinfiber::Stdio::null});
  std::string e = p.read_all_err(60s);
  auto st = p.wait(60s);
  if (err) *err = e;
  return st && st->success();
}

/// A port nobody listens on right now (bound to 0 and released).
inline std::uint16_t free_port() {
  auto s = pinfiber::Socket::tcp();
  s.bind(pinfiber::Address::parse("127.0.0.1", 0));
  return s.local_address().port();
}

/// A CA and a server certificate for localhost / 127.0.0.1, made with the openssl CLI (EC keys:
/// quick to make).
struct Pki {
  std::string ca_crt, server_crt, server_key;
  /// Makes a CA named `ca_name` in `dir` and, if `server`, a server certificate it signs for `names`
  /// (subjectAltName entries).
  static Pki make(const TempDir& dir, const std::string& ca_name, bool server,
                  const std::string& names = "DNS:localhost,IP:127.0.0.1") {
    Pki p;
    const std::string d = dir.path() + "/" + ca_name;
    std::filesystem::create_directories(d);
    p.ca_crt = d + "/ca.crt";
    p.server_crt = d + "/server.crt";
    p.server_key = d + "/server.key";
    std::string script =
        "set -e; cd '" + d +
        "'; "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt "
        "-days 2 -subj '/CN=" +
        ca_name + "' 2>/dev/null; ";
    if (server) {
      script +=
          "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr "
          "-subj /CN=localhost 2>/dev/null; "
          "printf 'subjectAltName=" +
          names +
          "\\n' > ext.cnf; "
          "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 "
          "-extfile ext.cnf 2>/dev/null; chmod 644 server.key";
    }
    std::string err;
    if (!run({"/bin/sh", "-c", script}, &err)) throw pinfiber::Error("make test certificates: " + err);
    return p;
  }
};

struct BrokerOptions {
  /// user -> password; non-empty: anonymous clients are refused.
  std::vector<std::pair<std::string, std::string>> users;
  /// TLS listener with these files.
  std::optional<Pki> tls;
  /// Keep messages of persistent sessions across a restart (saved on SIGTERM).
  bool persistence = false;
};

/// A mosquitto broker on 127.0.0.1, started by the constructor and stopped by the destructor.
class Broker {
 public:
  explicit Broker(BrokerOptions options = {}) : options_(std::move(options)), port_(free_port()) {
    std::ofstream conf(dir_.file("mosquitto.conf"));
    conf << "listener " << port_ << " 127.0.0.1\n";
    // Run as root, mosquitto drops to user "mosquitto", which cannot read the test's files: stay.
    if (const passwd* pw = ::getpwuid(::getuid())) conf << "user " << pw->pw_name << "\n";
    if (options_.users.empty()) {
      conf << "allow_anonymous true\n";
    } else {
      conf << "allow_anonymous false\npassword_file " << dir_.file("passwd") << "\n";
      bool first = true;
      for (const auto& [user, password] : options_.users) {
        std::vector<std::string> argv{"mosquitto_passwd", "-b"};
        if (first) argv.push_back("-c");
        argv.insert(argv.end(), {dir_.file("passwd"), user, password});
        std::string err;
        if (!run(argv, &err)) throw pinfiber::Error("mosquitto_passwd: " + err);
        first = false;
      }
    }
    if (options_.tls) {
      conf << "cafile " << options_.tls->ca_crt << "\ncertfile " << options_.tls->server_crt << "\nkeyfile "
           << options_.tls->server_key << "\n";
    }
    if (options_.persistence) {
      conf << "persistence true\npersistence_location " << dir_.path() << "/\nautosave_interval 0\n";
    }
    conf << "log_dest file " << dir_.file("broker.log") << "\nlog_type all\n";
    conf.close();
    start();
  }
  ~Broker() {
    if (process_) {
      process_->kill(SIGKILL);
      process_->wait(10s);
    }
  }

  std::uint16_t port() const { return port_; }
  std::string log() const {
    std::ifstream in(dir_.file("broker.log"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  /// Starts it and waits (bounded) until it accepts connections.
  void start() {
    // setpriv --pdeathsig: the broker dies with the test process, even one killed by a timeout.
    process_.emplace(
        std::vector<std::string>{"setpriv", "--pdeathsig", "KILL", "mosquitto", "-c", dir_.file("mosquitto.conf")},
        pinfiber::SubprocessOptions{
            .in = pinfiber::Stdio::null, .out = pinfiber::Stdio::null, .err = pinfiber::Stdio::null});
    for (int i = 0; i < 1000; ++i) {
      try {
        auto s = pinfiber::Socket::tcp();
        s.connect(pinfiber::Address::parse("127.0.0.1", port_), 1s);
        return;
      } catch (const pinfiber::Error&) {
        if (auto st = process_->poll()) {
          throw pinfiber::Error("mosquitto exited at start (" + st->to_string() + "): " + log());
        }
        pinfiber::sleep(10ms);
      }
    }
    throw pinfiber::Error("mosquitto did not listen on port " + std::to_string(port_) + " within 10 s: " + log());
  }
  /// SIGTERM (it saves its persistence file) and waits for it to exit.
  void stop() {
    if (!process_) return;
    process_->kill(SIGTERM);
    if (!process_->wait(10s)) process_->kill(SIGKILL);
    process_->wait(10s);
    process_.reset();
  }

 private:
  BrokerOptions options_;
  mqtt_test::TempDir dir_;
  std::uint16_t port_;
  std::optional<pinfiber::Subprocess> process_;
};

/// mosquitto_sub run by the test, in debug mode (-d) so that its SUBACK shows when it is subscribed;
/// the other lines are the messages, formatted by `format` (mosquitto_sub -F).
class Sub {
 public:
  Sub(std::uint16_t port, std::vector<std::string> args, const std::string& format = "%t %p") {
    // stdbuf: mosquitto_sub's debug lines (the SUBACK) are block-buffered into a pipe otherwise.
    // setpriv --pdeathsig: it dies with the test process, even one killed by a timeout.
    std::vector<std::string> argv{
        "setpriv", "--pdeathsig",        "KILL", "stdbuf", "-oL", "mosquitto_sub", "-d", "-h", "127.0.0.1",
        "-p",      std::to_string(port), "-F",   format};
    argv.insert(argv.end(), args.begin(), args.end());
    process_.emplace(argv, pinfiber::SubprocessOptions{.in = pinfiber::Stdio::null});
  }
  ~Sub() {
    if (process_) {
      process_->kill(SIGKILL);
      process_->wait(10s);
    }
  }
  /// Waits for its SUBACK. False if it did not come within `timeout`.
  bool subscribed(pinfiber::TimeSpan timeout = 10s) {
    const auto deadline = pinfiber::deadline_in(timeout);
    for (;;) {
      const std::optional<std::string> l = raw_line(deadline);
      if (!l) return false;
      if (l->find("received SUBACK") != std::string::npos) return true;
      if (l->rfind("Client ", 0) != 0) messages_.push_back(*l);
    }
  }
  /// The next message line, or nullopt after `timeout`.
  std::optional<std::string> message(pinfiber::TimeSpan timeout = 10s) {
    if (!messages_.empty()) {
      std::string m = messages_.front();
      messages_.erase(messages_.begin());
      return m;
    }
    const auto deadline = pinfiber::deadline_in(timeout);
    for (;;) {
      const std::optional<std::string> l = raw_line(deadline);
      if (!l) return std::nullopt;
      if (l->rfind("Client ", 0) == 0 || l->rfind("Subscribed ", 0) == 0) continue;  // debug lines
      return l;
    }
  }

 private:
  std::optional<std::string> raw_line(pinfiber::TimePoint deadline) {
    for (;;) {
      if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string l = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return l;
      }
      char chunk[4096];
      std::size_t n = 0;
      try {
        n = process_->read_out(chunk, sizeof chunk,
                               std::max<pinfiber::Duration>(deadline - pinfiber::Clock::now(), {}));
      } catch (const pinfiber::TimeoutError&) {
        return std::nullopt;
      }
      if (n == 0) return std::nullopt;
      buffer_.append(chunk, n);
    }
  }
  std::optional<pinfiber::Subprocess> process_;
  std::string buffer_;
  std::vector<std::string> messages_;
};

/// mosquitto_pub, to its end.
inline void pub(std::uint16_t port, std::vector<std::string> args) {
  std::vector<std::string> argv{"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string err;
  if (!run(argv, &err)) throw pinfiber::Error("mosquitto_pub failed: " + err);
}

/// A TCP proxy to 127.0.0.1:`to` in the test's hub: cut() resets every connection through it at
/// once (SO_LINGER 0), as a pulled cable or a crashed device would look to the broker.
class Proxy {
 public:
  explicit Proxy(std::uint16_t to)
      : to_(to),
        server_(pinfiber::Address::parse("127.0.0.1", 0),
                [this](pinfiber::Socket& c, const pinfiber::Address&) { serve(c); }) {
    server_.start();
  }
  ~Proxy() { server_.stop(0s); }
  std::uint16_t port() const { return server_.address().port(); }
  /// From now on, forwards nothing either way but keeps the connections open: a peer that went
  /// silent (a hung broker, a dead link that sends no reset).
  void freeze() { frozen_ = true; }
  /// Resets every connection (both sides).
  void cut() {
    for (int fd : fds_) {
      const linger abort{.l_onoff = 1, .l_linger = 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
      ::shutdown(fd, SHUT_RDWR);
    }
  }

 private:
  void serve(pinfiber::Socket& client) {
    auto upstream = pinfiber::Socket::tcp();
    upstream.connect(pinfiber::Address::parse("127.0.0.1", to_), 5s);
    fds_.push_back(client.fd());
    fds_.push_back(upstream.fd());
    struct Back {  // killed on every way out, the server's own kill included: it uses our sockets
      pinfiber::Greenlet<void> g;
      ~Back() {
        try {
          g.kill();
        } catch (...) {
        }
      }
    } back{pinfiber::spawn([&] { pump(upstream, client); })};
    struct Forget {
      std::vector<int>& fds;
      int a, b;
      ~Forget() {
        std::erase(fds, a);
        std::erase(fds, b);
      }
    } forget{fds_, client.fd(), upstream.fd()};
    pump(client, upstream);
  }
  void pump(pinfiber::Socket& from, pinfiber::Socket& to) {
    char buf[16384];
    try {
      while (std::size_t n = from.recv(buf, sizeof buf)) {
        if (!frozen_) to.send_all(buf, n);
      }
    } catch (const pinfiber::Error&) {
    }
    if (frozen_) return;  // a silent peer does not hang up either
    try {
      to.shutdown(SHUT_WR);
    } catch (const pinfiber::Error&) {
    }
  }
  std::uint16_t to_;
  bool frozen_ = false;
  std::vector<int> fds_;
  pinfiber::StreamServer server_;
};

}  // namespace mqtt_test

/// The MQTT tests' fixture: the real clock (the broker is another process), the end-of-test checks,
/// and a skip where mosquitto is not installed.
class MqttTest : public RealIoTest {
 protected:
  void SetUp() override {
    RealIoTest::SetUp();
    if (!mqtt_test::have_program("mosquitto") || !mqtt_test::have_program("mosquitto_sub")) {
      GTEST_SKIP() << "mosquitto and mosquitto-clients are not installed";
    }
  }
};
