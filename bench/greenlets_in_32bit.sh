#!/usr/bin/env bash
# Greenlets per 32-bit Pi process: the Zero W's static build (ARMv6) under qemu-arm, with 1 GiB of the
# emulator's 4 GiB guest space mapped away so that 3 GiB remain, as a Pi's 3G/1G kernel leaves.
# Prints, per stack size, how many greenlets were parked at once before spawn() refused, and the
# address space each took (3 GiB, less what the program itself maps, divided by that number).
#   bash bench/greenlets_in_32bit.sh [stack sizes in KiB...]   (default: 64 32 16)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(64 32 16)
. bench/zero_w_program.sh
out=$(zero_w_program greenlets_in_32bit)
for kib in "${sizes[@]}"; do
  line=$(qemu-arm -cpu arm1176 "$out" "$kib" 1024)
  echo "$line"
  n=$(sed -E 's/^stack [0-9]+ KiB: ([0-9]+) greenlets.*/\1/' <<<"$line")
  awk -v n="$n" -v k="$kib" 'BEGIN { printf "  -> %.1f KiB of address space per greenlet (3 GiB / %d; stack %d KiB + 4 KiB guard + the rest)\n", 3 * 1024 * 1024 / n, n, k }'
done
