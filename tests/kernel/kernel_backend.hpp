#pragma once
// The libgpiod backend this build of pinfiber has. libgpiod 1.6 and libgpiod 2 cannot be linked into
// one program, so each is its own build of the library; the kernel suite is compiled
// against whichever the build found, and this is the one place that names it.

#include "pinfiber/gpio/gpiod_backend.hpp"

namespace pinfiber::gpio::testing {

using KernelBackend = GpiodBackend;

}  // namespace pinfiber::gpio::testing
