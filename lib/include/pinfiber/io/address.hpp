#pragma once
// Socket addresses: IPv4, IPv6 and Unix, held by value.

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace pinfiber {

/// One socket address (IPv4, IPv6 or Unix path) in a sockaddr_storage, printable for messages.
///
///   auto a = pinfiber::Address::parse("127.0.0.1", 8080);   // or "::1"
///   sock.connect(a);
///   std::puts(a.to_string().c_str());                      // "127.0.0.1:8080", "[::1]:8080"
class Address {
 public:
  /// An empty address (family AF_UNSPEC).
  Address() = default;
  /// A numeric IPv4 or IPv6 address (no name lookup: see Resolver). Throws Error if `ip` is neither.
  static Address parse(std::string_view ip, std::uint16_t port);
  /// 127.0.0.1 / ::1 with `port` (a port of 0 asks bind for any free one).
  static Address loopback(int family, std::uint16_t port);
  /// 0.0.0.0 / :: with `port`.
  static Address any(int family, std::uint16_t port);
  /// A Unix socket path. Throws Error if it does not fit sockaddr_un.
  static Address unix_path(std::string_view path);
  /// Copies a sockaddr the kernel or a resolver handed over.
  static Address from(const sockaddr* sa, socklen_t len);

  int family() const { return storage_.ss_family; }
  bool empty() const { return len_ == 0; }
  /// The port of an IP address (host order); 0 for others.
  std::uint16_t port() const;
  /// The numeric IP ("127.0.0.1", "::1"), the path of a Unix address, "" when empty.
  std::string host() const;
  /// "127.0.0.1:80", "[::1]:80", "unix:/run/x.sock", "(none)": the form error messages use.
  std::string to_string() const;

  const sockaddr* data() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  sockaddr* data() { return reinterpret_cast<sockaddr*>(&storage_); }
  socklen_t size() const { return len_; }
  /// For calls that fill data() in (accept, recvfrom): the length they returned.
  void set_size(socklen_t len) { len_ = len; }
  static constexpr socklen_t capacity() { return sizeof(sockaddr_storage); }

  friend bool operator==(const Address& a, const Address& b);

 private:
  sockaddr_storage storage_{};
  socklen_t len_ = 0;
};

}  // namespace pinfiber
