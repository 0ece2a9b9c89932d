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
# Only the library of the Zero W build is needed (scripts/cross pi-zero-w builds and tests everything).
scripts/sysroot armel >/dev/null
cmake --preset cross-pi-zero-w >/dev/null
cmake --build build/cross-pi-zero-w --target pinfiber >/dev/null
build=build/cross-pi-zero-w
sysroot=build/sysroot-armel
libdir=$sysroot/usr/lib/arm-linux-gnueabi
out=$build/bench_greenlets_in_32bit
arm-linux-gnueabi-g++ -std=c++20 -O2 -march=armv6kz -mtune=arm1176jzf-s -mfpu=vfp -mfloat-abi=softfp -marm \
  -fstack-clash-protection -Ilib/include -I"$sysroot/usr/include" bench/greenlets_in_32bit.cpp -o "$out" \
  "$build/lib/libpinfiber.a" "$libdir/libboost_context.a" "$libdir/libev.a" "$libdir/libgpiod.a" \
  "$libdir/libcares.a" -static -pthread
for kib in "${sizes[@]}"; do
  line=$(qemu-arm -cpu arm1176 "$out" "$kib" 1024)
  echo "$line"
  n=$(sed -E 's/^stack [0-9]+ KiB: ([0-9]+) greenlets.*/\1/' <<<"$line")
  awk -v n="$n" -v k="$kib" 'BEGIN { printf "  -> %.1f KiB of address space per greenlet (3 GiB / %d; stack %d KiB + 4 KiB guard + the rest)\n", 3 * 1024 * 1024 / n, n, k }'
done
