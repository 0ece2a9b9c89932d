#pragma once
// The exceptions pinfiber throws.
//
// Library errors derive from pinfiber::Error (a std::runtime_error) and say what was attempted on what.
// GreenletExit and Timeout deliberately do NOT derive from std::exception: like gevent, which made
// Timeout a BaseException because `except Exception:` kept swallowing it, a `catch (const
// std::exception&)` in user code must not swallow a kill or an expired deadline. Catch them by name, or
// with `catch (const pinfiber::Interrupt&)`; `catch (...)` still catches them and must rethrow.

#include <exception>
#include <stdexcept>
#include <string>

namespace pinfiber {

/// Base of every error pinfiber reports; what() says what was attempted on what.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown in the main greenlet when the operation it blocks on can never complete: nothing is ready,
/// no timer is pending and no watcher is active (gevent's "this operation would block forever").
class LoopExit : public Error {
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
/// GreenletExit is not reported as a failure.
class GreenletExit : public Interrupt {
 public:
  const char* what() const noexcept override { return "GreenletExit"; }
};

/// True if `e` holds a GreenletExit: a kill, which joinall(raise_error), Group.join and the failure
/// report treat as a normal end rather than a failure. False for null.
bool is_greenlet_exit(const std::exception_ptr& e);

}  // namespace pinfiber
