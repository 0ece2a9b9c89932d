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
  /// When it happened, in nanoseconds of the line's event clock (InputSettings::clock): by default
  /// CLOCK_MONOTONIC, the hub's clock (with the test clock paused, the paused time). With software
  /// debounce, the time of the last bounce; with kernel debounce, when the level had been stable for
  /// the period (the kernel stamps its debounced events when it emits them).
  std::int64_t timestamp_ns = 0;
  /// The line's offset on its chip.
  unsigned offset = 0;
  /// True when events were lost before this one: the kernel's event queue overflowed. Exact where
  /// the backend numbers events (libgpiod 2: a gap in `seqno`) or reports overflows (the mock); the
  /// v1 uAPI of libgpiod 1.6 does neither, so pinfiber infers it from two edges of the same kind in
  /// a row on a both-edges line.
  bool lost_before = false;
  /// This line's event number since the request (1, 2, 3, ... - the kernel's line_seqno), when the
  /// backend numbers events (Capabilities::sequence_numbers); 0 otherwise. Consecutive unless events
  /// were lost. With software debounce, the number of the last raw edge.
  std::uint64_t seqno = 0;
  /// True for an event no kernel reported: after events were lost, pinfiber re-read the line's level
  /// and it differed from the last event delivered, so this event brings the line up to date (stamped
  /// when the level was read; lost_before is set; seqno is the last real event's). Only on lines
  /// requested with Edge::both and without software debounce (the debouncer re-reads by itself). If
  /// the real edge was merely late, it is not reported again.
  bool synthetic = false;

  friend bool operator==(const EdgeEvent&, const EdgeEvent&) = default;
};

}  // namespace pinfiber::gpio
