#pragma once
// The libgpiod backend this build of pinfiber has. libgpiod 1.6 and libgpiod 2 cannot be linked into
// one program, so each is its own build of the library; the kernel suite is compiled against
// whichever the build found, and this is the one place that names it or asks what it can do.

#include <string>

#include "pinfiber/gpio/gpiod_backend.hpp"

namespace pinfiber::gpio::testing {

using KernelBackend = GpiodBackend;

/// True when the backend speaks the kernel's GPIO uAPI v2 (libgpiod 2.x): kernel debounce, event
/// sequence numbers. libgpiod 1.6 speaks v1 only.
inline bool backend_has_uapi_v2() { return !KernelBackend::library_version().starts_with("1."); }

}  // namespace pinfiber::gpio::testing
