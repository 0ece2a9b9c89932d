// The libgpiod backend, with the real libgpiod 1.6 running against the fake kernel
// (gpiod_fake_kernel.hpp), plus failures injected through the libgpiod seam.
//
// libgpiod calls covered, each run by at least one test below: gpiod_chip_open, gpiod_chip_close,
// gpiod_chip_name, gpiod_chip_label, gpiod_chip_num_lines, gpiod_chip_get_line, gpiod_chip_find_line,
// gpiod_line_request (input, output, rising/falling/both events, with active-low, bias and drive
// flags), gpiod_line_release, gpiod_line_get_value, gpiod_line_set_value, gpiod_line_event_get_fd,
// gpiod_line_event_read_multiple, gpiod_line_update, gpiod_line_offset, gpiod_line_name,
// gpiod_line_consumer, gpiod_line_direction, gpiod_line_active_state, gpiod_line_bias,
// gpiod_line_is_open_drain, gpiod_line_is_open_source, gpiod_line_is_used, gpiod_version_string,
// gpiod_line_request_bulk, gpiod_line_release_bulk, gpiod_line_get_value_bulk, gpiod_line_set_value_bulk.

#include <gmock/gmock.h>
#include <linux/gpio.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "gpio/gpio_fixture.hpp"
#include "gpio/gpiod_fake_kernel.hpp"
#include "gpio/gpiod_seam.hpp"

namespace pinfiber::gpio::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class GpiodTest : public GpioTest {
 protected:
  void SetUp() override {
    GpioTest::SetUp();
    std::vector<std::string> names(boards::raspberry_pi_zero_w().line_names);
    names[17] = "GPIO17";
    fake_.add_chip("brcmvirt-gpio", 2);
    fake_.add_chip("pinctrl-bcm2835", 54, names);
    saved_ = detail::gpiod_api();
  }
  void TearDown() override {
    detail::gpiod_api() = saved_;
    GpioTest::TearDown();
    EXPECT_EQ(fake_.open_fds(), 0u) << "libgpiod left a chip or request fd open";
  }
  std::int64_t now_ns() const { return pinfiber::Clock::now().time_since_epoch().count(); }

  FakeGpioKernel fake_;  // declared first: destroyed after the backend's chips
  GpiodBackend gpiod_{fake_.dev_dir()};
  detail::GpiodApi saved_;
};

TEST_F(GpiodTest, ListsAndOpensChipsByNamePathAndLabel) {
  EXPECT_THAT(gpiod_.chip_names(), ElementsAre("gpiochip0", "gpiochip1"));
  Chip by_label("pinctrl-bcm2835", gpiod_);
  EXPECT_EQ(by_label.name(), "gpiochip1");
  EXPECT_EQ(by_label.num_lines(), 54u);
  EXPECT_EQ(by_label.board(), &boards::raspberry_pi_zero_w());
  Chip by_name("gpiochip1", gpiod_);
  EXPECT_EQ(by_name.label(), "pinctrl-bcm2835");
  Chip by_path(fake_.dev_dir() + "/gpiochip0", gpiod_);
  EXPECT_EQ(by_path.label(), "brcmvirt-gpio");
  EXPECT_EQ(by_path.path(), fake_.dev_dir() + "/gpiochip0");
  Chip from_board(boards::raspberry_pi_zero_w(), gpiod_);
  EXPECT_EQ(from_board.name(), "gpiochip1");
  EXPECT_THAT(fake_.ioctls, Contains(GPIO_GET_CHIPINFO_IOCTL));
  EXPECT_EQ(GpiodBackend::library_version().substr(0, 3), "1.6");
}

