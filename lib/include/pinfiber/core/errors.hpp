#pragma once
// The exceptions of the core.
//
// Failures derive from pinfiber::Error (pinfiber/error.hpp) and say what was attempted on what.
// GreenletExit and Timeout deliberately do NOT derive from std::exception: like gevent, which made
// Timeout a BaseException because `except Exception:` kept swallowing it, a `catch (const
// std::exception&)` in user code must not swallow a kill or an expired deadline. Catch them by name, or
// with `catch (const pinfiber::Interrupt&)`; `catch (...)` still catches them and must rethrow. One that
// escapes main() ends the program, as any uncaught exception does, with a line saying what it was.

#include <exception>
#include <string>

#include "pinfiber/error.hpp"

namespace pinfiber {

/// Thrown in the main greenlet when the operation it blocks on can never complete: nothing is ready,
/// no timer is pending and no watcher is active (gevent's "this operation would block forever").
class LoopExit : public Error {
 public:
  using Error::Error;
};

/// Asking a killed greenlet for the value it never returned: Greenlet<T>::get() / value() of a
/// greenlet that ended by GreenletExit (gevent hands back the GreenletExit object as the value; C++
/// cannot make it a T). Reading the result of a killed greenlet never kills the reader.
class GreenletKilled : public Error {
 public:
  using Error::Error;
};

/// Base of the exceptions that interrupt a greenlet at its blocking point (kill, Timeout).
/// Not a std::exception, so a generic `catch (const std::exception&)` lets it through.
class Interrupt {
 public:
  virtual ~Interrupt() = default;
  virtual const char* what() const noexcept = 0;
};

/// Raised inside a greenlet by kill(); unwinds its stack (destructors run). A greenlet that ends with
/// GreenletExit is not a failure: it is successful(), not reported, and its exception() is null.
class GreenletExit : public Interrupt {
 public:
  const char* what() const noexcept override { return "GreenletExit"; }
};

/// True if `e` holds a GreenletExit: a kill, which joinall(raise_error), Group::join and the failure
/// report treat as a normal end rather than a failure. False for null.
bool is_greenlet_exit(const std::exception_ptr& e);

}  // namespace pinfiber
