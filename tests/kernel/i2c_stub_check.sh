#!/bin/sh
# Runs inside scripts/kernel-vm --i2c-stub 0x76 (busybox sh): the VM has a real I2C bus, the kernel's
# i2c-stub, with a register-file chip at 0x76 (a BME280's address), reachable through /dev/i2c-N as a
# Pi's bus is. Checks what the I2C layer and the BME280 driver will rely on: the adapter is found by
# name, the chip answers at 0x76 and nowhere else, registers keep what is written, by byte, word and I2C block.
set -eu
# i2c-tools' programs, by path: busybox sh runs its own (smaller) i2c applets before anything in PATH.
i2cdetect=/pinfiber-vm/bin/i2cdetect i2cget=/pinfiber-vm/bin/i2cget i2cset=/pinfiber-vm/bin/i2cset
fail() {
  echo "i2c_stub_check: FAILED: $*"
  exit 1
}

bus=""
for a in /sys/class/i2c-adapter/i2c-*; do
  [ "$(cat "$a/name")" = "SMBus stub driver" ] && bus=${a##*-}
done
[ -n "$bus" ] || fail "no i2c-stub adapter"
[ -c "/dev/i2c-$bus" ] || fail "no /dev/i2c-$bus"
echo "i2c-stub is bus $bus"

# 0x76 answers a quick read; 0x77 (the BME280's other address) does not.
"$i2cdetect" -y -r "$bus" 0x76 0x77 | tee /tmp/detect
grep -q '^70: .* 76 --' /tmp/detect || fail "0x76 does not answer"

# A BME280's id register (0xd0) holds 0x60: what a driver reads first.
"$i2cset" -y "$bus" 0x76 0xd0 0x60
[ "$("$i2cget" -y "$bus" 0x76 0xd0)" = 0x60 ] || fail "byte register 0xd0 did not keep 0x60"
# A word lives in one register of the stub (byte access sees its low byte; the next register is
# untouched), so a driver's little-endian words come from byte or block access, as a BME280's do.
"$i2cset" -y "$bus" 0x76 0x88 0x6b70 w
[ "$("$i2cget" -y "$bus" 0x76 0x88 w)" = 0x6b70 ] || fail "word register 0x88 did not keep 0x6b70"
[ "$("$i2cget" -y "$bus" 0x76 0x88)" = 0x70 ] || fail "a byte read of word register 0x88 is not its low byte"
# The calibration burst (dig_T1, dig_T2 at 0x88..0x8b) as one I2C block write and read.
"$i2cset" -y "$bus" 0x76 0x88 0x70 0x6b 0x43 0x67 i
[ "$("$i2cget" -y "$bus" 0x76 0x88 i 4)" = "0x70 0x6b 0x43 0x67" ] || fail "the block at 0x88 did not read back"
[ "$("$i2cget" -y "$bus" 0x76 0x8a)" = 0x43 ] || fail "block write did not land in register 0x8a"
if "$i2cget" -y "$bus" 0x77 0xd0 2>/dev/null; then fail "0x77 answered"; fi
echo "i2c_stub_check: ok"
