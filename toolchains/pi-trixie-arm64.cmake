# 64-bit Raspberry Pi OS Trixie (Debian 13 based) on Pi 3, Pi 4, Pi 5 and Zero 2 W: aarch64, linked
# dynamically against Trixie's own libraries, libgpiod 2 among them (so pinfiber's GPIO backend is
# the libgpiod 2 one: kernel debounce, event sequence numbers). The Pi then needs
#   sudo apt install libev4t64 libgpiod3 libboost-context1.83.0 libcares2
#   scripts/sysroot trixie-arm64
#   cmake -B build/trixie -G Ninja -DCMAKE_TOOLCHAIN_FILE=toolchains/pi-trixie-arm64.cmake
# or: cmake --preset cross-pi-trixie-arm64   (or simply: scripts/cross pi-trixie-arm64)
#
# Which libc and libstdc++, and why the binaries run on Trixie. The compiler is Debian 12's
# aarch64-linux-gnu-g++ (GCC 12; the build machine runs Debian 12, and trixie's GCC 14 cross
# compiler needs a newer glibc than it has). It compiles against its own headers: glibc 2.36's and
# GCC 12's libstdc++. It links against Trixie's runtime, from the sysroot (scripts/sysroot
# trixie-arm64): glibc 2.41 (libc.so.6, libc_nonshared.a), libstdc++.so.6.0.33 and libgcc_s of
# GCC 14, and the loader /lib/ld-linux-aarch64.so.1 - so every symbol version a binary asks for is
# one that Trixie's libraries define, which scripts/cross checks, and Trixie's own libraries (built
# against glibc 2.41, some needing its C23 functions) link without complaint. That the headers are
# older than the libraries is the direction both keep compatible: glibc keeps every symbol version
# it ever had, and libstdc++.so.6 of GCC 14 serves code compiled by GCC 12 (same ABI, newer
# library). The tests run under qemu-aarch64 with the sysroot as its root (-L), that is on Trixie's
# loader, glibc and libstdc++, as on the Pi.
#
# The sysroot is the compiler's --sysroot. Debian's cross GCC still searches its own directories
# (/usr/aarch64-linux-gnu: the glibc 2.36 headers, crt1.o) before the sysroot's, which is what gives
# the split above; -L puts the sysroot's libraries ahead of the cross compiler's for the link.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(PINFIBER_DEBIAN_ARCH arm64)  # the .deb's architecture (packaging/, scripts/package)

if(NOT PINFIBER_SYSROOT)
  if(DEFINED ENV{PINFIBER_SYSROOT})
    set(PINFIBER_SYSROOT $ENV{PINFIBER_SYSROOT})
  else()
    get_filename_component(PINFIBER_SYSROOT ${CMAKE_CURRENT_LIST_DIR}/../build/sysroot-trixie-arm64 ABSOLUTE)
  endif()
endif()
set(PINFIBER_SYSROOT ${PINFIBER_SYSROOT} CACHE PATH "Debian 13 arm64 sysroot made by scripts/sysroot trixie-arm64")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PINFIBER_SYSROOT)
if(NOT EXISTS ${PINFIBER_SYSROOT}/.pinfiber-sysroot OR NOT EXISTS ${PINFIBER_SYSROOT}/usr/lib/aarch64-linux-gnu/libc.so.6)
  message(FATAL_ERROR "No Debian 13 arm64 sysroot at ${PINFIBER_SYSROOT}: build it with "
                      "`scripts/sysroot trixie-arm64 ${PINFIBER_SYSROOT}` (or run scripts/cross pi-trixie-arm64)")
endif()
set(PINFIBER_STATIC OFF CACHE BOOL "Raspberry Pi OS Trixie builds link dynamically against Trixie's libraries")

set(CMAKE_SYSROOT ${PINFIBER_SYSROOT})
set(CMAKE_FIND_ROOT_PATH ${PINFIBER_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(ENV{PKG_CONFIG_LIBDIR} ${PINFIBER_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${PINFIBER_SYSROOT}/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${PINFIBER_SYSROOT})
unset(ENV{PKG_CONFIG_PATH})

# ARMv8-A, tuned for the Cortex-A53 of the Pi 3 / Zero 2 W, as toolchains/pi-arm64.cmake.
set(CMAKE_C_FLAGS_INIT "-mtune=cortex-a53")
set(CMAKE_CXX_FLAGS_INIT "-mtune=cortex-a53")
set(pinfiber_trixie_libdir ${PINFIBER_SYSROOT}/usr/lib/aarch64-linux-gnu)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-L${pinfiber_trixie_libdir} -Wl,-rpath-link,${pinfiber_trixie_libdir}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-L${pinfiber_trixie_libdir} -Wl,-rpath-link,${pinfiber_trixie_libdir}")

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -cpu cortex-a53 -L ${PINFIBER_SYSROOT})
