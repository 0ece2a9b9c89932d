# Included by debian-cross.cmake's static builds after each project() call (CMAKE_PROJECT_INCLUDE):
# find_library() must pick lib<name>.a, since a -static link cannot use a shared object.
set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
