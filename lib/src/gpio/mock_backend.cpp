// The mock backend. Events travel through an eventfd per edge request, so waits on mock lines use
// the hub's fd path like real ones.

#include "pinfiber/gpio/mock_backend.hpp"

#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "pinfiber/core/detail/timer.hpp"
#include "pinfiber/core/sleep.hpp"
#include "pinfiber/gpio/board.hpp"
#include "pinfiber/io/wait.hpp"

namespace pinfiber::gpio {

namespace detail {

// One requested mock line. Its event queue holds 16 events; when full it drops the newest and says
// so (uAPI v1), or, with sequence numbers, drops the oldest silently (uAPI v2). With kernel
// debounce it filters raw changes through a hub timer, as gpiolib-cdev's debouncer does with a
// delayed work item.
class MockRequest final : public LineRequest {
 public:
  static constexpr std::size_t kCapacity = 16;

  MockRequest(MockPin& pin, const LineConfig& config, const Capabilities& caps)
      : pin_(pin), config_(config), caps_(caps) {
    if (config.edge != Edge::none) {
      fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
      if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
    }
    if (config.clock == EventClock::realtime) {
      timespec rt{}, mono{};
      ::clock_gettime(CLOCK_REALTIME, &rt);
      ::clock_gettime(CLOCK_MONOTONIC, &mono);
      clock_offset_ns_ = (std::int64_t{rt.tv_sec} - mono.tv_sec) * 1'000'000'000 + (rt.tv_nsec - mono.tv_nsec);
    }
    timer_.fire = [](pinfiber::detail::TimerNode* n) { static_cast<MockRequest*>(n->context)->settle(); };
    timer_.context = this;
    pin_.request_ = this;
    pin_.update();
    debounced_ = pin_.level_;
  }
  ~MockRequest() override {
    pinfiber::detail::disarm_timer(timer_);
    pin_.request_ = nullptr;
    // Through the io layer, so a greenlet still waiting on the fd wakes and the hub forgets it
    // before the number is reused.
    if (fd_ >= 0) pinfiber::close(fd_);
    pin_.update();
  }

  bool get_value() override { return (debouncing() ? debounced_ : pin_.level_) != config_.active_low; }
  void set_value(bool value) override {
    if (config_.direction != Direction::output) throw std::system_error(EPERM, std::generic_category());
    config_.initial_value = value;
    pin_.update();
  }
  int event_fd() override { return fd_; }
  std::size_t read_events(std::span<EdgeEvent> out, bool& lost) override {
    if (fd_ < 0) return 0;
    std::uint64_t count;
    (void)!::read(fd_, &count, sizeof count);  // clears readiness; EAGAIN when already clear is fine
    std::size_t n = 0;
    while (n < out.size() && !queue_.empty()) {
      out[n++] = queue_.front();
      queue_.pop_front();
    }
    // The v1 kernel drops the newest events when its FIFO is full, so the gap is after what is read now.
    lost = std::exchange(overflowed_, false);
    if (!queue_.empty()) signal();  // like the kernel's fd: readable while events remain
    return n;
  }

  // What the line drives, if anything: push-pull drives both levels, open-drain only low,
  // open-source only high.
  std::optional<bool> output_drive() const {
    if (config_.direction != Direction::output) return std::nullopt;
    const bool physical = config_.initial_value != config_.active_low;
    switch (config_.drive) {
      case Drive::push_pull: return physical;
      case Drive::open_drain: return physical ? std::nullopt : std::optional<bool>(false);
      case Drive::open_source: return physical ? std::optional<bool>(true) : std::nullopt;
    }
    return std::nullopt;
  }
  Bias bias() const { return config_.bias; }
  const LineConfig& config() const { return config_; }

  void on_change(bool physical) {
    if (fd_ < 0) return;
    if (debouncing()) {
      // Every raw change restarts the quiet period; settle() decides when it ends.
      pinfiber::detail::arm_timer(timer_, deadline_after(Clock::now(), config_.debounce));
      return;
    }
    emit(physical);
  }

