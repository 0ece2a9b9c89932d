// Lines on the mock backend: requests, values, wait_edge, handlers, errors.

#include <gmock/gmock.h>

#include <sys/socket.h>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <pinfiber/io.hpp>

#include "gpio/gpio_fixture.hpp"

namespace pinfiber::gpio::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using ChipTest = GpioTest;

TEST_F(ChipTest, OpensByNameNumberPathAndLabel) {
  for (const char* spec : {"gpiochip0", "0", "/dev/gpiochip0", "pinctrl-bcm2835"}) {
    Chip c(spec, mock_);
    EXPECT_EQ(c.name(), "gpiochip0") << spec;
    EXPECT_EQ(c.label(), "pinctrl-bcm2835");
    EXPECT_EQ(c.num_lines(), 54u);
    EXPECT_EQ(c.board(), &boards::raspberry_pi_zero_w());
  }
}

TEST_F(ChipTest, OpensFromABoardByLabelWhateverItsNumber) {
  MockBackend two;
  two.add_chip("brcmvirt-gpio", 2);
  two.add_chip(boards::raspberry_pi_5());  // gpiochip1 here, as gpiochip4 on early Pi 5 kernels
  Chip c(boards::raspberry_pi_5(), two);
  EXPECT_EQ(c.name(), "gpiochip1");
  EXPECT_EQ(c.label(), "pinctrl-rp1");
}

TEST_F(ChipTest, NoSuchChipNamesTheChipsThereAre) {
  try {
    Chip c("gpiochip7", mock_);
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_THAT(e.what(), HasSubstr("open chip 'gpiochip7': No such file or directory"));
    EXPECT_THAT(e.what(), HasSubstr("gpiochip0 'pinctrl-bcm2835'"));
  }
  EXPECT_THROW(Chip("pinctrl-nothing", mock_), GpioError);
}

TEST_F(ChipTest, FindsLinesByNameWithFallbacks) {
  EXPECT_EQ(chip().find_line("GPIO17"), 17u);    // named so in the device tree
  EXPECT_EQ(chip().find_line("SPI_CE0_N"), 8u);  // the upstream name
  EXPECT_EQ(chip().find_line("GPIO8"), 8u);      // downstream name, found through the board table
  EXPECT_EQ(chip().find_line("BCM4"), 4u);
  EXPECT_EQ(chip().find_line("NOPE"), std::nullopt);
  EXPECT_EQ(chip().find_line("GPIO99"), std::nullopt);
  try {
    chip().line_offset("NOPE");
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_STREQ(e.what(),
                 "find line 'NOPE' on gpiochip0: No such file or directory (no line has that name; gpioinfo gpiochip0 "
                 "lists them)");
  }
}

TEST_F(ChipTest, UnnamedChipFallsBackToOffsets) {
  MockBackend m;
  m.add_chip("some-expander", 16);
  Chip c("gpiochip0", m);
  EXPECT_EQ(c.find_line("GPIO3"), 3u);
  EXPECT_EQ(c.find_line("GPIO16"), std::nullopt);
}

using LineTest = GpioTest;

TEST_F(LineTest, OutputSetsGetsTogglesAndRecordsHistory) {
  auto led = chip().request_output(17, {.initial_value = false});
  EXPECT_FALSE(led.get());
  led.set(true);
  pinfiber::sleep(10ms);
  EXPECT_TRUE(led.toggle() == false);
  EXPECT_FALSE(pin(17).level());
  const auto& h = pin(17).history();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(at(h[0]), 0ms);
  EXPECT_TRUE(h[0].level);
  EXPECT_EQ(at(h[1]), 10ms);
  EXPECT_FALSE(h[1].level);
}

TEST_F(LineTest, OutputInitialValueAndActiveLow) {
  auto out = chip().request_output(22, {.initial_value = true, .active_low = true});
  EXPECT_TRUE(out.get());
  EXPECT_FALSE(pin(22).level());  // logical 1 on an active-low line is a low pin
}