TEST_F(GpiodTest, MissingChipAndPermissionDenied) {
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

TEST_F(GpiodTest, FindsLinesAndReadsLineInfo) {
  Chip chip("gpiochip1", gpiod_);
  EXPECT_EQ(chip.find_line("GPIO17"), 17u);
  EXPECT_EQ(chip.find_line("SPI_CE0_N"), 8u);
  EXPECT_EQ(chip.find_line("GPIO8"), 8u);  // not in this device tree: found through the board table
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
  auto src = chip.request_output(24, {.drive = Drive::open_source, .bias = Bias::disable});
  EXPECT_EQ(chip.line_info(24).drive, Drive::open_source);
  EXPECT_EQ(chip.line_info(24).bias, Bias::disable);
  auto in = chip.request_input(25, {.edge = Edge::none, .bias = Bias::pull_down});
  EXPECT_EQ(chip.line_info(25).direction, Direction::input);
  EXPECT_EQ(chip.line_info(25).bias, Bias::pull_down);
  EXPECT_FALSE(chip.line_info(26).used);
  EXPECT_THROW(chip.line_info(54), GpioError);
}

TEST_F(GpiodTest, OutputsSetAndGetThroughTheHandle) {
  Chip chip("gpiochip1", gpiod_);
  auto led = chip.request_output(17, {.initial_value = true});
  EXPECT_TRUE(fake_.line(1, 17).level);
  led.set(false);
  EXPECT_FALSE(fake_.line(1, 17).level);
  EXPECT_TRUE(led.toggle());
  EXPECT_TRUE(led.get());
  EXPECT_THAT(fake_.ioctls, Contains(GPIOHANDLE_SET_LINE_VALUES_IOCTL));
  led.release();
  EXPECT_FALSE(fake_.line(1, 17).used);
  auto again = chip.request_output(17);  // a released line can be requested again
  EXPECT_FALSE(fake_.line(1, 17).level);
}

TEST_F(GpiodTest, InputsReadActiveLowValues) {
  Chip chip("gpiochip1", gpiod_);
  auto in = chip.request_input(4, {.edge = Edge::none, .bias = Bias::pull_up, .active_low = true});
  EXPECT_FALSE(in.get());
  fake_.set_level(1, 4, false, 0);
  EXPECT_TRUE(in.get());
}

TEST_F(GpiodTest, WaitEdgeReadsKernelEventsThroughTheHub) {
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
  EXPECT_EQ(at(*ev), 10ms);
  ev = in.wait_edge(Edge::falling, 1s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(at(*ev), 20ms);
  finger.join();
  EXPECT_THAT(fake_.ioctls, Contains(GPIO_GET_LINEEVENT_IOCTL));
}

TEST_F(GpiodTest, RisingAndFallingOnlyRequestsAndBulkReads) {
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
  EXPECT_EQ(got.size(), 8u);
  pinfiber::sleep(1ms);
  EXPECT_EQ(n, 8);
}

TEST_F(GpiodTest, DebouncedButtonOnARealBackend) {
  Chip chip("gpiochip1", gpiod_);
  Button button(chip, 4, {.bounce = 10ms});
  std::vector<Duration> presses;
  button.when_pressed([&] { presses.push_back(since_start()); });
  for (int i = 0; i < 5; ++i) {  // bouncing to ground for 4 ms
    fake_.set_level(1, 4, false, now_ns());
    pinfiber::sleep(1ms);
    fake_.set_level(1, 4, true, now_ns());
  }
  fake_.set_level(1, 4, false, now_ns());
  pinfiber::sleep(50ms);
  EXPECT_THAT(presses, ElementsAre(15ms));
  EXPECT_TRUE(button.is_pressed());
}

TEST_F(GpiodTest, BusyLineNamesTheOtherConsumer) {
  fake_.hold(1, 17, "other-app");
  Chip chip("gpiochip1", gpiod_);
  try {
    chip.request_output(17);
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::device_or_resource_busy);
    EXPECT_STREQ(e.what(), "request line 17 on gpiochip1: Device or resource busy (held by 'other-app')");
  }
  EXPECT_THROW(chip.request_input(54), GpioError);
}

TEST_F(GpiodTest, CapabilitiesOfLibgpiod1) {
  Chip chip("gpiochip1", gpiod_);
  EXPECT_EQ(GpiodBackend::api_version(), 1);
  EXPECT_EQ(chip.capabilities(), (Capabilities{.multi_line = true}));
}

TEST_F(GpiodTest, GroupsAreOneLineHandle) {
  Chip chip("gpiochip1", gpiod_);
  const std::size_t before = fake_.ioctls.size();
  auto leds = chip.request_outputs({17, 27, 22}, {.active_low = true, .consumer = "leds"}, {true, false, true});
  // One GPIO_GET_LINEHANDLE_IOCTL for the three lines (libgpiod 1.6 asks for chip info first).
  EXPECT_EQ(std::count(fake_.ioctls.begin() + static_cast<std::ptrdiff_t>(before), fake_.ioctls.end(),
                       GPIO_GET_LINEHANDLE_IOCTL),
            1);
  EXPECT_FALSE(fake_.line(1, 17).level);  // active-low: logical 1 drives low
  EXPECT_TRUE(fake_.line(1, 27).level);
  EXPECT_EQ(fake_.line(1, 22).fd, fake_.line(1, 17).fd);
  EXPECT_EQ(chip.line_info(27).consumer, "leds");
  const std::size_t writes = fake_.handle_writes;
  leds.set_values({false, true, true});
  EXPECT_EQ(fake_.handle_writes, writes + 1);  // one GPIOHANDLE_SET_LINE_VALUES_IOCTL for all three
  EXPECT_THAT(leds.get_values(), ElementsAre(false, true, true));
  EXPECT_TRUE(fake_.line(1, 17).level);
  leds.set(27, false);  // v1 sets every line of a handle: the others are written back unchanged
  EXPECT_THAT(leds.get_values(), ElementsAre(false, false, true));
  EXPECT_FALSE(fake_.line(1, 22).level);
  auto dip = chip.request_inputs({5, 6}, {.bias = Bias::pull_down});
  fake_.set_level(1, 6, true, 0);
  EXPECT_THAT(dip.get_values(), ElementsAre(false, true));
  leds.release();
  EXPECT_FALSE(fake_.line(1, 27).used);
}

TEST_F(GpiodTest, GroupIsAllOrNothing) {
  fake_.hold(1, 27, "other-app");
  Chip chip("gpiochip1", gpiod_);
  try {
    chip.request_outputs({17, 27});
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_STREQ(e.what(), "request lines 17, 27 on gpiochip1: Device or resource busy (line 27 held by 'other-app')");
  }
  EXPECT_FALSE(fake_.line(1, 17).used);
}

TEST_F(GpiodTest, SilentOverflowIsFoundByReReadingTheLevel) {
  // The v1 kernel drops the newest event when its 16-event queue is full and says nothing: 17
  // edges unread leave rising..falling (16) queued and the 17th, rising, lost - the line is high.
  Chip chip("gpiochip1", gpiod_);
  auto in = chip.request_input(22, {.edge = Edge::both});
  for (int i = 0; i < 17; ++i) fake_.set_level(1, 22, i % 2 == 0, now_ns());
  std::vector<EdgeEvent> got;
  while (auto ev = in.wait_edge(Edge::both, 0ms)) got.push_back(*ev);
  // A full read may hide an overflow: once the queue was empty the level was read (high) and, as it
  // differs from the last event (falling), reported by a synthetic rising edge.
  ASSERT_EQ(got.size(), 17u);
  EXPECT_EQ(got[15].edge, Edge::falling);
  EXPECT_FALSE(got[15].synthetic);
  EXPECT_EQ(got.back().edge, Edge::rising);
  EXPECT_TRUE(got.back().synthetic);
  EXPECT_TRUE(got.back().lost_before);
  EXPECT_EQ(got.back().offset, 22u);
  EXPECT_EQ(in.lost_count(), 1u);
  EXPECT_EQ(in.lost_events(), 1u);
  fake_.set_level(1, 22, false, now_ns());  // high -> low: an ordinary edge again
  auto ev = in.wait_edge(Edge::both, 0ms);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->edge, Edge::falling);
  EXPECT_FALSE(ev->lost_before);
  EXPECT_FALSE(ev->synthetic);
  EXPECT_EQ(in.lost_count(), 1u);
}