 private:
  bool debouncing() const { return caps_.kernel_debounce && config_.debounce > Duration::zero() && fd_ >= 0; }

  // The quiet period ended: report the level if it differs from the last one reported.
  void settle() {
    if (pin_.level_ == debounced_) return;
    debounced_ = pin_.level_;
    emit(debounced_);
  }

  void emit(bool physical) {
    const bool logical = physical != config_.active_low;
    const Edge e = logical ? Edge::rising : Edge::falling;
    if (!edge_matches(config_.edge, e)) return;
    const std::int64_t ts = Clock::now().time_since_epoch().count() + clock_offset_ns_;
    EdgeEvent ev{e, ts, pin_.offset_, false};
    if (caps_.sequence_numbers) ev.seqno = ++seqno_;
    if (queue_.size() >= kCapacity) {
      if (!caps_.sequence_numbers) {
        overflowed_ = true;
        return;
      }
      queue_.pop_front();  // uAPI v2: the oldest goes; the seqno gap tells the reader
    }
    queue_.push_back(ev);
    signal();
  }

  void signal() {
    const std::uint64_t one = 1;
    (void)!::write(fd_, &one, sizeof one);
  }

  MockPin& pin_;
  LineConfig config_;
  Capabilities caps_;
  int fd_ = -1;
  std::deque<EdgeEvent> queue_;
  bool overflowed_ = false;
  std::uint64_t seqno_ = 0;
  std::int64_t clock_offset_ns_ = 0;
  bool debounced_ = false;  // physical level last reported (kernel debounce)
  pinfiber::detail::TimerNode timer_;
};

// Several mock lines as one request: set together, with no greenlet able to run in between.
class MockGroupRequest final : public MultiLineRequest {
 public:
  explicit MockGroupRequest(std::vector<std::unique_ptr<MockRequest>> lines) : lines_(std::move(lines)) {}
  std::uint64_t get_values() override {
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < lines_.size(); ++i)
      if (lines_[i]->get_value()) bits |= std::uint64_t{1} << i;
    return bits;
  }
  void set_values(std::uint64_t mask, std::uint64_t values) override {
    for (std::size_t i = 0; i < lines_.size(); ++i)
      if (mask & (std::uint64_t{1} << i)) lines_[i]->set_value(values & (std::uint64_t{1} << i));
  }

 private:
  std::vector<std::unique_ptr<MockRequest>> lines_;
};

}  // namespace detail

// --- MockPin -----------------------------------------------------------------------------------------

void MockPin::update() {
  std::optional<bool> out = request_ ? request_->output_drive() : std::nullopt;
  bool level;
  if (out) {
    level = *out;
  } else if (driven_) {
    level = *driven_;
  } else if (request_ && request_->bias() == Bias::pull_up) {
    level = true;
  } else if (request_ && request_->bias() == Bias::pull_down) {
    level = false;
  } else {
    level = idle_level_;
  }
  if (level == level_) return;
  level_ = level;
  if (history_.size() >= capacity_) {
    origin_ = history_.front().at;
    history_.pop_front();
    ++dropped_;
  }
  history_.push_back({Clock::now(), level});
  if (request_) request_->on_change(level);
  if (watcher_) watcher_(level);
}

void MockPin::drive(bool level) {
  driven_ = level;
  update();
}

void MockPin::release_drive() {
  driven_.reset();
  update();
}

void MockPin::pulse(TimeSpan width, bool level) {
  const std::optional<bool> before = driven_;
  drive(level);
  pinfiber::sleep(width);
  driven_ = before;
  update();
}

void MockPin::bounce(bool final_level, unsigned times, TimeSpan interval) {
  drive(final_level);
  for (unsigned i = 0; i < times; ++i) {
    pinfiber::sleep(interval);
    drive(!final_level);
    pinfiber::sleep(interval);
    drive(final_level);
  }
}

