// I2cDev: i2c-dev through i2c-tools' libi2c (SMBus) and the I2C_RDWR ioctl (plain I2C).

#include "pinfiber/bus/i2c_dev.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

extern "C" {
#include <i2c/smbus.h>
#include <linux/i2c-dev.h>
}

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "bus/device_node.hpp"
#include "bus/pooled_call.hpp"
#include "pinfiber/bus/error.hpp"
#include "pinfiber/bytes/endian.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/io/fd.hpp"
#include "pinfiber/sync/lock.hpp"

namespace pinfiber::bus {

struct I2cDev::State {
  Fd fd;
  Lock lock;          // one transfer at a time, across greenlets and abandoned pooled calls
  int selected = -1;  // the address I2C_SLAVE set last; -1: unknown
};

namespace {

Duration remaining(TimePoint deadline) {
  if (deadline == TimePoint::max()) return forever;
  const TimePoint now = Clock::now();
  return deadline > now ? deadline - now : Duration::zero();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

// "/dev/i2c-1", "i2c-1", "1" -> the path and the number (-1 if the path has none).
std::pair<std::string, int> parse_bus(std::string_view spec) {
  std::string path(spec);
  if (!spec.empty() && spec.find_first_not_of("0123456789") == std::string_view::npos)
    path = "/dev/i2c-" + path;
  else if (spec.rfind("i2c-", 0) == 0)
    path = "/dev/" + path;
  int number = -1;
  const auto dash = path.rfind("i2c-");
  if (dash != std::string::npos) {
    const std::string digits = path.substr(dash + 4);
    if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos) number = std::stoi(digits);
  }
  return {path, number};
}

// Bits on the wire of a transfer moving `bytes` bytes (address bytes included): 9 per byte (8 and the
// acknowledge), plus a START, a STOP and a repeated START.
constexpr unsigned long long wire_bits(std::size_t bytes) { return bytes * 9ULL + 3; }

std::size_t smbus_wire_bytes(const SmbusTransfer& t) {
  switch (t.kind) {
    case SmbusKind::quick: return 1;
    case SmbusKind::byte: return 2;
    case SmbusKind::byte_data: return t.read ? 4 : 3;
    case SmbusKind::word_data: return t.read ? 5 : 4;
    case SmbusKind::i2c_block: return (t.read ? 3 : 2) + t.data.size();
  }
  return 1;
}

// One SMBus transfer through libi2c on `fd` (its address already selected): >= 0, or -errno.
// libi2c's calls return the kernel's negative errno themselves.
int smbus_call(int fd, SmbusKind kind, bool read, std::uint8_t command, std::uint8_t* data, std::size_t size) {
  int r = 0;
  switch (kind) {
    case SmbusKind::quick: r = i2c_smbus_write_quick(fd, read ? I2C_SMBUS_READ : I2C_SMBUS_WRITE); break;
    case SmbusKind::byte:
      r = read ? i2c_smbus_read_byte(fd) : i2c_smbus_write_byte(fd, data[0]);
      if (read && r >= 0) data[0] = static_cast<std::uint8_t>(r);
      break;
    case SmbusKind::byte_data:
      r = read ? i2c_smbus_read_byte_data(fd, command) : i2c_smbus_write_byte_data(fd, command, data[0]);
      if (read && r >= 0) data[0] = static_cast<std::uint8_t>(r);
      break;
    case SmbusKind::word_data:
      // The kernel assembles SMBus words low byte first; libi2c hands over the value.
      if (read) {
        r = i2c_smbus_read_word_data(fd, command);
        if (r >= 0) {
          data[0] = static_cast<std::uint8_t>(r & 0xff);
          data[1] = static_cast<std::uint8_t>((r >> 8) & 0xff);
        }
      } else {
        r = i2c_smbus_write_word_data(fd, command, static_cast<__u16>(data[0] | (data[1] << 8)));
      }
      break;
    case SmbusKind::i2c_block:
      if (read) {
        r = i2c_smbus_read_i2c_block_data(fd, command, static_cast<__u8>(size), data);
        if (r >= 0 && static_cast<std::size_t>(r) != size) r = -EPROTO;  // a short block
      } else {
        r = i2c_smbus_write_i2c_block_data(fd, command, static_cast<__u8>(size), data);
      }
      break;
  }
  return r < 0 ? r : 0;
}

// The probe of one address, as i2cdetect's default mode does it (see I2cBus::probe): 1 present, 0
// absent, -errno otherwise.
int probe_call(int fd, std::uint16_t address, const I2cFunctions& f) {
  const bool eeprom_range = (address >= 0x30 && address <= 0x37) || (address >= 0x50 && address <= 0x5f);
  std::uint8_t b = 0;
  int r;
  if ((eeprom_range || !f.smbus_quick) && f.smbus_byte)
    r = smbus_call(fd, SmbusKind::byte, true, 0, &b, 1);
  else
    r = smbus_call(fd, SmbusKind::quick, false, 0, nullptr, 0);
  if (r >= 0) return 1;
  if (r == -EREMOTEIO || r == -ENXIO || r == -ENODEV || r == -EIO) return 0;
  return r;
}

}  // namespace

I2cDev::I2cDev(std::string_view bus, const I2cOptions& options) : options_(options) {
  auto [path, number] = parse_bus(bus);
  path_ = std::move(path);
  number_ = number;
  state_ = std::make_shared<State>();
  state_->fd = detail::open_device_node(
      path_, "enable I2C: dtparam=i2c_arm=on in config.txt (raspi-config does it), or load the i2c-dev module", "i2c");
  const int fd = state_->fd.get();
  unsigned long funcs = 0;
  if (::ioctl(fd, I2C_FUNCS, &funcs) < 0) {
    const int err = errno;
    throw BusError(err, "ask " + path_ + " what it can do (I2C_FUNCS)",
                   err == ENOTTY || err == ENOSYS ? "it is not an i2c-dev device node" : "");
  }
  functions_.i2c = (funcs & I2C_FUNC_I2C) != 0;
  functions_.smbus_quick = (funcs & I2C_FUNC_SMBUS_QUICK) != 0;
  functions_.smbus_byte = (funcs & I2C_FUNC_SMBUS_BYTE) == I2C_FUNC_SMBUS_BYTE;
  functions_.smbus_byte_data = (funcs & I2C_FUNC_SMBUS_BYTE_DATA) == I2C_FUNC_SMBUS_BYTE_DATA;
  functions_.smbus_word_data = (funcs & I2C_FUNC_SMBUS_WORD_DATA) == I2C_FUNC_SMBUS_WORD_DATA;
  functions_.smbus_i2c_block = (funcs & I2C_FUNC_SMBUS_I2C_BLOCK) == I2C_FUNC_SMBUS_I2C_BLOCK;
  clock_hz_ = options.clock_hz;
  if (clock_hz_ == 0 && number_ >= 0) {
    // The device tree's clock-frequency property: one big-endian 32-bit cell (a sysfs file in
    // memory: reading it does not block).
    const std::string cell =
        read_text("/sys/class/i2c-adapter/i2c-" + std::to_string(number_) + "/of_node/clock-frequency");
    if (cell.size() == 4)
      clock_hz_ = load_u32be(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(cell.data()), 4));
  }
  if (clock_hz_ == 0) clock_hz_ = 100000;
  set_timeout(options.timeout);
}