TEST_F(LineTest, OpenDrainFloatsHighAndOpenSourceFloatsLow) {
  auto od = chip().request_output(23, {.initial_value = true, .drive = Drive::open_drain, .bias = Bias::pull_up});
  EXPECT_TRUE(pin(23).level());
  pin(23).drive_low();  // another open-drain device on the bus pulls it down
  EXPECT_FALSE(pin(23).level());
  od.set(false);
  pin(23).release_drive();
  EXPECT_FALSE(pin(23).level());
  auto os = chip().request_output(24, {.initial_value = false, .drive = Drive::open_source, .bias = Bias::pull_down});
  EXPECT_FALSE(pin(24).level());
  os.set(true);
  EXPECT_TRUE(pin(24).level());
}

TEST_F(LineTest, InputReadsLevelBiasAndActiveLow) {
  auto in = chip().request_input(4, {.edge = Edge::none, .bias = Bias::pull_up, .active_low = true});
  EXPECT_FALSE(in.get());  // pulled up, active-low: not pressed
  pin(4).drive_low();
  EXPECT_TRUE(in.get());
  auto down = chip().request_input(5, {.edge = Edge::none, .bias = Bias::pull_down});
  EXPECT_FALSE(down.get());
}

TEST_F(LineTest, LineInfoShowsTheRequest) {
  auto in = chip().request_input(4, {.bias = Bias::pull_up, .active_low = true, .consumer = "button"});
  LineInfo li = chip().line_info(4);
  EXPECT_EQ(li.name, "GPIO_GCLK");
  EXPECT_TRUE(li.used);
  EXPECT_EQ(li.consumer, "button");
  EXPECT_EQ(li.direction, Direction::input);
  EXPECT_TRUE(li.active_low);
  EXPECT_EQ(li.bias, Bias::pull_up);
  EXPECT_FALSE(chip().line_info(5).used);
}

TEST_F(LineTest, ReleasedLineCanBeRequestedAgain) {
  auto a = chip().request_output(17);
  EXPECT_THROW(chip().request_output(17), GpioError);
  a.release();
  EXPECT_FALSE(a.requested());
  EXPECT_THROW(a.set(true), GpioError);
  auto b = chip().request_output(17);
  { auto c = chip().request_input(18); }
  auto d = chip().request_input(18);  // released by the destructor
  EXPECT_TRUE(b.requested() && d.requested());
}

TEST_F(LineTest, BusyLineNamesItsHolder) {
  pin(17).hold_externally("other-app");
  try {
    chip().request_output(17);
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::device_or_resource_busy);
    EXPECT_STREQ(e.what(), "request line 17 on gpiochip0: Device or resource busy (held by 'other-app')");
  }
  auto mine = chip().request_input(4, {.consumer = "button"});
  try {
    chip().request_input(4);
    FAIL();
  } catch (const std::system_error& e) {  // catchable as a plain system_error too
    EXPECT_STREQ(e.what(), "request line 4 on gpiochip0: Device or resource busy (held by 'button')");
  }
}

TEST_F(LineTest, OffsetOutOfRangeAndPermissionDenied) {
  try {
    chip().request_input(54);
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::invalid_argument);
    EXPECT_STREQ(e.what(),
                 "request line 54 on gpiochip0: Invalid argument (offset out of range: gpiochip0 has 54 lines)");
  }
  mock_.chip(0).fail_next_request(EACCES);
  try {
    chip().request_output(17);
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::permission_denied);
    EXPECT_THAT(e.what(),
                HasSubstr("request line 17 on gpiochip0: Permission denied (add the user to the 'gpio' group"));
  }
}

TEST_F(LineTest, WaitEdgeReturnsTheEdgeWithItsTimestamp) {
  auto in = chip().request_input(22, {.edge = Edge::both});
  auto finger = pinfiber::spawn([&] {
    pinfiber::sleep(100ms);
    pin(22).drive_high();
    pinfiber::sleep(50ms);
    pin(22).drive_low();
  });
  auto ev = in.wait_edge(Edge::both);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->edge, Edge::rising);
  EXPECT_EQ(ev->offset, 22u);
  EXPECT_EQ(at(*ev), 100ms);
  EXPECT_EQ(since_start(), 100ms);
  ev = in.wait_edge(Edge::falling);
  ASSERT_TRUE(ev);
  EXPECT_EQ(at(*ev), 150ms);
  finger.join();
}

TEST_F(LineTest, WaitEdgeTimesOut) {
  auto in = chip().request_input(22);
  EXPECT_EQ(in.wait_edge(Edge::rising, 250ms), std::nullopt);
  EXPECT_EQ(since_start(), 250ms);
}

