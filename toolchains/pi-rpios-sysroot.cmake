# 32-bit Raspberry Pi OS (bookworm), with a sysroot copied from your own Pi: dynamic linking against
# the Pi's own libraries, hard-float ARMv6 (ARM1176JZF-S, VFPv2), so one binary runs on every Pi
# from the Zero W and Pi 1 up. See docs/deploying.md, "Using your Pi's own sysroot".
#
# Raspberry Pi OS's 32-bit "armhf" is not Debian's: it is built for ARMv6 + VFPv2 with the hard-float
# ABI. Debian's arm-linux-gnueabihf-gcc would link its own ARMv7/Thumb-2 crtbegin.o, libgcc.a and
# libstdc++ pieces into the program, which then dies with "Illegal instruction" on a Zero W. clang,
# given --sysroot, takes all of those from the GCC installation inside the sysroot instead (the Pi's
# own, ARMv6), which is why this file uses clang (Debian's clang + lld packages) and not gcc.
#
# On the Pi:   sudo apt install libstdc++-12-dev libev-dev libboost-context-dev libgpiod-dev libc-ares-dev libi2c-dev
# Copy it:     rsync -aR --copy-unsafe-links pi@raspberrypi.local:/usr/include \
#                  :/usr/lib/arm-linux-gnueabihf :/usr/lib/gcc/arm-linux-gnueabihf ~/pi-sysroot/
# Build:       cmake -B build/rpios -G Ninja -DCMAKE_TOOLCHAIN_FILE=toolchains/pi-rpios-sysroot.cmake \
#                  -DPINFIBER_SYSROOT=$HOME/pi-sysroot -DCMAKE_BUILD_TYPE=Release -DPINFIBER_BUILD_TESTS=OFF
# (PINFIBER_SYSROOT may also come from the environment.) Untested in pinfiber's CI, which has no Pi
# sysroot; the Debian-based pi-zero-w.cmake is the tested route to the same boards.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(pinfiber_triplet arm-linux-gnueabihf)

if(NOT PINFIBER_SYSROOT AND DEFINED ENV{PINFIBER_SYSROOT})
  set(PINFIBER_SYSROOT $ENV{PINFIBER_SYSROOT})
endif()
set(PINFIBER_SYSROOT "${PINFIBER_SYSROOT}" CACHE PATH "Root filesystem copied from a Raspberry Pi OS (32-bit, bookworm) Pi")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PINFIBER_SYSROOT)
if(NOT PINFIBER_SYSROOT OR NOT EXISTS ${PINFIBER_SYSROOT}/usr/lib/${pinfiber_triplet}/libc.so)
  message(FATAL_ERROR "pi-rpios-sysroot.cmake needs -DPINFIBER_SYSROOT=<a copy of your Pi's /usr> "
                      "(no libc.so in '${PINFIBER_SYSROOT}/usr/lib/${pinfiber_triplet}'); see docs/deploying.md")
endif()

set(CMAKE_SYSROOT ${PINFIBER_SYSROOT})
set(CMAKE_C_COMPILER clang)
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_C_COMPILER_TARGET ${pinfiber_triplet})
set(CMAKE_CXX_COMPILER_TARGET ${pinfiber_triplet})
set(CMAKE_LIBRARY_ARCHITECTURE ${pinfiber_triplet})
set(pinfiber_flags "-mcpu=arm1176jzf-s -mfpu=vfp -mfloat-abi=hard -marm")
set(CMAKE_C_FLAGS_INIT "${pinfiber_flags}")
set(CMAKE_CXX_FLAGS_INIT "${pinfiber_flags}")
set(CMAKE_ASM_FLAGS_INIT "${pinfiber_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-fuse-ld=lld")

set(CMAKE_FIND_ROOT_PATH ${PINFIBER_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(ENV{PKG_CONFIG_LIBDIR} ${PINFIBER_SYSROOT}/usr/lib/${pinfiber_triplet}/pkgconfig:${PINFIBER_SYSROOT}/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${PINFIBER_SYSROOT})
unset(ENV{PKG_CONFIG_PATH})

# The Pi's own loader and libraries, run here on an emulated ARM1176.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm -cpu arm1176 -L ${PINFIBER_SYSROOT})
