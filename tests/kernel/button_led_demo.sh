#!/bin/sh
# Runs inside scripts/kernel-vm (busybox sh) with the Pi Zero W chip and the button_led demo added:
# the main demo on a real GPIO chip. A scripted finger presses the button (BCM 4, wired to 3V3, so a
# press pulls the line up) three times through the simulator's pull; after each press and release
# the LED (BCM 17) is read back from the chip; the status port is asked; SIGTERM stops the demo.
# Every wait is bounded; what is checked is what happened (the LED's level, the demo's lines).
set -eu
pid=""

fail() {
  echo "button_led_demo: FAILED: $*"
  echo "--- demo stdout"
  cat /tmp/out 2>/dev/null || true
  echo "--- demo stderr"
  cat /tmp/err 2>/dev/null || true
  kill -KILL "$pid" 2>/dev/null || true
  exit 1
}

# until WHAT COMMAND...: runs COMMAND until it succeeds, for at most 10 s.
until_true() {
  what=$1
  shift
  i=0
  while ! "$@"; do
    i=$((i + 1))
    [ $i -le 200 ] || fail "$what did not happen within 10 s"
    sleep 0.05
  done
}
led_is() { [ "$(cat "$sim/sim_gpio17/value")" = "$1" ]; }
count() { grep -c -x "$1" /tmp/out || true; }
has() { grep -q -x "$1" /tmp/out; }

# The simulator's side of the chip labelled like a Zero W's, from its configfs entry.
sim=""
for d in /sys/kernel/config/gpio-sim/*; do
  [ "$(cat "$d/bank0/label")" = pinctrl-bcm2835 ] &&
    sim=/sys/devices/platform/$(cat "$d/dev_name")/$(cat "$d/bank0/chip_name")
done
[ -n "$sim" ] || { echo "button_led_demo: no gpio-sim chip labelled pinctrl-bcm2835"; exit 1; }

# The demo as on a Pi: the board named (no device tree here), so it opens its chip by label.
PINFIBER_BOARD=pi-zero-w button_led --port 8765 >/tmp/out 2>/tmp/err &
pid=$!
until_true "the demo's start" grep -q 'status on tcp 127.0.0.1:8765' /tmp/err
has "button_led: button on BCM 4, LED on BCM 17, $(basename "$sim") 'pinctrl-bcm2835' (gpiod)" ||
  fail "the demo did not say it uses the real chip"
led_is 0 || fail "the LED is lit before any press"

for n in 1 2 3; do
  echo pull-up >"$sim/sim_gpio4/pull"
  until_true "LED on after press $n" led_is 1
  until_true "'LED on (press $n)'" has "LED on (press $n)"
  echo pull-down >"$sim/sim_gpio4/pull"
  until_true "LED off after release $n" led_is 0
  until_true "'LED off' $n" [ "$(count 'LED off')" = $n ]
done

[ "$(nc 127.0.0.1 8765 </dev/null)" = "presses=3 led=off" ] || fail "the status port did not say presses=3 led=off"
until_true "a heartbeat" grep -q '^heartbeat 1: ' /tmp/out

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
cat /tmp/out
[ $status = 0 ] || fail "the demo exited with status $status after SIGTERM"
has "signal: stopping" || fail "no 'signal: stopping'"
[ "$(tail -1 /tmp/out)" = "LED off, pins released, bye" ] || fail "the demo did not end with its goodbye"
[ "$(count 'LED on (press [0-9]*)')" = 3 ] || fail "not exactly 3 presses"
led_is 0 || fail "the LED is lit after the demo ended"
echo "button_led_demo: ok"
