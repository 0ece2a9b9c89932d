#!/usr/bin/env bash
# Instructions executed per round trip on the Pi Zero W's code (ARMv6, the static armel build): a
# pinfiber yield round trip against a raw Boost.Context fiber::resume round trip. Counted, not timed:
# qemu-arm runs the program one instruction per translation block (-singlestep) and logs every block
# it executes (-d exec,nochain); the instructions between the marker calls, divided by the round
# trips, are the figure - the same on any host, whatever its load.
#   bash bench/switch_instructions.sh [round_trips=200]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
. bench/zero_w_program.sh
out=$(zero_w_program switch_instructions)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
qemu-arm -cpu arm1176 -singlestep -d exec,nochain -D "$log" "$out" "$n" >/dev/null
addr() { arm-linux-gnueabi-nm "$out" | awk -v s="$1" '$3 == s { print $1 }'; }
# Each executed block is one line "Trace N: 0x... [.../<pc>/...]"; with -singlestep, one instruction.
count() {
  awk -v begin="$(addr "$1")" -v end="$(addr "$2")" '
    /^Trace/ {
      split($0, f, "/"); pc = f[2]; sub(/^0*/, "", pc); b = begin; sub(/^0*/, "", b); e = end; sub(/^0*/, "", e)
      if (pc == b) counting = 1
      else if (pc == e && counting) { print n; exit }
      else if (counting) n++
    }' "$log"
}
p=$(count marker_pinfiber_begin marker_pinfiber_end)
r=$(count marker_boost_begin marker_boost_end)
awk -v p="$p" -v r="$r" -v n="$n" 'BEGIN {
  printf "instructions per round trip on ARMv6 (qemu-arm -cpu arm1176, %d round trips each):\n", n
  printf "  pinfiber yield:          %.1f\n", p / n
  printf "  raw Boost.Context:       %.1f\n", r / n
  printf "  ratio:                   %.2fx\n", p / r
}'
