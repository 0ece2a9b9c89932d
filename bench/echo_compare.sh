#!/usr/bin/env bash
# Echo throughput, 64-byte messages over 100 connections from one closed-loop client
# (bench_echo_client), against: pinfiber's examples/echo (StreamServer, a greenlet per connection),
# a raw libev callback server (bench_echo_raw_libev), and gevent's StreamServer (bench/echo_gevent.py).
# Usage: bash bench/echo_compare.sh [seconds=5] [rounds=3]   -- prints the median msgs/s of each.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
rounds=${2:-3}
build=build/io-bench
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPINFIBER_BUILD_BENCH=ON -DPINFIBER_BUILD_TESTS=OFF >/dev/null
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

declare -A results
for name in pinfiber raw_libev gevent; do
  samples=()
  for _ in $(seq "$rounds"); do
    case $name in
      pinfiber) samples+=("$(run pinfiber 7100 "$build"/examples/echo 7100)") ;;
      raw_libev) samples+=("$(run raw_libev 7101 "$build"/bench/bench_echo_raw_libev 7101)") ;;
      gevent) samples+=("$(run gevent 7102 "$python" bench/echo_gevent.py 7102)") ;;
    esac
  done
  results[$name]=$(printf '%s\n' "${samples[@]}" | median)
  echo "$name: ${samples[*]} -> median ${results[$name]} msgs/s"
done
awk -v p="${results[pinfiber]}" -v r="${results[raw_libev]}" -v g="${results[gevent]}" \
  'BEGIN { printf "pinfiber / raw libev = %.2fx, pinfiber / gevent = %.2fx\n", p / r, p / g }'
