// The libgpiod 2 backend (built when the build found libgpiod 2; gpiod_backend.cpp is libgpiod
// 1.6's): chips, line info, and requests built from pinfiber's LineConfig. libgpiod 2 speaks the
// kernel's uAPI v2 only (Linux 5.10+), which debounces in the kernel, numbers events and offers a
// choice of event clock.

#include <cerrno>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gpio/gpiod2_support.hpp"
#include "pinfiber/gpio/gpiod_backend.hpp"

namespace pinfiber::gpio {

namespace detail {

Gpiod2Api& gpiod2_api() {
  static Gpiod2Api api;
  return api;
}

}  // namespace detail

namespace {

using detail::gpiod2_api;
using detail::gpiod2_retry;
using detail::gpiod2_throw;

// Through the seam's table, so a test that replaces an allocation also sees it freed its way.
struct SettingsFree {
  void operator()(gpiod_line_settings* p) const { gpiod2_api().line_settings_free(p); }
};
struct LineConfigFree {
  void operator()(gpiod_line_config* p) const { gpiod2_api().line_config_free(p); }
};
struct RequestConfigFree {
  void operator()(gpiod_request_config* p) const { gpiod2_api().request_config_free(p); }
};
struct LineInfoFree {
  void operator()(gpiod_line_info* p) const { gpiod2_api().line_info_free(p); }
};
struct ChipInfoFree {
  void operator()(gpiod_chip_info* p) const { gpiod2_api().chip_info_free(p); }
};
using Settings = std::unique_ptr<gpiod_line_settings, SettingsFree>;
using LineCfg = std::unique_ptr<gpiod_line_config, LineConfigFree>;
using RequestCfg = std::unique_ptr<gpiod_request_config, RequestConfigFree>;

template <class T>
T* check(T* p) {
  if (!p) gpiod2_throw(errno);
  return p;
}
void check(int r) {
  if (r < 0) gpiod2_throw(errno);
}

enum gpiod_line_edge to_gpiod(Edge e) {
  switch (e) {
    case Edge::none: break;
    case Edge::rising: return GPIOD_LINE_EDGE_RISING;
    case Edge::falling: return GPIOD_LINE_EDGE_FALLING;
    case Edge::both: return GPIOD_LINE_EDGE_BOTH;
  }
  return GPIOD_LINE_EDGE_NONE;
}

enum gpiod_line_bias to_gpiod(Bias b) {
  switch (b) {
    case Bias::as_is: break;
    case Bias::disable: return GPIOD_LINE_BIAS_DISABLED;
    case Bias::pull_up: return GPIOD_LINE_BIAS_PULL_UP;
    case Bias::pull_down: return GPIOD_LINE_BIAS_PULL_DOWN;
  }
  return GPIOD_LINE_BIAS_AS_IS;
}

enum gpiod_line_drive to_gpiod(Drive d) {
  switch (d) {
    case Drive::push_pull: break;
    case Drive::open_drain: return GPIOD_LINE_DRIVE_OPEN_DRAIN;
    case Drive::open_source: return GPIOD_LINE_DRIVE_OPEN_SOURCE;
  }
  return GPIOD_LINE_DRIVE_PUSH_PULL;
}

enum gpiod_line_clock to_gpiod(EventClock c) {
  switch (c) {
    case EventClock::monotonic: break;
    case EventClock::realtime: return GPIOD_LINE_CLOCK_REALTIME;
    case EventClock::hte: return GPIOD_LINE_CLOCK_HTE;
  }
  return GPIOD_LINE_CLOCK_MONOTONIC;
}

// The settings of one line. libgpiod validates each value (EINVAL); the kernel validates the
// combination when the request is made.
Settings make_settings(const LineConfig& c, bool initial_value) {
  auto& api = gpiod2_api();
  Settings s(check(api.line_settings_new()));
  const bool output = c.direction == Direction::output;
  check(api.line_settings_set_direction(s.get(), output ? GPIOD_LINE_DIRECTION_OUTPUT : GPIOD_LINE_DIRECTION_INPUT));
  check(api.line_settings_set_bias(s.get(), to_gpiod(c.bias)));
  api.line_settings_set_active_low(s.get(), c.active_low);
  if (output) {
    check(api.line_settings_set_drive(s.get(), to_gpiod(c.drive)));
    check(api.line_settings_set_output_value(s.get(),
                                             initial_value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE));
  } else if (c.edge != Edge::none) {
    check(api.line_settings_set_edge_detection(s.get(), to_gpiod(c.edge)));
    // The uAPI counts whole microseconds; a period that is not one is rounded up, never to zero.
    if (c.debounce > Duration::zero()) {
      const auto us = static_cast<unsigned long>((c.debounce.count() + 999) / 1000);
      api.line_settings_set_debounce_period_us(s.get(), us);
    }
    check(api.line_settings_set_event_clock(s.get(), to_gpiod(c.clock)));
  }
  return s;
}

gpiod_line_request* make_request(gpiod_chip* chip, std::span<const unsigned> offsets, const LineConfig& c,
                                 std::uint64_t initial_values) {
  auto& api = gpiod2_api();
  LineCfg lines(check(api.line_config_new()));
  // One settings object per line, so outputs can start at different values; libgpiod merges equal
  // settings into one uAPI attribute set.
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    Settings s = make_settings(c, (initial_values >> i) & 1);
    check(api.line_config_add_line_settings(lines.get(), &offsets[i], 1, s.get()));
  }
  RequestCfg rc(check(api.request_config_new()));
  api.request_config_set_consumer(rc.get(), c.consumer.c_str());
  return gpiod2_retry([&] { return api.chip_request_lines(chip, rc.get(), lines.get()); },
                      [](gpiod_line_request* r) { return r == nullptr; });
}

class Gpiod2Chip final : public ChipBackend {
 public:
  explicit Gpiod2Chip(gpiod_chip* chip) : chip_(chip) {}
  ~Gpiod2Chip() override { gpiod2_api().chip_close(chip_); }