I2cDev::~I2cDev() = default;

std::string I2cDev::find(std::string_view adapter_name, const std::string& sysfs) {
  DIR* dir = ::opendir(sysfs.c_str());
  if (!dir) return {};
  std::string found;
  // readdir64: a 32-bit build's readdir gives up (EOVERFLOW) on a directory whose offsets or inode
  // numbers need 64 bits, as a 64-bit host's filesystem under qemu-user has.
  while (const dirent64* e = ::readdir64(dir)) {
    const std::string entry = e->d_name;
    if (entry.rfind("i2c-", 0) != 0) continue;
    if (trim(read_text(sysfs + "/" + entry + "/name")) == adapter_name) {
      found = "/dev/" + entry;
      break;
    }
  }
  ::closedir(dir);
  return found;
}

void I2cDev::fail(int err, const std::string& what, std::uint16_t address) const {
  const std::string action = what + " on " + path_;
  if (err == ETIMEDOUT) throw TimeoutError(action, "(the controller gave up waiting for the device)");
  std::string hint;
  if (err == EREMOTEIO || err == ENXIO || err == ENODEV) {
    hint = "nothing acknowledged address " + i2c_address_text(address) + ": check the wiring and the address";
    if (number_ >= 0) hint += " (i2cdetect -y " + std::to_string(number_) + ")";
  } else if (err == EOPNOTSUPP) {
    hint = "the adapter does not support this transfer";
  }
  throw BusError(err, action, hint);
}

