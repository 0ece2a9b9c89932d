#!/usr/bin/env bash
# MQTT publish throughput, 64-byte messages to a mosquitto broker on 127.0.0.1, QoS 0 and QoS 1, in
# one run: pinfiber's client (bench_mqtt_publish pinfiber: QoS 1 from 20 greenlets, each waiting for
# its PUBACK), libmosquitto's own threaded loop (bench_mqtt_publish threaded: mosquitto_loop_start),
# and mosquitto_pub -l (one message per line of stdin; its time includes starting and connecting).
# Usage: bash bench/mqtt_compare.sh [count=50000] [rounds=3]   -- prints the median msgs/s of each.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-50000}
rounds=${2:-3}
build=build/mqtt-bench
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPINFIBER_BUILD_BENCH=ON -DPINFIBER_BUILD_TESTS=OFF \
  -DPINFIBER_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j2 --target bench_mqtt_publish >/dev/null

dir=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\nuser %s\nlog_type none\n' "$port" "$(id -un)" >"$dir/mosquitto.conf"
mosquitto -c "$dir/mosquitto.conf" >/dev/null 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null; wait $broker 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
seq "$count" | sed 's/.*/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/' >"$dir/lines"

mosquitto_pub_rate() {  # QOS: msgs/s of mosquitto_pub -l over $count lines
  local t0 t1
  t0=$(date +%s.%N)
  mosquitto_pub -h 127.0.0.1 -p "$port" -t bench -q "$1" -l <"$dir/lines"
  t1=$(date +%s.%N)
  awk -v n="$count" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f\n", n / (b - a) }'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A results
for qos in 0 1; do
  for name in pinfiber threaded mosquitto_pub; do
    samples=()
    for _ in $(seq "$rounds"); do
      case $name in
        mosquitto_pub) samples+=("$(mosquitto_pub_rate "$qos")") ;;
        *) samples+=("$("$build"/bench/bench_mqtt_publish "$port" "$name" "$qos" "$count")") ;;
      esac
    done
    results[$name$qos]=$(printf '%s\n' "${samples[@]}" | median)
    echo "QoS $qos $name: ${samples[*]} -> median ${results[$name$qos]} msgs/s"
  done
  awk -v p="${results[pinfiber$qos]}" -v t="${results[threaded$qos]}" -v m="${results[mosquitto_pub$qos]}" -v q="$qos" \
    'BEGIN { printf "QoS %s: pinfiber / libmosquitto threaded = %.2fx, pinfiber / mosquitto_pub = %.2fx\n", q, p / t, p / m }'
done