  ChipInfo info() override {
    auto& api = gpiod2_api();
    std::unique_ptr<gpiod_chip_info, ChipInfoFree> ci(
        check(gpiod2_retry([&] { return api.chip_get_info(chip_); }, [](auto* p) { return p == nullptr; })));
    return ChipInfo{api.chip_info_get_name(ci.get()), api.chip_info_get_label(ci.get()), api.chip_get_path(chip_),
                    static_cast<unsigned>(api.chip_info_get_num_lines(ci.get()))};
  }

  LineInfo line_info(unsigned offset) override {
    auto& api = gpiod2_api();
    std::unique_ptr<gpiod_line_info, LineInfoFree> info(check(
        gpiod2_retry([&] { return api.chip_get_line_info(chip_, offset); }, [](auto* p) { return p == nullptr; })));
    gpiod_line_info* i = info.get();
    LineInfo li;
    li.offset = offset;
    if (const char* n = api.line_info_get_name(i)) li.name = n;
    if (const char* c = api.line_info_get_consumer(i)) li.consumer = c;
    li.used = api.line_info_is_used(i);
    li.direction = api.line_info_get_direction(i) == GPIOD_LINE_DIRECTION_OUTPUT ? Direction::output : Direction::input;
    li.active_low = api.line_info_is_active_low(i);
    switch (api.line_info_get_bias(i)) {
      case GPIOD_LINE_BIAS_DISABLED: li.bias = Bias::disable; break;
      case GPIOD_LINE_BIAS_PULL_UP: li.bias = Bias::pull_up; break;
      case GPIOD_LINE_BIAS_PULL_DOWN: li.bias = Bias::pull_down; break;
      default: li.bias = Bias::as_is; break;
    }
    switch (api.line_info_get_drive(i)) {
      case GPIOD_LINE_DRIVE_OPEN_DRAIN: li.drive = Drive::open_drain; break;
      case GPIOD_LINE_DRIVE_OPEN_SOURCE: li.drive = Drive::open_source; break;
      default: li.drive = Drive::push_pull; break;
    }
    return li;
  }

  std::unique_ptr<LineRequest> request(unsigned offset, const LineConfig& c) override {
    const unsigned offsets[] = {offset};
    gpiod_line_request* r = check(make_request(chip_, offsets, c, c.initial_value ? 1 : 0));
    return detail::make_gpiod2_line_request(r, offset, c.direction == Direction::input && c.edge != Edge::none);
  }

  std::unique_ptr<MultiLineRequest> request_lines(std::span<const unsigned> offsets, const LineConfig& c,
                                                  std::uint64_t initial_values) override {
    gpiod_line_request* r = check(make_request(chip_, offsets, c, initial_values));
    return detail::make_gpiod2_multi_request(r, std::vector<unsigned>(offsets.begin(), offsets.end()));
  }

  std::optional<unsigned> find_line(std::string_view name) override {
    const std::string n(name);
    const int off = gpiod2_retry([&] { return gpiod2_api().chip_get_line_offset_from_name(chip_, n.c_str()); });
    if (off >= 0) return static_cast<unsigned>(off);
    if (errno != ENOENT) gpiod2_throw(errno);
    return std::nullopt;
  }

 private:
  gpiod_chip* chip_;
};

}  // namespace

std::unique_ptr<ChipBackend> GpiodBackend::open(std::string_view name_or_path) {
  std::string path(name_or_path);
  if (!path.starts_with("/")) path = dev_dir_ + "/" + path;
  gpiod_chip* chip =
      gpiod2_retry([&] { return gpiod2_api().chip_open(path.c_str()); }, [](gpiod_chip* c) { return c == nullptr; });
  if (!chip) gpiod2_throw(errno);
  return std::make_unique<Gpiod2Chip>(chip);
}

// Everything uAPI v2 offers. HTE is offered as far as libgpiod goes; the kernel refuses it
// (EOPNOTSUPP) on a line without a hardware timestamp engine, which is every line of a Pi.
Capabilities GpiodBackend::capabilities() const {
  return Capabilities{
      .kernel_debounce = true, .sequence_numbers = true, .multi_line = true, .realtime_clock = true, .hte_clock = true};
}

std::string GpiodBackend::library_version() { return gpiod2_api().api_version(); }

int GpiodBackend::api_version() { return 2; }

}  // namespace pinfiber::gpio