template <class Op>
int I2cDev::run(Duration wire, TimePoint deadline, const std::string& what, std::uint16_t address, Op op) {
  State& st = *state_;
  if (!st.lock.acquire(remaining(deadline)))
    throw TimeoutError(what + " on " + path_, "waiting for the bus (another transfer holds it)");
  bool held = true;
  struct Release {
    Lock& lock;
    bool& held;
    ~Release() {
      if (held) lock.release();
    }
  } release{st.lock, held};
  if (address != 0xffff && st.selected != address) {
    if (::ioctl(st.fd.get(), I2C_SLAVE, static_cast<unsigned long>(address)) < 0) {
      const int err = errno;
      st.selected = -1;
      std::string hint;
      if (err == EBUSY) {
        char client[16];
        std::snprintf(client, sizeof client, "%d-%04x", number_, address);
        const std::string driver =
            trim(read_text("/sys/class/i2c-adapter/i2c-" + std::to_string(number_) + "/" + client + "/name"));
        hint = "a kernel driver" + (driver.empty() ? std::string() : " ('" + driver + "')") + " uses address " +
               i2c_address_text(address) + ": unload it or remove its dtoverlay";
      }
      throw BusError(err, "select address " + i2c_address_text(address) + " on " + path_, hint);
    }
    st.selected = address;
  }
  if (options_.policy.runs_inline(wire)) {
    ++inline_count_;
    pinfiber::detail::cooperate();  // a loop of inline transfers still lets the hub poll now and then
    return op(st.fd.get());
  }
  ++pooled_count_;
  held = false;  // from here the helper greenlet releases the bus, when the call has ended
  std::shared_ptr<State> keep = state_;
  const std::optional<int> r = detail::run_pooled([keep, op]() { return op(keep->fd.get()); }, remaining(deadline),
                                                  [keep] { keep->lock.release(); });
  if (!r) throw TimeoutError(what + " on " + path_, "(the transfer in the kernel completes in the background)");
  return *r;
}

void I2cDev::smbus(const SmbusTransfer& t, TimeSpan timeout) {
  const Duration limit = resolve(timeout);
  const TimePoint deadline = deadline_in(limit);
  std::size_t need = 0;
  bool supported = false;
  switch (t.kind) {
    case SmbusKind::quick: supported = functions_.smbus_quick; break;
    case SmbusKind::byte: supported = functions_.smbus_byte, need = 1; break;
    case SmbusKind::byte_data: supported = functions_.smbus_byte_data, need = 1; break;
    case SmbusKind::word_data: supported = functions_.smbus_word_data, need = 2; break;
    case SmbusKind::i2c_block: supported = functions_.smbus_i2c_block; break;
  }
  if (t.kind == SmbusKind::i2c_block ? (t.data.empty() || t.data.size() > 32) : t.data.size() != need)
    throw BusError(EINVAL, describe(t) + " on " + path_,
                   std::to_string(t.data.size()) + " data bytes do not fit that SMBus transfer");
  if (!supported) throw BusError(EOPNOTSUPP, describe(t) + " on " + path_, "the adapter does not offer it");
  // The buffer travels with the call (a pooled call may outlive this frame).
  auto buf = std::make_shared<std::array<std::uint8_t, 32>>();
  std::copy(t.data.begin(), t.data.end(), buf->begin());
  const SmbusKind kind = t.kind;
  const bool read = t.read;
  const std::uint8_t command = t.command;
  const std::size_t size = t.data.size();
  const int r =
      run(wire_time(wire_bits(smbus_wire_bytes(t)), clock_hz_), deadline, describe(t), t.address,
          [buf, kind, read, command, size](int fd) { return smbus_call(fd, kind, read, command, buf->data(), size); });
  if (r < 0) fail(-r, describe(t), t.address);
  if (read) std::copy_n(buf->begin(), size, t.data.begin());
}

