#pragma once
// Edges and the events a line reports when its level changes.

#include <cstdint>

namespace pinfiber::gpio {

/// Which level changes a line reports, or which one a wait asks for.
enum class Edge : std::uint8_t {
  none,     // no events (a plain input that is only read)
  rising,   // inactive -> active (low -> high unless the line is active-low)
  falling,  // active -> inactive
  both,
};

/// True if an event of edge `happened` (rising or falling) is one that `wanted` asks for.
constexpr bool edge_matches(Edge wanted, Edge happened) { return wanted == Edge::both || wanted == happened; }

/// "rising", "falling", "both", "none".
const char* to_string(Edge e);

/// One level change of an input line, as the kernel (or the mock) timestamped it.
///
///   auto ev = line.wait_edge(Edge::both, 1s);
///   if (ev && ev->edge == Edge::rising) std::printf("pressed at %lld ns\n", (long long)ev->timestamp_ns);
///   if (ev && ev->lost_before) std::puts("the kernel dropped events before this one");
struct EdgeEvent {
  /// Edge::rising or Edge::falling, in logical terms (active-low already applied).
  Edge edge = Edge::none;
  /// When it happened, in nanoseconds of CLOCK_MONOTONIC (the hub's clock: with the test clock
  /// paused, the paused time). With software debounce, the time of the last bounce.
  std::int64_t timestamp_ns = 0;
  /// The line's offset on its chip.
  unsigned offset = 0;
  /// True when events were lost before this one: the kernel's 16-event queue overflowed (the mock
  /// reports it exactly; the v1 uAPI of libgpiod 1.6 does not, so pinfiber infers it from two edges
  /// of the same kind in a row on a both-edges line).
  bool lost_before = false;

  friend bool operator==(const EdgeEvent&, const EdgeEvent&) = default;
};

}  // namespace pinfiber::gpio
