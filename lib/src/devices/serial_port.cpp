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
  if (err == EACCES) return "add the user to the dialout group";
  if (err == EBUSY) return "another program holds it, or the serial console uses it";
  return "";
}

}  // namespace

SerialPort::SerialPort(std::string path, const SerialSettings& settings) : path_(std::move(path)) {
  // O_NOCTTY: a daemon without a terminal must not acquire the port as its controlling tty (a
  // hang-up would then send it SIGHUP).
  const int fd = ::open(path_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    throw Error(err, "open " + path_, open_hint(err));
  }
  fd_ = Fd(fd, path_);
  if (!::isatty(fd)) {
    fd_.close();
    fail("open", ENOTTY);
  }
  try {
    configure(settings);
  } catch (...) {
    fd_.close();
    throw;
  }
}

void SerialPort::fail(const std::string& action, int err) const { throw Error(err, action + " " + path_); }

void SerialPort::check_open(const char* action) const {
  if (!fd_) throw Error(EBADF, std::string(action) + " " + path_, "the port is closed");
}

void SerialPort::configure(const SerialSettings& s) {
  check_open("configure");
  const BaudRate* rate =
      std::find_if(std::begin(baud_rates), std::end(baud_rates), [&](const BaudRate& b) { return b.rate == s.baud; });
  if (rate == std::end(baud_rates)) {
    throw Error::exactly(EINVAL, "configure " + path_ + ": unsupported baud rate " + std::to_string(s.baud) +
                                     " (use one of " + supported_rates() + ")");
  }
  if (s.data_bits < 5 || s.data_bits > 8) {
    throw Error::exactly(EINVAL, "configure " + path_ + ": " + std::to_string(s.data_bits) + " data bits (use 5 to 8)");
  }
  if (s.stop_bits != 1 && s.stop_bits != 2) {
    throw Error::exactly(EINVAL, "configure " + path_ + ": " + std::to_string(s.stop_bits) + " stop bits (use 1 or 2)");
  }

  termios t{};
  if (::tcgetattr(fd_.get(), &t) != 0) fail("configure", errno);
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
  const bool set = ::tcsetattr(fd_.get(), TCSANOW, &t) == 0;
  const int set_err = errno;
  if (!set && set_err != EINVAL) fail("configure", set_err);

  // tcsetattr succeeds when any one change took, and fails with EINVAL when none did (a pty asked
  // for 7 bits): either way, read back what the driver really kept and say what it refused.
  termios got{};
  if (::tcgetattr(fd_.get(), &got) != 0) fail("configure", errno);
  std::string refused;
  auto note = [&](const std::string& what) { refused += (refused.empty() ? "" : ", ") + what; };
  if (::cfgetospeed(&got) != rate->code || ::cfgetispeed(&got) != rate->code) {
    note("baud rate " + std::to_string(s.baud));
  }
  if ((got.c_cflag & CSIZE) != (t.c_cflag & CSIZE)) note(std::to_string(s.data_bits) + " data bits");
  if ((got.c_cflag & (PARENB | PARODD)) != (t.c_cflag & (PARENB | PARODD))) note(parity_name(s.parity));
  if ((got.c_cflag & CSTOPB) != (t.c_cflag & CSTOPB)) note(std::to_string(s.stop_bits) + " stop bits");
  if ((got.c_cflag & CRTSCTS) != (t.c_cflag & CRTSCTS)) note("RTS/CTS flow control set as asked");
  if (!refused.empty()) throw Error::exactly(EINVAL, "configure " + path_ + ": the driver did not accept " + refused);
  if (!set) fail("configure", set_err);
  settings_ = s;
}

std::size_t SerialPort::read(void* buf, std::size_t n, TimeSpan timeout) {
  check_open("read from");
  return fd_.read(buf, n, timeout);
}

void SerialPort::read_exact(void* buf, std::size_t n, TimeSpan timeout) {
  check_open("read_exact from");
  auto* p = static_cast<std::uint8_t*>(buf);
  fd_.move_all(detail::fd_readable, "read_exact from", n, fd_.deadline(timeout),
               [&](std::size_t done) { return sys().read(fd_.get(), p + done, n - done); });
}

std::vector<std::uint8_t> SerialPort::read_exact(std::size_t n, TimeSpan timeout) {
  std::vector<std::uint8_t> out(n);
  read_exact(out.data(), n, timeout);
  return out;
}

void SerialPort::write_all(const void* buf, std::size_t n, TimeSpan timeout) {
  check_open("write_all to");
  const auto* p = static_cast<const std::uint8_t*>(buf);
  fd_.move_all(detail::fd_writable, "write_all to", n, fd_.deadline(timeout),
               [&](std::size_t done) { return sys().write(fd_.get(), p + done, n - done); });
}

void SerialPort::drain(TimeSpan timeout) {
  check_open("drain");
  const Fd::Deadline deadline = fd_.deadline(timeout);
  const TimePoint until = deadline.at;
  // One character on the wire: start bit, data bits, parity, stop bits.
  const int bits = 1 + settings_.data_bits + (settings_.parity != Parity::none ? 1 : 0) + settings_.stop_bits;
  for (;;) {
    int queued = 0;
    if (::ioctl(fd_.get(), TIOCOUTQ, &queued) != 0) fail("drain", errno);
    if (queued <= 0) break;
    if (Clock::now() >= until) fd_.timed_out("drain", deadline.timeout);
    // Sleep about as long as the queue takes to send, at least 1 ms so a slow UART is not polled
    // in a tight loop.
    const auto send_time = std::chrono::microseconds(std::int64_t{queued} * bits * 1'000'000 / settings_.baud);
    const Duration left = until - Clock::now();
    pinfiber::sleep(std::min<Duration>(std::max<Duration>(send_time, std::chrono::milliseconds(1)), left));
  }
  // The queue is empty: tcdrain now waits at most for the character in the shift register.
  while (::tcdrain(fd_.get()) != 0) {
    if (errno != EINTR) fail("drain", errno);
  }
}

void SerialPort::flush_input() {
  check_open("flush_input");
  if (::tcflush(fd_.get(), TCIFLUSH) != 0) fail("flush_input", errno);
}

}  // namespace pinfiber
