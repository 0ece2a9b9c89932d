#pragma once
// pinfiber core: the hub, greenlets, sleeping and timeouts.
#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/errors.hpp"
#include "pinfiber/core/every.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/core/logging.hpp"
#include "pinfiber/core/sleep.hpp"
#include "pinfiber/core/timeout.hpp"
