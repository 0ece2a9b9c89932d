# libmosquitto (Debian: libmosquitto-dev): the client library of the mosquitto MQTT broker, 2.0 or
# newer. Debian ships a libmosquitto.pc but no CMake config; a static libmosquitto.a (the Pi Zero W
# sysroot builds one from Debian's source, see scripts/mosquitto-static) needs OpenSSL and threads
# after it on the link line.
find_path(Libmosquitto_INCLUDE_DIR mosquitto.h)
find_library(Libmosquitto_LIBRARY NAMES mosquitto)
if(Libmosquitto_INCLUDE_DIR AND EXISTS ${Libmosquitto_INCLUDE_DIR}/mosquitto.h)
  file(STRINGS ${Libmosquitto_INCLUDE_DIR}/mosquitto.h version_lines REGEX "#define LIBMOSQUITTO_(MAJOR|MINOR|REVISION) ")
  foreach(part MAJOR MINOR REVISION)
    string(REGEX REPLACE ".*LIBMOSQUITTO_${part} ([0-9]+).*" "\\1" Libmosquitto_${part} "${version_lines}")
  endforeach()
  set(Libmosquitto_VERSION ${Libmosquitto_MAJOR}.${Libmosquitto_MINOR}.${Libmosquitto_REVISION})
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libmosquitto REQUIRED_VARS Libmosquitto_LIBRARY Libmosquitto_INCLUDE_DIR
                                  VERSION_VAR Libmosquitto_VERSION)
if(Libmosquitto_FOUND AND NOT TARGET Libmosquitto::libmosquitto)
  add_library(Libmosquitto::libmosquitto UNKNOWN IMPORTED)
  set_target_properties(Libmosquitto::libmosquitto PROPERTIES IMPORTED_LOCATION "${Libmosquitto_LIBRARY}"
                                                              INTERFACE_INCLUDE_DIRECTORIES "${Libmosquitto_INCLUDE_DIR}")
  if(Libmosquitto_LIBRARY MATCHES "\\.a$")
    find_package(OpenSSL REQUIRED)
    find_package(Threads REQUIRED)
    set_target_properties(Libmosquitto::libmosquitto PROPERTIES
                          INTERFACE_LINK_LIBRARIES "OpenSSL::SSL;OpenSSL::Crypto;Threads::Threads")
  endif()
endif()
mark_as_advanced(Libmosquitto_INCLUDE_DIR Libmosquitto_LIBRARY)
