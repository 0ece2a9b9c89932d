# libgpiod 1.6 (Debian 12, Raspberry Pi OS bookworm). pkg-config when it is there, else a plain search,
# which is what a bare cross sysroot offers.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_Libgpiod QUIET libgpiod)
endif()
find_path(Libgpiod_INCLUDE_DIR gpiod.h HINTS ${PC_Libgpiod_INCLUDE_DIRS})
find_library(Libgpiod_LIBRARY NAMES gpiod HINTS ${PC_Libgpiod_LIBRARY_DIRS})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libgpiod REQUIRED_VARS Libgpiod_LIBRARY Libgpiod_INCLUDE_DIR)
if(Libgpiod_FOUND AND NOT TARGET Libgpiod::libgpiod)
  add_library(Libgpiod::libgpiod UNKNOWN IMPORTED)
  set_target_properties(Libgpiod::libgpiod PROPERTIES IMPORTED_LOCATION "${Libgpiod_LIBRARY}"
                                                      INTERFACE_INCLUDE_DIRECTORIES "${Libgpiod_INCLUDE_DIR}")
endif()
mark_as_advanced(Libgpiod_INCLUDE_DIR Libgpiod_LIBRARY)
