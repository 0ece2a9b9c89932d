// SerialPort: each call tries the operation first and parks on the fd only on EAGAIN, as Socket
// does. Raw mode uses VMIN=1, VTIME=0: with VMIN=0 a non-blocking read of an empty tty returns 0
// instead of EAGAIN (n_tty treats "no minimum, no timer" as an immediate return), and 0 could then
// no longer mean "hung up".

#include "pinfiber/devices/serial_port.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <utility>

#include "pinfiber/core/sleep.hpp"
#include "pinfiber/io/detail/sys.hpp"
#include "pinfiber/io/wait.hpp"

namespace pinfiber {

using detail::sys;

namespace {

struct BaudRate {
  int rate;
  speed_t code;
};

// Every rate glibc's termios names on Linux. A UART may still refuse some (the Pi's mini UART
// follows the core clock), which configure() notices when it reads the settings back.
constexpr BaudRate baud_rates[] = {
    {50, B50},           {75, B75},           {110, B110},         {134, B134},         {150, B150},
    {200, B200},         {300, B300},         {600, B600},         {1200, B1200},       {1800, B1800},
    {2400, B2400},       {4800, B4800},       {9600, B9600},       {19200, B19200},     {38400, B38400},
    {57600, B57600},     {115200, B115200},   {230400, B230400},   {460800, B460800},   {500000, B500000},
    {576000, B576000},   {921600, B921600},   {1000000, B1000000}, {1152000, B1152000}, {1500000, B1500000},
    {2000000, B2000000}, {2500000, B2500000}, {3000000, B3000000}, {3500000, B3500000}, {4000000, B4000000},
};

std::string supported_rates() {
  std::string out;
  for (const BaudRate& b : baud_rates) {
    if (!out.empty()) out += ", ";
    out += std::to_string(b.rate);
  }
  return out;
}

std::string seconds_text(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", std::chrono::duration<double>(d).count());
  return buf;
}

bool would_block(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

const char* parity_name(Parity p) {
  switch (p) {
    case Parity::none: return "no parity";
    case Parity::even: return "even parity";
    case Parity::odd: return "odd parity";
  }
  return "parity";
}

// The hint a user needs more than the errno text.
std::string open_hint(int err) {
  if (err == EACCES) return " (add the user to the dialout group)";
  if (err == EBUSY) return " (another program holds it, or the serial console uses it)";
  return "";
}

}  // namespace

SerialPort::SerialPort(std::string path, const SerialSettings& settings) : path_(std::move(path)) {
  // O_NOCTTY: a daemon without a terminal must not acquire the port as its controlling tty (a
  // hang-up would then send it SIGHUP).
  fd_ = ::open(path_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) {
    const int err = errno;
    throw SerialError(err, "open " + path_ + ": " + std::strerror(err) + open_hint(err));
  }
  try {
    if (!::isatty(fd_)) fail("open", ENOTTY);
    configure(settings);
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

SerialPort::SerialPort(SerialPort&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), settings_(other.settings_) {}

SerialPort& SerialPort::operator=(SerialPort&& other) noexcept {
  if (this != &other) {
    try {
      close();
    } catch (const std::system_error&) {  // the fd is gone either way (see close)
    }
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    settings_ = other.settings_;
  }
  return *this;
}

SerialPort::~SerialPort() {
  try {
    close();
  } catch (const std::system_error&) {
  }
}

void SerialPort::fail(const std::string& action, int err) const {
  throw SerialError(err, action + " " + path_ + ": " + std::strerror(err));
}

void SerialPort::timed_out(const std::string& action, Duration timeout, std::size_t transferred) const {
  std::string msg = action + " " + path_ + ": timed out after " + seconds_text(timeout);
  if (transferred > 0) msg += " (" + std::to_string(transferred) + " transferred)";
  throw SerialTimeout(msg, transferred);
}

void SerialPort::check_open(const char* action) const {
  if (fd_ < 0) throw SerialError(EBADF, std::string(action) + " " + path_ + ": the port is closed");
}

bool SerialPort::wait(int events, TimePoint deadline, const std::string& action) {
  try {
    return detail::wait_fd(fd_, events, deadline);
  } catch (const std::system_error& e) {
    // Another greenlet closed the port under us: say which port and what we were doing.
    if (e.code().value() != EBADF) throw;
    throw SerialError(EBADF, action + " " + path_ + ": the port was closed while waiting");
  }
}

void SerialPort::configure(const SerialSettings& s) {
  check_open("configure");
  const BaudRate* rate =
      std::find_if(std::begin(baud_rates), std::end(baud_rates), [&](const BaudRate& b) { return b.rate == s.baud; });
  if (rate == std::end(baud_rates)) {
    throw SerialError(EINVAL, "configure " + path_ + ": unsupported baud rate " + std::to_string(s.baud) +
                                  " (use one of " + supported_rates() + ")");
  }
  if (s.data_bits < 5 || s.data_bits > 8) {
    throw SerialError(EINVAL, "configure " + path_ + ": " + std::to_string(s.data_bits) + " data bits (use 5 to 8)");
  }
  if (s.stop_bits != 1 && s.stop_bits != 2) {
    throw SerialError(EINVAL, "configure " + path_ + ": " + std::to_string(s.stop_bits) + " stop bits (use 1 or 2)");
  }

  termios t{};
  if (::tcgetattr(fd_, &t) != 0) fail("configure", errno);
  ::cfmakeraw(&t);
  constexpr tcflag_t sizes[] = {CS5, CS6, CS7, CS8};
  t.c_cflag &= ~(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS | HUPCL);
  // CLOCAL: ignore the modem lines, or open/read would wait for a carrier a sensor never raises.
  t.c_cflag |= sizes[s.data_bits - 5] | CLOCAL | CREAD;
  if (s.parity != Parity::none) t.c_cflag |= PARENB;
  if (s.parity == Parity::odd) t.c_cflag |= PARODD;
  if (s.stop_bits == 2) t.c_cflag |= CSTOPB;
  if (s.flow_control == FlowControl::rts_cts) t.c_cflag |= CRTSCTS;
  t.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  if (::cfsetispeed(&t, rate->code) != 0 || ::cfsetospeed(&t, rate->code) != 0) fail("configure", errno);
  const bool set = ::tcsetattr(fd_, TCSANOW, &t) == 0;
  const int set_err = errno;
  if (!set && set_err != EINVAL) fail("configure", set_err);

  // tcsetattr succeeds when any one change took, and fails with EINVAL when none did (a pty asked
  // for 7 bits): either way, read back what the driver really kept and say what it refused.
  termios got{};
  if (::tcgetattr(fd_, &got) != 0) fail("configure", errno);
  std::string refused;
  auto note = [&](const std::string& what) { refused += (refused.empty() ? "" : ", ") + what; };
  if (::cfgetospeed(&got) != rate->code || ::cfgetispeed(&got) != rate->code) {
    note("baud rate " + std::to_string(s.baud));
  }
  if ((got.c_cflag & CSIZE) != (t.c_cflag & CSIZE)) note(std::to_string(s.data_bits) + " data bits");
  if ((got.c_cflag & (PARENB | PARODD)) != (t.c_cflag & (PARENB | PARODD))) note(parity_name(s.parity));
  if ((got.c_cflag & CSTOPB) != (t.c_cflag & CSTOPB)) note(std::to_string(s.stop_bits) + " stop bits");
  if ((got.c_cflag & CRTSCTS) != (t.c_cflag & CRTSCTS)) note("RTS/CTS flow control set as asked");
  if (!refused.empty()) throw SerialError(EINVAL, "configure " + path_ + ": the driver did not accept " + refused);
  if (!set) fail("configure", set_err);
  settings_ = s;
}

std::size_t SerialPort::read(void* buf, std::size_t n, Duration timeout) {
  check_open("read from");
  const TimePoint until = deadline_after(Clock::now(), timeout);
  for (;;) {
    const ssize_t got = sys().read(fd_, buf, n);
    if (got >= 0) return static_cast<std::size_t>(got);
    const int err = errno;
    if (err == EINTR) continue;
    if (!would_block(err)) fail("read from", err);
    if (!wait(detail::fd_readable, until, "read from")) timed_out("read from", timeout, 0);
  }
}

void SerialPort::read_exact(void* buf, std::size_t n, Duration timeout) {
  const std::string action = "read_exact " + std::to_string(n) + " bytes from";
  check_open(action.c_str());
  const TimePoint until = deadline_after(Clock::now(), timeout);
  auto* p = static_cast<std::uint8_t*>(buf);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t got = sys().read(fd_, p + done, n - done);
    if (got > 0) {
      done += static_cast<std::size_t>(got);
      continue;
    }
    if (got == 0) {
      throw SerialError(EIO, action + " " + path_ + ": device hung up after " + std::to_string(done));
    }
    const int err = errno;
    if (err == EINTR) continue;
    if (!would_block(err)) fail(action, err);
    if (!wait(detail::fd_readable, until, action)) timed_out(action, timeout, done);
  }
}

std::vector<std::uint8_t> SerialPort::read_exact(std::size_t n, Duration timeout) {
  std::vector<std::uint8_t> out(n);
  read_exact(out.data(), n, timeout);
  return out;
}

void SerialPort::write_all(const void* buf, std::size_t n, Duration timeout) {
  check_open("write to");
  const TimePoint until = deadline_after(Clock::now(), timeout);
  const auto* p = static_cast<const std::uint8_t*>(buf);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t sent = sys().write(fd_, p + done, n - done);
    if (sent >= 0) {
      done += static_cast<std::size_t>(sent);
      continue;
    }
    const int err = errno;
    if (err == EINTR) continue;
    if (!would_block(err)) fail("write_all " + std::to_string(n) + " bytes to", err);
    if (!wait(detail::fd_writable, until, "write to")) {
      timed_out("write_all " + std::to_string(n) + " bytes to", timeout, done);
    }
  }
}

void SerialPort::drain(Duration timeout) {
  check_open("drain");
  const TimePoint until = deadline_after(Clock::now(), timeout);
  // One character on the wire: start bit, data bits, parity, stop bits.
  const int bits = 1 + settings_.data_bits + (settings_.parity != Parity::none ? 1 : 0) + settings_.stop_bits;
  for (;;) {
    int queued = 0;
    if (::ioctl(fd_, TIOCOUTQ, &queued) != 0) fail("drain", errno);
    if (queued <= 0) break;
    if (Clock::now() >= until) timed_out("drain", timeout, 0);
    // Sleep about as long as the queue takes to send, at least 1 ms so a slow UART is not polled
    // in a tight loop.
    const auto send_time = std::chrono::microseconds(std::int64_t{queued} * bits * 1'000'000 / settings_.baud);
    const Duration left = until - Clock::now();
    pinfiber::sleep(std::min<Duration>(std::max<Duration>(send_time, std::chrono::milliseconds(1)), left));
  }
  // The queue is empty: tcdrain now waits at most for the character in the shift register.
  while (::tcdrain(fd_) != 0) {
    if (errno != EINTR) fail("drain", errno);
  }
}

void SerialPort::flush_input() {
  check_open("flush_input");
  if (::tcflush(fd_, TCIFLUSH) != 0) fail("flush_input", errno);
}

void SerialPort::close() {
  if (fd_ < 0) return;
  const int fd = std::exchange(fd_, -1);
  try {
    pinfiber::close(fd);
  } catch (const std::system_error& e) {
    throw SerialError(e.code().value(), "close " + path_ + ": " + e.code().message());
  }
}

}  // namespace pinfiber
