#pragma once
// libmosquitto writes to its socket with write(2), which raises SIGPIPE - killing the program by
// default - when the broker has gone. There is no per-socket way out on Linux (no SO_NOSIGPIPE), and
// SIG_IGN would change the whole process behind the program's back. So while an MQTT client exists
// on a hub, SIGPIPE is blocked in that hub's thread (a hub service counts the clients): a write to a
// dead peer fails with EPIPE instead. Subprocesses start with an empty mask (io/subprocess.cpp), so
// children are unaffected. When the last client goes, a SIGPIPE left pending is taken and SIGPIPE
// unblocked again - unless the thread had blocked it itself. Blocking it around each call instead
// costs three system calls per publish, more than the publish itself.

#include <pthread.h>
#include <signal.h>

#include <ctime>

#include "pinfiber/core/hub.hpp"

namespace pinfiber::mqtt::detail {

class SigpipeBlock {
 public:
  /// Blocks SIGPIPE in the calling thread while any holder of this hub lives.
  static void acquire() { hub().service<SigpipeBlock>().take(); }
  static void release() {
    if (auto* s = hub().find_service<SigpipeBlock>()) s->give();
  }

 private:
  static sigset_t pipe_only() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    return set;
  }
  void take() {
    if (users_++ > 0) return;
    const sigset_t set = pipe_only();
    sigset_t old;
    ::pthread_sigmask(SIG_BLOCK, &set, &old);
    mine_ = !sigismember(&old, SIGPIPE);
  }
  void give() {
    if (users_ == 0 || --users_ > 0 || !mine_) return;
    const sigset_t set = pipe_only();
    sigset_t pending;
    if (::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE)) {
      const timespec zero{};
      ::sigtimedwait(&set, nullptr, &zero);
    }
    ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    mine_ = false;
  }
  int users_ = 0;
  bool mine_ = false;
};

}  // namespace pinfiber::mqtt::detail
