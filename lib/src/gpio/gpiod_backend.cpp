// The libgpiod 1.6 backend (built when the build found libgpiod 1; gpiod2_backend.cpp otherwise).
// libgpiod reports failures as -1/NULL with errno; each becomes a
// std::system_error here, and the common code adds the chip and line to the message.

#include "pinfiber/gpio/gpiod_backend.hpp"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <system_error>

#include "gpio/gpiod_seam.hpp"
#include "pinfiber/io/wait.hpp"

namespace pinfiber::gpio {

namespace detail {

GpiodApi& gpiod_api() {
  static GpiodApi api;
  return api;
}

}  // namespace detail

namespace {

using detail::gpiod_api;

[[noreturn]] void throw_errno(int err) { throw std::system_error(err ? err : EIO, std::generic_category()); }

// Signals interrupt reads and requests (an EINTR from a SIGINT handler installed without
// SA_RESTART); the operation is simply retried, since the hub sees the signal through its own fd.
template <class F>
auto retry_eintr(F&& f) {
  for (;;) {
    errno = 0;
    auto r = f();
    if (!(r < 0 && errno == EINTR)) return r;
  }
}

class GpiodRequest final : public LineRequest {
 public:
  GpiodRequest(std::shared_ptr<gpiod_chip> chip, gpiod_line* line, bool events) : chip_(std::move(chip)), line_(line) {
    if (events) {
      fd_ = gpiod_api().line_event_get_fd(line_);
      if (fd_ < 0) {
        const int err = errno;
        gpiod_api().line_release(line_);
        throw_errno(err);
      }
      // The kernel's event fd blocks on read; the hub only reads after it polled readable, but two
      // readers or a spurious wake-up must see EAGAIN, not block the whole hub.
      const int fl = ::fcntl(fd_, F_GETFL);
      if (fl >= 0) ::fcntl(fd_, F_SETFL, fl | O_NONBLOCK);
    }
  }
  ~GpiodRequest() override {
    // libgpiod closes the event fd; the hub must forget it first (and wake a waiter) or a new fd
    // that reuses the number would not be watched.
    if (fd_ >= 0) pinfiber::cancel_wait(fd_);
    gpiod_api().line_release(line_);
  }

  bool get_value() override {
    const int v = retry_eintr([&] { return gpiod_api().line_get_value(line_); });
    if (v < 0) throw_errno(errno);
    return v != 0;
  }
  void set_value(bool value) override {
    if (retry_eintr([&] { return gpiod_api().line_set_value(line_, value ? 1 : 0); }) < 0) throw_errno(errno);
  }
  int event_fd() override { return fd_; }
  std::size_t read_events(std::span<EdgeEvent> out, bool& lost) override {
    lost = false;  // uAPI v1 has no overflow flag nor sequence numbers
    gpiod_line_event evs[16];
    const unsigned want = static_cast<unsigned>(std::min<std::size_t>(out.size(), 16));
    const int n = retry_eintr([&] { return gpiod_api().line_event_read_multiple(line_, evs, want); });
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      throw_errno(errno);
    }
    const unsigned offset = gpiod_api().line_offset(line_);
    for (int i = 0; i < n; ++i) {
      out[i].edge = evs[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE ? Edge::rising : Edge::falling;
      out[i].timestamp_ns = static_cast<std::int64_t>(evs[i].ts.tv_sec) * 1'000'000'000 + evs[i].ts.tv_nsec;
      out[i].offset = offset;
      out[i].lost_before = false;
    }
    return static_cast<std::size_t>(n);
  }

 private:
  std::shared_ptr<gpiod_chip> chip_;  // the line belongs to the chip: keep it open
  gpiod_line* line_;
  int fd_ = -1;
};

// Lines requested together through a gpiod_line_bulk (one uAPI v1 line handle).
class GpiodBulkRequest final : public MultiLineRequest {
 public:
  GpiodBulkRequest(std::shared_ptr<gpiod_chip> chip, std::unique_ptr<gpiod_line_bulk> bulk)
      : chip_(std::move(chip)), bulk_(std::move(bulk)) {}
  ~GpiodBulkRequest() override { gpiod_api().line_release_bulk(bulk_.get()); }

