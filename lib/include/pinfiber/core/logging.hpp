#pragma once
// Logging: levels, the name of the greenlet that logged, structured fields, a pluggable sink, and a
// rate limit on repeated reports. The library's own reports (a greenlet that failed, the blocking
// monitor, shutdown's stragglers, a server's accept errors) go through it too, so a daemon decides in
// one place where they all land: stderr by default, the journal when run_daemon finds journald
// (pinfiber/daemon/journal_sink.hpp).
//
//   pinfiber::logging::info("LED on (press {press})", {{"press", presses}, {"pin", 17}});
//   // stderr:  button_led: info: LED on (press 3) pin=17 greenlet=button
//   // journal: MESSAGE=LED on (press 3)  PRESS=3  PIN=17  GREENLET=button  PRIORITY=6  CODE_LINE=...
//
// Why it lives in the core: the core, io and gpio layers report too, and each layer uses only the
// layers above it; the journald sink, which speaks a systemd protocol, lives in the daemon layer.
//
// The log belongs to a hub (a hub service): its sink, minimum level, identifier and rate limit are set
// per hub, like everything per-thread in pinfiber. Another thread (a monitor thread, a ThreadPool
// job) writes to a hub's log through a HubLog taken on the hub's thread.

#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <source_location>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "pinfiber/core/clock.hpp"

namespace pinfiber {

namespace detail {
class LogService;
}  // namespace detail

namespace logging {

/// Severity, numbered as syslog numbers it (journald's PRIORITY=).
enum class Level : int { critical = 2, error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

/// "critical", "error", "warning", "notice", "info", "debug".
const char* name_of(Level level);
/// The level named `text`: the names above, "warn", "err", "crit", or a syslog number 2-7. Throws
/// Error("log level 'x': expected debug, info, notice, warning, error or critical") otherwise.
Level parse_level(std::string_view text);

/// One structured field: a key (lower case, digits and '_' read best, as they become journald's
/// upper-case field names) and its value as text. Values may be text, numbers, bools, std::chrono
/// durations ("250ms", "1.5s") or anything with a to_string() member (an Address).
class Field {
 public:
  template <class T>
  Field(std::string_view key, const T& value) : key_(key), value_(text_of(value)) {}

  std::string_view key() const { return key_; }
  const std::string& value() const { return value_; }

 private:
  template <class T>
  static std::string text_of(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      return v ? "true" : "false";
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      return std::string(std::string_view(v));
    } else if constexpr (std::is_integral_v<T>) {
      return std::to_string(v);
    } else if constexpr (std::is_floating_point_v<T>) {
      return number_text(static_cast<double>(v));
    } else if constexpr (requires { std::chrono::duration_cast<Duration>(v); }) {
      return duration_text(std::chrono::duration_cast<Duration>(v));
    } else if constexpr (requires { v.to_string(); }) {
      return v.to_string();
    } else {
      static_assert(sizeof(T) == 0,
                    "a log field's value must be text, a number, a bool, a duration or have to_string()");
    }
  }
  static std::string number_text(double v);
  static std::string duration_text(Duration d);

  std::string_view key_;
  std::string value_;
};

/// A record's message: a template in which "{key}" stands for that field's value ("{{" is a literal
/// brace). Keep what varies in fields: the template is also what the rate limit counts as "the same
/// report". Captures the call site (journald's CODE_FILE, CODE_LINE, CODE_FUNC).
struct Message {
  template <class S>
  requires std::convertible_to<const S&, std::string_view> Message(
      const S& message, std::source_location at = std::source_location::current())  // NOLINT: implicit
      : text(message), where(at) {}

