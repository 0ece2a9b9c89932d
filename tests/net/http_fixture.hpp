#pragma once
// HTTP tests end as every test does - no greenlet, timer, watch or fd left - once the hub's idle
// client connections are closed (libcurl caches them in the hub's multi handle, a service that
// outlives the test otherwise).

#include <gtest/gtest.h>

#include <pinfiber/core.hpp>
#include <pinfiber/http.hpp>
#include <pinfiber/io.hpp>
#include <pinfiber/testing.hpp>

class HttpTest : public pinfiber::testing::HubTest {
 protected:
  void TearDown() override {
    try {
      pinfiber::idle();
    } catch (...) {
    }
    pinfiber::http::close_idle_connections();
    HubTest::TearDown();
  }
  /// "http://127.0.0.1:<port><path>".
  static std::string url(const pinfiber::http::Server& server, const std::string& path) {
    return "http://" + server.address().to_string() + path;
  }
};

/// The same on the real clock, for tests whose peer is another process.
class RealHttpTest : public HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    use_real_clock();
  }
};