TEST_F(GpiodTest, FullQueueWhoseLevelAgreesGivesNoSyntheticEvent) {
  // 16 edges exactly: a full read, nothing lost, the line low as the last event says.
  Chip chip("gpiochip1", gpiod_);
  auto in = chip.request_input(22, {.edge = Edge::both});
  for (int i = 0; i < 16; ++i) fake_.set_level(1, 22, i % 2 == 0, now_ns());
  std::vector<EdgeEvent> got;
  while (auto ev = in.wait_edge(Edge::both, 0ms)) got.push_back(*ev);
  ASSERT_EQ(got.size(), 16u);
  EXPECT_EQ(got.back().edge, Edge::falling);
  EXPECT_FALSE(got.back().synthetic);
  EXPECT_EQ(in.lost_count(), 0u);
}

TEST_F(GpiodTest, ALateEdgeIsNotReportedTwice) {
  // The level can change before its event is queued (the kernel's interrupt thread runs after the
  // line moved): a synthetic event then stands for that edge, and the real one, when it comes, is
  // not reported again.
  Chip chip("gpiochip1", gpiod_);
  auto in = chip.request_input(22, {.edge = Edge::both});
  for (int i = 0; i < 16; ++i) fake_.set_level(1, 22, i % 2 == 0, now_ns());  // full: a re-read follows
  fake_.line(1, 22).level = true;                                             // moved, no event yet
  std::vector<EdgeEvent> got;
  while (auto ev = in.wait_edge(Edge::both, 0ms)) got.push_back(*ev);
  ASSERT_EQ(got.size(), 17u);
  EXPECT_TRUE(got.back().synthetic);
  EXPECT_EQ(got.back().edge, Edge::rising);
  fake_.line(1, 22).level = false;
  fake_.set_level(1, 22, true, now_ns());  // the late event of that rising edge
  EXPECT_FALSE(in.wait_edge(Edge::both, 0ms));
  fake_.set_level(1, 22, false, now_ns());  // and the next one is reported
  auto ev = in.wait_edge(Edge::both, 0ms);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->edge, Edge::falling);
  EXPECT_FALSE(ev->synthetic);
}

