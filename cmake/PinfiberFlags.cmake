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

if(PINFIBER_SANITIZE)
  # Applied globally so that the library, the tests and gtest itself agree on the ABI.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(PINFIBER_ASAN=1)
endif()
