// std::current_exception() and std::uncaught_exceptions() stay right per greenlet, though the C++
// runtime keeps them per thread.

#include <stdexcept>
#include <string>

#include "core/hub_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

class ExceptionState : public HubTest {};

namespace {
std::string current_what() {
  try {
    if (auto e = std::current_exception()) std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  }
  return "none";
}
}  // namespace

TEST_F(ExceptionState, BlockingInsideCatchWhileOthersThrow) {
  std::string a_saw, b_saw, main_saw;
  auto a = spawn([&] {
    try {
      throw std::runtime_error("a");
    } catch (const std::exception&) {
      pinfiber::sleep(1s);  // b throws and catches meanwhile
      a_saw = current_what();
      try {
        throw;  // rethrow the caught one: must still be "a"
      } catch (const std::exception& again) {
        a_saw += std::string("/") + again.what();
      }
    }
  });
  auto b = spawn([&] {
    try {
      throw std::runtime_error("b");
    } catch (const std::exception&) {
      pinfiber::sleep(2s);
      b_saw = current_what();
    }
  });
  main_saw = current_what();
  pinfiber::joinall({a, b});
  EXPECT_EQ(a_saw, "a/a");
  EXPECT_EQ(b_saw, "b");
  EXPECT_EQ(main_saw, "none");
  EXPECT_EQ(current_what(), "none");
}

namespace {
struct SwitchesInDestructor {
  int* count_during_unwind;
  ~SwitchesInDestructor() {
    pinfiber::sleep(1s);  // another greenlet runs while this one is unwinding
    *count_during_unwind = std::uncaught_exceptions();
  }
};
}  // namespace

TEST_F(ExceptionState, UncaughtExceptionsIsPerGreenlet) {
  int unwinding_count = -1;
  int other_count = -1;
  auto a = spawn([&] {
    try {
      SwitchesInDestructor s{&unwinding_count};
      throw std::runtime_error("unwinding");
    } catch (const std::exception&) {
    }
  });
  auto b = spawn([&] {
    pinfiber::sleep(500ms);
    other_count = std::uncaught_exceptions();
  });
  pinfiber::joinall({a, b});
  EXPECT_EQ(unwinding_count, 1);
  EXPECT_EQ(other_count, 0);
  EXPECT_EQ(std::uncaught_exceptions(), 0);
}
