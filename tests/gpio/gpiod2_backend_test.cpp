// The libgpiod 2 backend, with the real libgpiod 2 running against the fake kernel's uAPI v2
// (gpiod_fake_kernel.hpp), plus failures injected in the kernel (ioctl and read faults) and through
// the libgpiod 2 seam. Built only when pinfiber is built on libgpiod 2 (the gpiod2 preset); the
// real kernel's behaviour (debounce, timing, gpio-sim) is the VM suite's.

#include <gmock/gmock.h>
#include <linux/gpio.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "gpio/gpio_fixture.hpp"
#include "gpio/gpiod2_seam.hpp"
#include "gpio/gpiod_fake_kernel.hpp"

namespace pinfiber::gpio::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class Gpiod2Test : public GpioTest {
 protected:
  void SetUp() override {
    GpioTest::SetUp();
    std::vector<std::string> names(boards::raspberry_pi_zero_w().line_names);
    names[17] = "GPIO17";
    fake_.add_chip("brcmvirt-gpio", 2);
    fake_.add_chip("pinctrl-bcm2835", 54, names);
    saved_ = detail::gpiod2_api();
  }
  void TearDown() override {
    detail::gpiod2_api() = saved_;
    GpioTest::TearDown();
    EXPECT_EQ(fake_.open_fds(), 0u) << "libgpiod left a chip or request fd open";
  }
  std::int64_t now_ns() const { return pinfiber::Clock::now().time_since_epoch().count(); }
  std::size_t count(unsigned long ioctl, std::size_t from = 0) const {
    return static_cast<std::size_t>(
        std::count(fake_.ioctls.begin() + static_cast<std::ptrdiff_t>(from), fake_.ioctls.end(), ioctl));
  }

  FakeGpioKernel fake_;  // declared first: destroyed after the backend's chips
  GpiodBackend gpiod_{fake_.dev_dir()};
  detail::Gpiod2Api saved_;
};

TEST_F(Gpiod2Test, LibgpiodTwoWithEveryCapability) {
  EXPECT_EQ(GpiodBackend::api_version(), 2);
  EXPECT_EQ(GpiodBackend::library_version().substr(0, 2), "2.");
  Chip chip("gpiochip1", gpiod_);
  EXPECT_EQ(chip.capabilities(), (Capabilities{.kernel_debounce = true,
                                               .sequence_numbers = true,
                                               .multi_line = true,
                                               .realtime_clock = true,
                                               .hte_clock = true}));
}

TEST_F(Gpiod2Test, ListsAndOpensChipsByNamePathAndLabel) {
  EXPECT_THAT(gpiod_.chip_names(), ElementsAre("gpiochip0", "gpiochip1"));
  Chip by_label("pinctrl-bcm2835", gpiod_);
  EXPECT_EQ(by_label.name(), "gpiochip1");
  EXPECT_EQ(by_label.num_lines(), 54u);
  EXPECT_EQ(by_label.board(), &boards::raspberry_pi_zero_w());
  Chip by_path(fake_.dev_dir() + "/gpiochip0", gpiod_);
  EXPECT_EQ(by_path.label(), "brcmvirt-gpio");
  EXPECT_EQ(by_path.path(), fake_.dev_dir() + "/gpiochip0");
  Chip from_board(boards::raspberry_pi_zero_w(), gpiod_);
  EXPECT_EQ(from_board.name(), "gpiochip1");
}

TEST_F(Gpiod2Test, MissingChipAndPermissionDenied) {
  try {
    Chip c("gpiochip9", gpiod_);
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_THAT(e.what(), HasSubstr("gpiochip1 'pinctrl-bcm2835'"));
  }
  fake_.fail_next_open = EACCES;
  try {
    Chip c("gpiochip1", gpiod_);
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::permission_denied);
    EXPECT_THAT(e.what(), HasSubstr("open chip 'gpiochip1': Permission denied (add the user to the 'gpio' group"));
  }
}

