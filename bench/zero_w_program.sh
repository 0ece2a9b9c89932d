# Sourced by the benchmarks that run the Pi Zero W's code under qemu-arm (switch_instructions.sh,
# greenlets_in_32bit.sh). zero_w_program NAME builds bench/NAME.cpp with the Zero W cross build -
# its toolchain's flags, the library's usage requirements, the static link - and prints the
# program's path. Only the sysroot and what that one program needs are built.
zero_w_program() {
  scripts/sysroot armel >/dev/null
  cmake --preset cross-pi-zero-w >/dev/null
  cmake --build --preset cross-pi-zero-w -j "${PINFIBER_JOBS:-2}" --target "bench_$1" >/dev/null
  echo build/cross-pi-zero-w/bench/bench_$1
}
