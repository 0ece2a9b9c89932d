#pragma once
// The devices layer: serial ports and the protocols of devices on them, built on bytes and io.
// SerialPort is in namespace pinfiber, like Socket; each device's protocol has its own namespace
// pinfiber::devices, so the names of many sensors do not crowd the top level.
#include "pinfiber/devices/pms5003.hpp"
#include "pinfiber/devices/serial_port.hpp"