TEST_F(Gpiod2Test, FindsLinesAndReadsLineInfo) {
  Chip chip("gpiochip1", gpiod_);
  EXPECT_EQ(chip.find_line("GPIO17"), 17u);
  EXPECT_EQ(chip.find_line("SPI_CE0_N"), 8u);
  EXPECT_EQ(chip.find_line("GPIO8"), 8u);
  EXPECT_EQ(chip.find_line("NOPE"), std::nullopt);
  auto out = chip.request_output(23, {.initial_value = true,
                                      .drive = Drive::open_drain,
                                      .bias = Bias::pull_up,
                                      .active_low = true,
                                      .consumer = "led"});
  LineInfo li = chip.line_info(23);
  EXPECT_EQ(li.name, "GPIO23");
  EXPECT_EQ(li.consumer, "led");
  EXPECT_TRUE(li.used);
  EXPECT_EQ(li.direction, Direction::output);
  EXPECT_TRUE(li.active_low);
  EXPECT_EQ(li.bias, Bias::pull_up);
  EXPECT_EQ(li.drive, Drive::open_drain);
  EXPECT_FALSE(fake_.line(1, 23).level);  // active-low 1 drives low
  auto src = chip.request_output(24, {.drive = Drive::open_source, .bias = Bias::disable});
  EXPECT_EQ(chip.line_info(24).drive, Drive::open_source);
  EXPECT_EQ(chip.line_info(24).bias, Bias::disable);
  auto in = chip.request_input(25, {.edge = Edge::none, .bias = Bias::pull_down});
  EXPECT_EQ(chip.line_info(25).direction, Direction::input);
  EXPECT_EQ(chip.line_info(25).bias, Bias::pull_down);
  EXPECT_FALSE(chip.line_info(26).used);
  EXPECT_THROW(chip.line_info(54), GpioError);
  EXPECT_GE(count(GPIO_V2_GET_LINEINFO_IOCTL), 1u);
}

TEST_F(Gpiod2Test, OutputsSetAndGetThroughTheRequest) {
  Chip chip("gpiochip1", gpiod_);
  auto led = chip.request_output(17, {.initial_value = true});
  EXPECT_TRUE(fake_.line(1, 17).level);
  led.set(false);
  EXPECT_FALSE(fake_.line(1, 17).level);
  EXPECT_TRUE(led.toggle());
  EXPECT_TRUE(led.get());
  EXPECT_EQ(count(GPIO_V2_LINE_SET_VALUES_IOCTL), 2u);
  led.release();
  EXPECT_FALSE(fake_.line(1, 17).used);
  auto again = chip.request_output(17);
  EXPECT_FALSE(fake_.line(1, 17).level);
}

TEST_F(Gpiod2Test, InputsReadActiveLowValues) {
  Chip chip("gpiochip1", gpiod_);
  auto in = chip.request_input(4, {.edge = Edge::none, .bias = Bias::pull_up, .active_low = true});
  EXPECT_FALSE(in.get());
  fake_.set_level(1, 4, false, 0);
  EXPECT_TRUE(in.get());
}

