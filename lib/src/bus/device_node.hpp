#pragma once
// Opening a bus's device node (/dev/i2c-N, /dev/spidevB.C): the one place that turns the two
// failures a user meets first - the interface is not enabled, the user may not open it - into the
// fix, for every bus alike.

#include <fcntl.h>

#include <cerrno>
#include <string>

#include "pinfiber/bus/error.hpp"
#include "pinfiber/io/fd.hpp"

namespace pinfiber::bus::detail {

/// Opens `path` read-write. Throws BusError naming the path: ENOENT with `enable_hint` (how to enable
/// the interface), EACCES with the group that may open it. Never blocks.
inline Fd open_device_node(const std::string& path, const std::string& enable_hint, const std::string& group) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    std::string hint;
    if (err == ENOENT)
      hint = enable_hint;
    else if (err == EACCES)
      hint = "add the user to the '" + group + "' group, or run as root";
    throw BusError(err, "open " + path, hint);
  }
  return Fd(fd, path);
}

}  // namespace pinfiber::bus::detail
