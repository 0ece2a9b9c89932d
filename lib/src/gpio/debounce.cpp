#include "pinfiber/gpio/debounce.hpp"

#include <utility>

namespace pinfiber::gpio {

void Debouncer::on_raw(const EdgeEvent& raw) {
  last_ts_ = raw.timestamp_ns;
  last_seqno_ = raw.seqno;
  lost_ = lost_ || raw.lost_before;
  deadline_ = deadline_after(TimePoint(Duration(raw.timestamp_ns)), period_);
}

void Debouncer::on_lost(TimePoint now) {
  lost_ = true;
  if (deadline_ == TimePoint::max() || deadline_ < deadline_after(now, period_))
    deadline_ = deadline_after(now, period_);
}

std::optional<EdgeEvent> Debouncer::settle(bool level) {
  deadline_ = TimePoint::max();
  const bool lost = std::exchange(lost_, false);
  if (level == stable_) return std::nullopt;
  stable_ = level;
  return EdgeEvent{level ? Edge::rising : Edge::falling, last_ts_, offset_, lost, last_seqno_};
}

}  // namespace pinfiber::gpio