bool MockPin::level() const { return level_; }

MockPin::MockPin(unsigned offset, std::string name) : offset_(offset), name_(std::move(name)), origin_(Clock::now()) {}

void MockPin::clear_history() {
  history_.clear();
  dropped_ = 0;
  origin_ = Clock::now();
}

void MockPin::set_history_capacity(std::size_t n) {
  capacity_ = std::max<std::size_t>(n, 1);
  while (history_.size() > capacity_) {
    origin_ = history_.front().at;
    history_.pop_front();
    ++dropped_;
  }
}

namespace {
std::string level_name(bool level) { return level ? "high" : "low"; }
std::string ms(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", std::chrono::duration<double, std::milli>(d).count());
  return buf;
}
}  // namespace

std::string MockPin::compare_states_and_times(std::span<const State> expected, Duration tolerance) const {
  std::string history = "history of pin " + std::to_string(offset_) + ":";
  TimePoint prev = origin_;
  for (const Change& c : history_) {
    history += " +" + ms(c.at - prev) + " " + level_name(c.level) + ";";
    prev = c.at;
  }
  if (dropped_ > 0) history += " (" + std::to_string(dropped_) + " older changes dropped)";
  if (history_.size() != expected.size())
    return std::to_string(expected.size()) + " changes expected, " + std::to_string(history_.size()) + " recorded; " +
           history;
  prev = origin_;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Change& c = history_[i];
    const Duration after = c.at - prev;
    prev = c.at;
    const Duration off = after > expected[i].after ? after - expected[i].after : expected[i].after - after;
    if (c.level != expected[i].level || off > tolerance)
      return "change " + std::to_string(i + 1) + ": expected " + level_name(expected[i].level) + " +" +
             ms(expected[i].after) + ", recorded " + level_name(c.level) + " +" + ms(after) + " (tolerance " +
             ms(tolerance) + "); " + history;
  }
  return {};
}

std::string MockPin::compare_states(std::span<const bool> expected) const {
  std::string got;
  for (const Change& c : history_) got += level_name(c.level) + " ";
  bool same = history_.size() == expected.size();
  for (std::size_t i = 0; same && i < expected.size(); ++i) same = history_[i].level == expected[i];
  if (same) return {};
  std::string want;
  for (bool b : expected) want += level_name(b) + " ";
  return "pin " + std::to_string(offset_) + ": expected levels " + want + "- recorded " + got;
}

void MockPin::set_idle_level(bool level) {
  idle_level_ = level;
  update();
}

void MockPin::hold_externally(std::string consumer) { external_consumer_ = std::move(consumer); }

bool MockPin::requested() const { return request_ != nullptr || !external_consumer_.empty(); }

// --- MockChip ------------------------------------------------------------------------------------------

MockChip::MockChip(MockBackend& backend, ChipInfo info, const std::vector<std::string>& names)
    : backend_(backend), info_(std::move(info)) {
  for (unsigned i = 0; i < info_.num_lines; ++i)
    pins_.push_back(std::unique_ptr<MockPin>(new MockPin(i, i < names.size() ? names[i] : std::string())));
}

MockChip::~MockChip() = default;

MockPin& MockChip::pin(unsigned offset) {
  if (offset >= pins_.size()) throw std::out_of_range("mock pin " + std::to_string(offset) + " on " + info_.name);
  return *pins_[offset];
}

MockPin& MockChip::pin(std::string_view name) {
  for (auto& p : pins_)
    if (p->name_ == name) return *p;
  throw std::out_of_range("mock pin '" + std::string(name) + "' on " + info_.name);
}

