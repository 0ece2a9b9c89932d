#pragma once
// What the libgpiod 2 backend's files share (private): errno to exceptions, EINTR retries, owning
// pointers for libgpiod's objects, and the request objects the chip hands out.

#include <gpiod.h>

#include <cerrno>
#include <memory>
#include <span>
#include <system_error>
#include <vector>

#include "gpio/gpiod2_seam.hpp"
#include "pinfiber/gpio/backend.hpp"

namespace pinfiber::gpio::detail {

/// libgpiod 2 reports failures as -1/NULL with errno; the common code adds chip and line to it.
[[noreturn]] inline void gpiod2_throw(int err) { throw std::system_error(err ? err : EIO, std::generic_category()); }

/// Signals interrupt ioctls and reads (an EINTR from a handler installed without SA_RESTART); the
/// call is simply retried, since the hub sees the signal through its own fd. `failed(r)` says
/// whether the result `r` is a failure (libgpiod 2 returns -1, GPIOD_LINE_VALUE_ERROR or NULL).
template <class F, class Failed>
auto gpiod2_retry(F&& f, Failed&& failed) {
  for (;;) {
    errno = 0;
    auto r = f();
    if (!(failed(r) && errno == EINTR)) return r;
  }
}
template <class F>
auto gpiod2_retry(F&& f) {
  return gpiod2_retry(std::forward<F>(f), [](auto r) { return r < 0; });
}

/// One requested line: value reads and writes, and its edge events when `events`.
std::unique_ptr<LineRequest> make_gpiod2_line_request(gpiod_line_request* request, unsigned offset, bool events);
/// Several lines requested as one, `offsets` in the order pinfiber's masks number them.
std::unique_ptr<MultiLineRequest> make_gpiod2_multi_request(gpiod_line_request* request, std::vector<unsigned> offsets);

}  // namespace pinfiber::gpio::detail
