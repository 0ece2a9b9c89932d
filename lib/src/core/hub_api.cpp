// The public face of the hub: Hub's members and Clock::now() forward to the thread's HubImpl.

#include "core/hub_impl.hpp"
#include "pinfiber/core/errors.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/core/hub.hpp"

namespace pinfiber {

using detail::HubImpl;

Hub& hub() { return HubImpl::current().facade(); }

Clock::time_point Clock::now() { return HubImpl::current().now(); }

TimePoint Hub::now() const { return impl_->now(); }
void Hub::pause_clock() { impl_->pause_clock(); }
void Hub::resume_clock() { impl_->resume_clock(); }
bool Hub::clock_paused() const { return impl_->clock_paused(); }
void Hub::advance_clock(Duration d) { impl_->advance_clock(d); }
std::uint64_t Hub::loop_iterations() const { return impl_->loop_iterations(); }
void Hub::post(std::function<void()> fn) { impl_->post(std::move(fn)); }
void Hub::hold() { impl_->hold(); }
void Hub::unhold() { impl_->unhold(); }
void Hub::set_exception_handler(ExceptionHandler handler) { impl_->set_exception_handler(std::move(handler)); }
void Hub::set_default_stack_size(std::size_t bytes) {
  impl_->set_default_stack_size(detail::resolve_stack_size(bytes));
}
std::size_t Hub::default_stack_size() const { return impl_->default_stack_size(); }
std::size_t Hub::greenlet_count() const { return impl_->greenlet_count(); }
std::size_t Hub::kill_all(Duration timeout) { return impl_->kill_all(timeout); }
const HubActivity& Hub::activity() const { return impl_->activity(); }
void* Hub::extension(const void* key, void* (*create)(), void (*destroy)(void*)) {
  return impl_->extension(key, create, destroy);
}
struct ev_loop* Hub::loop() const {
  return impl_->loop();
}

}  // namespace pinfiber
