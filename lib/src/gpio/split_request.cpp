// The default ChipBackend::request_lines, for backends without multi-line requests: one request()
// per line, read and set one after another. Not atomic - which is why Capabilities::multi_line
// tells users whether a LineGroup's lines change together.

#include <cstdint>
#include <memory>
#include <vector>

#include "pinfiber/gpio/backend.hpp"

namespace pinfiber::gpio {

namespace {

class SplitRequest final : public MultiLineRequest {
 public:
  explicit SplitRequest(std::vector<std::unique_ptr<LineRequest>> lines) : lines_(std::move(lines)) {}

  std::uint64_t get_values() override {
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < lines_.size(); ++i)
      if (lines_[i]->get_value()) bits |= std::uint64_t{1} << i;
    return bits;
  }
  void set_values(std::uint64_t mask, std::uint64_t values) override {
    for (std::size_t i = 0; i < lines_.size(); ++i)
      if (mask & (std::uint64_t{1} << i)) lines_[i]->set_value(values & (std::uint64_t{1} << i));
  }

 private:
  std::vector<std::unique_ptr<LineRequest>> lines_;
};

}  // namespace

std::unique_ptr<MultiLineRequest> ChipBackend::request_lines(std::span<const unsigned> offsets,
                                                             const LineConfig& config, std::uint64_t initial_values) {
  std::vector<std::unique_ptr<LineRequest>> lines;
  lines.reserve(offsets.size());
  LineConfig one = config;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    one.initial_value = initial_values & (std::uint64_t{1} << i);
    // A failure part-way destroys the lines already requested: all or nothing, as documented.
    lines.push_back(request(offsets[i], one));
  }
  return std::make_unique<SplitRequest>(std::move(lines));
}

}  // namespace pinfiber::gpio
