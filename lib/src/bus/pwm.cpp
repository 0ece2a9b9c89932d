#include "pinfiber/bus/pwm.hpp"

#include <cerrno>
#include <cmath>

#include "pinfiber/error.hpp"

namespace pinfiber::bus {

void Pwm::set_frequency(double hz) {
  if (!(hz > 0) || !std::isfinite(hz))
    throw Error::exactly(EINVAL, "set the frequency of " + name() + ": " + std::to_string(hz) + " Hz is not positive");
  set_period(Duration(static_cast<Duration::rep>(std::llround(1e9 / hz))));
}

double Pwm::frequency() const { return 1e9 / static_cast<double>(period().count()); }

}  // namespace pinfiber::bus
