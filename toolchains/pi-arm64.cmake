# 64-bit Raspberry Pi OS / Debian arm64 on Pi 3, Pi 4, Pi 5 and Zero 2 W (Cortex-A53 and newer).
# ARMv8-A, Debian arm64's baseline; tuned for the Cortex-A53 of the Pi 3 / Zero 2 W.
#
# Linked dynamically by default: the Pi then needs `apt install libev4 libgpiod2 libboost-context1.74.0`
# (bookworm); -DPINFIBER_STATIC=ON links everything in instead.
#   scripts/sysroot arm64
#   cmake -B build/pi -G Ninja -DCMAKE_TOOLCHAIN_FILE=toolchains/pi-arm64.cmake
# or: cmake --preset cross-pi-arm64   (or simply: scripts/cross pi-arm64)
set(PINFIBER_DEBIAN_ARCH arm64)
set(PINFIBER_TRIPLET aarch64-linux-gnu)
set(PINFIBER_PROCESSOR aarch64)
set(PINFIBER_ARCH_FLAGS "-mtune=cortex-a53")
set(PINFIBER_QEMU qemu-aarch64 -cpu cortex-a53)
set(PINFIBER_STATIC_DEFAULT OFF)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
