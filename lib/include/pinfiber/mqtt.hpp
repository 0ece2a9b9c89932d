#pragma once
// The MQTT client of the net layer (libmosquitto driven by the hub). A library of its own: link
// pinfiber::mqtt (CMake) or -lpinfiber_mqtt; it exists where libmosquitto and OpenSSL were found
// when pinfiber was built (see docs/mqtt.md).
#include "pinfiber/net/mqtt_client.hpp"
#include "pinfiber/net/mqtt_errors.hpp"
#include "pinfiber/net/mqtt_message.hpp"
#include "pinfiber/net/mqtt_options.hpp"
