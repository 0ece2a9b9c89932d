// Settings from a TOML file (tomlplusplus, header-only, in this file alone) and the command line
// (CLI11, header-only): both only here, so neither reaches a program's build.

#include "pinfiber/daemon/config.hpp"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>
#include <vector>

// tomlplusplus as a header-only library: Debian's package also ships a shared build, which its CMake
// config selects (TOML_HEADER_ONLY=0), but the Pi Zero W build is static and Debian has no libtomlplusplus.a.
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>
#include <CLI/CLI.hpp>

#include "pinfiber/io/thread_pool.hpp"

namespace pinfiber {

namespace {

enum class Kind { boolean, integer, real, text, duration };

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::boolean: return "true or false";
    case Kind::integer: return "an integer";
    case Kind::real: return "a number";
    case Kind::text: return "a string";
    case Kind::duration: return "a duration (250ms, 1.5s, 2min) or a number of seconds";
  }
  return "a value";
}

std::string dashed(std::string_view key) {
  std::string out = "--";
  for (char c : key) out += (c == '.' || c == '_') ? '-' : c;
  return out;
}

bool parse_bool(std::string_view t, bool& out) {
  if (t == "true" || t == "yes" || t == "on" || t == "1") return (out = true), true;
  if (t == "false" || t == "no" || t == "off" || t == "0") return (out = false), true;
  return false;
}

bool parse_double(std::string_view t, double& out) {
  if (t.empty()) return false;
  std::string s(t);
  char* end = nullptr;
  errno = 0;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && errno == 0 && std::isfinite(out);
}

std::string duration_text(Duration d) {
  if (d == forever) return "forever";
  const double s = std::chrono::duration<double>(d).count();
  std::ostringstream o;
  o << s << "s";
  return o.str();
}

}  // namespace

Duration parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.' ||
                                  text[digits] == '-' || text[digits] == '+' || text[digits] == 'e'))
    ++digits;
  double value = 0;
  if (!parse_double(text.substr(0, digits), value) || value < 0) {
    throw ConfigError("'" + std::string(text) + "' is not a duration (250ms, 1.5s, 2min, 1h, or seconds)");
  }
  const std::string_view unit = text.substr(digits);
  double ns_per = 0;
  if (unit.empty() || unit == "s") {
    ns_per = 1e9;
  } else if (unit == "ms") {
    ns_per = 1e6;
  } else if (unit == "us") {
    ns_per = 1e3;
  } else if (unit == "ns") {
    ns_per = 1;
  } else if (unit == "min") {
    ns_per = 60e9;
  } else if (unit == "h") {
    ns_per = 3600e9;
  } else {
    throw ConfigError("'" + std::string(text) + "': unknown unit '" + std::string(unit) + "' (ns, us, ms, s, min, h)");
  }
  return TimeSpan(std::chrono::duration<double, std::nano>(value * ns_per)).duration();
}

struct Config::Impl {
  struct Setting {
    std::string key;
    std::string help;
    Kind kind;
    std::string default_text;
    long long min = 0, max = 0;
    std::function<void(bool)> set_bool;
    std::function<void(long long)> set_int;
    std::function<void(double)> set_real;
    std::function<void(const std::string&)> set_text;
    std::function<void(Duration)> set_duration;
    std::string from_command_line;  // what CLI11 stored
    bool flag = false;              // what CLI11 stored for a bool's --key / --no-key
    CLI::Option* option = nullptr;
  };

  std::string program;
  std::string description;
  std::string default_file;
  std::string file;
  std::vector<Setting> settings;  // in declaration order, for --help

  Setting& declare(std::string key, std::string help, Kind kind, std::string default_text) {
    for (const Setting& s : settings) {
      if (s.key == key) throw Error("declare setting '" + key + "': declared already");
    }
    if (key.empty() || key == "config" || key == "help") throw Error("declare setting '" + key + "': reserved name");
    Setting s;
    s.key = std::move(key);
    s.help = std::move(help);
    s.kind = kind;
    s.default_text = std::move(default_text);
    settings.push_back(std::move(s));
    return settings.back();
  }

