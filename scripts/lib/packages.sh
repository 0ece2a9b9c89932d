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
# libmosquitto-dev and libssl-dev are for the optional MQTT client library (pinfiber::mqtt); libi2c-dev
# (i2c-tools' libi2c) gives the bus layer its SMBus calls.
PINFIBER_BUILD_PACKAGES=(g++ cmake ninja-build pkg-config libev-dev libboost-context-dev libgpiod-dev libc-ares-dev
                         libi2c-dev libmosquitto-dev libssl-dev)
# tomlplusplus and CLI11 (header-only) read the daemon layer's settings (pinfiber::Config).
PINFIBER_BUILD_PACKAGES+=(libtomlplusplus-dev libcli11-dev)
# mosquitto, mosquitto-clients and openssl: the MQTT tests' broker, clients and certificates;
# python3-gevent: the side-by-side tests (tests/gevent).
PINFIBER_TEST_PACKAGES=(googletest libgtest-dev libgmock-dev valgrind dnsmasq mosquitto mosquitto-clients openssl
                        python3-gevent)
# The daemon layer's tests: systemd-socket-activate, systemd-analyze, a private systemd-journald.
PINFIBER_TEST_PACKAGES+=(systemd util-linux)
# ccache: scripts/test's compiler cache.
PINFIBER_TEST_PACKAGES+=(ccache)
PINFIBER_BENCH_PACKAGES=(libbenchmark-dev libboost-fiber-dev python3-gevent)
# HTTP (pinfiber::http, pinfiber::http_client): nlohmann-json and libcurl to build; real clients and
# servers for its tests (curl, wrk, python3 with python3-websocket to drive chromium, openssl
# s_server); a plain libmicrohttpd server and wrk as the benchmark's peers.
PINFIBER_BUILD_PACKAGES+=(nlohmann-json3-dev libcurl4-openssl-dev)
PINFIBER_TEST_PACKAGES+=(curl wrk python3 python3-websocket chromium)
PINFIBER_BENCH_PACKAGES+=(libmicrohttpd-dev wrk)

# Cross-compiling (scripts/cross, scripts/sysroot). The target's libraries, downloaded for the target
# architecture and unpacked into its sysroot (apt-get download + dpkg -x, so no dependency resolution:
# every package the sysroot needs is named here, headers and runtime libraries alike). libc and
# libstdc++ come from the cross compiler packages instead.
PINFIBER_SYSROOT_PACKAGES=(libev-dev libev4 libboost1.74-dev libboost-context1.74-dev libboost-context1.74.0
                           libgpiod-dev libgpiod2 libc-ares-dev libc-ares2 libi2c-dev libi2c0 libgtest-dev libgmock-dev
                           libtomlplusplus-dev libcli11-dev:all)
# The Raspberry Pi OS Trixie sysroot (scripts/sysroot trixie-arm64): Debian 13's arm64 packages,
# glibc and libstdc++ included, since the binaries are linked against the Pi's own runtime
# (toolchains/pi-trixie-arm64.cmake). ":all" marks architecture-independent packages (in both lists).
PINFIBER_TRIXIE_SYSROOT_PACKAGES=(libc6 libc6-dev linux-libc-dev:all libgcc-s1 libstdc++6
                                  libev-dev libev4t64 libboost1.83-dev libboost-context1.83-dev libboost-context1.83.0
                                  libgpiod-dev libgpiod3 libc-ares-dev libcares2 libi2c-dev libi2c0 libgtest-dev libgmock-dev
                                  libtomlplusplus-dev libcli11-dev:all)
# pinfiber::http on the Pi: header-only nlohmann-json (Beast comes with libboost1.74-dev). No libcurl:
# Debian's libcurl.a needs GSS-API (libkrb5-dev ships no static library) and, for LDAP and RTMP,
# GnuTLS with p11-kit (no static library either), so a static Zero W binary cannot have the client.
PINFIBER_SYSROOT_PACKAGES+=(nlohmann-json3-dev:all)
# Host tools for cross-compiling to Debian architecture $1 (armel, armhf, arm64).
pinfiber_cross_host_packages() {
  local triplet
  case "$1" in
    armel) triplet=arm-linux-gnueabi ;;
    armhf) triplet=arm-linux-gnueabihf ;;
    arm64) triplet=aarch64-linux-gnu ;;
    *) echo "pinfiber: unknown Debian architecture '$1'" >&2; return 1 ;;
  esac
  echo "g++-$triplet binutils-$triplet qemu-user cmake ninja-build pkg-config"
}

# The real-kernel VM (scripts/kernel-vm): qemu, the initramfs's busybox and cpio, what the kbuild tools
# of Debian's linux-kbuild package link (libelf, libssl) and the compiler its kernel was built with
# (gcc-12) for the gpio-sim module, and i2c-tools, whose i2cget/i2cset the I2C check runs in the VM.
PINFIBER_KERNEL_VM_PACKAGES=(qemu-system-x86 busybox-static cpio xz-utils gcc-12 make libelf1 libssl3 i2c-tools)
