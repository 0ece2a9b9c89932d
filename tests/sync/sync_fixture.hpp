#pragma once
// Sync tests run like the core ones (paused clock, hub empty at the end), and some expect failures.

#include <pinfiber/sync.hpp>

#include "core/hub_fixture.hpp"

class SyncTest : public HubTest {
 protected:
  // Silences the default report of greenlets failing on purpose; counts them.
  void expect_failures() {
    pinfiber::hub().set_exception_handler([this](const std::string&, std::exception_ptr) { ++failures_; });
  }

  int failures_ = 0;
};
