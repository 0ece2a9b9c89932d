#pragma once
// Child processes whose pipes and exit are waited for cooperatively (gevent.subprocess): a greenlet
// reading a child's output or waiting for its exit parks; the hub runs the others meanwhile.

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/io/fd.hpp"

namespace pinfiber {

/// What becomes of one of the child's standard streams.
enum class Stdio {
  pipe,     // a pipe to this process: read_out/read_err, write_in
  inherit,  // the parent's own fd
  null,     // /dev/null
};

/// Options for Subprocess.
struct SubprocessOptions {
  /// The child's whole environment ("NAME=value" each); unset: the parent's.
  std::optional<std::vector<std::string>> env;
  /// Working directory of the child; empty: the parent's.
  std::string cwd;
  Stdio in = Stdio::pipe;
  Stdio out = Stdio::pipe;
  Stdio err = Stdio::pipe;
};

/// How a child ended: exit(code) or a signal.
struct ExitStatus {
  int code = -1;   // exit code when it exited, else -1
  int signal = 0;  // the signal that ended it, else 0
  bool exited() const { return signal == 0; }
  bool success() const { return signal == 0 && code == 0; }
  /// "exit code 3", "killed by signal 9 (Killed)".
  std::string to_string() const;
};

/// A child process (argv[0] searched in PATH when it has no '/'). Its exit is watched through a
/// pidfd (pidfd_open, Linux 5.3+) that the hub polls like any fd; where pidfd_open is missing
/// (ENOSYS: a kernel before 5.3, valgrind 3.19) wait() polls waitpid(WNOHANG) with a
/// backoff from 1 ms to 50 ms of real time instead. While the child runs, a paused test clock waits
/// for it rather than jumping past it (Hub::inhibit_auto_advance). libev's SIGCHLD watcher is not used: it works only
/// on the default loop, and each hub runs its own. One greenlet may read each pipe and one may wait() at a time
/// (FdBusy). Destroying a Subprocess that has not been waited for kills it (SIGKILL) and reaps it, so no zombie is left
/// behind.
///
///   pinfiber::Subprocess p({"/bin/sh", "-c", "echo hi; exit 3"});
///   std::string out = p.read_all_out(5s);                     // "hi\n"; parks, the hub runs on
///   if (auto st = p.wait(5s)) std::printf("%s\n", st->to_string().c_str());   // "exit code 3"
class Subprocess {
 public:
  /// Starts the child. Never blocks. Throws Error naming the command if it cannot be
  /// started: ENOENT for a program that does not exist, EACCES for one not executable, the errno of
  /// pipe/posix_spawn otherwise.
  explicit Subprocess(std::vector<std::string> argv, SubprocessOptions options = {});
  /// Closes the pipes; kills (SIGKILL) and reaps a child not yet waited for.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  /// The command as given (for messages).
  const std::vector<std::string>& args() const { return argv_; }

  /// Writes all of `data` to the child's stdin, parking while the pipe is full. Throws Error: EPIPE
  /// once the child closed its stdin or exited (no SIGPIPE is raised), EBADF without a stdin pipe;
  /// TimeoutError after `timeout`.
  void write_in(std::string_view data, TimeSpan timeout = forever);
  /// Closes the child's stdin (it sees EOF). Idempotent.
  void close_in();

  /// Reads what is there of the child's stdout / stderr (up to `n` bytes), parking until something
  /// is; returns 0 at EOF. Throws Error (EBADF without that pipe), TimeoutError after `timeout`.
  std::size_t read_out(void* buf, std::size_t n, TimeSpan timeout = forever);
  std::size_t read_err(void* buf, std::size_t n, TimeSpan timeout = forever);
  /// Everything until EOF (the child closed it, usually by exiting); `timeout` covers the whole read.
  std::string read_all_out(TimeSpan timeout = forever);
  std::string read_all_err(TimeSpan timeout = forever);

  /// Waits until the child ends or `timeout` passes; returns its status, or nullopt on timeout
  /// (then kill() and wait() again). Parks only the calling greenlet. Once reaped, returns the same
  /// status at once.
  std::optional<ExitStatus> wait(TimeSpan timeout = forever);
  /// The status if the child has ended (reaping it), else nullopt. Never blocks.
  std::optional<ExitStatus> poll();
  /// Sends `signal` to the child; nothing once it was reaped (its pid may belong to another process
  /// by then). Throws Error if kill(2) fails.
  void kill(int signal = 9);

 private:
  std::size_t read_from(Fd& fd, void* buf, std::size_t n, Fd::Deadline deadline);
  std::string read_all_from(Fd& fd, TimeSpan timeout);
  std::string what(const char* action) const;
  void reaped(int status);
  void wait_polling(TimePoint deadline);

  std::vector<std::string> argv_;
  pid_t pid_ = -1;
  Fd pidfd_;
  Fd in_;
  Fd out_;
  Fd err_;
  std::optional<ExitStatus> status_;
  bool holds_clock_ = false;  // inhibits the paused clock's jumps until the child is reaped
};

namespace detail {
/// Test seam: makes Subprocesses of the calling thread's hub behave as if pidfd_open returned ENOSYS
/// (the polling fallback).
void subprocess_disable_pidfd(bool disabled);
}  // namespace detail

}  // namespace pinfiber
