#include "pinfiber/daemon/run_daemon.hpp"

#include <signal.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "pinfiber/core/errors.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/core/logging.hpp"
#include "pinfiber/daemon/journal_sink.hpp"
#include "pinfiber/daemon/notify.hpp"
#include "pinfiber/daemon/watchdog.hpp"
#include "pinfiber/io/monitor.hpp"

namespace pinfiber {

namespace {

// STOPPING=1 once, whichever way the stop began; a manager that cannot take it changes nothing now.
void say_stopping(bool& said, const char* why) {
  if (said) return;
  said = true;
  try {
    notify_stopping(why);
  } catch (const Error& e) {
    logging::warning("could not tell the service manager that the daemon stops: {error}", {{"error", e.what()}});
  }
}

}  // namespace

int run_daemon(Config& config, int argc, const char* const* argv, std::function<void()> body, DaemonOptions options) {
  std::string level_name = "info";
  Duration threshold = options.blocking_threshold;
  config.add("log.level", level_name, "least severe log level written: debug, info, notice, warning, error, critical");
  config.add("monitor.threshold", threshold,
             "report a greenlet that keeps the hub from switching for longer than this (0: no monitor)");
  logging::set_identifier(config.program());
  logging::Level level;
  try {
    if (!config.load(argc, argv)) return 0;
    level = logging::parse_level(level_name);
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: %s\n(%s --help lists the settings)\n", config.program().c_str(), e.what(),
                 config.program().c_str());
    return 2;
  }

  // The journal keeps each record's fields and priority; stderr (which journald may be reading too)
  // is the fallback.
  if (journal_available()) logging::set_sink(std::make_shared<JournalSink>());
  logging::set_level(level);
  if (!config.file().empty()) logging::info("settings read from {file}", {{"file", config.file()}});

  bool stopping_said = false;
  auto on_stop_signal = [&](int signum) {
    logging::notice("signal {signal}: stopping", {{"signal", signum == SIGTERM ? "SIGTERM" : "SIGINT"}});
    say_stopping(stopping_said, "stopping");
    shutdown_within(options.stop_grace);
  };
  SignalHandler on_term(SIGTERM, [&] { on_stop_signal(SIGTERM); });
  SignalHandler on_int(SIGINT, [&] { on_stop_signal(SIGINT); });

  Watchdog watchdog;
  std::optional<BlockingMonitor> monitor;
  if (threshold > Duration::zero()) {
    monitor.emplace(threshold);
    // Named while it still holds the hub: at half the interval the journal learns who it is, before
    // the missing pets make systemd kill the daemon and the incident could never end on its own.
    if (watchdog.enabled()) monitor->report_ongoing_after(watchdog.interval() / 2);
  }
  if (watchdog.enabled()) {
    logging::info("watchdog: petting every {period}", {{"period", watchdog.interval() / 2}});
  }

  int status = 0;
  try {
    body();
  } catch (const GreenletExit&) {
    // shutdown(): the normal end of a daemon told to stop.
  } catch (const std::exception& e) {
    logging::critical("stopped by an error: {error}", {{"error", e.what()}});
    status = 1;
  }
  say_stopping(stopping_said, status == 0 ? "stopped" : "failed");
  // What body left running unwinds now, while the log and the watchdog are still in place.
  try {
    hub().kill_all(options.stop_grace);
  } catch (...) {
  }
  return status;
}

}  // namespace pinfiber
