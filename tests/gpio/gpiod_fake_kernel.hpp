#pragma once
// A fake GPIO character device at the kernel-ioctl level, so the real libgpiod (1.6 or 2) runs
// against it.
//
// Why: the libgpiod backend must be exercised in every build, and neither a real chip nor the
// kernel's gpio-sim is available on the build machine (the real-kernel suite runs in a VM). What a
// real kernel cannot be made to do on demand - fail an ioctl or a read with EIO or EINTR at a chosen
// point, overflow an event queue at a chosen moment - is done here. The test binary defines open/
// open64, read, close, ioctl, access, stat/lstat(64) and realpath: calls on the fake's paths and
// fds emulate /dev/gpiochipN, every other call goes straight to the system call (or to a libc
// sibling that is not interposed, like openat and fstatat), so the rest of the process is
// unaffected. Device nodes are regular files in a temporary directory (realpath needs them to
// exist) that the fake reports as character devices. Event fds are real eventfds, so the hub polls
// them for real.
//
// Both uAPIs, as a kernel with CONFIG_GPIO_CDEV_V1 has them: v1 (what libgpiod 1.6 uses:
// GPIO_GET_CHIPINFO_IOCTL, GPIO_GET_LINEINFO_IOCTL, GPIO_GET_LINEHANDLE_IOCTL for 1 to 64 lines,
// GPIO_GET_LINEEVENT_IOCTL, GPIOHANDLE_GET/SET_LINE_VALUES_IOCTL, the sysfs "dev" file) and v2
// (what libgpiod 2 uses, gpiod_fake_kernel_v2.cpp: GPIO_V2_GET_LINEINFO_IOCTL, GPIO_V2_GET_LINE_IOCTL,
// GPIO_V2_LINE_GET/SET_VALUES_IOCTL, gpio_v2_line_event reads with sequence numbers, the sysfs
// "subsystem" link). The v1 event queue drops the newest event when full (16), the v2 queue the
// oldest (event_buffer_size, default 16 per line), as gpiolib-cdev does. Debounce is recorded, not
// performed: that, like everything else about real timing, is the VM suite's job.

#include <linux/gpio.h>

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
    std::uint32_t flags = 0;  // GPIOLINE_FLAG_* as the v1 uAPI reports them (v2's derive from them)
    bool level = false;       // physical
    int fd = -1;              // the request's fd
    bool events = false;
    std::uint32_t eventflags = 0;                               // v1: GPIOEVENT_REQUEST_*
    std::deque<std::pair<std::uint64_t, std::uint32_t>> queue;  // v1: timestamp, id
    std::uint64_t v2flags = 0;                                  // v2: GPIO_V2_LINE_FLAG_* requested (edges, clock)
    std::uint32_t debounce_us = 0;
    std::uint64_t line_seqno = 0;
  };
  struct Chip {
    std::string name, label;
    std::vector<Line> lines;
    int fd_count = 0;  // open chip fds
  };
  /// Makes the next `times` calls of ioctl `request` (0: any ioctl on the fake's fds) fail with `err`.
  struct Fault {
    unsigned long request = 0;
    int err = 0;
    int times = 0;
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
  /// Injected ioctl failures (see Fault).
  Fault ioctl_fault;
  /// The next `times` reads of a request fd fail with `err` (EINTR, EIO).
  Fault read_fault;
  /// Every ioctl request number seen, in order.
  std::vector<unsigned long> ioctls;
  /// How many value writes reached the kernel (v1 handles and v2 requests): one per set of a group.
  std::size_t handle_writes = 0;
  /// Open fds the fake handed out (chip, sysfs, request): 0 when libgpiod closed everything.
  std::size_t open_fds() const { return fds_.size(); }
  /// The lines of the last v2 request: how many, and its event_buffer_size as the kernel set it.
  std::size_t last_request_lines = 0;
  std::uint32_t last_event_buffer_size = 0;

  // Called by the interposers; each returns true when the call was the fake's.
  bool do_open(const char* path, int& result);
  bool do_stat(const char* path, void* statbuf, bool is64, int& result);
  bool do_access(const char* path, int& result);
  bool do_realpath(const char* path, char* resolved, char*& result);
  bool do_read(int fd, void* buf, std::size_t n, long& result);
  bool do_close(int fd, int& result);
  bool do_ioctl(int fd, unsigned long req, void* arg, int& result);

  static FakeGpioKernel* active;

 private:
  enum class Kind { chip, sysfs, handle, event, request_v2 };
  struct Fd {
    Kind kind;
    unsigned chip;
    std::vector<unsigned> offsets;  // handle: 1 to 64 lines; event: one; request_v2: 1 to 64
    std::string sysfs_text;
    std::size_t pos = 0;
    // v2 requests: one event queue for all lines, events numbered per request and per line.
    std::deque<gpio_v2_line_event> events;
    std::uint32_t capacity = 0;
    std::uint64_t seqno = 0;
  };
  int new_fd(Fd f);
  int chip_index_for_path(const char* path) const;  // -1 if not ours
  void signal(int fd);
  void drain(int fd);
  bool inject(Fault& fault, unsigned long req, int& result);
  void release(const Fd& f);

  // uAPI v2 (gpiod_fake_kernel_v2.cpp).
  bool ioctl_v2_chip(Chip& chip, unsigned chip_index, unsigned long req, void* arg, int& result);
  bool ioctl_v2_request(Fd& f, unsigned long req, void* arg, int& result);
  long read_v2(int fd, Fd& f, void* buf, std::size_t n);
  void queue_v2(Fd& f, unsigned offset, bool logical, std::uint64_t ts);

  std::string dir_;
  std::vector<Chip> chips_;
  std::map<int, Fd> fds_;
};

}  // namespace pinfiber::gpio::testing
