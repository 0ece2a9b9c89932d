# i2c-tools' libi2c (Debian's libi2c-dev): the SMBus calls over i2c-dev. It ships neither a CMake
# config nor a pkg-config file.
find_path(Libi2c_INCLUDE_DIR i2c/smbus.h)
find_library(Libi2c_LIBRARY NAMES i2c)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libi2c REQUIRED_VARS Libi2c_LIBRARY Libi2c_INCLUDE_DIR)
if(Libi2c_FOUND AND NOT TARGET Libi2c::libi2c)
  add_library(Libi2c::libi2c UNKNOWN IMPORTED)
  set_target_properties(Libi2c::libi2c PROPERTIES IMPORTED_LOCATION "${Libi2c_LIBRARY}"
                                                  INTERFACE_INCLUDE_DIRECTORIES "${Libi2c_INCLUDE_DIR}")
endif()
mark_as_advanced(Libi2c_INCLUDE_DIR Libi2c_LIBRARY)
