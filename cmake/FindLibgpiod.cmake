# libgpiod, 1.6 (Debian 12, Raspberry Pi OS Bookworm) or 2.x (Debian 13, Raspberry Pi OS Trixie).
# pkg-config when it is there, else a plain search, which is what a bare cross sysroot offers.
# A libgpiod outside the system's paths (scripts/libgpiod2's prefix) is found through
# CMAKE_PREFIX_PATH or Libgpiod_ROOT, which are searched first.
#
# Sets Libgpiod_VERSION (from libgpiod.pc when it describes the header found, else "1" or "2" from
# the header itself) and Libgpiod_VERSION_MAJOR, and accepts a version: find_package(Libgpiod 2
# EXACT) wants a libgpiod 2 and fails, naming what it found, on a libgpiod 1.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_Libgpiod QUIET libgpiod)
endif()
find_path(Libgpiod_INCLUDE_DIR gpiod.h HINTS ${PC_Libgpiod_INCLUDE_DIRS})
find_library(Libgpiod_LIBRARY NAMES gpiod HINTS ${PC_Libgpiod_LIBRARY_DIRS})

if(Libgpiod_INCLUDE_DIR AND EXISTS ${Libgpiod_INCLUDE_DIR}/gpiod.h)
  # The two APIs share no entry point: libgpiod 2 builds requests from a gpiod_request_config,
  # libgpiod 1 has gpiod_line_request_config. Asked of the header, not of pkg-config, because a
  # prefix's libgpiod.pc may name another include directory than the one searched first.
  file(STRINGS ${Libgpiod_INCLUDE_DIR}/gpiod.h _libgpiod_v2 REGEX "gpiod_request_config_new" LIMIT_COUNT 1)
  if(_libgpiod_v2)
    set(Libgpiod_VERSION_MAJOR 2)
  else()
    set(Libgpiod_VERSION_MAJOR 1)
  endif()
  set(Libgpiod_VERSION ${Libgpiod_VERSION_MAJOR})
  if(PC_Libgpiod_VERSION MATCHES "^${Libgpiod_VERSION_MAJOR}\\.")
    set(Libgpiod_VERSION ${PC_Libgpiod_VERSION})
  endif()
  unset(_libgpiod_v2)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libgpiod REQUIRED_VARS Libgpiod_LIBRARY Libgpiod_INCLUDE_DIR
                                  VERSION_VAR Libgpiod_VERSION)
if(Libgpiod_FOUND AND NOT TARGET Libgpiod::libgpiod)
  add_library(Libgpiod::libgpiod UNKNOWN IMPORTED)
  set_target_properties(Libgpiod::libgpiod PROPERTIES IMPORTED_LOCATION "${Libgpiod_LIBRARY}"
                                                      INTERFACE_INCLUDE_DIRECTORIES "${Libgpiod_INCLUDE_DIR}")
endif()
mark_as_advanced(Libgpiod_INCLUDE_DIR Libgpiod_LIBRARY)
