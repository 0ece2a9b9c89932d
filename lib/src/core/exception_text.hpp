#pragma once
// Describing exceptions for failure reports, and saying what an Interrupt was when one escapes.

#include <exception>
#include <string>

namespace pinfiber::detail {

/// "std::runtime_error: what()", the what() of an Interrupt, or the type of anything else.
std::string describe_exception(const std::exception_ptr& e);

/// Installs (once per process) a std::terminate handler that, before the previous one runs, names
/// an Interrupt that escaped (GreenletExit, Timeout): the default handler can only print the type of
/// an exception that is not a std::exception.
void install_interrupt_reporter();

}  // namespace pinfiber::detail