  Setting* find(std::string_view key) {
    for (Setting& s : settings) {
      if (s.key == key) return &s;
    }
    return nullptr;
  }

  std::string known() const {
    std::string out;
    for (const Setting& s : settings) out += (out.empty() ? "" : ", ") + s.key;
    return out;
  }

  // A value from the command line, where everything is text. Throws ConfigError naming the option.
  void apply_text(Setting& s, const std::string& text) {
    const std::string where = dashed(s.key);
    switch (s.kind) {
      case Kind::boolean: {
        bool b;
        if (!parse_bool(text, b)) throw ConfigError(where + ": expected true or false, got '" + text + "'");
        s.set_bool(b);
        return;
      }
      case Kind::integer: {
        long long v = 0;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < s.min || v > s.max) {
          throw ConfigError(where + ": expected an integer from " + std::to_string(s.min) + " to " +
                            std::to_string(s.max) + ", got '" + text + "'");
        }
        s.set_int(v);
        return;
      }
      case Kind::real: {
        double v;
        if (!parse_double(text, v)) throw ConfigError(where + ": expected a number, got '" + text + "'");
        s.set_real(v);
        return;
      }
      case Kind::text: s.set_text(text); return;
      case Kind::duration: try { s.set_duration(parse_duration(text));
        } catch (const ConfigError& e) {
          throw ConfigError(where + ": " + e.what());
        }
        return;
    }
  }

  // A value from the file, typed by TOML. Throws ConfigError naming the file, line and key.
  void apply_toml(Setting& s, const toml::node& node, const std::string& where) {
    const std::string at = where + ": " + s.key + ": ";
    auto wrong = [&](const char* got) { return ConfigError(at + "expected " + kind_name(s.kind) + ", got " + got); };
    switch (s.kind) {
      case Kind::boolean:
        if (auto b = node.value_exact<bool>()) return s.set_bool(*b);
        throw wrong("another type");
      case Kind::integer:
        if (auto v = node.value_exact<std::int64_t>()) {
          if (*v < s.min || *v > s.max) {
            throw ConfigError(at + "expected an integer from " + std::to_string(s.min) + " to " +
                              std::to_string(s.max) + ", got " + std::to_string(*v));
          }
          return s.set_int(*v);
        }
        throw wrong("another type");
      case Kind::real:
        if (node.is_number()) return s.set_real(*node.value<double>());
        throw wrong("another type");
      case Kind::text:
        if (auto t = node.value_exact<std::string>()) return s.set_text(*t);
        throw wrong("another type");
      case Kind::duration:
        if (node.is_number()) {
          const double secs = *node.value<double>();
          if (secs < 0) throw ConfigError(at + "a duration cannot be negative");
          return s.set_duration(TimeSpan(secs).duration());
        }
        if (auto t = node.value_exact<std::string>()) {
          try {
            return s.set_duration(parse_duration(*t));
          } catch (const ConfigError& e) {
            throw ConfigError(at + e.what());
          }
        }
        throw wrong("another type");
    }
  }

  void walk(const toml::table& table, const std::string& prefix, const std::string& origin) {
    for (auto&& [k, node] : table) {
      const std::string key = prefix + std::string(k.str());
      const auto& src = node.source().begin;
      const std::string where = origin + ":" + std::to_string(src.line) + ":" + std::to_string(src.column);
      if (const toml::table* sub = node.as_table(); sub && !find(key)) {
        walk(*sub, key + ".", origin);
        continue;
      }
      Setting* s = find(key);
      if (!s) throw ConfigError(where + ": unknown setting '" + key + "' (settings: " + known() + ")");
      apply_toml(*s, node, where);
    }
  }
};

Config::Config(std::string program, std::string description) : impl_(std::make_unique<Impl>()) {
  impl_->program = std::move(program);
  impl_->description = std::move(description);
}

Config::~Config() = default;

