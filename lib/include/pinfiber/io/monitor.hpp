#pragma once
// Finding out when something blocks the hub (gevent's monitor thread, story 7): a greenlet that
// calls a blocking function (a database driver, usleep, a busy loop) stops every other greenlet of
// its thread, and nothing in the program says so. The monitor says so, naming the greenlet.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "pinfiber/core/clock.hpp"

namespace pinfiber {

/// One incident: which greenlet held the hub, and for how long without a switch.
struct BlockingReport {
  std::string greenlet;  // its name ("main" for the thread's own greenlet, "hub" for a callback)
  Duration blocked_for;  // from its last switch to the end of the incident (or the monitor's stop)
  /// True for the early report of an incident still going (report_ongoing_after); its final report
  /// follows when it ends, if the process lives that long.
  bool ongoing = false;
};

/// Receives incidents, on the monitor's own thread: it must not touch greenlets or the hub (use
/// Hub::post to get back to it), only thread-safe things.
using BlockingReportFn = std::function<void(const BlockingReport&)>;

/// Watches the calling thread's hub from a separate thread: when the hub has not switched between
/// greenlets for longer than `threshold` while it was not idle in epoll_wait, the running greenlet
/// is blocking it. Each incident is reported once, when it ends (so the report carries its full
/// length) or when the monitor stops; by default as a warning in the hub's log (pinfiber/core/logging.hpp,
/// written from the monitor's thread through a logging::HubLog):
/// `pinfiber: warning: greenlet 'db-writer' blocked the hub for 312 ms`. Opt-in; the hub itself is never
/// woken by it (the monitor thread samples Hub::activity() every threshold/4, on the real clock).
///
///   pinfiber::BlockingMonitor monitor(100ms);           // for the program's life, in main
///   pool.spawn([] { ::usleep(300000); });               // reported: blocked the hub for 300 ms
///   pinfiber::ThreadPool offload; offload.run([] { ::usleep(300000); });   // not reported
class BlockingMonitor {
 public:
  /// Starts the monitor thread for the calling thread's hub. Throws std::system_error if the thread
  /// cannot be started, Error for a threshold below 1 ms.
  explicit BlockingMonitor(TimeSpan threshold = std::chrono::milliseconds(100), BlockingReportFn report = {});
  /// Reports an incident still in progress, then stops and joins the thread (within threshold/4).
  ~BlockingMonitor();
  BlockingMonitor(const BlockingMonitor&) = delete;
  BlockingMonitor& operator=(const BlockingMonitor&) = delete;

  /// Also reports an incident while it is still going, once it has lasted `after` (once per incident,
  /// BlockingReport::ongoing set; the default report is an error in the log: "greenlet 'x' has held the
  /// hub for 5000 ms and still does"). A hub blocked for good ends its process under a watchdog
  /// (pinfiber/daemon/watchdog.hpp) before the incident could end: this names the culprit first.
  /// forever (the default) turns it off. Thread-safe; never blocks.
  void report_ongoing_after(TimeSpan after);

  /// Incidents reported so far (ongoing reports not counted). Thread-safe.
  std::uint64_t incidents() const;
  Duration threshold() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace pinfiber
