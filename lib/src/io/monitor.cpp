#include "pinfiber/io/monitor.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "pinfiber/core/errors.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/core/logging.hpp"

namespace pinfiber {

namespace {

// The default report, written from the monitor's thread: the hub may be the one that is blocked.
void report_to_log(const logging::HubLog& log, const BlockingReport& r) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.blocked_for).count();
  if (r.ongoing) {
    log.report(logging::Level::error, "greenlet '{greenlet}' has held the hub for {ms} ms and still does",
               {{"greenlet", r.greenlet}, {"ms", ms}});
  } else {
    log.report(logging::Level::warning, "greenlet '{greenlet}' blocked the hub for {ms} ms",
               {{"greenlet", r.greenlet}, {"ms", ms}});
  }
}

}  // namespace

struct BlockingMonitor::Impl {
  const HubActivity& activity;
  Duration threshold;
  BlockingReportFn report;
  logging::HubLog log;
  Duration ongoing_after = forever;  // under `mutex`
  std::atomic<std::uint64_t> incidents{0};
  std::mutex mutex;
  std::condition_variable wake;
  bool stop = false;
  std::thread thread;

  Impl(const HubActivity& a, Duration t, BlockingReportFn r) : activity(a), threshold(t), report(std::move(r)) {}

  void run() {
    using steady = std::chrono::steady_clock;
    // The sampling period bounds how late an incident is noticed and how long the destructor
    // waits; a quarter of the threshold notices one at most 25% late.
    const auto period = std::chrono::duration_cast<steady::duration>(threshold / 4);
    std::size_t last_switches = activity.switches.load(std::memory_order_relaxed);
    steady::time_point still_since = steady::now();
    std::string culprit;  // named once the threshold is crossed: the incident in progress
    bool told_ongoing = false;
    std::unique_lock lock(mutex);
    for (;;) {
      const bool stopping = wake.wait_for(lock, period, [this] { return stop; });
      const auto now = steady::now();
      const std::size_t switches = activity.switches.load(std::memory_order_relaxed);
      const bool idle = activity.polling.load(std::memory_order_relaxed);
      if (switches != last_switches || idle) {
        // The hub moved (or sleeps in epoll_wait): whatever held it has let go.
        if (!culprit.empty()) finish(culprit, now - still_since);
        last_switches = switches;
        still_since = now;
      } else if (culprit.empty() && now - still_since > threshold) {
        culprit = name_of_running(switches);
        told_ongoing = false;
      } else if (!culprit.empty() && !told_ongoing && ongoing_after != forever &&
                 now - still_since >= std::chrono::duration_cast<steady::duration>(ongoing_after)) {
        told_ongoing = true;
        deliver(BlockingReport{culprit, std::chrono::duration_cast<Duration>(now - still_since), true});
      }
      if (stopping) {
        if (!culprit.empty()) finish(culprit, now - still_since);
        return;
      }
    }
  }

  // The running greenlet's id, and its name from the hub's own copy (under the hub's lock): this
  // thread never touches a greenlet's memory, which a switch may free at any moment. The id is read
  // while the switch count still has the value that stood still, so it is the greenlet that holds the hub.
  std::string name_of_running(std::size_t switches) const { return activity.name_of_running(switches); }

  void finish(std::string& culprit, std::chrono::steady_clock::duration held) {
    incidents.fetch_add(1, std::memory_order_relaxed);
    BlockingReport r{std::move(culprit), std::chrono::duration_cast<Duration>(held)};
    culprit.clear();
    deliver(r);
  }

  void deliver(const BlockingReport& r) {
    try {
      if (report) {
        report(r);
      } else {
        report_to_log(log, r);
      }
    } catch (...) {
      // A report function that throws must not end the monitor thread (std::terminate).
    }
  }
};

BlockingMonitor::BlockingMonitor(TimeSpan threshold, BlockingReportFn report) {
  if (threshold.duration() < std::chrono::milliseconds(1))
    throw Error("start a blocking monitor: threshold below 1 ms");
  impl_ = std::make_unique<Impl>(hub().activity(), threshold, std::move(report));
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

BlockingMonitor::~BlockingMonitor() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stop = true;
  }
  impl_->wake.notify_one();
  impl_->thread.join();
}

void BlockingMonitor::report_ongoing_after(TimeSpan after) {
  std::lock_guard lock(impl_->mutex);
  impl_->ongoing_after = after.duration();
}

std::uint64_t BlockingMonitor::incidents() const { return impl_->incidents.load(std::memory_order_relaxed); }
Duration BlockingMonitor::threshold() const { return impl_->threshold; }

}  // namespace pinfiber