TEST_F(GpiodTest, KernelFeaturesOfUapiV2AreRefusedByName) {
  Chip chip("gpiochip1", gpiod_);
  try {
    chip.request_input(22, {.edge = Edge::both, .clock = EventClock::realtime});
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::operation_not_supported);
    EXPECT_THAT(e.what(), HasSubstr("the 'gpiod' backend has no realtime event clock; libgpiod 2 has"));
  }
  EXPECT_FALSE(fake_.line(1, 22).used);
}

// --- failures injected through the seam ---

TEST_F(GpiodTest, SeamInjectsEaccesOnRequest) {
  Chip chip("gpiochip1", gpiod_);
  detail::gpiod_api().line_request = [](gpiod_line*, const gpiod_line_request_config*, int) {
    errno = EACCES;
    return -1;
  };
  try {
    chip.request_output(17);
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::permission_denied);
    EXPECT_THAT(e.what(), HasSubstr("request line 17 on gpiochip1: Permission denied (add the user"));
  }
}

TEST_F(GpiodTest, SeamInjectsEbusyWithNoConsumerKnown) {
  Chip chip("gpiochip1", gpiod_);
  detail::gpiod_api().line_request = [](gpiod_line*, const gpiod_line_request_config*, int) {
    errno = EBUSY;
    return -1;
  };
  try {
    chip.request_output(17);
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_STREQ(e.what(), "request line 17 on gpiochip1: Device or resource busy (held by another consumer)");
  }
}

int eintr_left = 0;

TEST_F(GpiodTest, EintrIsRetried) {
  Chip chip("gpiochip1", gpiod_);
  static detail::GpiodApi real;
  real = saved_;
  eintr_left = 2;
  detail::gpiod_api().line_request = [](gpiod_line* l, const gpiod_line_request_config* c, int v) {
    if (eintr_left > 0) {
      --eintr_left;
      errno = EINTR;
      return -1;
    }
    return real.line_request(l, c, v);
  };
  detail::gpiod_api().line_event_read_multiple = [](gpiod_line* l, gpiod_line_event* e, unsigned n) {
    if (eintr_left > 0) {
      --eintr_left;
      errno = EINTR;
      return -1;
    }
    return real.line_event_read_multiple(l, e, n);
  };
  detail::gpiod_api().line_get_value = [](gpiod_line* l) {
    if (eintr_left > 0) {
      --eintr_left;
      errno = EINTR;
      return -1;
    }
    return real.line_get_value(l);
  };
  auto in = chip.request_input(22, {.edge = Edge::both});
  EXPECT_EQ(eintr_left, 0);
  fake_.set_level(1, 22, true, now_ns());
  eintr_left = 1;
  auto ev = in.wait_edge(Edge::both, 1s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->edge, Edge::rising);
  eintr_left = 1;
  EXPECT_TRUE(in.get());
}

TEST_F(GpiodTest, ReadErrorsNameTheLine) {
  Chip chip("gpiochip1", gpiod_);
  auto in = chip.request_input(22, {.edge = Edge::both});
  detail::gpiod_api().line_get_value = [](gpiod_line*) {
    errno = EIO;
    return -1;
  };
  try {
    in.get();
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_STREQ(e.what(), "read line 22 on gpiochip1: Input/output error");
  }
}

}  // namespace
}  // namespace pinfiber::gpio::testing
