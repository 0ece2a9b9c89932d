#pragma once
// Every core test starts on a paused clock and ends with the hub empty: pinfiber's own fixture.

#include <gtest/gtest.h>

#include <pinfiber/core.hpp>
#include <pinfiber/testing.hpp>

class HubTest : public pinfiber::testing::HubTest {};
