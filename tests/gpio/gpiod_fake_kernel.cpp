// The fake GPIO kernel behind the libgpiod backend tests: files, fds, and the v1 uAPI (the v2 uAPI
// is in gpiod_fake_kernel_v2.cpp); see gpiod_fake_kernel.hpp for why.

#include "gpio/gpiod_fake_kernel.hpp"

#include <fcntl.h>
#include <limits.h>
#include <linux/gpio.h>
#include <stdarg.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

namespace pinfiber::gpio::testing {

FakeGpioKernel* FakeGpioKernel::active = nullptr;

namespace {
constexpr unsigned kMajor = 254;  // the usual dynamic major of gpiochip devices
const char kSysfs[] = "/sys/bus/gpio/devices/";
}  // namespace

FakeGpioKernel::FakeGpioKernel() {
  char tmpl[] = "/tmp/pinfiber-fake-gpio-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp");
  dir_ = tmpl;
  active = this;
}

FakeGpioKernel::~FakeGpioKernel() {
  active = nullptr;
  for (auto& [fd, f] : fds_) ::syscall(SYS_close, fd);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

FakeGpioKernel::Chip& FakeGpioKernel::add_chip(std::string label, unsigned lines, std::vector<std::string> names) {
  Chip c;
  c.name = "gpiochip" + std::to_string(chips_.size());
  c.label = std::move(label);
  c.lines.resize(lines);
  for (unsigned i = 0; i < lines && i < names.size(); ++i) c.lines[i].name = names[i];
  std::FILE* f = std::fopen((dir_ + "/" + c.name).c_str(), "w");  // fopen uses glibc's internal open
  if (f) std::fclose(f);
  chips_.push_back(std::move(c));
  return chips_.back();
}

void FakeGpioKernel::hold(unsigned chip, unsigned offset, std::string consumer) {
  Line& l = line(chip, offset);
  l.used = l.external = true;
  l.consumer = std::move(consumer);
  l.flags |= GPIOLINE_FLAG_KERNEL;
}

void FakeGpioKernel::set_level(unsigned chip, unsigned offset, bool level, std::uint64_t ts) {
  Line& l = line(chip, offset);
  if (l.level == level) return;
  l.level = level;
  if (!l.events || l.fd < 0) return;
  const bool active_low = l.flags & GPIOLINE_FLAG_ACTIVE_LOW;
  const bool logical = level != active_low;
  if (auto it = fds_.find(l.fd); it != fds_.end() && it->second.kind == Kind::request_v2) {
    queue_v2(it->second, offset, logical, ts);
    return;
  }
  const std::uint32_t id = logical ? GPIOEVENT_EVENT_RISING_EDGE : GPIOEVENT_EVENT_FALLING_EDGE;
  const std::uint32_t want = logical ? GPIOEVENT_REQUEST_RISING_EDGE : GPIOEVENT_REQUEST_FALLING_EDGE;
  if (!(l.eventflags & want) || l.queue.size() >= 16) return;
  l.queue.emplace_back(ts, id);
  signal(l.fd);
}

int FakeGpioKernel::new_fd(Fd f) {
  const int fd = ::eventfd(0, EFD_CLOEXEC);
  fds_[fd] = std::move(f);
  return fd;
}

void FakeGpioKernel::signal(int fd) {
  const std::uint64_t one = 1;
  (void)!::write(fd, &one, sizeof one);
}

void FakeGpioKernel::drain(int fd) {
  std::uint64_t v;
  const int fl = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  (void)!::syscall(SYS_read, fd, &v, sizeof v);
  ::fcntl(fd, F_SETFL, fl);
}

int FakeGpioKernel::chip_index_for_path(const char* path) const {
  if (!path) return -1;
  const std::string p(path);
  for (unsigned i = 0; i < chips_.size(); ++i)
    if (p == dir_ + "/" + chips_[i].name) return static_cast<int>(i);
  return -1;
}

bool FakeGpioKernel::do_open(const char* path, int& result) {
  if (!path) return false;
  const std::string p(path);
  for (unsigned i = 0; i < chips_.size(); ++i) {
    if (p == std::string(kSysfs) + chips_[i].name + "/dev") {
      result = new_fd({Kind::sysfs, i, {}, std::to_string(kMajor) + ":" + std::to_string(i) + "\n"});
      return true;
    }
  }
  const int c = chip_index_for_path(path);
  if (c < 0) return false;
  if (fail_next_open) {
    errno = std::exchange(fail_next_open, 0);
    result = -1;
    return true;
  }
  ++chips_[c].fd_count;
  result = new_fd({Kind::chip, static_cast<unsigned>(c)});
  return true;
}

bool FakeGpioKernel::do_stat(const char* path, void* statbuf, bool is64, int& result) {
  const int c = chip_index_for_path(path);
  if (c < 0) return false;
  struct stat64 st64 {};
  st64.st_mode = S_IFCHR | 0660;
  st64.st_rdev = makedev(kMajor, static_cast<unsigned>(c));
  if (is64) {
    std::memcpy(statbuf, &st64, sizeof st64);
  } else {
    struct stat st {};
    st.st_mode = st64.st_mode;
    st.st_rdev = st64.st_rdev;
    std::memcpy(statbuf, &st, sizeof st);
  }
  result = 0;
  return true;
}

// libgpiod 2 checks that a device is a GPIO chip by resolving /sys/dev/char/MAJOR:MINOR/subsystem,
// which must lead to /sys/bus/gpio.
bool FakeGpioKernel::do_realpath(const char* path, char* resolved, char*& result) {
  if (!path) return false;
  const std::string p(path);
  for (unsigned i = 0; i < chips_.size(); ++i) {
    if (p != "/sys/dev/char/" + std::to_string(kMajor) + ":" + std::to_string(i) + "/subsystem") continue;
    const char target[] = "/sys/bus/gpio";
    result = resolved ? std::strcpy(resolved, target) : ::strdup(target);
    return true;
  }
  return false;
}

bool FakeGpioKernel::inject(Fault& fault, unsigned long req, int& result) {
  if (fault.times <= 0 || (fault.request != 0 && fault.request != req)) return false;
  --fault.times;
  errno = fault.err;
  result = -1;
  return true;
}

bool FakeGpioKernel::do_access(const char* path, int& result) {
  if (!path) return false;
  const std::string p(path);
  for (const auto& c : chips_) {
    if (p == std::string(kSysfs) + c.name + "/dev") {
      result = 0;
      return true;
    }
  }
  return false;
}

bool FakeGpioKernel::do_read(int fd, void* buf, std::size_t n, long& result) {
  auto it = fds_.find(fd);
  if (it == fds_.end()) return false;
  Fd& f = it->second;
  if (f.kind == Kind::sysfs) {
    const std::size_t k = std::min(n, f.sysfs_text.size() - f.pos);
    std::memcpy(buf, f.sysfs_text.data() + f.pos, k);
    f.pos += k;
    result = static_cast<long>(k);
    return true;
  }
  if (int r; (f.kind == Kind::event || f.kind == Kind::request_v2) && inject(read_fault, 0, r)) {
    result = r;
    return true;
  }
  if (f.kind == Kind::request_v2) {
    result = read_v2(fd, f, buf, n);
    return true;
  }
  if (f.kind != Kind::event) {
    errno = EINVAL;
    result = -1;
    return true;
  }
  Line& l = line(f.chip, f.offsets[0]);
  if (l.queue.empty()) {
    const int fl = ::fcntl(fd, F_GETFL);
    errno = (fl & O_NONBLOCK) ? EAGAIN : EIO;  // a blocking read would hang the test: say so loudly
    result = -1;
    return true;
  }
  auto* out = static_cast<gpioevent_data*>(buf);
  std::size_t k = 0;
  while (k < n / sizeof(gpioevent_data) && !l.queue.empty()) {
    out[k] = gpioevent_data{};
    out[k].timestamp = l.queue.front().first;
    out[k].id = l.queue.front().second;
    l.queue.pop_front();
    ++k;
  }
  if (l.queue.empty()) drain(fd);
  result = static_cast<long>(k * sizeof(gpioevent_data));
  return true;
}

bool FakeGpioKernel::do_close(int fd, int& result) {
  auto it = fds_.find(fd);
  if (it == fds_.end()) return false;
  const Fd f = std::move(it->second);
  fds_.erase(it);
  if (f.kind == Kind::chip) --chips_[f.chip].fd_count;
  release(f);
  result = static_cast<int>(::syscall(SYS_close, fd));
  return true;
}

// Closing a request's fd frees its lines; they keep their level, as real lines do.
void FakeGpioKernel::release(const Fd& f) {
  if (f.kind != Kind::handle && f.kind != Kind::event && f.kind != Kind::request_v2) return;
  for (unsigned off : f.offsets) {
    Line& l = line(f.chip, off);
    Line fresh;
    fresh.name = l.name;
    fresh.level = l.level;
    l = std::move(fresh);
  }
}

bool FakeGpioKernel::do_ioctl(int fd, unsigned long req, void* arg, int& result) {
  auto it = fds_.find(fd);
  if (it == fds_.end()) return false;
  ioctls.push_back(req);
  if (inject(ioctl_fault, req, result)) return true;
  Fd& f = it->second;
  Chip& chip = chips_[f.chip];
  result = 0;
  const auto fail = [&](int err) {
    errno = err;
    result = -1;
    return true;
  };
  const auto claim = [&](unsigned off, std::uint32_t handleflags, const char* consumer) -> Line* {
    if (off >= chip.lines.size()) return nullptr;
    Line& l = chip.lines[off];
    if (l.used) return nullptr;
    l.used = true;
    l.consumer = consumer;
    l.flags = GPIOLINE_FLAG_KERNEL;  // the v1 uAPI reports requested lines as "kernel" (used)
    if (handleflags & GPIOHANDLE_REQUEST_OUTPUT) l.flags |= GPIOLINE_FLAG_IS_OUT;
    if (handleflags & GPIOHANDLE_REQUEST_ACTIVE_LOW) l.flags |= GPIOLINE_FLAG_ACTIVE_LOW;
    if (handleflags & GPIOHANDLE_REQUEST_OPEN_DRAIN) l.flags |= GPIOLINE_FLAG_OPEN_DRAIN;
    if (handleflags & GPIOHANDLE_REQUEST_OPEN_SOURCE) l.flags |= GPIOLINE_FLAG_OPEN_SOURCE;
    if (handleflags & GPIOHANDLE_REQUEST_BIAS_PULL_UP) l.flags |= GPIOLINE_FLAG_BIAS_PULL_UP, l.level = true;
    if (handleflags & GPIOHANDLE_REQUEST_BIAS_PULL_DOWN) l.flags |= GPIOLINE_FLAG_BIAS_PULL_DOWN, l.level = false;
    if (handleflags & GPIOHANDLE_REQUEST_BIAS_DISABLE) l.flags |= GPIOLINE_FLAG_BIAS_DISABLE;
    return &l;
  };
  switch (f.kind) {
    case Kind::chip:
      if (req == GPIO_GET_CHIPINFO_IOCTL) {
        auto* info = static_cast<gpiochip_info*>(arg);
        *info = gpiochip_info{};
        std::strncpy(info->name, chip.name.c_str(), sizeof info->name - 1);
        std::strncpy(info->label, chip.label.c_str(), sizeof info->label - 1);
        info->lines = static_cast<std::uint32_t>(chip.lines.size());
        return true;
      }
      if (req == GPIO_GET_LINEINFO_IOCTL) {
        auto* info = static_cast<gpioline_info*>(arg);
        if (info->line_offset >= chip.lines.size()) return fail(EINVAL);
        const Line& l = chip.lines[info->line_offset];
        info->flags = l.flags | (l.used ? GPIOLINE_FLAG_KERNEL : 0);
        std::memset(info->name, 0, sizeof info->name);
        std::memset(info->consumer, 0, sizeof info->consumer);
        std::strncpy(info->name, l.name.c_str(), sizeof info->name - 1);
        std::strncpy(info->consumer, l.consumer.c_str(), sizeof info->consumer - 1);
        return true;
      }
      if (req == GPIO_GET_LINEHANDLE_IOCTL) {
        // 1 to 64 lines, one set of flags, all or nothing (libgpiod 1.6's bulk requests).
        auto* r = static_cast<gpiohandle_request*>(arg);
        if (r->lines < 1 || r->lines > GPIOHANDLES_MAX) return fail(EINVAL);
        std::vector<unsigned> offs(r->lineoffsets, r->lineoffsets + r->lines);
        for (unsigned off : offs)
          if (off >= chip.lines.size()) return fail(EINVAL);
        for (unsigned off : offs)
          if (chip.lines[off].used) return fail(EBUSY);
        const int handle = new_fd({Kind::handle, f.chip, offs});
        for (std::size_t i = 0; i < offs.size(); ++i) {
          Line* l = claim(offs[i], r->flags, r->consumer_label);
          if (r->flags & GPIOHANDLE_REQUEST_OUTPUT)
            l->level = (r->default_values[i] != 0) != ((r->flags & GPIOHANDLE_REQUEST_ACTIVE_LOW) != 0);
          l->fd = handle;
        }
        r->fd = handle;
        return true;
      }
      if (req == GPIO_GET_LINEEVENT_IOCTL) {
        auto* r = static_cast<gpioevent_request*>(arg);
        if (r->lineoffset >= chip.lines.size()) return fail(EINVAL);
        Line* l = claim(r->lineoffset, r->handleflags, r->consumer_label);
        if (!l) return fail(EBUSY);
        l->events = true;
        l->eventflags = r->eventflags;
        l->fd = r->fd = new_fd({Kind::event, f.chip, {r->lineoffset}});
        return true;
      }
      return ioctl_v2_chip(chip, f.chip, req, arg, result);
    case Kind::handle:
    case Kind::event: {
      if (req == GPIOHANDLE_GET_LINE_VALUES_IOCTL) {
        auto* d = static_cast<gpiohandle_data*>(arg);
        *d = gpiohandle_data{};
        for (std::size_t i = 0; i < f.offsets.size(); ++i) {
          const Line& l = chip.lines[f.offsets[i]];
          d->values[i] = l.level != ((l.flags & GPIOLINE_FLAG_ACTIVE_LOW) != 0);
        }
        return true;
      }
      if (req == GPIOHANDLE_SET_LINE_VALUES_IOCTL) {
        if (f.kind != Kind::handle || !(chip.lines[f.offsets[0]].flags & GPIOLINE_FLAG_IS_OUT)) return fail(EPERM);
        const auto* d = static_cast<const gpiohandle_data*>(arg);
        for (std::size_t i = 0; i < f.offsets.size(); ++i) {
          Line& l = chip.lines[f.offsets[i]];
          l.level = (d->values[i] != 0) != ((l.flags & GPIOLINE_FLAG_ACTIVE_LOW) != 0);
        }
        ++handle_writes;
        return true;
      }
      return fail(ENOTTY);
    }
    case Kind::request_v2: return ioctl_v2_request(f, req, arg, result);
    case Kind::sysfs: return fail(ENOTTY);
  }
  return false;
}

}  // namespace pinfiber::gpio::testing

