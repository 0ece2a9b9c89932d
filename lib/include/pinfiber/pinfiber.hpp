#pragma once
// Everything pinfiber offers, one include.
#include "pinfiber/core.hpp"
#if __has_include("pinfiber/bytes.hpp")
#include "pinfiber/bytes.hpp"
#endif
#if __has_include("pinfiber/sync.hpp")
#include "pinfiber/sync.hpp"
#endif
#if __has_include("pinfiber/io.hpp")
#include "pinfiber/io.hpp"
#endif
#if __has_include("pinfiber/gpio.hpp")
#include "pinfiber/gpio.hpp"
#endif
#if __has_include("pinfiber/bus.hpp")
#include "pinfiber/bus.hpp"
#endif
#if __has_include("pinfiber/devices.hpp")
#include "pinfiber/devices.hpp"
#endif
#if __has_include("pinfiber/daemon.hpp")
#include "pinfiber/daemon.hpp"
#endif
