#!/usr/bin/env bash
# Echo throughput, 64-byte messages over 100 connections from one closed-loop client
# (bench_echo_client), against: pinfiber's examples/echo (StreamServer, a greenlet per connection),
# a raw libev callback server (bench_echo_raw_libev), and gevent's StreamServer (bench/echo_gevent.py).
# Usage: bash bench/echo_compare.sh [seconds=5] [rounds=3]   -- prints the median msgs/s of each.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
rounds=${2:-3}
build=build/bench  # the bench preset: Release, benchmarks, no tests
cmake --preset bench >/dev/null
cmake --build "$build" -j2 --target echo bench_echo_raw_libev bench_echo_client >/dev/null
python=/usr/bin/python3  # Debian's python3-gevent lives there, whatever python3 the PATH prefers

run() {  # run NAME PORT CMD...: start the server, measure, stop it; prints msgs/s
  local name=$1 port=$2; shift 2
  "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
  "$build"/bench/bench_echo_client "$port" 100 "$seconds" 64
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Rounds interleaved (pinfiber, raw libev, gevent, then again), so that a change in the machine's
# load during the run does not favour one server.
declare -A samples results
for _ in $(seq "$rounds"); do
  samples[pinfiber]+=" $(run pinfiber 7100 "$build"/examples/echo 7100)"
  samples[raw_libev]+=" $(run raw_libev 7101 "$build"/bench/bench_echo_raw_libev 7101)"
  samples[gevent]+=" $(run gevent 7102 "$python" bench/echo_gevent.py 7102)"
done
for name in pinfiber raw_libev gevent; do
  results[$name]=$(printf '%s\n' ${samples[$name]} | median)
  echo "$name:${samples[$name]} -> median ${results[$name]} msgs/s"
done
awk -v p="${results[pinfiber]}" -v r="${results[raw_libev]}" -v g="${results[gevent]}" \
  'BEGIN { printf "pinfiber / raw libev = %.2fx, pinfiber / gevent = %.2fx\n", p / r, p / g }'
