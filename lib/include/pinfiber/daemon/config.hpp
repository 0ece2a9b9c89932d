#pragma once
// A daemon's settings, declared once, read from a TOML file and then from the command line, which
// wins. Each setting is bound to a variable whose value before loading is the default:
//
//   struct { std::uint16_t port = 8080; bool mock = false; pinfiber::Duration period = 1s; } s;
//   pinfiber::Config config("button_led", "Lights an LED while a button is pressed");
//   config.add("port", s.port, "TCP port of the status service");           // --port 9000, port = 9000
//   config.add("mock", s.mock, "use the simulated board");                    // --mock / --no-mock
//   config.add("sensor.period", s.period, "time between samples");            // --sensor-period 500ms,
//   if (!config.load(argc, argv)) return 0;                                   //   [sensor] period = "500ms"
//
// A dotted key is a TOML table on file and a dashed option on the command line. `--config FILE` names
// the file (else the default file, when set and present); `--help` prints every setting with its
// default. Unknown keys, a wrong type or a value out of range are errors that name the file, line and
// key: a typo in a config file must not be silently ignored on a device nobody watches.
//
// The file is read with tomlplusplus (full TOML 1.0, errors with line and column) and the command
// line with CLI11 (GNU-style options, --help), both header-only Debian packages used inside the
// library only: a program's build needs neither, and the static Pi Zero W build links no extra library.

#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber {

/// A setting that could not be read: what() names where ("config /etc/x.toml:3:8: port: ...",
/// "--port: ...").
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// Parses a duration as settings write them: a number with a unit - ns, us, ms, s, min, h - or a
/// plain number of seconds ("250ms", "1.5s", "2min", "0.5"). Throws ConfigError otherwise.
Duration parse_duration(std::string_view text);

class Config {
 public:
  /// `program` names the program in --help; `description` is its first line.
  explicit Config(std::string program, std::string description = {});
  ~Config();
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;

  /// Declares setting `key` (lower case, '.' between tables: "mqtt.broker"), bound to `target`, whose
  /// value now is the default. A bool is a flag on the command line (--mock, --no-mock) and true or
  /// false on file; integers are range-checked against their type; a Duration takes parse_duration's
  /// forms on the command line and a string or a number of seconds on file. Throws Error if the key
  /// was declared already. Never blocks.
  void add(std::string key, bool& target, std::string help);
  void add(std::string key, std::string& target, std::string help);
  void add(std::string key, double& target, std::string help);
  void add(std::string key, Duration& target, std::string help);
  template <std::integral T>
  requires(!std::same_as<T, bool>) void add(std::string key, T& target, std::string help) {
    add_integer(std::move(key), std::move(help), static_cast<long long>(target),
                static_cast<long long>(std::numeric_limits<T>::min()),
                static_cast<long long>(
                    std::min<unsigned long long>(std::numeric_limits<T>::max(), std::numeric_limits<long long>::max())),
                [&target](long long v) { target = static_cast<T>(v); });
  }

  /// The file read when the command line names none, if it exists ("/etc/button_led/button_led.toml").
  void set_default_file(std::string path);

  /// Reads the settings: the file (`--config FILE`, else the default file if present), then the
  /// command line over it. Returns false if the program should exit at once with status 0 (--help
  /// printed the settings on stdout). Throws ConfigError for a bad option or setting, Error for a file
  /// that cannot be read. The file is read on a worker thread (a ThreadPool of its own) while the
  /// calling greenlet parks; no timeout (a local file).
  bool load(int argc, const char* const* argv);
  /// Reads settings from TOML text (`origin` names it in errors). Throws ConfigError.
  void load_toml(std::string_view text, const std::string& origin);

  /// The file read by load() ("" if none).
  const std::string& file() const;
  /// The program's name, as given.
  const std::string& program() const;
  /// The --help text.
  std::string help() const;

  struct Impl;

 private:
  void add_integer(std::string key, std::string help, long long current, long long min, long long max,
                   std::function<void(long long)> set);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pinfiber
