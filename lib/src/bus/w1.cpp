#include "pinfiber/bus/w1.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "bus/pooled_call.hpp"
#include "pinfiber/bus/error.hpp"

namespace pinfiber::bus {

std::vector<std::string> W1Bus::devices(const std::string& family) const {
  DIR* dir = ::opendir(sysfs_.c_str());
  if (!dir) {
    const int err = errno;
    throw BusError(err, "list the 1-Wire devices in " + sysfs_,
                   err == ENOENT ? "enable 1-Wire: dtoverlay=w1-gpio in config.txt" : "");
  }
  std::vector<std::string> out;
  // readdir64: a 32-bit build's readdir gives up (EOVERFLOW) on a directory whose offsets or inode
  // numbers need 64 bits, as a 64-bit host's filesystem under qemu-user has.
  while (const dirent64* e = ::readdir64(dir)) {
    const std::string name = e->d_name;
    // A device is "ff-xxxxxxxxxxxx": the family code, a dash, the 48-bit serial number.
    if (name.size() != 15 || name[2] != '-') continue;
    if (!family.empty() && name.compare(0, 2, family) != 0) continue;
    out.push_back(name);
  }
  ::closedir(dir);
  std::sort(out.begin(), out.end());
  return out;
}

std::string W1Bus::read_slave(const std::string& id, TimeSpan timeout) const {
  const std::string path = sysfs_ + "/" + id + "/w1_slave";
  // The text travels with the call: one abandoned by a timeout writes into it after we left.
  auto text = std::make_shared<std::string>();
  const auto r = detail::run_pooled(
      [path, text]() -> int {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return -errno;
        char buf[256];
        for (;;) {
          const ssize_t n = ::read(fd, buf, sizeof buf);
          if (n < 0 && errno == EINTR) continue;
          if (n < 0) {
            const int err = errno;
            ::close(fd);
            return -err;
          }
          if (n == 0) break;
          text->append(buf, static_cast<std::size_t>(n));
        }
        ::close(fd);
        return 0;
      },
      timeout, [] {});
  if (!r) throw TimeoutError("read " + path, "(the kernel's read completes in the background)");
  if (*r < 0) throw BusError(-*r, "read " + path, -*r == ENOENT ? "the device is not on the bus (any more)" : "");
  return *text;
}

}  // namespace pinfiber::bus