  std::string_view text;
  std::source_location where;
};

/// What a sink receives. Every view is valid for the length of Sink::write only.
struct Record {
  Level level = Level::info;
  std::string_view message;           // the template with the fields' values put in
  std::string_view message_template;  // as written at the call site
  std::string_view source;            // "pinfiber" for the library's own reports, else empty (the program's)
  std::string_view identifier;        // the program's name (SYSLOG_IDENTIFIER): Log::set_identifier
  std::string_view greenlet;          // who logged: the current greenlet, empty when not logged from one
  std::span<const Field> fields;      // every field, those the template used included
  std::source_location where;
};

/// Where records go. write() is called with the hub's log lock held - from the hub's thread, or from
/// another thread through a HubLog - so a sink sees one record at a time. It must not block for long
/// (it runs on the hub: a full pipe or socket drops the record rather than wait) and must not log.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void write(const Record& record) = 0;
};

/// The default sink: one line per record on a stream (stderr by default), written with one write(2)
/// so lines from several threads never interleave:
/// `button_led: warning: sensor read failed error="timed out" greenlet=sampler` - the identifier (or
/// "pinfiber" for the library's own reports), the level, the message, then the fields the message did
/// not use, logfmt-style, and the greenlet when it is not main. When the stream is the one journald gave
/// the process (JOURNAL_STREAM names it), each line starts with "<N>", the syslog priority, which
/// journald reads as the record's PRIORITY (systemd's SyslogLevelPrefix=, on by default).
class StreamSink : public Sink {
 public:
  /// Writes to `fd` (not owned).
  explicit StreamSink(int fd = 2);
  void write(const Record& record) override;
  /// The line for `record`, without the "<N>" prefix and the newline.
  static std::string format(const Record& record);

 private:
  int fd_;
  bool priority_prefix_;
};

/// True if `fd` is the stream journald connected this process to: JOURNAL_STREAM ("device:inode", set
/// by systemd for a service whose stdout or stderr goes to the journal) names `fd`'s device and inode.
bool is_journal_stream(int fd);

/// How many reports with the same template (and level) pass in each `interval`; the rest are counted
/// and summed up in one line once the interval is over: "1234 more like 'greenlet {greenlet} failed
/// with {error}' in 10 s". Guards the log (and the SD card under it) against a peer that triggers one
/// report per connection. burst 0: no limit.
struct RateLimit {
  unsigned burst = 20;
  Duration interval = std::chrono::seconds(10);
};

/// Writes a record to the calling thread's hub's log if `level` is at or above its minimum and the
/// rate limit lets it through. Never blocks for long (a sink that cannot take a record drops it) and
/// never throws: a log call must not turn into a failure of its own.
void write(Level level, Message message, std::initializer_list<Field> fields = {});
inline void debug(Message m, std::initializer_list<Field> f = {}) { write(Level::debug, m, f); }
inline void info(Message m, std::initializer_list<Field> f = {}) { write(Level::info, m, f); }
inline void notice(Message m, std::initializer_list<Field> f = {}) { write(Level::notice, m, f); }
inline void warning(Message m, std::initializer_list<Field> f = {}) { write(Level::warning, m, f); }
inline void error(Message m, std::initializer_list<Field> f = {}) { write(Level::error, m, f); }
inline void critical(Message m, std::initializer_list<Field> f = {}) { write(Level::critical, m, f); }

/// Settings of the calling thread's hub's log. Never block.
void set_level(Level minimum);  // default info
Level level();
/// Null restores the default, a StreamSink on stderr.
void set_sink(std::shared_ptr<Sink> sink);
std::shared_ptr<Sink> sink();
/// The program's name in records (stderr prefix, SYSLOG_IDENTIFIER); default: the name it was run by.
void set_identifier(std::string identifier);
/// Sets the rate limit (default: RateLimit{}); what the previous one held back is summed up first.
void set_rate_limit(RateLimit limit);
/// Records the rate limit dropped since it was last set.
std::uint64_t suppressed();

/// A hub's log, for another thread to write to (a BlockingMonitor's thread, a ThreadPool job): taken
/// on the hub's thread, valid until that hub ends. write() is thread-safe; its records name no
/// greenlet and skip the rate limit (which runs on the hub's clock).
class HubLog {
 public:
  /// The calling thread's hub's log.
  HubLog();
  void write(Level level, Message message, std::initializer_list<Field> fields = {}) const;
  /// The same, as the library's own report (source "pinfiber").
  void report(Level level, Message message, std::initializer_list<Field> fields = {}) const;

 private:
  detail::LogService* service_;
};

}  // namespace logging

namespace detail {
/// The library's own reports (source "pinfiber"): as logging::write otherwise.
void report(logging::Level level, logging::Message message, std::initializer_list<logging::Field> fields = {});
}  // namespace detail

}  // namespace pinfiber
