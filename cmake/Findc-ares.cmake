# c-ares: upstream installs c-ares-config.cmake (target c-ares::cares), but Debian 12's
# libc-ares-dev 1.18 ships only libcares.pc, so fall back to finding the header and library
# ourselves (which also works in a cross sysroot) and provide the same target name.
find_package(c-ares CONFIG QUIET)
if(NOT TARGET c-ares::cares)
  find_path(c-ares_INCLUDE_DIR ares.h)
  find_library(c-ares_LIBRARY NAMES cares)
  include(FindPackageHandleStandardArgs)
  find_package_handle_standard_args(c-ares REQUIRED_VARS c-ares_LIBRARY c-ares_INCLUDE_DIR)
  if(c-ares_FOUND)
    add_library(c-ares::cares UNKNOWN IMPORTED)
    set_target_properties(c-ares::cares PROPERTIES IMPORTED_LOCATION "${c-ares_LIBRARY}"
                                                   INTERFACE_INCLUDE_DIRECTORIES "${c-ares_INCLUDE_DIR}")
  endif()
  mark_as_advanced(c-ares_INCLUDE_DIR c-ares_LIBRARY)
else()
  set(c-ares_FOUND TRUE)
endif()
