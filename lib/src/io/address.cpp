#include "pinfiber/io/address.hpp"

#include <arpa/inet.h>
#include <sys/un.h>

#include <cstring>

#include "pinfiber/core/errors.hpp"

namespace pinfiber {

Address Address::parse(std::string_view ip, std::uint16_t port) {
  const std::string s(ip);
  Address a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage_);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage_);
  if (::inet_pton(AF_INET, s.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.len_ = sizeof(sockaddr_in);
  } else if (::inet_pton(AF_INET6, s.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.len_ = sizeof(sockaddr_in6);
  } else {
    throw Error("parse address '" + s + "': not a numeric IPv4 or IPv6 address");
  }
  return a;
}

Address Address::loopback(int family, std::uint16_t port) {
  return parse(family == AF_INET6 ? "::1" : "127.0.0.1", port);
}

Address Address::any(int family, std::uint16_t port) { return parse(family == AF_INET6 ? "::" : "0.0.0.0", port); }

Address Address::unix_path(std::string_view path) {
  Address a;
  auto* un = reinterpret_cast<sockaddr_un*>(&a.storage_);
  if (path.empty() || path.size() >= sizeof un->sun_path) {
    throw Error("unix socket address '" + std::string(path) + "': the path must have 1 to " +
                std::to_string(sizeof un->sun_path - 1) + " characters");
  }
  un->sun_family = AF_UNIX;
  std::memcpy(un->sun_path, path.data(), path.size());
  a.len_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return a;
}

Address Address::from(const sockaddr* sa, socklen_t len) {
  Address a;
  if (len > capacity()) len = capacity();
  std::memcpy(&a.storage_, sa, len);
  a.len_ = len;
  return a;
}

std::uint16_t Address::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

std::string Address::host() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf, sizeof buf);
    return buf;
  }
  if (family() == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf, sizeof buf);
    return buf;
  }
  if (family() == AF_UNIX && len_ > offsetof(sockaddr_un, sun_path)) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(&storage_);
    return std::string(un->sun_path, ::strnlen(un->sun_path, len_ - offsetof(sockaddr_un, sun_path)));
  }
  return {};
}

std::string Address::to_string() const {
  switch (family()) {
    case AF_INET: return host() + ":" + std::to_string(port());
    case AF_INET6: return "[" + host() + "]:" + std::to_string(port());
    case AF_UNIX: return "unix:" + host();
    default: return "(none)";
  }
}

bool operator==(const Address& a, const Address& b) {
  return a.len_ == b.len_ && std::memcmp(&a.storage_, &b.storage_, a.len_) == 0;
}

}  // namespace pinfiber