void I2cDev::transfer(std::span<I2cMessage> messages, TimeSpan timeout) {
  const Duration limit = resolve(timeout);
  const TimePoint deadline = deadline_in(limit);
  const std::uint16_t first = messages.empty() ? 0 : messages[0].address;
  const std::string what = "transfer " + std::to_string(messages.size()) + " message" +
                           (messages.size() == 1 ? "" : "s") + " to " + i2c_address_text(first);
  if (messages.empty() || messages.size() > I2C_RDWR_IOCTL_MAX_MSGS)
    throw BusError(EINVAL, what + " on " + path_, "a transaction has 1 to 42 messages");
  if (!functions_.i2c)
    throw BusError(EOPNOTSUPP, what + " on " + path_,
                   "the adapter speaks SMBus only, no plain I2C: use the register calls, which fall back to SMBus");
  // The data travels with the call, in one buffer the kernel's messages point into.
  struct Job {
    std::vector<std::uint8_t> bytes;
    std::vector<i2c_msg> msgs;
  };
  auto job = std::make_shared<Job>();
  std::size_t total = 0;
  for (const I2cMessage& m : messages) {
    if (m.size > 8192) throw BusError(EINVAL, what + " on " + path_, "a message carries at most 8192 bytes");
    total += m.size;
  }
  job->bytes.resize(total);
  std::size_t at = 0;
  for (const I2cMessage& m : messages) {
    if (!m.read && m.size) std::memcpy(job->bytes.data() + at, m.data, m.size);
    job->msgs.push_back(i2c_msg{m.address, static_cast<__u16>(m.read ? I2C_M_RD : 0), static_cast<__u16>(m.size),
                                job->bytes.data() + at});
    at += m.size;
  }
  const int r = run(wire_time(wire_bits(total + messages.size()), clock_hz_), deadline, what, 0xffff, [job](int fd) {
    i2c_rdwr_ioctl_data data{job->msgs.data(), static_cast<__u32>(job->msgs.size())};
    return ::ioctl(fd, I2C_RDWR, &data) < 0 ? -errno : 0;
  });
  if (r < 0) fail(-r, what, first);
  at = 0;
  for (const I2cMessage& m : messages) {
    if (m.read && m.size) std::memcpy(m.data, job->bytes.data() + at, m.size);
    at += m.size;
  }
}

std::vector<std::uint16_t> I2cDev::scan(std::uint16_t first, std::uint16_t last, TimeSpan timeout) {
  const TimePoint deadline = deadline_in(resolve(timeout));
  const std::string what = "scan " + i2c_address_text(first) + "-" + i2c_address_text(last);
  if (!functions_.smbus_quick && !functions_.smbus_byte)
    throw BusError(EOPNOTSUPP, what + " on " + path_, "the adapter has neither SMBus quick nor byte reads");
  auto found = std::make_shared<std::vector<std::uint16_t>>();
  auto failed_at = std::make_shared<std::uint16_t>(0);
  const I2cFunctions f = functions_;
  state_->selected = -1;  // the scan leaves the last address it probed selected
  const unsigned long count = last >= first ? last - first + 1UL : 0;
  const int r = run(wire_time(count * wire_bits(2), clock_hz_), deadline, what, 0xffff,
                    [found, failed_at, f, first, last](int fd) {
                      for (unsigned a = first; a <= last; ++a) {
                        if (::ioctl(fd, I2C_SLAVE, static_cast<unsigned long>(a)) < 0) {
                          if (errno == EBUSY) {  // a kernel driver's address: present ("UU")
                            found->push_back(static_cast<std::uint16_t>(a));
                            continue;
                          }
                          *failed_at = static_cast<std::uint16_t>(a);
                          return -errno;
                        }
                        const int p = probe_call(fd, static_cast<std::uint16_t>(a), f);
                        if (p < 0) {
                          *failed_at = static_cast<std::uint16_t>(a);
                          return p;
                        }
                        if (p == 1) found->push_back(static_cast<std::uint16_t>(a));
                      }
                      return 0;
                    });
  if (r < 0) fail(-r, what, *failed_at);
  return *found;
}

}  // namespace pinfiber::bus
