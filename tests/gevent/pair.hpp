#pragma once
// The C++ half of a side-by-side pair (tests/gevent/NAME.cpp beside NAME.py): a small program that
// prints what the Python prints under python3-gevent. The ctest runs both and compares the outputs.
//
// The C++ side runs on the hub's paused clock (begin()): where the Python sleeps for real so that
// gevent's timers order things, the C++ jumps to the same deadlines at once, in the same order.

#include <cstdio>
#include <exception>
#include <string>

#include <pinfiber/core.hpp>
#include <pinfiber/sync.hpp>

namespace pair {

/// Pauses the hub's clock, and makes stdout line-buffered so that a side that fails still shows
/// what it printed up to there. Call first in main().
inline void begin() {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  pinfiber::hub().pause_clock();
}

/// Python's spelling of a bool.
inline const char* py(bool b) { return b ? "True" : "False"; }

/// What Python prints for an exception attribute: "None", or the message.
inline std::string py(const std::exception_ptr& e) {
  if (!e) return "None";
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (const pinfiber::Interrupt& x) {
    return x.what();
  } catch (...) {
    return "?";
  }
}

}  // namespace pair