TEST_F(LineTest, WaitEdgeTakesQueuedEventsLikeASocket) {
  auto in = chip().request_input(22, {.edge = Edge::both});
  pin(22).drive_high();
  pinfiber::sleep(5ms);
  pin(22).drive_low();
  auto ev = in.wait_edge(Edge::falling, 0ms);  // the rising edge before it is consumed
  ASSERT_TRUE(ev);
  EXPECT_EQ(at(*ev), 5ms);
  EXPECT_EQ(in.wait_edge(Edge::both, 0ms), std::nullopt);
}

TEST_F(LineTest, RequestedEdgesFilterEvents) {
  auto in = chip().request_input(22, {.edge = Edge::falling});
  pin(22).drive_high();
  pin(22).drive_low();
  auto ev = in.wait_edge(Edge::both, 0ms);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->edge, Edge::falling);
  auto none = chip().request_input(5, {.edge = Edge::none});
  EXPECT_THROW(none.wait_edge(), GpioError);
  EXPECT_THROW(none.on_edge([](const EdgeEvent&) {}), GpioError);
}

TEST_F(LineTest, ActiveLowEdgesAreLogical) {
  auto in = chip().request_input(4, {.edge = Edge::both, .bias = Bias::pull_up, .active_low = true});
  pin(4).drive_low();  // pressed
  auto ev = in.wait_edge(Edge::both, 0ms);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->edge, Edge::rising);
}

TEST_F(LineTest, SeveralWaitersEachGetTheirOwnEvent) {
  auto in = chip().request_input(22, {.edge = Edge::both});
  std::vector<std::string> log;
  auto r1 = pinfiber::spawn([&] { log.push_back("r1 " + std::string(to_string(in.wait_edge(Edge::rising)->edge))); });
  auto f1 = pinfiber::spawn([&] { log.push_back("f1 " + std::string(to_string(in.wait_edge(Edge::falling)->edge))); });
  auto r2 = pinfiber::spawn([&] { log.push_back("r2 " + std::string(to_string(in.wait_edge(Edge::rising)->edge))); });
  pinfiber::sleep(1ms);
  pin(22).drive_high();
  pinfiber::sleep(1ms);
  pin(22).drive_low();
  pinfiber::sleep(1ms);
  pin(22).drive_high();
  pinfiber::joinall({r1, f1, r2});
  EXPECT_THAT(log, ElementsAre("r1 rising", "f1 falling", "r2 rising"));
}

TEST_F(LineTest, AWaiterLeavingByTimeoutHandsTheReadingOver) {
  auto in = chip().request_input(22, {.edge = Edge::both});
  auto impatient = pinfiber::spawn([&] { return in.wait_edge(Edge::both, 10ms).has_value(); });
  auto patient = pinfiber::spawn([&] { return at(*in.wait_edge(Edge::both)); });
  pinfiber::sleep(30ms);
  pin(22).drive_high();
  EXPECT_FALSE(impatient.get());
  EXPECT_EQ(patient.get(), 30ms);
}

TEST_F(LineTest, RisingAndFallingHandlersOnOneLine) {
  auto in = chip().request_input(22, {.edge = Edge::both});
  std::vector<std::pair<std::string, Duration>> log;
  in.on_rising([&](const EdgeEvent& e) { log.emplace_back("rising", at(e)); });
  in.on_falling([&](const EdgeEvent& e) { log.emplace_back("falling", at(e)); });
  in.on_edge([&](const EdgeEvent& e) { log.emplace_back(std::string("edge ") + to_string(e.edge), since_start()); });
  pin(22).pulse(20ms);
  pinfiber::sleep(5ms);
  pin(22).pulse(30ms);
  pinfiber::sleep(1ms);
  using P = std::pair<std::string, Duration>;
  EXPECT_THAT(log, ElementsAre(P{"rising", 0ms}, P{"edge rising", 0ms}, P{"falling", 20ms}, P{"edge falling", 20ms},
                               P{"rising", 25ms}, P{"edge rising", 25ms}, P{"falling", 55ms}, P{"edge falling", 55ms}));
  in.release();  // stops the event greenlet
}

