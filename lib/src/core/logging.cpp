// The hub's log (a hub service): level filter, rate limit, and the sink; the stream sink; rendering.

#include "pinfiber/core/logging.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "pinfiber/core/detail/fiber.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber {

namespace logging {

namespace {

// Whether the template says "{key}" somewhere.
bool template_uses(std::string_view tmpl, std::string_view key) {
  for (std::size_t at = tmpl.find('{'); at != std::string_view::npos; at = tmpl.find('{', at + 1)) {
    if (tmpl.compare(at + 1, key.size(), key) == 0 && at + 1 + key.size() < tmpl.size() &&
        tmpl[at + 1 + key.size()] == '}') {
      return true;
    }
  }
  return false;
}

// The template with "{key}" replaced by the field's value; "{{" and "}}" are literal braces, and a
// "{name}" that names no field stays as it is (a message with a brace of its own still reads right).
std::string render(std::string_view tmpl, std::span<const Field> fields) {
  std::string out;
  out.reserve(tmpl.size() + 16);
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    const char c = tmpl[i];
    if ((c == '{' || c == '}') && i + 1 < tmpl.size() && tmpl[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c == '{') {
      const std::size_t close = tmpl.find('}', i + 1);
      if (close != std::string_view::npos) {
        const std::string_view key = tmpl.substr(i + 1, close - i - 1);
        const Field* found = nullptr;
        for (const Field& f : fields) {
          if (f.key() == key) found = &f;
        }
        if (found) {
          out += found->value();
          i = close;
          continue;
        }
      }
    }
    out += c;
  }
  return out;
}

// logfmt: bare when the value is a plain word, else quoted with \" \\ \n escapes.
void append_value(std::string& out, std::string_view v) {
  const bool bare = !v.empty() && v.find_first_of(" \"=\\\n\t") == std::string_view::npos;
  if (bare) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += '"';
}

std::string default_identifier() { return program_invocation_short_name ? program_invocation_short_name : "pinfiber"; }

}  // namespace

const char* name_of(Level level) {
  switch (level) {
    case Level::critical: return "critical";
    case Level::error: return "error";
    case Level::warning: return "warning";
    case Level::notice: return "notice";
    case Level::info: return "info";
    case Level::debug: return "debug";
  }
  return "info";
}

Level parse_level(std::string_view text) {
  struct Name {
    std::string_view name;
    Level level;
  };
  static constexpr Name names[] = {
      {"critical", Level::critical},
      {"crit", Level::critical},
      {"2", Level::critical},
      {"error", Level::error},
      {"err", Level::error},
      {"3", Level::error},
      {"warning", Level::warning},
      {"warn", Level::warning},
      {"4", Level::warning},
      {"notice", Level::notice},
      {"5", Level::notice},
      {"info", Level::info},
      {"6", Level::info},
      {"debug", Level::debug},
      {"7", Level::debug},
  };
  for (const Name& n : names) {
    if (n.name == text) return n.level;
  }
  throw Error("log level '" + std::string(text) + "': expected debug, info, notice, warning, error or critical");
}

std::string Field::number_text(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string Field::duration_text(Duration d) {
  using namespace std::chrono;
  if (d == forever) return "forever";
  const auto ns = d.count();
  const auto mag = ns < 0 ? -ns : ns;
  if (mag < 1000) return std::to_string(ns) + "ns";
  if (mag < 1000000) return ns % 1000 == 0 ? std::to_string(ns / 1000) + "us" : number_text(ns / 1e3) + "us";
  if (mag < 1000000000) return ns % 1000000 == 0 ? std::to_string(ns / 1000000) + "ms" : number_text(ns / 1e6) + "ms";
  return number_text(ns / 1e9) + "s";
}

// --- the stream sink --------------------------------------------------------------------------------

bool is_journal_stream(int fd) {
  const char* env = std::getenv("JOURNAL_STREAM");
  if (!env) return false;
  unsigned long long dev = 0, ino = 0;
  const char* end = env + std::strlen(env);
  auto r = std::from_chars(env, end, dev);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != ':') return false;
  r = std::from_chars(r.ptr + 1, end, ino);
  if (r.ec != std::errc() || r.ptr != end) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

StreamSink::StreamSink(int fd) : fd_(fd), priority_prefix_(is_journal_stream(fd)) {}

std::string StreamSink::format(const Record& r) {
  std::string line;
  line.reserve(r.message.size() + 64);
  line += r.source.empty() ? r.identifier : r.source;
  line += ": ";
  line += name_of(r.level);
  line += ": ";
  for (char c : r.message) {
    if (c == '\n') {
      line += "\\n";  // one record, one line
    } else {
      line += c;
    }
  }
  bool greenlet_given = false;
  for (const Field& f : r.fields) {
    if (f.key() == "greenlet") greenlet_given = true;
    if (template_uses(r.message_template, f.key())) continue;
    line += ' ';
    line += f.key();
    line += '=';
    append_value(line, f.value());
  }
  if (!greenlet_given && !r.greenlet.empty() && r.greenlet != "main") {
    line += " greenlet=";
    append_value(line, r.greenlet);
  }
  return line;
}

void StreamSink::write(const Record& record) {
  std::string line;
  if (priority_prefix_) {
    line = "<" + std::to_string(static_cast<int>(record.level)) + ">";
  }
  line += format(record);
  line += '\n';
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EAGAIN on a non-blocking stream, EPIPE...: the record is dropped, never waited for
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace logging

// --- the hub's log ------------------------------------------------------------------------------------

namespace detail {

using logging::Field;
using logging::Level;
using logging::Message;
using logging::Record;

class LogService {
 public:
  explicit LogService(Hub& hub)
      : hub_(hub), sink_(std::make_shared<logging::StreamSink>(2)), identifier_(logging::default_identifier()) {}

  ~LogService() {
    std::lock_guard lock(mutex_);
    // Whatever the rate limit held back is said before the log goes away.
    summarize(TimePoint::max());
  }

  // From the hub's thread (rate limited, names the current greenlet) or through a HubLog.
  void write(Level level, const Message& m, std::initializer_list<Field> fields, std::string_view source,
             bool on_hub) noexcept {
    try {
      std::lock_guard lock(mutex_);
      if (static_cast<int>(level) > static_cast<int>(level_)) return;
      std::string greenlet;
      if (on_hub) {
        if (!admit(level, m.text, source)) return;
        greenlet = current_fiber()->name();
      }
      emit(level, m, std::span<const Field>(fields.begin(), fields.size()), source, greenlet);
    } catch (...) {
      // Out of memory while logging: the record is lost, the caller goes on.
    }
  }

  void set_level(Level l) {
    std::lock_guard lock(mutex_);
    level_ = l;
  }
  Level level() {
    std::lock_guard lock(mutex_);
    return level_;
  }
  void set_sink(std::shared_ptr<logging::Sink> s) {
    std::lock_guard lock(mutex_);
    sink_ = s ? std::move(s) : std::make_shared<logging::StreamSink>(2);
  }
  std::shared_ptr<logging::Sink> sink() {
    std::lock_guard lock(mutex_);
    return sink_;
  }
  void set_identifier(std::string id) {
    std::lock_guard lock(mutex_);
    identifier_ = std::move(id);
  }
  // A new limit starts afresh: what the old one held back is said first.
  void set_rate_limit(logging::RateLimit l) {
    std::lock_guard lock(mutex_);
    summarize(TimePoint::max());
    windows_.clear();
    suppressed_total_ = 0;
    limit_ = l;
  }
  std::uint64_t suppressed() {
    std::lock_guard lock(mutex_);
    return suppressed_total_;
  }

 private:
  // One template's current interval.
  struct Window {
    TimePoint start;
    unsigned passed = 0;
    std::uint64_t suppressed = 0;
    Level level = Level::info;
    std::string source;
    std::string tmpl;
  };
  // Distinct templates tracked at once: a program has a few dozen; the bound keeps a flood of
  // distinct messages from growing the table without limit.
  static constexpr std::size_t kMaxWindows = 256;

  void emit(Level level, const Message& m, std::span<const Field> fields, std::string_view source,
            std::string_view greenlet) {
    const std::string message = logging::render(m.text, fields);
    Record r;
    r.level = level;
    r.message = message;
    r.message_template = m.text;
    r.source = source;
    r.identifier = identifier_;
    r.greenlet = greenlet;
    r.fields = fields;
    r.where = m.where;
    sink_->write(r);
  }

  // The rate limit: true if the record may pass.
  bool admit(Level level, std::string_view tmpl, std::string_view source) {
    if (limit_.burst == 0) return true;
    const TimePoint now = hub_.now();
    if (now >= next_summary_) summarize(now);
    std::string key;
    key.reserve(tmpl.size() + source.size() + 2);
    key += static_cast<char>('0' + static_cast<int>(level));
    key += source;
    key += '\0';
    key += tmpl;
    auto it = windows_.find(key);
    if (it == windows_.end()) {
      if (windows_.size() >= kMaxWindows) make_room(now);
      if (windows_.size() >= kMaxWindows) {
        // Every slot holds back a flood right now: the newcomer shares one window with the others.
        key = "\x01(too many distinct reports)";
      }
      it = windows_.try_emplace(std::move(key)).first;
      Window& w = it->second;
      w.start = now;
      w.level = level;
      w.source = source;
      w.tmpl = tmpl;
    }
    Window& w = it->second;
    if (now - w.start >= limit_.interval) {
      if (w.suppressed > 0) say_suppressed(w);
      w.start = now;
      w.passed = 0;
      w.suppressed = 0;
    }
    if (w.passed < limit_.burst) {
      ++w.passed;
      return true;
    }
    if (w.suppressed++ == 0) next_summary_ = std::min(next_summary_, w.start + limit_.interval);
    ++suppressed_total_;
    return false;
  }

  // Drops windows that are over (saying what they held back) or that hold nothing back.
  void make_room(TimePoint now) {
    summarize(now);
    std::erase_if(windows_, [&](const auto& kv) {
      return kv.second.suppressed == 0 || now - kv.second.start >= limit_.interval;
    });
  }

  // Says, for each window over by `now`, how many records it held back.
  void summarize(TimePoint now) {
    next_summary_ = TimePoint::max();
    for (auto& [key, w] : windows_) {
      if (w.suppressed == 0) continue;
      const TimePoint end = w.start + limit_.interval;
      if (now == TimePoint::max() || now >= end) {
        say_suppressed(w);
        w.suppressed = 0;
      } else {
        next_summary_ = std::min(next_summary_, end);
      }
    }
  }

  void say_suppressed(const Window& w) {
    const Field fields[] = {{"suppressed", w.suppressed}, {"template", w.tmpl}, {"interval", limit_.interval}};
    emit(w.level, Message("{suppressed} more like \"{template}\" dropped within {interval}"), fields, "pinfiber", "");
  }

  std::mutex mutex_;
  Hub& hub_;
  std::shared_ptr<logging::Sink> sink_;
  std::string identifier_;
  Level level_ = Level::info;
  logging::RateLimit limit_;
  std::unordered_map<std::string, Window> windows_;
  TimePoint next_summary_ = TimePoint::max();
  std::uint64_t suppressed_total_ = 0;
};

namespace {
LogService& service() { return hub().service<LogService>(); }
}  // namespace

void report(logging::Level level, logging::Message message, std::initializer_list<logging::Field> fields) {
  try {
    service().write(level, message, fields, "pinfiber", true);
  } catch (...) {
    // No hub to be had (out of memory): nothing to report through.
  }
}

}  // namespace detail

namespace logging {

void write(Level level, Message message, std::initializer_list<Field> fields) {
  try {
    detail::service().write(level, message, fields, {}, true);
  } catch (...) {
  }
}

void set_level(Level minimum) { detail::service().set_level(minimum); }
Level level() { return detail::service().level(); }
void set_sink(std::shared_ptr<Sink> s) { detail::service().set_sink(std::move(s)); }
std::shared_ptr<Sink> sink() { return detail::service().sink(); }
void set_identifier(std::string identifier) { detail::service().set_identifier(std::move(identifier)); }
void set_rate_limit(RateLimit limit) { detail::service().set_rate_limit(limit); }
std::uint64_t suppressed() { return detail::service().suppressed(); }

HubLog::HubLog() : service_(&detail::service()) {}
void HubLog::write(Level level, Message message, std::initializer_list<Field> fields) const {
  service_->write(level, message, fields, {}, false);
}
void HubLog::report(Level level, Message message, std::initializer_list<Field> fields) const {
  service_->write(level, message, fields, "pinfiber", false);
}

}  // namespace logging

}  // namespace pinfiber
