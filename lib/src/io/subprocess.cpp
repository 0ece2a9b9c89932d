#include "pinfiber/io/subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "pinfiber/core/detail/fiber.hpp"
#include "pinfiber/core/detail/watch.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/io/wait.hpp"

extern char** environ;

namespace pinfiber {

namespace {

// What the hub learned about pidfds: whether a test turned them off, and whether pidfd_open said
// ENOSYS once (no use asking again: valgrind warns each time).
struct PidfdSupport {
  bool disabled = false;
  bool missing = false;
};

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  PidfdSupport& support = hub().service<PidfdSupport>();
  if (!support.disabled && !support.missing) {
    // Through syscall(): glibc's wrapper is 2.36+, and the sysroots of older boards lack it.
    const long fd = ::syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0) {
      ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
      return static_cast<int>(fd);
    }
    if (errno == ENOSYS) support.missing = true;
  }
#endif
  return -1;  // ENOSYS (or EINVAL, ...): wait() polls waitpid instead
}

// Where the program would be found, or an errno: checked here because posix_spawn reports exec
// failures only where clone(CLONE_VFORK) shares memory with the child, which qemu-user does not
// emulate (the child then just exits 127 and the caller never learns the command was missing).
int find_program(const std::string& name, std::string& path) {
  auto check = [](const std::string& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return errno;
    if (S_ISDIR(st.st_mode)) return EACCES;
    return ::access(p.c_str(), X_OK) == 0 ? 0 : errno;
  };
  if (name.empty()) return ENOENT;
  if (name.find('/') != std::string::npos) {
    path = name;
    return check(name);
  }
  const char* env_path = std::getenv("PATH");
  std::string_view dirs = env_path && *env_path ? env_path : "/usr/local/bin:/usr/bin:/bin";
  int first_error = ENOENT;
  while (true) {
    const auto colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    const int e = check(candidate);
    if (e == 0) {
      path = candidate;
      return 0;
    }
    if (e == EACCES) first_error = EACCES;  // as execvp: a found but unusable file wins over ENOENT
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return first_error;
}

[[noreturn]] void throw_errno(int err, const std::string& what) { throw Error(err, what); }

// Both ends close-on-exec; the parent's end non-blocking, the child's end blocking (as children expect).
void make_pipe(int fds[2], bool parent_reads) {
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno(errno, "create a pipe for a subprocess");
  const int parent = fds[parent_reads ? 0 : 1];
  ::fcntl(parent, F_SETFL, ::fcntl(parent, F_GETFL) | O_NONBLOCK);
}

ExitStatus decode(int status) {
  ExitStatus s;
  if (WIFSIGNALED(status)) {
    s.signal = WTERMSIG(status);
  } else {
    s.code = WEXITSTATUS(status);
  }
  return s;
}

}  // namespace

std::string ExitStatus::to_string() const {
  if (signal != 0) return "killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
  return "exit code " + std::to_string(code);
}

namespace detail {
void subprocess_disable_pidfd(bool disabled) { hub().service<PidfdSupport>().disabled = disabled; }
}  // namespace detail

Subprocess::Subprocess(std::vector<std::string> argv, SubprocessOptions options) : argv_(std::move(argv)) {
  if (argv_.empty()) throw_errno(EINVAL, "start a subprocess: empty command");
  std::string program;
  if (const int e = find_program(argv_[0], program); e != 0) throw_errno(e, what("start"));

  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  auto cleanup = [&] {
    posix_spawn_file_actions_destroy(&actions);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) {
      if (fd >= 0) ::close(fd);
    }
  };
  try {
    auto route = [&](Stdio how, int target, int fds[2], bool parent_reads) {
      if (how == Stdio::pipe) {
        make_pipe(fds, parent_reads);
        // dup2 onto 0/1/2 clears close-on-exec on the copy, so only that copy reaches the program.
        posix_spawn_file_actions_adddup2(&actions, fds[parent_reads ? 1 : 0], target);
      } else if (how == Stdio::null) {
        posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0);
      }
    };
    route(options.in, 0, in, false);
    route(options.out, 1, out, true);
    route(options.err, 2, err, true);
  } catch (...) {
    cleanup();
    throw;
  }
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());

  std::vector<char*> args;
  for (auto& a : argv_) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<char*> envp;
  if (options.env) {
    for (auto& e : *options.env) envp.push_back(e.data());
    envp.push_back(nullptr);
  }
  // The child starts with default signal dispositions and an empty mask: a signal this program
  // ignores or blocks (SIG_IGN survives exec, and so does the mask) would otherwise be ignored by
  // the child too, and `kill(SIGTERM)` might do nothing.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  const int rc =
      ::posix_spawn(&pid_, program.c_str(), &actions, &attr, args.data(), options.env ? envp.data() : environ);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    cleanup();
    pid_ = -1;
    throw_errno(rc, what("start"));
  }
  posix_spawn_file_actions_destroy(&actions);
  // The child's ends belong to the child now.
  for (int fd : {in[0], out[1], err[1]}) {
    if (fd >= 0) ::close(fd);
  }
  if (in[1] >= 0) in_ = Fd(in[1], "stdin of subprocess '" + argv_[0] + "'");
  if (out[0] >= 0) out_ = Fd(out[0], "stdout of subprocess '" + argv_[0] + "'");
  if (err[0] >= 0) err_ = Fd(err[0], "stderr of subprocess '" + argv_[0] + "'");
  if (const int pidfd = open_pidfd(pid_); pidfd >= 0) pidfd_ = Fd(pidfd, "subprocess '" + argv_[0] + "'");
  // Real work outstanding: a paused test clock waits for the child instead of jumping past it.
  hub().inhibit_auto_advance();
  holds_clock_ = true;
}