TEST_F(LineTest, HandlersRunInOrderInOneGreenletAndMayBlock) {
  auto in = chip().request_input(22, {.edge = Edge::rising});
  std::vector<Duration> done;
  std::vector<pinfiber::detail::Fiber*> where;
  in.on_rising([&](const EdgeEvent& ev) {
    where.push_back(getcurrent().fiber());
    pinfiber::sleep(100ms);  // a slow handler: the next event waits for it, in order
    done.push_back(at(ev));
    done.push_back(since_start());
  });
  pin(22).pulse(10ms);
  pin(22).pulse(10ms);
  pinfiber::sleep(300ms);
  EXPECT_THAT(done, ElementsAre(0ms, 100ms, 10ms, 200ms));  // each with its own event's time
  ASSERT_EQ(where.size(), 2u);
  EXPECT_EQ(where[0], where[1]);
  EXPECT_EQ(pinfiber::hub().greenlet_count(), 1u);  // the line's handler greenlet
  in.clear_handlers();
  pinfiber::sleep(0);
  EXPECT_EQ(pinfiber::hub().greenlet_count(), 0u);
}

TEST_F(LineTest, NoGreenletIsSpawnedPerEdge) {
  auto in = chip().request_input(22, {.edge = Edge::both});
  std::set<pinfiber::detail::Fiber*> where;
  int rising = 0, falling = 0;
  in.on_rising([&](const EdgeEvent&) { ++rising, where.insert(getcurrent().fiber()); });
  in.on_falling([&](const EdgeEvent&) { ++falling, where.insert(getcurrent().fiber()); });
  std::size_t most = 0;
  for (int i = 0; i < 100; ++i) {
    pin(22).pulse(1ms);
    pinfiber::sleep(1ms);
    most = std::max(most, pinfiber::hub().greenlet_count());
  }
  EXPECT_EQ(rising, 100);
  EXPECT_EQ(falling, 100);
  EXPECT_EQ(where.size(), 1u);
  EXPECT_EQ(most, 1u);
}

TEST_F(LineTest, WaitersAndTheHubReadWhileAHandlerBlocks) {
  auto in = chip().request_input(22, {.edge = Edge::both});
  std::vector<Duration> handled;
  in.on_rising([&](const EdgeEvent& ev) {
    pinfiber::sleep(1s);
    handled.push_back(at(ev));
  });
  Duration served_at{};
  auto waiter = pinfiber::spawn([&] {
    auto ev = in.wait_edge(Edge::falling);
    served_at = since_start();
    return ev;
  });
  pin(22).drive_high();   // the handler blocks for 1 s from here
  pinfiber::sleep(10ms);  // meanwhile 40 more edges: more than the kernel's 16-event queue
  for (int i = 0; i < 20; ++i) {
    pin(22).pulse(5ms, false);
    pinfiber::sleep(5ms);
  }
  ASSERT_TRUE(waiter.get());
  EXPECT_EQ(at(*waiter.get()), 10ms);
  EXPECT_EQ(served_at, 10ms);  // served at once, not after the handler
  pinfiber::sleep(30s);
  ASSERT_EQ(handled.size(), 21u);  // nothing lost: the hub read every edge as it came
  EXPECT_EQ(handled[1], 15ms);
  EXPECT_EQ(handled.back(), 205ms);
  EXPECT_EQ(in.lost_count(), 0u);
}

TEST_F(LineTest, AThrowingHandlerIsReportedAndLaterEventsStillRun) {
  expect_failures();
  auto in = chip().request_input(22, {.edge = Edge::rising});
  int calls = 0;
  in.on_rising([&](const EdgeEvent&) {
    if (++calls == 1) throw std::runtime_error("first press");
  });
  pin(22).pulse(1ms);
  pinfiber::sleep(5ms);
  pin(22).pulse(1ms);
  pinfiber::sleep(5ms);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(failures(), 1);
}

TEST_F(LineTest, AHandlerMayReleaseItsOwnLine) {
  auto in = chip().request_input(22, {.edge = Edge::rising});
  bool after = false;
  in.on_rising([&](const EdgeEvent&) {
    in.release();
    after = true;  // the handler that released it runs to its end
  });
  pin(22).pulse(1ms);
  pinfiber::sleep(5ms);
  EXPECT_TRUE(after);
  EXPECT_FALSE(pin(22).requested());
}

