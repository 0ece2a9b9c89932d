# Shared part of the Debian cross toolchain files (pi-zero-w.cmake, pi-armhf.cmake, pi-arm64.cmake).
# The including file sets, before including this one:
#   PINFIBER_DEBIAN_ARCH   Debian architecture of the target (armel, armhf, arm64)
#   PINFIBER_TRIPLET       GNU triplet of Debian's cross compiler (arm-linux-gnueabi, ...)
#   PINFIBER_PROCESSOR     CMAKE_SYSTEM_PROCESSOR (arm, aarch64)
#   PINFIBER_ARCH_FLAGS    code generation flags for the target CPU
#   PINFIBER_QEMU          qemu-user binary and CPU model that run the target's binaries here
#   PINFIBER_STATIC_DEFAULT whether executables are linked statically unless PINFIBER_STATIC says
#
# Two roots are searched, in this order:
#   - PINFIBER_SYSROOT: the target's libraries (libev, Boost.Context, libgpiod, c-ares, googletest),
#     unpacked from Debian's packages by scripts/sysroot (default build/sysroot-<arch>);
#   - /usr/<triplet>: libc and libstdc++ from Debian's cross compiler packages.
# That is why PINFIBER_SYSROOT is a find root and not the compiler's --sysroot (CMAKE_SYSROOT):
# it does not carry a libc, the cross compiler finds its own.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${PINFIBER_PROCESSOR})
set(CMAKE_C_COMPILER ${PINFIBER_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${PINFIBER_TRIPLET}-g++)
# Debian's multiarch layout: libraries and package configs live under lib/<triplet>.
set(CMAKE_LIBRARY_ARCHITECTURE ${PINFIBER_TRIPLET})

# The sysroot may be given on the command line (-DPINFIBER_SYSROOT=...) or in the environment;
# try_compile projects inherit the choice through CMAKE_TRY_COMPILE_PLATFORM_VARIABLES.
if(NOT PINFIBER_SYSROOT)
  if(DEFINED ENV{PINFIBER_SYSROOT})
    set(PINFIBER_SYSROOT $ENV{PINFIBER_SYSROOT})
  else()
    get_filename_component(PINFIBER_SYSROOT ${CMAKE_CURRENT_LIST_DIR}/../build/sysroot-${PINFIBER_DEBIAN_ARCH} ABSOLUTE)
  endif()
endif()
set(PINFIBER_SYSROOT ${PINFIBER_SYSROOT} CACHE PATH "Target libraries unpacked by scripts/sysroot ${PINFIBER_DEBIAN_ARCH}")
if(NOT EXISTS ${PINFIBER_SYSROOT}/.pinfiber-sysroot)
  message(FATAL_ERROR "No target sysroot at ${PINFIBER_SYSROOT}: build it with "
                      "`scripts/sysroot ${PINFIBER_DEBIAN_ARCH} ${PINFIBER_SYSROOT}` (or run scripts/cross, which does)")
endif()
if(NOT DEFINED PINFIBER_STATIC)
  set(PINFIBER_STATIC ${PINFIBER_STATIC_DEFAULT})
endif()
set(PINFIBER_STATIC ${PINFIBER_STATIC} CACHE BOOL "Link executables statically (no target libraries needed on the device)")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PINFIBER_SYSROOT PINFIBER_STATIC)

set(CMAKE_FIND_ROOT_PATH ${PINFIBER_SYSROOT} /usr/${PINFIBER_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)   # compilers, qemu, pkg-config: the host's
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# pkg-config (FindLibgpiod uses it when present) must read the target's .pc files, never the host's.
set(ENV{PKG_CONFIG_LIBDIR} ${PINFIBER_SYSROOT}/usr/lib/${PINFIBER_TRIPLET}/pkgconfig:${PINFIBER_SYSROOT}/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${PINFIBER_SYSROOT})
unset(ENV{PKG_CONFIG_PATH})

set(CMAKE_C_FLAGS_INIT "${PINFIBER_ARCH_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${PINFIBER_ARCH_FLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${PINFIBER_ARCH_FLAGS}")

# How ctest, gtest_discover_tests and the example tests run target binaries here.
# -L: the dynamic loader and libc of the cross compiler packages; LD_LIBRARY_PATH: the sysroot's
# shared libraries (only dynamic builds need either).
set(CMAKE_CROSSCOMPILING_EMULATOR ${PINFIBER_QEMU} -L /usr/${PINFIBER_TRIPLET}
    -E LD_LIBRARY_PATH=${PINFIBER_SYSROOT}/usr/lib/${PINFIBER_TRIPLET})

if(PINFIBER_STATIC)
  # glibc warns that getaddrinfo/dlopen in a static program still need the target's shared libc at
  # run time (for NSS); harmless here: pinfiber resolves names with c-ares, not NSS.
  set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
  # Static archives of every dependency: CMake sets its default library suffixes (.so before .a)
  # after reading a toolchain file, so the choice is made again once project() has run.
  set(Boost_USE_STATIC_LIBS ON)
  set(CMAKE_PROJECT_INCLUDE ${CMAKE_CURRENT_LIST_DIR}/static-libraries.cmake)
endif()
