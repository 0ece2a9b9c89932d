#pragma once
// Logging to journald over its native protocol (systemd's "Native Journal Protocol"): one datagram per
// record to /run/systemd/journal/socket, every field kept as a journal field - the message, the
// priority, the greenlet, the call site and the record's own fields - so that
// `journalctl -u button_led PRESS=3` or `-p warning` find what they should.
//
// Spoken here rather than through libsystemd's sd_journal_send(): the protocol is documented for
// exactly this, the same code serves the static Pi Zero W build (Debian ships no static
// libsystemd), and a send never waits - a full journal socket drops the record and counts it rather
// than block the hub. See docs/daemons.md.
//
//   if (pinfiber::journal_available()) pinfiber::logging::set_sink(std::make_shared<pinfiber::JournalSink>());
//   // run_daemon does this by itself

#include <atomic>
#include <cstdint>
#include <string>

#include "pinfiber/core/logging.hpp"

namespace pinfiber {

/// Where journald listens for native-protocol datagrams.
inline constexpr const char* journal_socket_path = "/run/systemd/journal/socket";

/// True if the process runs under journald: its stderr is the journal stream systemd gave it
/// (JOURNAL_STREAM) and the journal's socket exists. Never blocks.
bool journal_available();

/// A log sink that sends each record to journald. Records become entries with MESSAGE, PRIORITY,
/// SYSLOG_IDENTIFIER, CODE_FILE/CODE_LINE/CODE_FUNC, GREENLET, and each field under its key in
/// upper case (characters other than letters, digits and '_' become '_'; a key that starts with a
/// digit or '_' gets "F_" in front, since journald keeps leading '_' for its own fields). The
/// library's own reports start their MESSAGE with "pinfiber: ". A record too large for one datagram
/// goes in a sealed memfd passed with the datagram, as the protocol says. Thread-safe.
class JournalSink : public logging::Sink {
 public:
  /// Sends to the Unix datagram socket at `socket_path`. Throws Error if no socket can be opened.
  explicit JournalSink(std::string socket_path = journal_socket_path);
  ~JournalSink() override;
  JournalSink(const JournalSink&) = delete;
  JournalSink& operator=(const JournalSink&) = delete;

  /// Sends the record now, or drops it (counted in dropped()) if the journal cannot take it at once.
  void write(const logging::Record& record) override;
  /// Records dropped: the socket was full or absent, or a memfd could not be made.
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

  /// The entry as the protocol carries it: "KEY=value\n" per field, or for a value with a newline
  /// "KEY\n" + its length as 64-bit little-endian + the value + "\n".
  static std::string encode(const logging::Record& record);

 private:
  std::string path_;
  int fd_ = -1;
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace pinfiber
