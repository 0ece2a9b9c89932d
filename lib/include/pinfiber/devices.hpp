#pragma once
// The devices layer: serial ports and the protocols of devices on them, sensors on the buses, and
// gpiozero-style devices on GPIO lines, built on bytes, io, gpio and bus. SerialPort is in namespace
// pinfiber, like Socket; the devices are in pinfiber::devices, so the names of many sensors do not
// crowd the top level.
#include "pinfiber/devices/bme280.hpp"
#include "pinfiber/devices/bme280_calibration.hpp"
#include "pinfiber/devices/buzzer.hpp"
#include "pinfiber/devices/distance_sensor.hpp"
#include "pinfiber/devices/ds18b20.hpp"
#include "pinfiber/devices/line_sensor.hpp"
#include "pinfiber/devices/mcp3008.hpp"
#include "pinfiber/devices/mock_bme280.hpp"
#include "pinfiber/devices/mock_hc_sr04.hpp"
#include "pinfiber/devices/mock_mcp3008.hpp"
#include "pinfiber/devices/motion_sensor.hpp"
#include "pinfiber/devices/motor.hpp"
#include "pinfiber/devices/pms5003.hpp"
#include "pinfiber/devices/pwm_led.hpp"
#include "pinfiber/devices/pwm_output_device.hpp"
#include "pinfiber/devices/rgb_led.hpp"
#include "pinfiber/devices/rotary_encoder.hpp"
#include "pinfiber/devices/serial_port.hpp"
#include "pinfiber/devices/servo.hpp"
#include "pinfiber/devices/smoothed_input_device.hpp"
