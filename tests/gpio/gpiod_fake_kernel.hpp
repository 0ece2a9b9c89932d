#pragma once
// A fake GPIO character device at the kernel-ioctl level, so the real libgpiod 1.6 runs against it.
//
// Why: the libgpiod backend must be exercised in every build, and neither a real chip nor the
// kernel's gpio-sim is available (this VM's kernel has no configfs mounted and loading modules is
// not an option in CI's fresh container). So the test binary defines open/open64, read, close,
// ioctl, access, stat/lstat(64): calls on the fake's paths and fds emulate /dev/gpiochipN with the
// uAPI v1 ioctls libgpiod 1.6 uses (GPIO_GET_CHIPINFO_IOCTL, GPIO_GET_LINEINFO_IOCTL,
// GPIO_GET_LINEHANDLE_IOCTL, GPIO_GET_LINEEVENT_IOCTL, GPIOHANDLE_GET/SET_LINE_VALUES_IOCTL) and the
// sysfs "dev" file libgpiod checks; every other call goes straight to the system call (or to a libc
// sibling that is not interposed, like openat and fstatat), so the rest of the process is unaffected.
// Device nodes are regular files in a temporary directory (realpath needs them to exist) that the
// fake reports as character devices. Event fds are real eventfds, so the hub polls them for real.

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace pinfiber::gpio::testing {

class FakeGpioKernel {
 public:
  struct Line {
    std::string name;
    std::string consumer;  // set when requested, or by hold()
    bool used = false;
    bool external = false;    // held by "another process"
    std::uint32_t flags = 0;  // GPIOLINE_FLAG_* as the kernel reports them
    bool level = false;       // physical
    int fd = -1;              // the request's fd
    bool events = false;
    std::uint32_t eventflags = 0;
    std::deque<std::pair<std::uint64_t, std::uint32_t>> queue;  // timestamp, id
  };
  struct Chip {
    std::string name, label;
    std::vector<Line> lines;
    int fd_count = 0;  // open chip fds
  };

  /// Creates the device directory with one chip per call of add_chip(); installs itself.
  FakeGpioKernel();
  ~FakeGpioKernel();
  FakeGpioKernel(const FakeGpioKernel&) = delete;
  FakeGpioKernel& operator=(const FakeGpioKernel&) = delete;

  Chip& add_chip(std::string label, unsigned lines, std::vector<std::string> names = {});
  const std::string& dev_dir() const { return dir_; }
  /// Another process holds line `offset` of chip `chip`.
  void hold(unsigned chip, unsigned offset, std::string consumer);
  /// Drives the physical level from outside; queues an event if the line's request wants it.
  void set_level(unsigned chip, unsigned offset, bool level, std::uint64_t timestamp_ns);
  Line& line(unsigned chip, unsigned offset) { return chips_.at(chip).lines.at(offset); }
  /// The next open of a chip device fails with `err` (EACCES to test permissions).
  int fail_next_open = 0;
  /// Every ioctl request number seen, in order.
  std::vector<unsigned long> ioctls;
  /// Open fds the fake handed out (chip, sysfs, request): 0 when libgpiod closed everything.
  std::size_t open_fds() const { return fds_.size(); }

  // Called by the interposers; each returns true when the call was the fake's.
  bool do_open(const char* path, int& result);
  bool do_stat(const char* path, void* statbuf, bool is64, int& result);
  bool do_access(const char* path, int& result);
  bool do_read(int fd, void* buf, std::size_t n, long& result);
  bool do_close(int fd, int& result);
  bool do_ioctl(int fd, unsigned long req, void* arg, int& result);

  static FakeGpioKernel* active;

 private:
  enum class Kind { chip, sysfs, handle, event };
  struct Fd {
    Kind kind;
    unsigned chip;
    unsigned offset = 0;
    std::string sysfs_text;
    std::size_t pos = 0;
  };
  int new_fd(Fd f);
  int chip_index_for_path(const char* path) const;  // -1 if not ours
  void signal(int fd);
  void drain(int fd);

  std::string dir_;
  std::vector<Chip> chips_;
  std::map<int, Fd> fds_;
};

}  // namespace pinfiber::gpio::testing
