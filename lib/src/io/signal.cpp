#include "pinfiber/io/signal.hpp"

#include <signal.h>

#include <chrono>
#include <exception>
#include <string>
#include <vector>

#include "pinfiber/core/detail/timer.hpp"
#include "pinfiber/core/detail/watch.hpp"
#include "pinfiber/core/errors.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/core/logging.hpp"

namespace pinfiber {

namespace {

// Per hub: the shutdown in flight (a second signal does not start another), and whether one happened
// (the program is on its way out: see ~SignalHandler). No greenlet of its own: after queueing the
// kills it only keeps count of the greenlets still unwinding, through raw links, and a hub timer
// names those still alive when the grace is over.
struct ShutdownState {
  bool happened = false;
  std::vector<GreenletBase> victims;
  std::size_t alive = 0;
  Duration grace{};
  detail::TimerNode timer;

  bool in_flight() const { return timer.armed(); }

  static void on_grace_over(detail::TimerNode* node) {
    auto* self = static_cast<ShutdownState*>(node->context);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(self->grace).count();
    for (const auto& g : self->victims) {
      if (g.dead()) continue;
      detail::report(logging::Level::warning,
                     "shutdown: greenlet '{greenlet}' still runs {ms} ms after GreenletExit (it swallowed the "
                     "kill?): abandoned",
                     {{"greenlet", g.name()}, {"ms", ms}});
    }
    self->victims.clear();
  }
  ~ShutdownState() { detail::disarm_timer(timer); }
};

}  // namespace

struct SignalHandler::Impl {
  std::function<void()> fn;
  detail::SignalWatch watch;

  Impl(int signum, std::function<void()> f) : fn(std::move(f)), watch(signum, &Impl::on_signal, this) {}

  static void on_signal(detail::SignalWatch& w) {
    auto* self = static_cast<Impl*>(w.context());
    // The hub must not block; the handler may, so it gets a greenlet of its own.
    spawn_with({.name = "signal " + std::to_string(w.signum())}, [fn = self->fn] { fn(); });
  }
};

SignalHandler::SignalHandler(int signum, std::function<void()> fn) {
  if (signum <= 0 || signum >= NSIG) {
    throw Error(EINVAL, "install a handler for signal " + std::to_string(signum), "no such signal");
  }
  impl_ = new Impl(signum, std::move(fn));
  impl_->watch.start();
}

SignalHandler::~SignalHandler() {
  const int signum = impl_->watch.signum();
  // After a shutdown the program is on its way out: a storm of repeats (a supervisor sending SIGTERM
  // again and again) must not kill it by the default action before it has finished cleaning up. The
  // default action must not get a moment in between either: libev's stop restores SIG_DFL (or, with
  // a signalfd, unblocks the signal), so the signal stays blocked, and ignored, around the stop.
  auto* state = hub().find_service<ShutdownState>();
  if (state && state->happened) {
    sigset_t only{}, old{};
    sigemptyset(&only);
    sigaddset(&only, signum);
    ::pthread_sigmask(SIG_BLOCK, &only, &old);
    ::signal(signum, SIG_IGN);
    impl_->watch.stop();
    ::signal(signum, SIG_IGN);
    if (!sigismember(&old, signum)) ::pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
  } else {
    impl_->watch.stop();  // libev restores the default action
  }
  delete impl_;
}

void shutdown() { shutdown_within(shutdown_grace); }

void shutdown_within(TimeSpan grace) {
  ShutdownState& state = hub().service<ShutdownState>();
  if (state.in_flight()) return;
  state.happened = true;
  state.grace = grace;
  state.victims = all_greenlets();
  std::erase(state.victims, getcurrent());
  // Kills queued in spawn order, behind what is already scheduled, and main's last: each greenlet
  // unwinds at its blocking point (destructors run, sockets close, queue getters and sleepers leave)
  // before main's kill reaches main - so main's blocking call throws GreenletExit, rather than return
  // because what it waited for was killed, and its cleanup comes after theirs.
  killall(state.victims, false);
  main_greenlet().kill(false);
  // The count of those still unwinding; once none is left, nothing more is to be said.
  state.alive = 0;
  for (const auto& g : state.victims) {
    if (g.dead()) continue;
    ++state.alive;
    g.rawlink([&state](const GreenletBase&) {
      if (--state.alive == 0) {
        detail::disarm_timer(state.timer);
        state.victims.clear();
      }
    });
  }
  if (state.alive == 0) {
    state.victims.clear();
    return;
  }
  state.timer.fire = &ShutdownState::on_grace_over;
  state.timer.context = &state;
  detail::arm_timer(state.timer, deadline_in(grace));
}

}  // namespace pinfiber