TEST_F(Gpiod2Test, WaitEdgeReadsNumberedKernelEventsThroughTheHub) {
  Chip chip("gpiochip1", gpiod_);
  auto in = chip.request_input(22, {.edge = Edge::both});
  auto finger = pinfiber::spawn([&] {
    pinfiber::sleep(10ms);
    fake_.set_level(1, 22, true, now_ns());
    pinfiber::sleep(10ms);
    fake_.set_level(1, 22, false, now_ns());
  });
  auto ev = in.wait_edge(Edge::rising, 1s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->edge, Edge::rising);
  EXPECT_EQ(ev->offset, 22u);
  EXPECT_EQ(ev->seqno, 1u);
  EXPECT_EQ(at(*ev), 10ms);
  ev = in.wait_edge(Edge::falling, 1s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(at(*ev), 20ms);
  EXPECT_EQ(ev->seqno, 2u);
  EXPECT_FALSE(ev->lost_before);
  finger.join();
  EXPECT_EQ(count(GPIO_V2_GET_LINE_IOCTL), 1u);
}

TEST_F(Gpiod2Test, RisingAndFallingOnlyRequestsAndBulkReads) {
  Chip chip("gpiochip1", gpiod_);
  auto rising = chip.request_input(5, {.edge = Edge::rising});
  auto falling = chip.request_input(6, {.edge = Edge::falling});
  int n = 0;
  falling.on_falling([&](const EdgeEvent&) { ++n; });
  for (int i = 0; i < 8; ++i) {
    fake_.set_level(1, 5, true, now_ns());
    fake_.set_level(1, 5, false, now_ns());
    fake_.set_level(1, 6, true, now_ns());
    fake_.set_level(1, 6, false, now_ns());
  }
  std::vector<EdgeEvent> got;
  while (auto ev = rising.wait_edge(Edge::both, 0ms)) got.push_back(*ev);
  ASSERT_EQ(got.size(), 8u);
  EXPECT_EQ(got.back().seqno, 8u);
  EXPECT_EQ(rising.lost_count(), 0u);  // eight rising edges in a row: numbered, so no loss inferred
  pinfiber::sleep(1ms);
  EXPECT_EQ(n, 8);
}

TEST_F(Gpiod2Test, QueueOverflowIsCountedFromSequenceNumbers) {
  Chip chip("gpiochip1", gpiod_);
  auto in = chip.request_input(22, {.edge = Edge::both});
  EXPECT_EQ(fake_.last_event_buffer_size, 16u);                               // the kernel's default for one line
  for (int i = 0; i < 20; ++i) fake_.set_level(1, 22, i % 2 == 0, now_ns());  // the oldest 4 are dropped
  std::vector<EdgeEvent> got;
  while (auto ev = in.wait_edge(Edge::both, 0ms)) got.push_back(*ev);
  ASSERT_EQ(got.size(), 16u);
  EXPECT_EQ(got.front().seqno, 5u);
  EXPECT_TRUE(got.front().lost_before);
  EXPECT_EQ(got.front().edge, Edge::rising);
  EXPECT_EQ(got.back().seqno, 20u);
  EXPECT_FALSE(got.back().lost_before);
  EXPECT_EQ(in.lost_count(), 1u);
  EXPECT_EQ(in.lost_events(), 4u);
}

TEST_F(Gpiod2Test, DebounceIsAskedOfTheKernel) {
  Chip chip("gpiochip1", gpiod_);
  auto in = chip.request_input(22, {.edge = Edge::both, .debounce = 10ms});
  EXPECT_EQ(fake_.line(1, 22).debounce_us, 10'000u);
  // The kernel delivers debounced events; pinfiber passes them on at once instead of waiting for a
  // quiet period of its own (which would deliver this one at 12 ms).
  auto finger = pinfiber::spawn([&] {
    pinfiber::sleep(2ms);
    fake_.set_level(1, 22, true, now_ns());
  });
  auto ev = in.wait_edge(Edge::rising, 1s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(since_start(), 2ms);
  EXPECT_EQ(ev->seqno, 1u);
  finger.join();
  // Whole microseconds, rounded up: a period below one is never zero (which would mean none).
  auto fine = chip.request_input(23, {.edge = Edge::both, .debounce = 1500ns});
  EXPECT_EQ(fake_.line(1, 23).debounce_us, 2u);
  auto plain = chip.request_input(24, {.edge = Edge::both});
  EXPECT_EQ(fake_.line(1, 24).debounce_us, 0u);
}

TEST_F(Gpiod2Test, ButtonDebouncedByTheKernel) {
  Chip chip("gpiochip1", gpiod_);
  Button button(chip, 4, {.bounce = 20ms});
  EXPECT_EQ(fake_.line(1, 4).debounce_us, 20'000u);
  std::vector<Duration> presses;
  button.when_pressed([&] { presses.push_back(since_start()); });
  // What the kernel's debouncer emits for a bouncing press: one falling edge, once settled.
  pinfiber::sleep(25ms);
  fake_.set_level(1, 4, false, now_ns());
  pinfiber::sleep(5ms);
  EXPECT_THAT(presses, ElementsAre(25ms));
  EXPECT_TRUE(button.is_pressed());
}

TEST_F(Gpiod2Test, EventClocks) {
  Chip chip("gpiochip1", gpiod_);
  auto mono = chip.request_input(22, {.edge = Edge::both});
  EXPECT_FALSE(fake_.line(1, 22).v2flags & GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME);
  auto real = chip.request_input(23, {.edge = Edge::both, .clock = EventClock::realtime});
  EXPECT_TRUE(fake_.line(1, 23).v2flags & GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME);
  // A kernel without a hardware timestamp engine (every Pi's) refuses HTE; the line stays free.
  try {
    chip.request_input(24, {.edge = Edge::both, .clock = EventClock::hte});
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::operation_not_supported);
    EXPECT_THAT(e.what(), HasSubstr("request line 24 on gpiochip1"));
  }
  EXPECT_FALSE(fake_.line(1, 24).used);
}

TEST_F(Gpiod2Test, GroupsAreOneRequestAndWritesAreMasked) {
  Chip chip("gpiochip1", gpiod_);
  const std::size_t before = fake_.ioctls.size();
  auto leds = chip.request_outputs({17, 27, 22}, {.active_low = true, .consumer = "leds"}, {true, false, true});
  EXPECT_EQ(count(GPIO_V2_GET_LINE_IOCTL, before), 1u);
  EXPECT_EQ(fake_.last_request_lines, 3u);
  EXPECT_FALSE(fake_.line(1, 17).level);  // active-low: logical 1 drives low
  EXPECT_TRUE(fake_.line(1, 27).level);
  EXPECT_FALSE(fake_.line(1, 22).level);
  EXPECT_EQ(chip.line_info(27).consumer, "leds");
  const std::size_t writes = fake_.handle_writes;
  leds.set_values({false, true, true});
  EXPECT_EQ(fake_.handle_writes, writes + 1);
  EXPECT_THAT(leds.get_values(), ElementsAre(false, true, true));
  // One line of the group: the mask names it, so no read-back of the others is needed.
  const std::size_t mark = fake_.ioctls.size();
  leds.set(27, false);
  EXPECT_EQ(count(GPIO_V2_LINE_GET_VALUES_IOCTL, mark), 0u);
  EXPECT_EQ(count(GPIO_V2_LINE_SET_VALUES_IOCTL, mark), 1u);
  EXPECT_THAT(leds.get_values(), ElementsAre(false, false, true));
  auto dip = chip.request_inputs({5, 6}, {.bias = Bias::pull_down});
  fake_.set_level(1, 6, true, 0);
  EXPECT_THAT(dip.get_values(), ElementsAre(false, true));
  EXPECT_TRUE(dip.get(6));
}

TEST_F(Gpiod2Test, BusyLinesNameTheOtherConsumer) {
  fake_.hold(1, 17, "other-app");
  Chip chip("gpiochip1", gpiod_);
  try {
    chip.request_output(17);
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_STREQ(e.what(), "request line 17 on gpiochip1: Device or resource busy (held by 'other-app')");
  }
  try {
    chip.request_outputs({16, 17});
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_STREQ(e.what(), "request lines 16, 17 on gpiochip1: Device or resource busy (line 17 held by 'other-app')");
  }
  EXPECT_FALSE(fake_.line(1, 16).used);
}

// --- failures injected in the kernel ---

TEST_F(Gpiod2Test, EintrFromTheKernelIsRetried) {
  Chip chip("gpiochip1", gpiod_);
  fake_.ioctl_fault = {GPIO_V2_GET_LINE_IOCTL, EINTR, 2};
  auto in = chip.request_input(22, {.edge = Edge::both});
  EXPECT_EQ(fake_.ioctl_fault.times, 0);
  EXPECT_EQ(count(GPIO_V2_GET_LINE_IOCTL), 3u);  // two interrupted, one through
  fake_.set_level(1, 22, true, now_ns());
  fake_.read_fault = {0, EINTR, 1};
  auto ev = in.wait_edge(Edge::both, 1s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(fake_.read_fault.times, 0);
  EXPECT_EQ(ev->edge, Edge::rising);
  fake_.ioctl_fault = {GPIO_V2_LINE_GET_VALUES_IOCTL, EINTR, 1};
  EXPECT_TRUE(in.get());
  EXPECT_EQ(fake_.ioctl_fault.times, 0);
}

TEST_F(Gpiod2Test, EioFromTheKernelNamesTheLine) {
  Chip chip("gpiochip1", gpiod_);
  auto in = chip.request_input(22, {.edge = Edge::both});
  fake_.ioctl_fault = {GPIO_V2_LINE_GET_VALUES_IOCTL, EIO, 1};
  try {
    in.get();
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_STREQ(e.what(), "read line 22 on gpiochip1: Input/output error");
  }
  fake_.set_level(1, 22, true, now_ns());
  fake_.read_fault = {0, EIO, 1};
  try {
    in.wait_edge(Edge::both, 1s);
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_STREQ(e.what(), "read events of line 22 on gpiochip1: Input/output error");
  }
  auto ev = in.wait_edge(Edge::both, 1s);  // the event is still there for the next read
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->seqno, 1u);
  auto out = chip.request_outputs({5, 6});
  fake_.ioctl_fault = {GPIO_V2_LINE_SET_VALUES_IOCTL, EIO, 1};
  try {
    out.set_values({true, true});
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_STREQ(e.what(), "set lines 5, 6 on gpiochip1: Input/output error");
  }
}

// --- failures injected through the seam ---

TEST_F(Gpiod2Test, SeamInjectsFailuresWhileBuildingARequest) {
  Chip chip("gpiochip1", gpiod_);
  detail::gpiod2_api().request_config_new = [] {
    errno = ENOMEM;
    return static_cast<gpiod_request_config*>(nullptr);
  };
  try {
    chip.request_output(17);
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::not_enough_memory);
    EXPECT_STREQ(e.what(), "request line 17 on gpiochip1: Cannot allocate memory");
  }
  EXPECT_FALSE(fake_.line(1, 17).used);
  detail::gpiod2_api() = saved_;
  detail::gpiod2_api().chip_request_lines = [](gpiod_chip*, gpiod_request_config*, gpiod_line_config*) {
    errno = EACCES;
    return static_cast<gpiod_line_request*>(nullptr);
  };
  try {
    chip.request_inputs({4, 5});
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_THAT(e.what(), HasSubstr("request lines 4, 5 on gpiochip1: Permission denied (add the user"));
  }
}

}  // namespace
}  // namespace pinfiber::gpio::testing
