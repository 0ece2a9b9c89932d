#!/usr/bin/env bash
# Instructions per core operation on this machine (x86-64 Release build), counted by callgrind: a
# pinfiber yield round trip against a raw Boost.Context resume round trip, and spawn+join of an
# empty greenlet against Boost.Fiber's, and a put+get ping-pong through two queues of one against
# Boost.Fiber's buffered_channel. Deterministic, so it is the guide for hot-path work; the
# times are bench/core_compare.sh's.
#   bash bench/core_instructions.sh [n=100000]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
cmake --preset bench >/dev/null
cmake --build --preset bench -j 2 --target bench_core_instructions >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count() {
  valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out/$1" \
    ./build/bench/bench/bench_core_instructions "$1" "$n" >/dev/null 2>&1
  awk -v n="$n" '/^summary:/ { printf "%.1f", $2 / n }' "$out/$1"
}
y=$(count yield)
r=$(count boost_resume)
s=$(count spawn_join)
b=$(count boost_fiber_spawn_join)
q=$(count queue_ping_pong)
c=$(count boost_fiber_channel_ping_pong)
awk -v y="$y" -v r="$r" -v s="$s" -v b="$b" -v q="$q" -v c="$c" -v n="$n" 'BEGIN {
  printf "instructions per operation on x86-64 (callgrind, %d operations each):\n", n
  printf "  yield round trip:  pinfiber %6.1f   raw Boost.Context %6.1f   ratio %.2fx\n", y, r, y / r
  printf "  spawn + join:      pinfiber %6.1f   Boost.Fiber       %6.1f   ratio %.2fx\n", s, b, s / b
  printf "  queue ping-pong:   pinfiber %6.1f   Boost.Fiber       %6.1f   ratio %.2fx  (put+get both ways)\n", q, c, q / c
}'
