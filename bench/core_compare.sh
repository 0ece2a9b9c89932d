#!/usr/bin/env bash
# Runs the core benchmarks side by side: pinfiber, raw Boost.Context and Boost.Fiber in one process
# (Google Benchmark), the memory probe, and the same three measurements on gevent.
#   bash bench/core_compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh
ensure_packages "${PINFIBER_BUILD_PACKAGES[@]}" "${PINFIBER_BENCH_PACKAGES[@]}"
cmake --preset bench >/dev/null
cmake --build --preset bench -j "$(nproc)" --target bench_core_switch bench_core_memory >/dev/null
./build/bench/bench/bench_core_switch --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_display_aggregates_only=true 2>/dev/null | grep -E '_median|^Benchmark'
./build/bench/bench/bench_core_memory 100000
/usr/bin/python3 bench/core_gevent.py 100000  # Debian's python, where python3-gevent lives