  std::uint64_t get_values() override {
    int v[GPIOD_LINE_BULK_MAX_LINES] = {};
    if (retry_eintr([&] { return gpiod_api().line_get_value_bulk(bulk_.get(), v); }) < 0) throw_errno(errno);
    std::uint64_t bits = 0;
    for (unsigned i = 0; i < bulk_->num_lines; ++i)
      if (v[i]) bits |= std::uint64_t{1} << i;
    return bits;
  }
  // uAPI v1 sets every line of a handle at once; the lines outside `mask` are written back with the
  // values read from the handle just before (an output reads back what it drives).
  void set_values(std::uint64_t mask, std::uint64_t values) override {
    const std::uint64_t all = bulk_->num_lines == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bulk_->num_lines) - 1;
    const std::uint64_t now = (mask & all) == all ? 0 : get_values();
    const std::uint64_t bits = (now & ~mask) | (values & mask);
    int v[GPIOD_LINE_BULK_MAX_LINES] = {};
    for (unsigned i = 0; i < bulk_->num_lines; ++i) v[i] = (bits >> i) & 1;
    if (retry_eintr([&] { return gpiod_api().line_set_value_bulk(bulk_.get(), v); }) < 0) throw_errno(errno);
  }

 private:
  std::shared_ptr<gpiod_chip> chip_;  // the lines belong to the chip: keep it open
  std::unique_ptr<gpiod_line_bulk> bulk_;
};

class GpiodChip final : public ChipBackend {
 public:
  GpiodChip(gpiod_chip* chip, std::string path)
      : chip_(chip, [](gpiod_chip* c) { gpiod_api().chip_close(c); }), path_(std::move(path)) {}

  ChipInfo info() override {
    return ChipInfo{gpiod_api().chip_name(chip_.get()), gpiod_api().chip_label(chip_.get()), path_,
                    gpiod_api().chip_num_lines(chip_.get())};
  }

  LineInfo line_info(unsigned offset) override {
    gpiod_line* line = get_line(offset);
    if (gpiod_api().line_update(line) < 0) throw_errno(errno);
    LineInfo li;
    li.offset = offset;
    const auto& api = gpiod_api();
    if (const char* n = api.line_name(line)) li.name = n;
    if (const char* c = api.line_consumer(line)) li.consumer = c;
    li.used = api.line_is_used(line);
    li.direction = api.line_direction(line) == GPIOD_LINE_DIRECTION_OUTPUT ? Direction::output : Direction::input;
    li.active_low = api.line_active_state(line) == GPIOD_LINE_ACTIVE_STATE_LOW;
    switch (api.line_bias(line)) {
      case GPIOD_LINE_BIAS_DISABLE: li.bias = Bias::disable; break;
      case GPIOD_LINE_BIAS_PULL_UP: li.bias = Bias::pull_up; break;
      case GPIOD_LINE_BIAS_PULL_DOWN: li.bias = Bias::pull_down; break;
      default: li.bias = Bias::as_is; break;
    }
    li.drive = api.line_is_open_drain(line)    ? Drive::open_drain
               : api.line_is_open_source(line) ? Drive::open_source
                                               : Drive::push_pull;
    return li;
  }

  std::unique_ptr<LineRequest> request(unsigned offset, const LineConfig& c) override {
    gpiod_line* line = get_line(offset);
    const gpiod_line_request_config rc = request_config(c);
    const int default_val = c.initial_value ? 1 : 0;
    if (retry_eintr([&] { return gpiod_api().line_request(line, &rc, default_val); }) < 0) throw_errno(errno);
    return std::make_unique<GpiodRequest>(chip_, line, c.direction == Direction::input && c.edge != Edge::none);
  }

