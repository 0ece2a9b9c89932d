#pragma once
// I2cDev: an I2C bus through the kernel's i2c-dev driver (/dev/i2c-N), the way i2c-tools reach it.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pinfiber/bus/i2c_bus.hpp"
#include "pinfiber/bus/transfer_policy.hpp"

namespace pinfiber::bus {

/// How an I2cDev is opened.
struct I2cOptions {
  /// Inline or on the thread pool, per transfer (see TransferPolicy).
  TransferPolicy policy;
  /// The bus clock in Hz, for the policy's estimate of a transfer's time on the wire. 0: the clock
  /// the device tree gives the controller (/sys/class/i2c-adapter/i2c-N/of_node/clock-frequency, what
  /// dtparam=i2c_arm_baudrate sets on a Pi), else 100 kHz, the Pi's default and I2C's standard mode.
  unsigned long clock_hz = 0;
  /// The default timeout of the bus's calls (I2cBus::set_timeout).
  TimeSpan timeout = forever;
};

/// An I2C adapter through i2c-dev: SMBus transfers through i2c-tools' libi2c (the I2C_SMBUS ioctl),
/// combined transactions through I2C_RDWR. Each transfer is one blocking ioctl, run inline or on
/// pinfiber::thread_pool() as the policy decides from its size (either way only the calling greenlet
/// waits for it); the device's address is selected with I2C_SLAVE when it changes. Transfers of
/// greenlets sharing the bus take turns (a greenlet Lock), so an address selected for one transfer
/// is never changed under it. Not copyable or movable.
///
///   pinfiber::bus::I2cDev bus("/dev/i2c-1");                  // or "1", or I2cDev::find("SMBus stub driver")
///   for (auto a : bus.scan()) std::printf("%#x\n", a);       // like i2cdetect -y 1
///   std::uint8_t id = bus.read_byte_data(0x76, 0xd0, 1s);
class I2cDev final : public I2cBus {
 public:
  /// Opens `bus`: a path ("/dev/i2c-1"), a name ("i2c-1") or a number ("1"), and asks the adapter
  /// what it can do (I2C_FUNCS). Never blocks. Throws BusError: ENOENT "open /dev/i2c-1: No such file
  /// or directory (enable I2C: dtparam=i2c_arm=on in config.txt, or load i2c-dev)", EACCES with a
  /// hint about the i2c group, ENOTTY when the path is not an i2c-dev node.
  explicit I2cDev(std::string_view bus, const I2cOptions& options = {});
  I2cDev(const I2cDev&) = delete;
  I2cDev& operator=(const I2cDev&) = delete;
  /// Closes the device (once a transfer abandoned by a timeout, if any, has ended).
  ~I2cDev() override;

  /// The path of the adapter whose name (/sys/class/i2c-adapter/i2c-N/name) is `adapter_name`
  /// ("SMBus stub driver", "bcm2835 (i2c@7e804000)"), or "" if none. Never blocks. `sysfs` is where
  /// the adapters are listed (injectable for tests).
  static std::string find(std::string_view adapter_name, const std::string& sysfs = "/sys/class/i2c-adapter");

  const std::string& name() const override { return path_; }
  I2cFunctions functions() const override { return functions_; }
  void transfer(std::span<I2cMessage> messages, TimeSpan timeout = object_timeout) override;
  void smbus(const SmbusTransfer& transfer, TimeSpan timeout = object_timeout) override;
  /// One thread-pool call for the whole scan when the policy sends it there (about 9 bit times per
  /// address), else inline.
  std::vector<std::uint16_t> scan(std::uint16_t first = 0x08, std::uint16_t last = 0x77,
                                  TimeSpan timeout = object_timeout) override;

  /// The bus number (N of /dev/i2c-N).
  int number() const { return number_; }
  /// The clock rate used for the policy's estimates.
  unsigned long clock_hz() const { return clock_hz_; }
  const TransferPolicy& policy() const { return options_.policy; }
  /// How many transfers ran inline and on the thread pool so far (for tests and tuning).
  std::uint64_t inline_transfers() const { return inline_count_; }
  std::uint64_t pooled_transfers() const { return pooled_count_; }

 private:
  struct State;  // the fd, the bus lock and the selected address, shared with transfers in flight
  template <class Op>
  int run(Duration wire, TimePoint deadline, const std::string& what, std::uint16_t address, Op op);
  [[noreturn]] void fail(int err, const std::string& what, std::uint16_t address) const;

  I2cOptions options_;
  std::string path_;
  int number_ = -1;
  unsigned long clock_hz_ = 100000;
  I2cFunctions functions_;
  std::shared_ptr<State> state_;
  std::uint64_t inline_count_ = 0;
  std::uint64_t pooled_count_ = 0;
};

}  // namespace pinfiber::bus