// --- the interposers ---------------------------------------------------------------------------------
// Defined in the executable, they take precedence over libc's for every caller outside libc
// (libgpiod included); glibc's own internal calls are unaffected.

using pinfiber::gpio::testing::FakeGpioKernel;

extern "C" {

static int fake_open(const char* path, int flags, va_list ap) {
  mode_t mode = 0;
  if (flags & (O_CREAT | O_TMPFILE)) mode = static_cast<mode_t>(va_arg(ap, int));
  int r;
  if (FakeGpioKernel::active && FakeGpioKernel::active->do_open(path, r)) return r;
  return ::openat(AT_FDCWD, path, flags, mode);
}

int open(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const int r = fake_open(path, flags, ap);
  va_end(ap);
  return r;
}

int open64(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const int r = fake_open(path, flags, ap);
  va_end(ap);
  return r;
}

ssize_t read(int fd, void* buf, size_t n) {
  long r;
  if (FakeGpioKernel::active && FakeGpioKernel::active->do_read(fd, buf, n, r)) return r;
  return ::syscall(SYS_read, fd, buf, n);
}

int close(int fd) {
  int r;
  if (FakeGpioKernel::active && FakeGpioKernel::active->do_close(fd, r)) return r;
  return static_cast<int>(::syscall(SYS_close, fd));
}

int ioctl(int fd, unsigned long req, ...) noexcept {
  va_list ap;
  va_start(ap, req);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  int r;
  // The kernel takes the request as a 32-bit unsigned int; libgpiod 2 passes an int, which the
  // variadic call sign-extends for requests with the top bit set (every _IOWR of the GPIO uAPI).
  if (FakeGpioKernel::active && FakeGpioKernel::active->do_ioctl(fd, static_cast<unsigned int>(req), arg, r)) return r;
  return static_cast<int>(::syscall(SYS_ioctl, fd, req, arg));
}

char* realpath(const char* path, char* resolved) noexcept {
  char* r;
  if (FakeGpioKernel::active && FakeGpioKernel::active->do_realpath(path, resolved, r)) return r;
  // Not ours: glibc's canonicalize_file_name is its realpath under another name, called inside libc,
  // so it works in static test binaries too (where dlsym(RTLD_NEXT) would not).
  char* real = ::canonicalize_file_name(path);
  if (!real || !resolved) return real;
  std::strncpy(resolved, real, PATH_MAX - 1);
  resolved[PATH_MAX - 1] = '\0';
  std::free(real);
  return resolved;
}

int access(const char* path, int mode) noexcept {
  int r;
  if (FakeGpioKernel::active && FakeGpioKernel::active->do_access(path, r)) return r;
  return ::faccessat(AT_FDCWD, path, mode, 0);
}

int stat(const char* path, struct stat* st) noexcept {
  int r;
  if (FakeGpioKernel::active && FakeGpioKernel::active->do_stat(path, st, false, r)) return r;
  return ::fstatat(AT_FDCWD, path, st, 0);
}

int lstat(const char* path, struct stat* st) noexcept {
  int r;
  if (FakeGpioKernel::active && FakeGpioKernel::active->do_stat(path, st, false, r)) return r;
  return ::fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int stat64(const char* path, struct stat64* st) noexcept {
  int r;
  if (FakeGpioKernel::active && FakeGpioKernel::active->do_stat(path, st, true, r)) return r;
  return ::fstatat64(AT_FDCWD, path, st, 0);
}

int lstat64(const char* path, struct stat64* st) noexcept {
  int r;
  if (FakeGpioKernel::active && FakeGpioKernel::active->do_stat(path, st, true, r)) return r;
  return ::fstatat64(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

}  // extern "C"
