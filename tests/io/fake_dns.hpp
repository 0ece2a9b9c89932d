#pragma once
// A tiny DNS server for tests, run as greenlets on the test's own hub: it answers A queries for
// "<anything>.test" with 10.0.0.<n> where n is the name's length, waits `delay-<ms>` milliseconds
// first for names starting that way, answers NXDOMAIN for names starting "missing", and never
// answers names starting "silent". AAAA queries get an empty answer.

#include <arpa/inet.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <pinfiber/core.hpp>
#include <pinfiber/io.hpp>
#include <pinfiber/sync.hpp>

namespace pinfiber_test {

class FakeDns {
 public:
  FakeDns() : sock_(pinfiber::Socket::udp()) {
    sock_.bind(pinfiber::Address::loopback(AF_INET, 0));
    server_ = pinfiber::spawn([this] { serve(); });
  }
  ~FakeDns() {
    server_.kill();
    replies_.kill();
  }
  std::string address() const { return sock_.local_address().to_string(); }
  int queries() const { return queries_; }

 private:
  void serve() {
    for (;;) {
      std::vector<unsigned char> q(512);
      pinfiber::Address from;
      q.resize(sock_.recvfrom(q.data(), q.size(), &from));
      ++queries_;
      replies_.spawn([this, q, from] { reply(q, from); });
    }
  }

  void reply(std::vector<unsigned char> q, pinfiber::Address to) {
    if (q.size() < 17) return;
    std::string name;
    std::size_t i = 12;
    while (i < q.size() && q[i] != 0) {
      if (!name.empty()) name += '.';
      name.append(reinterpret_cast<const char*>(&q[i + 1]), q[i]);
      i += 1 + q[i];
    }
    const std::size_t question_end = i + 5;  // the root label, QTYPE, QCLASS
    if (question_end > q.size()) return;
    const int qtype = q[i + 1] << 8 | q[i + 2];
    if (name.rfind("silent", 0) == 0) return;
    if (name.rfind("delay-", 0) == 0) pinfiber::sleep(std::chrono::milliseconds(std::atoi(name.c_str() + 6)));
    std::vector<unsigned char> r(q.begin(), q.begin() + static_cast<long>(question_end));
    const bool missing = name.rfind("missing", 0) == 0;
    r[2] = 0x81;                   // QR, RD
    r[3] = missing ? 0x83 : 0x80;  // RA, and NXDOMAIN for missing names
    r[6] = 0;
    r[7] = (!missing && qtype == 1) ? 1 : 0;  // ANCOUNT
    r[8] = r[9] = r[10] = r[11] = 0;
    if (r[7]) {
      const unsigned char answer[] = {0xc0, 0x0c, 0, 1, 0,  1, 0, 0,
                                      0,    60,   0, 4, 10, 0, 0, static_cast<unsigned char>(name.size())};
      r.insert(r.end(), std::begin(answer), std::end(answer));
    }
    sock_.sendto(r.data(), r.size(), to);
  }

  pinfiber::Socket sock_;
  pinfiber::Greenlet<void> server_;
  pinfiber::Group replies_;
  int queries_ = 0;
};

}  // namespace pinfiber_test
