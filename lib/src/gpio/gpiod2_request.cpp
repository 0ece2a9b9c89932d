// The libgpiod 2 backend's requests: one line (values and edge events) or several (values only).
// Unlike libgpiod 1.6's lines, a v2 request is its own kernel object with its own fd, independent
// of the chip it came from.

#include <fcntl.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "gpio/gpiod2_support.hpp"
#include "pinfiber/io/wait.hpp"

namespace pinfiber::gpio::detail {

namespace {

// Events moved out of the kernel per read: the kernel's queue for a one-line request holds 16
// (16 per requested line, gpiolib-cdev's default event_buffer_size), so one read empties it.
constexpr std::size_t kEventBatch = 16;

enum gpiod_line_value to_value(bool v) { return v ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE; }

class Gpiod2LineRequest final : public LineRequest {
 public:
  Gpiod2LineRequest(gpiod_line_request* request, unsigned offset, bool events) : request_(request), offset_(offset) {
    if (!events) return;
    auto& api = gpiod2_api();
    buffer_ = api.edge_event_buffer_new(kEventBatch);
    fd_ = api.line_request_get_fd(request_);
    if (!buffer_ || fd_ < 0) {
      const int err = errno;
      release();
      gpiod2_throw(err);
    }
    // The request's fd blocks on read; the hub only reads after it polled readable, but two readers
    // or a spurious wake-up must see EAGAIN, not block the whole hub.
    const int fl = ::fcntl(fd_, F_GETFL);
    if (fl >= 0) ::fcntl(fd_, F_SETFL, fl | O_NONBLOCK);
  }
  ~Gpiod2LineRequest() override { release(); }

  bool get_value() override {
    const auto v = gpiod2_retry([&] { return gpiod2_api().line_request_get_value(request_, offset_); });
    if (v == GPIOD_LINE_VALUE_ERROR) gpiod2_throw(errno);
    return v == GPIOD_LINE_VALUE_ACTIVE;
  }
  void set_value(bool value) override {
    if (gpiod2_retry([&] { return gpiod2_api().line_request_set_value(request_, offset_, to_value(value)); }) < 0)
      gpiod2_throw(errno);
  }
  int event_fd() override { return fd_; }
  std::size_t read_events(std::span<EdgeEvent> out, bool& lost) override {
    lost = false;  // uAPI v2 numbers events instead (EdgeEvent::seqno); the common code counts gaps
    if (fd_ < 0) return 0;
    auto& api = gpiod2_api();
    const std::size_t want = std::min(out.size(), kEventBatch);
    const int n = gpiod2_retry([&] { return api.line_request_read_edge_events(request_, buffer_, want); });
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      gpiod2_throw(errno);
    }
    for (int i = 0; i < n; ++i) {
      gpiod_edge_event* ev = api.edge_event_buffer_get_event(buffer_, static_cast<unsigned long>(i));
      out[i].edge = api.edge_event_get_event_type(ev) == GPIOD_EDGE_EVENT_RISING_EDGE ? Edge::rising : Edge::falling;
      out[i].timestamp_ns = static_cast<std::int64_t>(api.edge_event_get_timestamp_ns(ev));
      out[i].offset = offset_;
      out[i].lost_before = false;
      out[i].seqno = api.edge_event_get_line_seqno(ev);
    }
    return static_cast<std::size_t>(n);
  }

 private:
  void release() {
    auto& api = gpiod2_api();
    // libgpiod closes the fd with the request; the hub must forget it first (and wake a waiter), or
    // a new fd that reuses the number would not be watched.
    if (fd_ >= 0) pinfiber::cancel_wait(std::exchange(fd_, -1));
    if (buffer_) api.edge_event_buffer_free(std::exchange(buffer_, nullptr));
    if (request_) api.line_request_release(std::exchange(request_, nullptr));
  }

  gpiod_line_request* request_;
  unsigned offset_;
  int fd_ = -1;
  gpiod_edge_event_buffer* buffer_ = nullptr;
};

// Reads and writes of several lines: one GPIO_V2_LINE_GET_VALUES / SET_VALUES ioctl each, whose
// mask names the lines concerned, so the lines outside a set keep their values without a read.
class Gpiod2MultiRequest final : public MultiLineRequest {
 public:
  Gpiod2MultiRequest(gpiod_line_request* request, std::vector<unsigned> offsets)
      : request_(request), offsets_(std::move(offsets)) {}
  ~Gpiod2MultiRequest() override { gpiod2_api().line_request_release(request_); }

  std::uint64_t get_values() override {
    std::vector<enum gpiod_line_value> v(offsets_.size());
    if (gpiod2_retry([&] {
          return gpiod2_api().line_request_get_values_subset(request_, offsets_.size(), offsets_.data(), v.data());
        }) < 0)
      gpiod2_throw(errno);
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < v.size(); ++i)
      if (v[i] == GPIOD_LINE_VALUE_ACTIVE) bits |= std::uint64_t{1} << i;
    return bits;
  }
  void set_values(std::uint64_t mask, std::uint64_t values) override {
    std::vector<unsigned> offs;
    std::vector<enum gpiod_line_value> v;
    for (std::size_t i = 0; i < offsets_.size(); ++i) {
      if (!(mask & (std::uint64_t{1} << i))) continue;
      offs.push_back(offsets_[i]);
      v.push_back(to_value(values & (std::uint64_t{1} << i)));
    }
    if (offs.empty()) return;
    if (gpiod2_retry([&] {
          return gpiod2_api().line_request_set_values_subset(request_, offs.size(), offs.data(), v.data());
        }) < 0)
      gpiod2_throw(errno);
  }

 private:
  gpiod_line_request* request_;
  std::vector<unsigned> offsets_;
};

}  // namespace

std::unique_ptr<LineRequest> make_gpiod2_line_request(gpiod_line_request* request, unsigned offset, bool events) {
  return std::make_unique<Gpiod2LineRequest>(request, offset, events);
}

std::unique_ptr<MultiLineRequest> make_gpiod2_multi_request(gpiod_line_request* request,
                                                            std::vector<unsigned> offsets) {
  return std::make_unique<Gpiod2MultiRequest>(request, std::move(offsets));
}

}  // namespace pinfiber::gpio::detail
