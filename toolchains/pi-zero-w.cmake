# Raspberry Pi Zero W, Zero, and Pi 1 (BCM2835: ARM1176JZF-S, ARMv6KZ, VFPv2, no NEON, no Thumb-2).
#
# Debian's armhf is ARMv7 (Thumb-2, VFPv3) and dies with "Illegal instruction" on these boards;
# Debian's armel targets ARMv5TE with the soft-float ABI, which ARMv6 runs. So: armel's compiler and
# libraries, our own code generated for the real CPU (ARM mode, VFPv2 through the softfp ABI, which
# is call-compatible with armel's soft-float libraries), and a static link, so that the binary needs
# nothing from the Pi's (Raspberry Pi OS, armhf) userland.
#
#   scripts/sysroot armel
#   cmake -B build/pi -G Ninja -DCMAKE_TOOLCHAIN_FILE=toolchains/pi-zero-w.cmake
# or: cmake --preset cross-pi-zero-w   (or simply: scripts/cross pi-zero-w)
set(PINFIBER_DEBIAN_ARCH armel)
set(PINFIBER_TRIPLET arm-linux-gnueabi)
set(PINFIBER_PROCESSOR arm)
set(PINFIBER_ARCH_FLAGS "-march=armv6kz -mtune=arm1176jzf-s -mfpu=vfp -mfloat-abi=softfp -marm")
set(PINFIBER_QEMU qemu-arm -cpu arm1176)
set(PINFIBER_STATIC_DEFAULT ON)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
