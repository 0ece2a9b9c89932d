// GpiodBackend::chip_names, the same for libgpiod 1.6 and 2: the gpiochipN device nodes of a
// directory. (Neither library lists chips itself; gpiodetect scans /dev in the same way.)

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "pinfiber/gpio/gpiod_backend.hpp"

namespace pinfiber::gpio {

std::vector<std::string> GpiodBackend::chip_names() {
  std::vector<std::pair<unsigned long, std::string>> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dev_dir_, ec)) {
    const std::string n = entry.path().filename().string();
    if (!n.starts_with("gpiochip") || n.size() == 8) continue;
    if (!std::all_of(n.begin() + 8, n.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) continue;
    found.emplace_back(std::stoul(n.substr(8)), n);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> names;
  for (auto& f : found) names.push_back(std::move(f.second));
  return names;
}

}  // namespace pinfiber::gpio
