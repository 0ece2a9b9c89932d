#include "pinfiber/sync/wait.hpp"

#include "pinfiber/core/hub.hpp"

namespace pinfiber {

namespace {
std::vector<detail::Linkable*> linkables(std::span<const Waitable> objects) {
  std::vector<detail::Linkable*> out;
  out.reserve(objects.size());
  for (const auto& o : objects) out.push_back(&o.linkable());
  return out;
}
}  // namespace

IWait::IWait(std::span<const Waitable> objects, TimeSpan timeout, std::size_t count)
    : wait_(linkables(objects), deadline_in(timeout), count) {}

std::vector<std::size_t> wait(std::span<const Waitable> objects, TimeSpan timeout, std::size_t count) {
  std::vector<std::size_t> done;
  IWait it(objects, timeout, count);
  while (auto i = it.next()) done.push_back(*i);
  return done;
}

bool wait(TimeSpan timeout) {
  const TimePoint deadline = deadline_in(timeout);
  const GreenletBase self = getcurrent();
  for (;;) {
    std::vector<GreenletBase> others;
    for (const auto& f : all_greenlets()) {
      if (f != self) others.push_back(f);
    }
    if (others.empty()) return true;
    const Duration left = deadline == TimePoint::max() ? forever : deadline - Clock::now();
    if (joinall(others, left).size() < others.size()) return false;
  }
}

}  // namespace pinfiber
