#pragma once
// pinfiber gpio: chips and lines (libgpiod or mock), edge waits and handlers, debounce, Button, Led,
// board tables.
#include "pinfiber/gpio/backend.hpp"
#include "pinfiber/gpio/board.hpp"
#include "pinfiber/gpio/button.hpp"
#include "pinfiber/gpio/chip.hpp"
#include "pinfiber/gpio/debounce.hpp"
#include "pinfiber/gpio/edge_event.hpp"
#include "pinfiber/gpio/error.hpp"
#include "pinfiber/gpio/gpiod_backend.hpp"
#include "pinfiber/gpio/led.hpp"
#include "pinfiber/gpio/line.hpp"
#include "pinfiber/gpio/line_group.hpp"
#include "pinfiber/gpio/line_settings.hpp"
#include "pinfiber/gpio/mock_backend.hpp"
