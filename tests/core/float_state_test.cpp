// Floating-point values held in callee-saved VFP registers (d8-d15 on 32-bit ARM) survive a
// greenlet switch, whichever greenlet used those registers in between.
#include <gtest/gtest.h>

#include <pinfiber/core.hpp>

#include "core/hub_fixture.hpp"

namespace {

// Eight doubles live across every sleep(0): with VFP code generation they sit in d8-d15. The same
// arithmetic without switching gives the value to expect.
template <bool kSwitch>
[[gnu::noinline]] double accumulate(double seed, int rounds) {
  double a = seed, b = seed * 2, c = seed * 3, d = seed * 5, e = seed * 7, f = seed * 11, g = seed * 13, h = seed * 17;
  for (int i = 0; i < rounds; ++i) {
    if constexpr (kSwitch) pinfiber::sleep(0);
    a = a * 1.5 + 1;
    b = b * 1.5 + 1;
    c = c * 1.5 + 1;
    d = d * 1.5 + 1;
    e = e * 1.5 + 1;
    f = f * 1.5 + 1;
    g = g * 1.5 + 1;
    h = h * 1.5 + 1;
  }
  return a + b + c + d + e + f + g + h;
}

using FloatState = HubTest;

TEST_F(FloatState, CalleeSavedFloatRegistersSurviveSwitches) {
  auto g1 = pinfiber::spawn([] { return accumulate<true>(1.0, 20); });
  auto g2 = pinfiber::spawn([] { return accumulate<true>(3.0, 20); });
  const double in_main = accumulate<true>(7.0, 20);
  EXPECT_EQ(g1.get(), accumulate<false>(1.0, 20));
  EXPECT_EQ(g2.get(), accumulate<false>(3.0, 20));
  EXPECT_EQ(in_main, accumulate<false>(7.0, 20));
}

}  // namespace
