#pragma once
// libmosquitto writes to its socket with write(2), which raises SIGPIPE - killing the program by
// default - when the broker has gone. There is no per-socket way out on Linux (no SO_NOSIGPIPE), so
// every call that may write is made with SIGPIPE blocked in this thread, and a SIGPIPE the call left
// pending is taken before the mask is restored: the call reports EPIPE as an error instead. (The
// process-wide alternative, SIG_IGN, would change the program's behaviour behind its back.)

#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <ctime>

namespace pinfiber::mqtt::detail {

class NoSigpipe {
 public:
  NoSigpipe() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    // Already blocked by the program: whatever is pending is its own business.
    mine_ = !sigismember(&old_, SIGPIPE);
  }
  ~NoSigpipe() {
    if (!mine_) return;
    const int saved = errno;
    sigset_t pending;
    if (::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE)) {
      const timespec zero{};
      ::sigtimedwait(&pipe_, nullptr, &zero);
    }
    ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    errno = saved;
  }
  NoSigpipe(const NoSigpipe&) = delete;
  NoSigpipe& operator=(const NoSigpipe&) = delete;

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool mine_ = false;
};

}  // namespace pinfiber::mqtt::detail
