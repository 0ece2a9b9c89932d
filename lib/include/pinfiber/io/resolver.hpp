#pragma once
// Name resolution on c-ares, driven by the hub: a lookup parks only the greenlet that asked, so
// many lookups run at once and take as long as the slowest, not the sum (story 2).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/errors.hpp"
#include "pinfiber/io/address.hpp"

namespace pinfiber {

/// A failed lookup: what() is "resolve 'name': <c-ares's reason>" (e.g. "Domain name not found",
/// "Timeout while contacting DNS servers"); status() is the ARES_E* code.
class ResolveError : public Error {
 public:
  ResolveError(const std::string& what, int status) : Error(what), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

/// How a Resolver talks to DNS.
struct ResolverOptions {
  /// DNS servers as "ip" or "ip:port" ("127.0.0.1:5353", "[::1]:53"); empty: /etc/resolv.conf's.
  std::vector<std::string> servers;
  /// Time to wait for one server's answer before retrying (c-ares's timeout per try).
  Duration try_timeout = std::chrono::seconds(2);
  /// Attempts per server.
  int tries = 2;
};

/// A DNS resolver owned by one hub (thread): getaddrinfo-like lookups through c-ares, whose
/// sockets and timer run on the hub's loop. /etc/hosts is read first, then DNS. Any number of
/// greenlets may resolve at once.
///
///   pinfiber::Resolver r({.servers = {"127.0.0.1:5353"}});
///   std::vector<pinfiber::Address> a = r.resolve("example.lan", 80);
///   sock.connect(a.front());
class Resolver {
 public:
  /// Throws Error for options that make no sense: a server that is not "ip" or "ip:port" with a port
  /// in 1..65535 (or "[ipv6]:port"), tries below 1, a try_timeout that is not positive.
  explicit Resolver(ResolverOptions options = {});
  /// Pending lookups fail with ResolveError (ARES_EDESTRUCTION).
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  /// The addresses of `host` (a name or a numeric address) with `port`, for `family` (AF_INET,
  /// AF_INET6 or AF_UNSPEC for both), in the order to try them. Blocks the calling greenlet until
  /// the answer, or `timeout` (on the hub's clock; c-ares's own retries follow the real clock).
  /// Throws ResolveError (no such name, an empty name, servers unreachable or silent:
  /// ARES_ETIMEOUT), and TimeoutError when `timeout` passes first.
  std::vector<Address> resolve(std::string_view host, std::uint16_t port, int family = AF_UNSPEC,
                               TimeSpan timeout = forever);

  struct State;

 private:
  std::unique_ptr<State> s_;
};

/// The calling thread's default resolver (system configuration): a hub service, made on first use.
Resolver& resolver();

/// resolver().resolve(...).
inline std::vector<Address> resolve(std::string_view host, std::uint16_t port, int family = AF_UNSPEC,
                                    TimeSpan timeout = forever) {
  return resolver().resolve(host, port, family, timeout);
}

}  // namespace pinfiber
