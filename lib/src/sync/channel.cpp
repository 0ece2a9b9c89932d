// The non-template parts of Channel: its error messages.

#include "pinfiber/sync/channel.hpp"

#include <chrono>
#include <cstdio>
#include <string>

namespace pinfiber::detail {

void throw_channel_full(const char* op, Duration timeout) {
  std::string msg = std::string(op) + ": no getter took the item";
  if (timeout > Duration::zero()) {
    char buf[48];
    std::snprintf(buf, sizeof buf, " within %.3f s", std::chrono::duration<double>(timeout).count());
    msg += buf;
  }
  throw Full(msg);
}

}  // namespace pinfiber::detail
