#!/usr/bin/env bash
# Runs the coordination benchmarks: pinfiber's Queue against Boost.Fiber's buffered_channel, and
# waking 10,000 Event waiters (Boost.Fiber's condition_variable_any beside it), in one process each.
#   bash bench/sync_compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh
ensure_packages "${PINFIBER_BUILD_PACKAGES[@]}" "${PINFIBER_BENCH_PACKAGES[@]}"
cmake --preset bench >/dev/null
cmake --build --preset bench -j "$(nproc)" --target bench_sync_queue bench_sync_event >/dev/null
for b in sync_queue sync_event; do
  ./build/bench/bench/bench_$b --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_display_aggregates_only=true 2>/dev/null | grep -E '_median|^Benchmark'
done
