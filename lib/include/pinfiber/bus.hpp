#pragma once
// The bus layer: I2C, SPI, 1-Wire and PWM, each one interface with a real implementation (the
// kernel's i2c-dev, spidev, w1 sysfs and PWM sysfs; a software PWM on any GPIO output) and a mock
// for host tests. docs/peripherals.md has the design decisions.
#include "pinfiber/bus/error.hpp"
#include "pinfiber/bus/i2c_bus.hpp"
#include "pinfiber/bus/i2c_dev.hpp"
#include "pinfiber/bus/mock_i2c.hpp"
#include "pinfiber/bus/mock_spi.hpp"
#include "pinfiber/bus/pwm.hpp"
#include "pinfiber/bus/soft_pwm.hpp"
#include "pinfiber/bus/spi_bus.hpp"
#include "pinfiber/bus/spi_dev.hpp"
#include "pinfiber/bus/sysfs_pwm.hpp"
#include "pinfiber/bus/transfer_policy.hpp"
#include "pinfiber/bus/w1.hpp"
