#!/usr/bin/env bash
# HTTP server requests/s under wrk (keep-alive, 64 connections, loopback, GET /json - a 27-byte JSON
# document): pinfiber's server (bench_http_server), a plain libmicrohttpd C server from one thread
# (bench_http_mhd_server) and gevent's pywsgi (bench/http_pywsgi.py), in interleaved rounds so that
# the machine's load favours none. Each server runs on CPU 0 and wrk (one thread) on CPU 1.
# Usage: bash bench/http_compare.sh [seconds=5] [rounds=3]   -- prints each round and the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
rounds=${2:-3}
. scripts/lib/packages.sh
ensure_packages "${PINFIBER_BUILD_PACKAGES[@]}" "${PINFIBER_BENCH_PACKAGES[@]}"
build=build/http-bench
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPINFIBER_BUILD_BENCH=ON -DPINFIBER_BUILD_TESTS=OFF \
  -DPINFIBER_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j2 --target bench_http_server bench_http_mhd_server >/dev/null
python=/usr/bin/python3  # Debian's python3-gevent lives there, whatever python3 the PATH prefers
pin_server="taskset -c 0"
pin_client="taskset -c 1"
[ "$(nproc)" -ge 2 ] || { pin_server=""; pin_client=""; }

free_port() { $python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run() {  # run PORT CMD...: start the server, load it with wrk, stop it; prints requests/s
  local port=$1; shift
  $pin_server "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
  local out
  out=$($pin_client wrk -t1 -c64 -d"${seconds}s" --timeout 5s "http://127.0.0.1:$port/json")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  if grep -qE 'Socket errors|Non-2xx' <<<"$out"; then echo "errors: $out" >&2; fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A results
for round in $(seq "$rounds"); do
  p=$(free_port); pinfiber=$(run "$p" "$build"/bench/bench_http_server "$p")
  p=$(free_port); mhd=$(run "$p" "$build"/bench/bench_http_mhd_server "$p")
  p=$(free_port); gevent=$(run "$p" $python bench/http_pywsgi.py "$p")
  echo "round $round: pinfiber $pinfiber req/s, libmicrohttpd $mhd req/s, gevent pywsgi $gevent req/s"
  results[pinfiber]+="$pinfiber "; results[mhd]+="$mhd "; results[gevent]+="$gevent "
done
p=$(tr ' ' '\n' <<<"${results[pinfiber]}" | grep . | median)
m=$(tr ' ' '\n' <<<"${results[mhd]}" | grep . | median)
g=$(tr ' ' '\n' <<<"${results[gevent]}" | grep . | median)
echo "medians: pinfiber $p req/s, libmicrohttpd $m req/s, gevent pywsgi $g req/s"
awk -v p="$p" -v m="$m" -v g="$g" \
  'BEGIN { printf "pinfiber / libmicrohttpd = %.2fx, pinfiber / gevent pywsgi = %.2fx\n", p / m, p / g }'
