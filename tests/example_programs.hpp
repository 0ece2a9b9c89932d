#pragma once
// Running the example programs from a test: found beside the test binary (<build>/examples/), and
// started behind the emulator in a cross build (PINFIBER_TEST_EMULATOR, which tests/CMakeLists.txt
// sets from CMAKE_CROSSCOMPILING_EMULATOR): exec'ing an ARM binary directly needs binfmt_misc, which
// neither this machine nor CI registers.

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace pinfiber_test {

/// The path of examples/<name> in this build, or "" if it was not built.
inline std::string example_path(const char* name) {
  char self[PATH_MAX] = {};
  if (::readlink("/proc/self/exe", self, sizeof self - 1) <= 0) return {};
  std::string dir(self);
  dir.resize(dir.rfind('/'));
  std::string path = dir + "/../examples/" + name;
  return ::access(path.c_str(), X_OK) == 0 ? path : std::string();
}

/// The argv that runs `program` with `args` on this machine.
inline std::vector<std::string> command(const std::string& program, const std::vector<std::string>& args = {}) {
  std::vector<std::string> argv;
  if (const char* emulator = std::getenv("PINFIBER_TEST_EMULATOR")) {
    std::istringstream words(emulator);
    for (std::string w; words >> w;) argv.push_back(w);
  }
  argv.push_back(program);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace pinfiber_test