Subprocess::~Subprocess() {
  in_.close();
  out_.close();
  err_.close();
  pidfd_.close();
  if (pid_ > 0 && !status_) {
    // Blocking, but short: SIGKILL cannot be caught, so the child is gone within microseconds.
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped(status);
  }
}

void Subprocess::reaped(int status) {
  status_ = decode(status);
  pidfd_.close();
  if (std::exchange(holds_clock_, false)) hub().allow_auto_advance();
}

std::string Subprocess::what(const char* action) const {
  return std::string(action) + " subprocess '" + argv_[0] + "'";
}

void Subprocess::write_in(std::string_view data, TimeSpan timeout) {
  if (!in_) throw_errno(EBADF, what("write to stdin of"));
  const Fd::Deadline deadline = in_.deadline(timeout);
  // A write to a pipe whose reader is gone raises SIGPIPE, which kills the program by default. Block
  // it around the write (per thread) and swallow the one the write may leave pending: EPIPE says it.
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  while (!data.empty()) {
    const auto n = in_.retry(detail::fd_writable, "write to", deadline, [&] {
      sigset_t old;
      ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
      const ssize_t r = ::write(in_.get(), data.data(), data.size());
      const int e = errno;
      if (r < 0 && e == EPIPE) {
        const timespec zero{};
        ::sigtimedwait(&pipe_only, nullptr, &zero);
      }
      ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
      errno = e;
      return r;
    });
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void Subprocess::close_in() { in_.close(); }

std::size_t Subprocess::read_from(Fd& fd, void* buf, std::size_t n, Fd::Deadline deadline) {
  if (!fd) throw_errno(EBADF, what("read from a pipe it does not have:"));
  return static_cast<std::size_t>(
      fd.retry(detail::fd_readable, "read from", deadline, [&] { return ::read(fd.get(), buf, n); }));
}

std::size_t Subprocess::read_out(void* buf, std::size_t n, TimeSpan timeout) {
  return read_from(out_, buf, n, out_.deadline(timeout));
}
std::size_t Subprocess::read_err(void* buf, std::size_t n, TimeSpan timeout) {
  return read_from(err_, buf, n, err_.deadline(timeout));
}

std::string Subprocess::read_all_from(Fd& fd, TimeSpan timeout) {
  const Fd::Deadline deadline = fd.deadline(timeout);
  std::string all;
  char buf[4096];
  while (std::size_t n = read_from(fd, buf, sizeof buf, deadline)) all.append(buf, n);
  return all;
}

std::string Subprocess::read_all_out(TimeSpan timeout) { return read_all_from(out_, timeout); }
std::string Subprocess::read_all_err(TimeSpan timeout) { return read_all_from(err_, timeout); }

std::optional<ExitStatus> Subprocess::poll() {
  if (status_ || pid_ <= 0) return status_;
  int status = 0;
  pid_t r;
  while ((r = ::waitpid(pid_, &status, WNOHANG)) < 0 && errno == EINTR) {
  }
  if (r == pid_) {
    reaped(status);
  } else if (r < 0) {
    throw_errno(errno, what("wait for"));  // ECHILD: someone else reaped it (waitpid(-1) elsewhere)
  }
  return status_;
}

std::optional<ExitStatus> Subprocess::wait(TimeSpan timeout) {
  const TimePoint deadline = deadline_in(timeout);
  if (pidfd_) {
    // The pidfd turns readable when the child exits; the hub polls it like any fd.
    while (!poll()) {
      if (!detail::wait_fd(pidfd_.get(), detail::fd_readable, deadline)) return poll();
    }
    return status_;
  }
  wait_polling(deadline);
  return status_;
}

// No pidfd: poll waitpid, backing off so that a long-running child costs a wake-up every 50 ms at
// most, while a short one is noticed within a millisecond or two. The back-off runs on the REAL
// clock (the child lives in real time; a paused hub clock, held by the child, would never move).
void Subprocess::wait_polling(TimePoint deadline) {
  struct Nap {
    detail::Fiber* fiber = detail::current_fiber();
    bool rang = false;
    detail::RealTimer timer{[](detail::RealTimer& t) {
                              auto* self = static_cast<Nap*>(t.context());
                              self->rang = true;
                              detail::wake(self->fiber);
                            },
                            this};
  } nap;
  Duration backoff = std::chrono::milliseconds(1);
  while (!poll()) {
    nap.rang = false;
    nap.timer.start(backoff);
    if (!detail::wait_until({"a subprocess to exit"}, deadline, [&] { return nap.rang; })) return;
    backoff = std::min<Duration>(backoff * 2, std::chrono::milliseconds(50));
  }
}

void Subprocess::kill(int signal) {
  if (status_ || pid_ <= 0) return;
  if (::kill(pid_, signal) != 0) throw_errno(errno, what(("send signal " + std::to_string(signal) + " to").c_str()));
}

}  // namespace pinfiber
