#pragma once
// Strict command lines for the examples. A server started by `echo --help` on a random port, or
// `echo 70000` listening on 4464 (atoi and a cast to uint16), is how a typo turns into a daemon
// doing the wrong thing quietly. Here every argument is either understood or refused: --help prints
// the usage and exits 0; an unknown option, a missing value, a number that is not wholly a number or
// is out of range prints what was wrong and the usage, and exits 2 (the shells' "misuse" status).
// (Daemons declare their settings with pinfiber::Config, which adds a TOML file; these examples keep
// to positional arguments and a few options, as gevent's examples do.)

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace example {

class CommandLine {
 public:
  /// `usage` is the line after "usage: PROGRAM ", e.g. "[port]   (default 7000; 0: any free port)".
  CommandLine(int argc, char** argv, std::string usage) : program_(argv[0]), usage_(std::move(usage)) {
    for (int i = 1; i < argc; ++i) args_.emplace_back(argv[i]);
    for (const auto& a : args_) {
      if (a == "--help" || a == "-h") {
        std::printf("usage: %s %s\n", program_.c_str(), usage_.c_str());
        std::exit(0);
      }
    }
  }

  /// Whether `--name` is present (taken off the line).
  bool flag(std::string_view name) {
    for (auto it = args_.begin(); it != args_.end(); ++it) {
      if (*it == name) {
        args_.erase(it);
        return true;
      }
    }
    return false;
  }

  /// The value after `--name`, or `fallback` when the option is absent.
  std::string option(std::string_view name, std::string fallback) { return take(name).value_or(fallback); }

  /// The integer after `--name` in [min, max], or `fallback` when the option is absent.
  long long number_option(std::string_view name, long long fallback, long long min, long long max) {
    const std::optional<std::string> text = take(name);
    return text ? number(name, *text, min, max) : fallback;
  }

  /// The next positional argument as an integer in [min, max], or `fallback` when none is left.
  long long number_argument(std::string_view what, long long fallback, long long min, long long max) {
    for (auto it = args_.begin(); it != args_.end(); ++it) {
      if (it->starts_with("--")) continue;
      const std::string text = *it;
      args_.erase(it);
      return number(what, text, min, max);
    }
    return fallback;
  }

  /// Call once everything was read: whatever is left over is refused.
  void done() {
    if (!args_.empty()) fail("unexpected argument '" + args_.front() + "'");
  }

  [[noreturn]] void fail(const std::string& why) const {
    std::fprintf(stderr, "%s: %s\nusage: %s %s\n", program_.c_str(), why.c_str(), program_.c_str(), usage_.c_str());
    std::exit(2);
  }

 private:
  std::optional<std::string> take(std::string_view name) {
    for (auto it = args_.begin(); it != args_.end(); ++it) {
      if (*it != name) continue;
      if (it + 1 == args_.end()) fail(std::string(name) + " needs a value");
      std::string value = *(it + 1);
      args_.erase(it, it + 2);
      return value;
    }
    return std::nullopt;
  }

  long long number(std::string_view what, const std::string& text, long long min, long long max) const {
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
      fail(std::string(what) + ": '" + text + "' is not a whole number in " + std::to_string(min) + ".." +
           std::to_string(max));
    }
    return value;
  }

  std::string program_;
  std::string usage_;
  std::vector<std::string> args_;
};

}  // namespace example
