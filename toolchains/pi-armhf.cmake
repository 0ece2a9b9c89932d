# 32-bit Raspberry Pi OS / Debian armhf on Pi 2 (Cortex-A7), Pi 3, Pi 4 and Zero 2 W in 32-bit mode.
# ARMv7-A, VFPv3-D16, Thumb-2: Debian armhf's own baseline, so our code and the Debian libraries
# agree. Never for a Pi Zero/Zero W/Pi 1 (ARMv6): use pi-zero-w.cmake there.
#
# Linked dynamically by default: the Pi then needs `apt install libev4 libgpiod2 libboost-context1.74.0`
# (bookworm); -DPINFIBER_STATIC=ON links everything in instead.
#   scripts/sysroot armhf
#   cmake -B build/pi -G Ninja -DCMAKE_TOOLCHAIN_FILE=toolchains/pi-armhf.cmake
# or: cmake --preset cross-pi-armhf   (or simply: scripts/cross pi-armhf)
set(PINFIBER_DEBIAN_ARCH armhf)
set(PINFIBER_TRIPLET arm-linux-gnueabihf)
set(PINFIBER_PROCESSOR arm)
set(PINFIBER_ARCH_FLAGS "-march=armv7-a -mfpu=vfpv3-d16 -mfloat-abi=hard -mtune=cortex-a7")
set(PINFIBER_QEMU qemu-arm -cpu cortex-a7)
set(PINFIBER_STATIC_DEFAULT OFF)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
