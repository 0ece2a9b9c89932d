// The fake GPIO kernel's uAPI v2, what libgpiod 2 speaks: line info, multi-line requests with
// per-line attributes, values by mask, and edge events with sequence numbers in one queue per
// request that drops its oldest event when full. The rules below are gpiolib-cdev's (Linux 6.1,
// drivers/gpio/gpiolib-cdev.c), as far as pinfiber's requests can meet them.

#include <fcntl.h>
#include <linux/gpio.h>

#include <cerrno>
#include <cstring>

#include "gpio/gpiod_fake_kernel.hpp"

namespace pinfiber::gpio::testing {

namespace {

constexpr std::uint64_t kEdgeFlags = GPIO_V2_LINE_FLAG_EDGE_RISING | GPIO_V2_LINE_FLAG_EDGE_FALLING;
constexpr std::uint64_t kBiasFlags =
    GPIO_V2_LINE_FLAG_BIAS_PULL_UP | GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN | GPIO_V2_LINE_FLAG_BIAS_DISABLED;
constexpr std::uint64_t kDriveFlags = GPIO_V2_LINE_FLAG_OPEN_DRAIN | GPIO_V2_LINE_FLAG_OPEN_SOURCE;
constexpr std::uint64_t kDirectionFlags = GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_OUTPUT;

// gpio_v2_line_flags_validate(), for a kernel without CONFIG_HTE (a Pi's, and the VM's).
int validate(std::uint64_t flags) {
  if (flags & GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE) return EOPNOTSUPP;
  if ((flags & GPIO_V2_LINE_FLAG_INPUT) && (flags & GPIO_V2_LINE_FLAG_OUTPUT)) return EINVAL;
  if ((flags & kEdgeFlags) && !(flags & GPIO_V2_LINE_FLAG_INPUT)) return EINVAL;
  if ((flags & GPIO_V2_LINE_FLAG_OPEN_DRAIN) && (flags & GPIO_V2_LINE_FLAG_OPEN_SOURCE)) return EINVAL;
  if ((flags & kDriveFlags) && !(flags & GPIO_V2_LINE_FLAG_OUTPUT)) return EINVAL;
  if ((flags & kBiasFlags) && !(flags & kDirectionFlags)) return EINVAL;
  if (__builtin_popcountll(flags & kBiasFlags) > 1) return EINVAL;
  return 0;
}

// The attribute of kind `id` that applies to the i-th line of a request, if any.
const gpio_v2_line_attribute* attr_for(const gpio_v2_line_config& c, std::uint32_t id, unsigned i) {
  for (unsigned a = 0; a < c.num_attrs && a < GPIO_V2_LINE_NUM_ATTRS_MAX; ++a)
    if (c.attrs[a].attr.id == id && (c.attrs[a].mask & (std::uint64_t{1} << i))) return &c.attrs[a].attr;
  return nullptr;
}

}  // namespace

bool FakeGpioKernel::ioctl_v2_chip(Chip& chip, unsigned chip_index, unsigned long req, void* arg, int& result) {
  const auto fail = [&](int err) {
    errno = err;
    result = -1;
    return true;
  };
  if (req == GPIO_V2_GET_LINEINFO_IOCTL) {
    auto* info = static_cast<gpio_v2_line_info*>(arg);
    if (info->offset >= chip.lines.size()) return fail(EINVAL);
    const unsigned offset = info->offset;
    const Line& l = chip.lines[offset];
    *info = gpio_v2_line_info{};
    info->offset = offset;
    std::strncpy(info->name, l.name.c_str(), sizeof info->name - 1);
    std::strncpy(info->consumer, l.consumer.c_str(), sizeof info->consumer - 1);
    std::uint64_t f = l.v2flags;
    if (l.used) f |= GPIO_V2_LINE_FLAG_USED;
    f |= (l.flags & GPIOLINE_FLAG_IS_OUT) ? GPIO_V2_LINE_FLAG_OUTPUT : GPIO_V2_LINE_FLAG_INPUT;
    if (l.flags & GPIOLINE_FLAG_ACTIVE_LOW) f |= GPIO_V2_LINE_FLAG_ACTIVE_LOW;
    if (l.flags & GPIOLINE_FLAG_OPEN_DRAIN) f |= GPIO_V2_LINE_FLAG_OPEN_DRAIN;
    if (l.flags & GPIOLINE_FLAG_OPEN_SOURCE) f |= GPIO_V2_LINE_FLAG_OPEN_SOURCE;
    if (l.flags & GPIOLINE_FLAG_BIAS_PULL_UP) f |= GPIO_V2_LINE_FLAG_BIAS_PULL_UP;
    if (l.flags & GPIOLINE_FLAG_BIAS_PULL_DOWN) f |= GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN;
    if (l.flags & GPIOLINE_FLAG_BIAS_DISABLE) f |= GPIO_V2_LINE_FLAG_BIAS_DISABLED;
    info->flags = f;
    if (l.debounce_us) {
      info->num_attrs = 1;
      info->attrs[0].id = GPIO_V2_LINE_ATTR_ID_DEBOUNCE;
      info->attrs[0].debounce_period_us = l.debounce_us;
    }
    return true;
  }
  if (req != GPIO_V2_GET_LINE_IOCTL) return fail(ENOTTY);

  auto* r = static_cast<gpio_v2_line_request*>(arg);
  if (r->num_lines < 1 || r->num_lines > GPIO_V2_LINES_MAX) return fail(EINVAL);
  if (r->config.num_attrs > GPIO_V2_LINE_NUM_ATTRS_MAX) return fail(EINVAL);
  std::vector<unsigned> offs(r->offsets, r->offsets + r->num_lines);
  std::vector<std::uint64_t> flags(offs.size());
  for (unsigned i = 0; i < offs.size(); ++i) {
    if (offs[i] >= chip.lines.size()) return fail(EINVAL);
    const gpio_v2_line_attribute* a = attr_for(r->config, GPIO_V2_LINE_ATTR_ID_FLAGS, i);
    flags[i] = a ? a->flags : r->config.flags;
    if (int err = validate(flags[i])) return fail(err);
    if (attr_for(r->config, GPIO_V2_LINE_ATTR_ID_DEBOUNCE, i) && !(flags[i] & GPIO_V2_LINE_FLAG_INPUT))
      return fail(EINVAL);
  }
  for (unsigned off : offs)
    if (chip.lines[off].used) return fail(EBUSY);

  Fd fd_state{Kind::request_v2, chip_index, offs};
  // gpiolib-cdev: 16 events per line unless asked otherwise, in a kfifo (a power of two).
  std::uint32_t size = r->event_buffer_size ? r->event_buffer_size : 16 * r->num_lines;
  if (size > 16 * GPIO_V2_LINES_MAX) size = 16 * GPIO_V2_LINES_MAX;
  fd_state.capacity = 1;
  while (fd_state.capacity < size) fd_state.capacity <<= 1;
  last_request_lines = offs.size();
  last_event_buffer_size = fd_state.capacity;
  const int fd = new_fd(std::move(fd_state));
  for (unsigned i = 0; i < offs.size(); ++i) {
    Line& l = chip.lines[offs[i]];
    const std::uint64_t f = flags[i];
    l.used = true;
    l.consumer = r->consumer;
    l.fd = fd;
    l.flags = GPIOLINE_FLAG_KERNEL;
    if (f & GPIO_V2_LINE_FLAG_OUTPUT) l.flags |= GPIOLINE_FLAG_IS_OUT;
    if (f & GPIO_V2_LINE_FLAG_ACTIVE_LOW) l.flags |= GPIOLINE_FLAG_ACTIVE_LOW;
    if (f & GPIO_V2_LINE_FLAG_OPEN_DRAIN) l.flags |= GPIOLINE_FLAG_OPEN_DRAIN;
    if (f & GPIO_V2_LINE_FLAG_OPEN_SOURCE) l.flags |= GPIOLINE_FLAG_OPEN_SOURCE;
    if (f & GPIO_V2_LINE_FLAG_BIAS_PULL_UP) l.flags |= GPIOLINE_FLAG_BIAS_PULL_UP, l.level = true;
    if (f & GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN) l.flags |= GPIOLINE_FLAG_BIAS_PULL_DOWN, l.level = false;
    if (f & GPIO_V2_LINE_FLAG_BIAS_DISABLED) l.flags |= GPIOLINE_FLAG_BIAS_DISABLE;
    l.v2flags = f & (kEdgeFlags | GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME);
    l.events = (f & kEdgeFlags) != 0;
    if (const auto* d = attr_for(r->config, GPIO_V2_LINE_ATTR_ID_DEBOUNCE, i)) l.debounce_us = d->debounce_period_us;
    if (f & GPIO_V2_LINE_FLAG_OUTPUT) {
      const auto* v = attr_for(r->config, GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES, i);
      const bool logical = v && (v->values & (std::uint64_t{1} << i));
      l.level = logical != ((f & GPIO_V2_LINE_FLAG_ACTIVE_LOW) != 0);
    }
  }
  r->fd = fd;
  return true;
}

bool FakeGpioKernel::ioctl_v2_request(Fd& f, unsigned long req, void* arg, int& result) {
  Chip& chip = chips_[f.chip];
  const auto fail = [&](int err) {
    errno = err;
    result = -1;
    return true;
  };
  auto* v = static_cast<gpio_v2_line_values*>(arg);
  if (req == GPIO_V2_LINE_GET_VALUES_IOCTL) {
    if (v->mask == 0) return fail(EINVAL);
    std::uint64_t bits = 0;
    for (unsigned i = 0; i < f.offsets.size(); ++i) {
      if (!(v->mask & (std::uint64_t{1} << i))) continue;
      const Line& l = chip.lines[f.offsets[i]];
      if (l.level != ((l.flags & GPIOLINE_FLAG_ACTIVE_LOW) != 0)) bits |= std::uint64_t{1} << i;
    }
    v->bits = bits;
    return true;
  }
  if (req == GPIO_V2_LINE_SET_VALUES_IOCTL) {
    if (v->mask == 0) return fail(EINVAL);
    // The kernel refuses the whole call if a line in the mask is not an output.
    for (unsigned i = 0; i < f.offsets.size(); ++i)
      if ((v->mask & (std::uint64_t{1} << i)) && !(chip.lines[f.offsets[i]].flags & GPIOLINE_FLAG_IS_OUT))
        return fail(EPERM);
    for (unsigned i = 0; i < f.offsets.size(); ++i) {
      if (!(v->mask & (std::uint64_t{1} << i))) continue;
      Line& l = chip.lines[f.offsets[i]];
      l.level = ((v->bits >> i) & 1) != ((l.flags & GPIOLINE_FLAG_ACTIVE_LOW) != 0);
    }
    ++handle_writes;
    return true;
  }
  return fail(ENOTTY);
}

void FakeGpioKernel::queue_v2(Fd& f, unsigned offset, bool logical, std::uint64_t ts) {
  Line& l = line(f.chip, offset);
  if (!(l.v2flags & (logical ? GPIO_V2_LINE_FLAG_EDGE_RISING : GPIO_V2_LINE_FLAG_EDGE_FALLING))) return;
  gpio_v2_line_event ev{};
  ev.timestamp_ns = ts;
  ev.id = logical ? GPIO_V2_LINE_EVENT_RISING_EDGE : GPIO_V2_LINE_EVENT_FALLING_EDGE;
  ev.offset = offset;
  // Numbered before queuing: an event the full queue pushes out leaves its numbers missing.
  ev.seqno = static_cast<std::uint32_t>(++f.seqno);
  ev.line_seqno = static_cast<std::uint32_t>(++l.line_seqno);
  if (f.events.size() >= f.capacity) f.events.pop_front();  // linereq_put_event: kfifo_skip, then in
  f.events.push_back(ev);
  signal(l.fd);
}

long FakeGpioKernel::read_v2(int fd, Fd& f, void* buf, std::size_t n) {
  if (n < sizeof(gpio_v2_line_event)) {
    errno = EINVAL;
    return -1;
  }
  if (f.events.empty()) {
    const int fl = ::fcntl(fd, F_GETFL);
    errno = (fl & O_NONBLOCK) ? EAGAIN : EIO;  // a blocking read would hang the test: say so loudly
    return -1;
  }
  auto* out = static_cast<gpio_v2_line_event*>(buf);
  std::size_t k = 0;
  while (k < n / sizeof(gpio_v2_line_event) && !f.events.empty()) {
    out[k++] = f.events.front();
    f.events.pop_front();
  }
  if (f.events.empty()) drain(fd);
  return static_cast<long>(k * sizeof(gpio_v2_line_event));
}

}  // namespace pinfiber::gpio::testing