TEST_F(LineTest, WaitersAlsoSeeEventsWhileHandlersRun) {
  auto in = chip().request_input(22, {.edge = Edge::both});
  int calls = 0;
  in.on_edge([&](const EdgeEvent&) { ++calls; });
  auto finger = pinfiber::spawn([&] {
    pinfiber::sleep(5ms);
    pin(22).drive_high();
  });
  auto ev = in.wait_edge(Edge::rising, 1s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(at(*ev), 5ms);
  pinfiber::sleep(0);
  EXPECT_EQ(calls, 1);
  finger.join();
}

TEST_F(LineTest, ReleaseKillsRunningHandlersAndWakesWaiters) {
  auto in = chip().request_input(22, {.edge = Edge::both});
  bool finished = false;
  in.on_rising([&](const EdgeEvent&) {
    pinfiber::sleep(1s);
    finished = true;
  });
  auto waiter = pinfiber::spawn([&] { in.wait_edge(Edge::falling); });
  pin(22).drive_high();
  pinfiber::sleep(10ms);
  in.release();
  EXPECT_FALSE(finished);
  EXPECT_THROW(waiter.get(), GpioError);
}

TEST_F(LineTest, KernelQueueOverflowIsReported) {
  auto in = chip().request_input(22, {.edge = Edge::both});
  for (int i = 0; i < 10; ++i) {  // 20 edges, nobody reading: the 16-event queue overflows
    pin(22).drive_high();
    pin(22).drive_low();
  }
  std::vector<EdgeEvent> got;
  while (auto ev = in.wait_edge(Edge::both, 0ms)) got.push_back(*ev);
  ASSERT_EQ(got.size(), 16u);
  EXPECT_FALSE(got[0].lost_before);
  EXPECT_EQ(in.lost_count(), 1u);  // noticed when the full queue was read
  pin(22).drive_high();
  auto after = in.wait_edge(Edge::both, 0ms);
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->lost_before);
  EXPECT_EQ(in.lost_count(), 1u);
}

TEST_F(LineTest, BulkReadsDeliverEveryEvent) {
  auto in = chip().request_input(22, {.edge = Edge::both});
  int n = 0;
  in.on_edge([&](const EdgeEvent&) { ++n; });
  for (int i = 0; i < 8; ++i) {  // 16 events at one instant: one bulk read
    pin(22).drive_high();
    pin(22).drive_low();
  }
  pinfiber::sleep(1ms);
  EXPECT_EQ(n, 16);
  EXPECT_EQ(in.lost_count(), 0u);
}

TEST_F(LineTest, MovedLinesKeepWorking) {
  auto a = chip().request_input(22, {.edge = Edge::both});
  InputLine b = std::move(a);
  pin(22).drive_high();
  EXPECT_TRUE(b.wait_edge(Edge::rising, 0ms));
  OutputLine o = chip().request_output(17);
  OutputLine o2;
  o2 = std::move(o);
  o2.set(true);
  EXPECT_TRUE(pin(17).level());
}

// A flooding socket cannot starve a GPIO edge: the edge's fd is polled at the latest when the
// flooder's cooperative budget (128 operations) runs out (see tests/io/fairness_test.cpp).
TEST_F(LineTest, AnEdgeReachesItsWaiterWithinOneBudgetOfAFloodingSocket) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  auto reader = pinfiber::Socket::adopt(sv[0]);
  auto writer = pinfiber::Socket::adopt(sv[1]);
  writer.send_all(std::string(100'000, 'f'));
  auto line = chip().request_input(17, {.edge = Edge::both});  // pulled down after reset
  long reads = 0;
  auto flooder = pinfiber::spawn([&] {
    char c;
    for (int i = 0; i < 50'000; ++i) reads += static_cast<long>(reader.recv(&c, 1));
  });
  long reads_when_driven = -1;
  long reads_when_seen = -1;
  auto watcher = pinfiber::spawn([&] {
    ASSERT_TRUE(line.wait_edge(Edge::rising, 10s));
    reads_when_seen = reads;
  });
  pinfiber::sleep(0);
  pin(17).drive(true);
  reads_when_driven = reads;
  pinfiber::joinall({flooder, watcher});
  EXPECT_LE(reads_when_seen - reads_when_driven, 128)
      << "the edge waited " << reads_when_seen - reads_when_driven << " flooder reads";
}

}  // namespace
}  // namespace pinfiber::gpio::testing
