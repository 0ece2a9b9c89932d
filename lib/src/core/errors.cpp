#include "pinfiber/core/errors.hpp"

#include <cxxabi.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <typeinfo>

#include "core/exception_text.hpp"

namespace pinfiber {

bool is_greenlet_exit(const std::exception_ptr& e) {
  if (!e) return false;
  try {
    std::rethrow_exception(e);
  } catch (const GreenletExit&) {
    return true;
  } catch (...) {
    return false;
  }
}

namespace detail {

namespace {

std::terminate_handler previous_terminate = nullptr;

std::string demangled(const std::type_info& t) {
  int status = 0;
  char* name = abi::__cxa_demangle(t.name(), nullptr, nullptr, &status);
  std::string out = status == 0 && name ? name : t.name();
  std::free(name);
  return out;
}

void on_terminate() {
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const Interrupt& i) {
      const std::string line = "pinfiber: " + demangled(typeid(i)) + " was not caught: " + i.what() +
                               " (it is not a std::exception: catch it by name, or as pinfiber::Interrupt)\n";
      ssize_t r = ::write(STDERR_FILENO, line.data(), line.size());
      (void)r;
    } catch (...) {
    }
  }
  if (previous_terminate) previous_terminate();
  std::abort();
}

}  // namespace

std::string describe_exception(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return demangled(typeid(ex)) + ": " + ex.what();
  } catch (const Interrupt& ex) {
    return ex.what();
  } catch (...) {
    std::type_info* t = abi::__cxa_current_exception_type();
    return t ? "exception of type " + demangled(*t) : std::string("unknown exception");
  }
}

void install_interrupt_reporter() {
  static const bool installed = [] {
    previous_terminate = std::set_terminate(&on_terminate);
    return true;
  }();
  (void)installed;
}

}  // namespace detail
}  // namespace pinfiber