// The ChipBackend a Chip holds for a mock chip.
class MockChipBackend final : public ChipBackend {
 public:
  explicit MockChipBackend(MockChip& chip) : chip_(chip) {}
  ChipInfo info() override { return chip_.info_; }
  LineInfo line_info(unsigned offset) override {
    const MockPin& p = *chip_.pins_.at(offset);
    LineInfo li;
    li.offset = offset;
    li.name = p.name_;
    li.used = p.requested();
    if (!p.external_consumer_.empty()) li.consumer = p.external_consumer_;
    if (p.request_) {
      const LineConfig& c = p.request_->config();
      li.consumer = c.consumer;
      li.direction = c.direction;
      li.active_low = c.active_low;
      li.bias = c.bias;
      li.drive = c.drive;
    }
    return li;
  }
  std::unique_ptr<LineRequest> request(unsigned offset, const LineConfig& config) override {
    if (int err = std::exchange(chip_.fail_next_request_, 0)) throw std::system_error(err, std::generic_category());
    MockPin& p = *chip_.pins_.at(offset);
    if (p.requested()) throw std::system_error(EBUSY, std::generic_category());
    return std::make_unique<detail::MockRequest>(p, config, chip_.backend_.capabilities());
  }
  std::unique_ptr<MultiLineRequest> request_lines(std::span<const unsigned> offsets, const LineConfig& config,
                                                  std::uint64_t initial_values) override {
    const Capabilities caps = chip_.backend_.capabilities();
    if (!caps.multi_line) return ChipBackend::request_lines(offsets, config, initial_values);
    if (int err = std::exchange(chip_.fail_next_request_, 0)) throw std::system_error(err, std::generic_category());
    // All or nothing, as the kernel does: check every line before taking any.
    for (unsigned off : offsets)
      if (chip_.pins_.at(off)->requested()) throw std::system_error(EBUSY, std::generic_category());
    std::vector<std::unique_ptr<detail::MockRequest>> lines;
    LineConfig one = config;
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      one.initial_value = initial_values & (std::uint64_t{1} << i);
      lines.push_back(std::make_unique<detail::MockRequest>(*chip_.pins_.at(offsets[i]), one, caps));
    }
    return std::make_unique<detail::MockGroupRequest>(std::move(lines));
  }

 private:
  MockChip& chip_;
};

// --- MockBackend ---------------------------------------------------------------------------------------

MockBackend::MockBackend(const Board& board) { add_chip(board); }
MockBackend::~MockBackend() = default;

MockChip& MockBackend::add_chip(std::string label, unsigned num_lines, const std::vector<std::string>& names) {
  const std::string name = "gpiochip" + std::to_string(chips_.size());
  chips_.push_back(std::unique_ptr<MockChip>(
      new MockChip(*this, ChipInfo{name, std::move(label), "/dev/" + name, num_lines}, names)));
  return *chips_.back();
}

MockChip& MockBackend::add_chip(const Board& board) {
  if (!board_) board_ = &board;
  MockChip& c = add_chip(std::string(board.chip_label), board.num_lines, board.line_names);
  for (unsigned bcm = 0; bcm < board.default_pulls.size(); ++bcm)
    if (board.default_pulls[bcm] == Bias::pull_up) c.pin(bcm).set_idle_level(true);
  for (auto& p : c.pins_) p->clear_history();
  return c;
}

MockChip& MockBackend::chip(unsigned n) {
  if (n >= chips_.size()) throw std::out_of_range("mock chip " + std::to_string(n));
  return *chips_[n];
}

std::vector<std::string> MockBackend::chip_names() {
  std::vector<std::string> names;
  for (auto& c : chips_) names.push_back(c->info_.name);
  return names;
}

std::unique_ptr<ChipBackend> MockBackend::open(std::string_view name_or_path) {
  for (auto& c : chips_)
    if (c->info_.name == name_or_path || c->info_.path == name_or_path) return std::make_unique<MockChipBackend>(*c);
  throw std::system_error(ENOENT, std::generic_category());
}

}  // namespace pinfiber::gpio
