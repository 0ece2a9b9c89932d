#include "core/stack_overflow.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "core/hub_impl.hpp"

namespace pinfiber::detail {

namespace {

struct sigaction previous_segv_action;

void write_str(const char* s) {
  ssize_t r = ::write(STDERR_FILENO, s, std::strlen(s));
  (void)r;
}

void on_segv(int sig, siginfo_t* info, void* uc) {
  HubImpl* hub = HubImpl::current_or_null();
  if (const Fiber* f = hub ? hub->overflowing_fiber(info->si_addr) : nullptr) {
    // Only async-signal-safe calls from here on: write(2) and formatting by hand.
    char id[24];
    char* p = id + sizeof id;
    *--p = '\0';
    std::uint64_t n = f->id();
    do *--p = static_cast<char>('0' + n % 10);
    while ((n /= 10) != 0);
    write_str("pinfiber: stack overflow in greenlet '");
    if (const char* name = f->name_cstr()) {
      write_str(name);
    } else {
      write_str("Greenlet-");
      write_str(p);
    }
    write_str("': it used its whole stack; spawn it with a larger SpawnOptions::stack_size\n");
    ::signal(SIGSEGV, SIG_DFL);  // returning re-runs the faulting access, which now kills the process
    return;
  }
  if (previous_segv_action.sa_flags & SA_SIGINFO) {
    previous_segv_action.sa_sigaction(sig, info, uc);
  } else if (previous_segv_action.sa_handler != SIG_DFL && previous_segv_action.sa_handler != SIG_IGN) {
    previous_segv_action.sa_handler(sig);
  } else {
    ::signal(SIGSEGV, SIG_DFL);
  }
}

}  // namespace

void install_overflow_handler() {
  static const bool installed = [] {
    struct sigaction sa {};
    sa.sa_sigaction = &on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGSEGV, &sa, &previous_segv_action);
    return true;
  }();
  (void)installed;
}

void* ensure_alt_stack() {
  stack_t current{};
  constexpr std::size_t kAltSize = 64 * 1024;
  if (::sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE) && current.ss_size >= 16 * 1024) {
    return nullptr;
  }
  void* mem = std::malloc(kAltSize);
  stack_t ss{};
  ss.ss_sp = mem;
  ss.ss_size = kAltSize;
  if (!mem || ::sigaltstack(&ss, nullptr) != 0) {
    std::free(mem);
    return nullptr;
  }
  return mem;
}

void release_alt_stack(void* mem) {
  if (!mem) return;
  stack_t ss{};
  ss.ss_flags = SS_DISABLE;
  ::sigaltstack(&ss, nullptr);
  std::free(mem);
}

const Fiber* HubImpl::overflowing_fiber(const void* addr) const {
  const Fiber* f = current_;
  if (!f || !f->stack_) return nullptr;
  const auto guard = GuardKind(f->stack_guard_);
  if (guard == GuardKind::canary) return nullptr;
  return StackPool::in_guard(Stack{f->stack_, f->stack_size_, guard, 0}, addr) ? f : nullptr;
}

void HubImpl::overflow_abort(const Fiber* f) {
  std::string msg = "pinfiber: stack overflow in greenlet '" + f->name() +
                    "': it used its whole stack; spawn it with a larger SpawnOptions::stack_size\n";
  ssize_t r = ::write(STDERR_FILENO, msg.data(), msg.size());
  (void)r;
  std::abort();
}

}  // namespace pinfiber::detail
