#include "pinfiber/io/signal.hpp"

#include <ev.h>
#include <signal.h>

#include <exception>
#include <string>

#include "core/hub_impl.hpp"
#include "pinfiber/core/errors.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/core/hub.hpp"

namespace pinfiber {

struct SignalHandler::Impl {
  ev_signal watcher{};
  struct ev_loop* loop = nullptr;
  std::function<void()> fn;
  int signum = 0;

  static void on_signal(struct ev_loop*, ev_signal* w, int) {
    auto* self = static_cast<Impl*>(w->data);
    // The hub must not block; the handler may, so it gets a greenlet of its own.
    spawn_with({.name = "signal " + std::to_string(self->signum)}, [fn = self->fn] { fn(); });
  }
};

SignalHandler::SignalHandler(int signum, std::function<void()> fn) : impl_(new Impl) {
  if (signum <= 0 || signum >= NSIG) {
    delete impl_;
    throw Error("install a handler for signal " + std::to_string(signum) + ": no such signal");
  }
  impl_->loop = hub().loop();
  impl_->fn = std::move(fn);
  impl_->signum = signum;
  ev_signal_init(&impl_->watcher, &Impl::on_signal, signum);
  impl_->watcher.data = impl_;
  ev_signal_start(impl_->loop, &impl_->watcher);
  ev_unref(impl_->loop);  // a signal that may never come does not keep the hub alive
}

SignalHandler::~SignalHandler() {
  ev_ref(impl_->loop);  // balance the unref before stopping, as libev requires
  ev_signal_stop(impl_->loop, &impl_->watcher);
  delete impl_;
}

void shutdown() {
  detail::HubImpl& hub = detail::HubImpl::current();
  detail::interrupt(hub.main_fiber(), std::make_exception_ptr(GreenletExit()));
}

}  // namespace pinfiber
