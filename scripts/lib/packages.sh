#!/usr/bin/env bash
# ensure_packages PKG...: install the Debian packages that are missing, as root or through sudo.
# `apt-get update` may fail part-way while the archive syncs foreign architectures; that is
# tolerated, and what counts is that every package asked for ends up installed.
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "pinfiber: installing ${missing[*]}" >&2
  $sudo apt-get update -qq >/dev/null 2>&1 || echo "pinfiber: apt-get update reported errors; checking packages anyway" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    echo "pinfiber: apt-get install reported errors; checking packages anyway" >&2
  local still=()
  for pkg in "${missing[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || still+=("$pkg")
  done
  if [ ${#still[@]} -ne 0 ]; then
    echo "pinfiber: could not install: ${still[*]}" >&2
    return 1
  fi
}

# What building the library needs, and what its tests, examples and benchmarks need on top.
PINFIBER_BUILD_PACKAGES=(g++ cmake ninja-build pkg-config libev-dev libboost-context-dev libgpiod-dev libc-ares-dev)
PINFIBER_TEST_PACKAGES=(googletest libgtest-dev libgmock-dev valgrind)
PINFIBER_BENCH_PACKAGES=(libbenchmark-dev libboost-fiber-dev python3-gevent)