void Config::add(std::string key, bool& target, std::string help) {
  impl_->declare(std::move(key), std::move(help), Kind::boolean, target ? "true" : "false").set_bool =
      [&target](bool v) { target = v; };
}

void Config::add(std::string key, std::string& target, std::string help) {
  impl_->declare(std::move(key), std::move(help), Kind::text, "\"" + target + "\"").set_text =
      [&target](const std::string& v) { target = v; };
}

void Config::add(std::string key, double& target, std::string help) {
  std::ostringstream o;
  o << target;
  impl_->declare(std::move(key), std::move(help), Kind::real, o.str()).set_real = [&target](double v) { target = v; };
}

void Config::add(std::string key, Duration& target, std::string help) {
  impl_->declare(std::move(key), std::move(help), Kind::duration, duration_text(target)).set_duration =
      [&target](Duration v) { target = v; };
}

void Config::add_integer(std::string key, std::string help, long long current, long long min, long long max,
                         std::function<void(long long)> set) {
  auto& s = impl_->declare(std::move(key), std::move(help), Kind::integer, std::to_string(current));
  s.min = min;
  s.max = max;
  s.set_int = std::move(set);
}

void Config::set_default_file(std::string path) { impl_->default_file = std::move(path); }
const std::string& Config::file() const { return impl_->file; }
const std::string& Config::program() const { return impl_->program; }

void Config::load_toml(std::string_view text, const std::string& origin) {
  toml::table table;
  try {
    table = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw ConfigError(origin + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
                      std::string(e.description()));
  }
  impl_->walk(table, "", origin);
}

namespace {

// One CLI11 app describing every setting; `file` receives --config.
std::unique_ptr<CLI::App> make_app(Config::Impl& impl, std::string& file) {
  auto app = std::make_unique<CLI::App>(impl.description, impl.program);
  app->set_help_flag("-h,--help", "print the settings and exit");
  app->add_option("--config", file,
                  "read settings from this TOML file first" +
                      (impl.default_file.empty() ? std::string() : " (default " + impl.default_file + ")"));
  for (auto& s : impl.settings) {
    const std::string name = dashed(s.key);
    const std::string help = s.help + " [" + s.default_text + "]";
    if (s.kind == Kind::boolean) {
      s.option = app->add_flag(name + ",!--no-" + name.substr(2), s.flag, help);
    } else {
      s.option = app->add_option(name, s.from_command_line, help);
      s.option->type_name(s.kind == Kind::integer    ? "INT"
                          : s.kind == Kind::real     ? "NUMBER"
                          : s.kind == Kind::duration ? "DURATION"
                                                     : "TEXT");
    }
  }
  return app;
}

}  // namespace

std::string Config::help() const {
  std::string file;
  return make_app(*impl_, file)->help();
}

bool Config::load(int argc, const char* const* argv) {
  std::string file;
  auto app = make_app(*impl_, file);
  try {
    app->parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app->help().c_str(), stdout);
    std::fflush(stdout);
    return false;
  } catch (const CLI::ParseError& e) {
    throw ConfigError(e.what());
  }
  const bool named = !file.empty();
  if (!named && !impl_->default_file.empty()) {
    struct stat st {};
    if (::stat(impl_->default_file.c_str(), &st) == 0) file = impl_->default_file;
  }
  if (!file.empty()) {
    // A file read blocks its thread: on a worker, so the hub stays free (a slow SD card included).
    ThreadPool reader(1);
    const std::string text = reader.run([&file] {
      std::ifstream in(file, std::ios::binary);
      if (!in) throw Error(errno ? errno : ENOENT, "read config " + file);
      std::ostringstream out;
      out << in.rdbuf();
      return out.str();
    });
    load_toml(text, "config " + file);
    impl_->file = file;
  }
  for (auto& s : impl_->settings) {
    if (!s.option || s.option->count() == 0) continue;
    if (s.kind == Kind::boolean) {
      s.set_bool(s.flag);
    } else {
      impl_->apply_text(s, s.from_command_line);
    }
  }
  return true;
}

}  // namespace pinfiber
