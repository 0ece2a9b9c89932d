#include "pinfiber/io/subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <utility>

#include "pinfiber/core/sleep.hpp"
#include "pinfiber/io/wait.hpp"

extern char** environ;

namespace pinfiber {

namespace {

std::atomic<bool> pidfd_disabled{false};
std::atomic<bool> pidfd_missing{false};  // pidfd_open said ENOSYS once: no use asking again

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  if (!pidfd_disabled.load(std::memory_order_relaxed) && !pidfd_missing.load(std::memory_order_relaxed)) {
    // Through syscall(): glibc's wrapper is 2.36+, and the sysroots of older boards lack it.
    const long fd = ::syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0) {
      ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
      return static_cast<int>(fd);
    }
    // Valgrind 3.19 and old kernels answer ENOSYS (valgrind with a warning each time).
    if (errno == ENOSYS) pidfd_missing.store(true, std::memory_order_relaxed);
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

[[noreturn]] void throw_errno(int err, const std::string& what) {
  throw std::system_error(err, std::generic_category(), what);
}

TimePoint deadline_in(Duration timeout) { return deadline_after(Clock::now(), timeout); }

Duration left_until(TimePoint deadline) {
  return deadline == TimePoint::max() ? forever : std::max(Duration::zero(), deadline - Clock::now());
}

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
void subprocess_disable_pidfd(bool disabled) { pidfd_disabled.store(disabled, std::memory_order_relaxed); }
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
  in_ = in[1];
  out_ = out[0];
  err_ = err[0];
  pidfd_ = open_pidfd(pid_);
}

Subprocess::~Subprocess() {
  for (int* fd : {&in_, &out_, &err_, &pidfd_}) {
    if (*fd >= 0) {
      cancel_wait(*fd);
      ::close(*fd);
      *fd = -1;
    }
  }
  if (pid_ > 0 && !status_) {
    // Blocking, but short: SIGKILL cannot be caught, so the child is gone within microseconds.
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

std::string Subprocess::what(const char* action) const {
  return std::string(action) + " subprocess '" + argv_[0] + "'";
}

void Subprocess::write_in(std::string_view data, Duration timeout) {
  if (in_ < 0) throw_errno(EBADF, what("write to stdin of"));
  const TimePoint deadline = deadline_in(timeout);
  // A write to a pipe whose reader is gone raises SIGPIPE, which kills the program by default. Block
  // it around the write (per thread) and swallow the one the write may leave pending: EPIPE says it.
  sigset_t pipe_only, old;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  while (!data.empty()) {
    ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
    const ssize_t n = ::write(in_, data.data(), data.size());
    const int e = errno;
    if (n < 0 && e == EPIPE) {
      const timespec zero{};
      ::sigtimedwait(&pipe_only, nullptr, &zero);
    }
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (n >= 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
    } else if (e == EAGAIN) {
      if (!wait_writable(in_, left_until(deadline))) throw_errno(ETIMEDOUT, what("write to stdin of"));
    } else if (e != EINTR) {
      throw_errno(e, what("write to stdin of"));
    }
  }
}

void Subprocess::close_in() {
  if (in_ >= 0) pinfiber::close(std::exchange(in_, -1));
}

std::size_t Subprocess::read_from(int fd, const char* which, void* buf, std::size_t n, TimePoint deadline) {
  if (fd < 0) throw_errno(EBADF, what(which));
  while (true) {
    const ssize_t got = ::read(fd, buf, n);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno == EAGAIN) {
      if (!wait_readable(fd, left_until(deadline))) throw_errno(ETIMEDOUT, what(which));
    } else if (errno != EINTR) {
      throw_errno(errno, what(which));
    }
  }
}

std::size_t Subprocess::read_out(void* buf, std::size_t n, Duration timeout) {
  return read_from(out_, "read stdout of", buf, n, deadline_in(timeout));
}
std::size_t Subprocess::read_err(void* buf, std::size_t n, Duration timeout) {
  return read_from(err_, "read stderr of", buf, n, deadline_in(timeout));
}

std::string Subprocess::read_all_from(int fd, const char* which, Duration timeout) {
  const TimePoint deadline = deadline_in(timeout);
  std::string all;
  char buf[4096];
  while (std::size_t n = read_from(fd, which, buf, sizeof buf, deadline)) all.append(buf, n);
  return all;
}

std::string Subprocess::read_all_out(Duration timeout) { return read_all_from(out_, "read stdout of", timeout); }
std::string Subprocess::read_all_err(Duration timeout) { return read_all_from(err_, "read stderr of", timeout); }

std::optional<ExitStatus> Subprocess::poll() {
  if (status_ || pid_ <= 0) return status_;
  int status = 0;
  pid_t r;
  while ((r = ::waitpid(pid_, &status, WNOHANG)) < 0 && errno == EINTR) {
  }
  if (r == pid_) {
    status_ = decode(status);
    if (pidfd_ >= 0) pinfiber::close(std::exchange(pidfd_, -1));
  } else if (r < 0) {
    throw_errno(errno, what("wait for"));  // ECHILD: someone else reaped it (waitpid(-1) elsewhere)
  }
  return status_;
}

std::optional<ExitStatus> Subprocess::wait(Duration timeout) {
  const TimePoint deadline = deadline_in(timeout);
  if (pidfd_ >= 0) {
    // The pidfd turns readable when the child exits; the hub polls it like any fd.
    while (!poll()) {
      if (!wait_readable(pidfd_, left_until(deadline))) return poll();
    }
    return status_;
  }
  // No pidfd: poll waitpid, backing off so that a long-running child costs a wake-up every 50 ms
  // at most, while a short one is noticed within a millisecond or two.
  Duration backoff = std::chrono::milliseconds(1);
  while (!poll()) {
    const Duration left = left_until(deadline);
    if (left <= Duration::zero()) return std::nullopt;
    pinfiber::sleep(std::min(backoff, left));
    backoff = std::min<Duration>(backoff * 2, std::chrono::milliseconds(50));
  }
  return status_;
}

void Subprocess::kill(int signal) {
  if (status_ || pid_ <= 0) return;
  if (::kill(pid_, signal) != 0) throw_errno(errno, what(("send signal " + std::to_string(signal) + " to").c_str()));
}

}  // namespace pinfiber
