# pinfiber_set_flags(target): the one place where pinfiber's own warning and sanitizer flags
# are applied, so every target of the project is built the same way.
function(pinfiber_set_flags target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wno-missing-field-initializers)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 reports -Wrestrict false positives inside std::string at -O3 (GCC bug 105329), seen on
    # the armel cross build; GCC 13 fixed them.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(PINFIBER_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(PINFIBER_SANITIZE AND PINFIBER_TSAN)
  message(FATAL_ERROR "PINFIBER_SANITIZE (ASan+UBSan) and PINFIBER_TSAN cannot be combined: build them apart")
endif()
if(PINFIBER_TSAN)
  # ThreadSanitizer, for what threads touch (ThreadPool, BlockingMonitor, Hub::post); greenlets are
  # followed as TSan fibers (core/context_switch.hpp).
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  add_compile_definitions(PINFIBER_TSAN=1)
endif()
if(PINFIBER_SANITIZE)
  # Applied globally so that the library, the tests and gtest itself agree on the ABI. UBSan's vptr
  # check is left out: it probes memory through a pipe, so in a process that ran out of fds (the
  # EMFILE test, which must run here too) it reports every polymorphic call as an invalid vptr.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(PINFIBER_ASAN=1)
endif()