  // libgpiod 1.6's bulk request: one GPIO_GET_LINEHANDLE_IOCTL for every line (uAPI v1 line
  // handles take up to 64 lines with one set of flags).
  std::unique_ptr<MultiLineRequest> request_lines(std::span<const unsigned> offsets, const LineConfig& c,
                                                  std::uint64_t initial_values) override {
    auto bulk = std::make_unique<gpiod_line_bulk>();
    gpiod_line_bulk_init(bulk.get());
    int defaults[GPIOD_LINE_BULK_MAX_LINES] = {};
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      gpiod_line_bulk_add(bulk.get(), get_line(offsets[i]));
      defaults[i] = (initial_values >> i) & 1;
    }
    const gpiod_line_request_config rc = request_config(c);
    if (retry_eintr([&] { return gpiod_api().line_request_bulk(bulk.get(), &rc, defaults); }) < 0) throw_errno(errno);
    return std::make_unique<GpiodBulkRequest>(chip_, std::move(bulk));
  }

  std::optional<unsigned> find_line(std::string_view name) override {
    errno = 0;
    gpiod_line* line = gpiod_api().chip_find_line(chip_.get(), std::string(name).c_str());
    if (line) return gpiod_api().line_offset(line);
    if (errno != 0 && errno != ENOENT) throw_errno(errno);
    return std::nullopt;
  }

 private:
  static gpiod_line_request_config request_config(const LineConfig& c) {
    gpiod_line_request_config rc{};
    rc.consumer = c.consumer.c_str();
    if (c.direction == Direction::output) {
      rc.request_type = GPIOD_LINE_REQUEST_DIRECTION_OUTPUT;
    } else {
      switch (c.edge) {
        case Edge::none: rc.request_type = GPIOD_LINE_REQUEST_DIRECTION_INPUT; break;
        case Edge::rising: rc.request_type = GPIOD_LINE_REQUEST_EVENT_RISING_EDGE; break;
        case Edge::falling: rc.request_type = GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE; break;
        case Edge::both: rc.request_type = GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES; break;
      }
    }
    if (c.active_low) rc.flags |= GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW;
    if (c.direction == Direction::output && c.drive == Drive::open_drain)
      rc.flags |= GPIOD_LINE_REQUEST_FLAG_OPEN_DRAIN;
    if (c.direction == Direction::output && c.drive == Drive::open_source)
      rc.flags |= GPIOD_LINE_REQUEST_FLAG_OPEN_SOURCE;
    switch (c.bias) {
      case Bias::as_is: break;
      case Bias::disable: rc.flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE; break;
      case Bias::pull_up: rc.flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP; break;
      case Bias::pull_down: rc.flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN; break;
    }
    return rc;
  }

  gpiod_line* get_line(unsigned offset) {
    gpiod_line* line = gpiod_api().chip_get_line(chip_.get(), offset);
    if (!line) throw_errno(errno);
    return line;
  }

  std::shared_ptr<gpiod_chip> chip_;
  std::string path_;
};

}  // namespace

std::unique_ptr<ChipBackend> GpiodBackend::open(std::string_view name_or_path) {
  std::string path(name_or_path);
  if (!path.starts_with("/")) path = dev_dir_ + "/" + path;
  gpiod_chip* chip = nullptr;
  do {
    errno = 0;
    chip = gpiod_api().chip_open(path.c_str());
  } while (!chip && errno == EINTR);
  if (!chip) throw_errno(errno);
  return std::make_unique<GpiodChip>(chip, path);
}

std::string GpiodBackend::library_version() { return gpiod_api().version_string(); }

// uAPI v1 has multi-line handles and nothing else of the list: no kernel debounce, no sequence
// numbers, and (since Linux 5.7) monotonic timestamps only.
Capabilities GpiodBackend::capabilities() const { return Capabilities{.multi_line = true}; }

int GpiodBackend::api_version() { return 1; }

}  // namespace pinfiber::gpio
