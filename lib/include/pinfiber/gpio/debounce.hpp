#pragma once
// Software debounce: "stable for N ms", for backends without kernel debounce (libgpiod 1.6, uAPI v1).

#include <cstdint>
#include <optional>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/gpio/edge_event.hpp"

namespace pinfiber::gpio {

/// Turns the raw edges of a bouncing contact into one edge per real change. Every raw edge restarts
/// a quiet period; when the line has been quiet for the whole period, its real level is read and an
/// edge is reported if that level differs from the last reported one. So a bouncing press yields
/// exactly one press and one release, and the reported state always ends equal to the line's real
/// level, even if raw edges were lost. (RPi.GPIO's bouncetime instead reports the first edge and
/// ignores the others for the period, which loses a release that bounces within it.)
/// InputLine uses it when InputSettings::debounce is non-zero and the backend cannot debounce
/// (Capabilities::kernel_debounce); it is public for other event sources.
///
///   Debouncer d(20ms, line.get());
///   d.on_raw(raw_event);                             // for each raw edge
///   if (d.due(now)) if (auto ev = d.settle(line.get())) report(*ev);
class Debouncer {
 public:
  /// `stable_level` is the (logical) level the line has when debouncing starts.
  Debouncer(Duration period, bool stable_level, unsigned offset = 0)
      : period_(period), stable_(stable_level), offset_(offset) {}

  /// Records a raw edge: the quiet period restarts from its timestamp.
  void on_raw(const EdgeEvent& raw);
  /// Records that events may have been lost: the level is re-read after a quiet period from `now`.
  void on_lost(TimePoint now);
  /// When the pending quiet period ends (TimePoint::max() when nothing is pending).
  TimePoint deadline() const { return deadline_; }
  /// True if a quiet period has ended by `now`.
  bool due(TimePoint now) const { return deadline_ <= now; }
  /// Ends the pending quiet period with the line's real `level`: returns the edge to report, or
  /// nothing when the level is the one last reported. The event carries the last raw edge's time.
  std::optional<EdgeEvent> settle(bool level);
  /// The last reported level.
  bool stable_level() const { return stable_; }

 private:
  Duration period_;
  bool stable_;
  unsigned offset_;
  TimePoint deadline_ = TimePoint::max();
  std::int64_t last_ts_ = 0;
  std::uint64_t last_seqno_ = 0;
  bool lost_ = false;
};

}  // namespace pinfiber::gpio
