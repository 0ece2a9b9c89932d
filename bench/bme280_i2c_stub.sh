#!/usr/bin/env bash
# BME280 readings per second through i2c-stub in the kernel VM: pinfiber's driver against an i2cget
# loop (bench/bme280_i2c_stub.cpp). Builds the bench preset's program if needed.
#   bash bench/bme280_i2c_stub.sh [seconds=2]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${PINFIBER_BENCH_BUILD:-build/bench}
[ -f "$build/build.ninja" ] || cmake --preset bench >/dev/null
cmake --build "$build" --target bench_bme280_i2c_stub -- -j2 >/dev/null
exec scripts/kernel-vm --timeout 300 --i2c-stub 0x76 --add i2cget -- \
  "$build/bench/bench_bme280_i2c_stub" "${1:-2}" /pinfiber-vm/bin/i2cget
