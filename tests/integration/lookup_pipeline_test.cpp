// Story 6's example run as a program: against a lookup service that is slow, sometimes silent and
// sometimes resets, the pipeline still finishes with exit code 0, and every number ends in exactly
// one of its two files - answered, or recorded as an error after its retries. Real time (the
// pauses and timeouts are real): about 4 s for 100 numbers.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "example_programs.hpp"
#include "io/io_fixture.hpp"

using namespace std::chrono_literals;

namespace {

// Number -> rest of the line, for each "number text" line; a number seen twice is counted in `dups`.
std::map<int, std::string> read_lines(const std::string& path, int& dups) {
  std::map<int, std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    int n = -1;
    words >> n;
    std::string rest;
    std::getline(words, rest);
    if (!lines.emplace(n, rest).second) ++dups;
  }
  return lines;
}

}  // namespace

class LookupPipelineTest : public RealIoTest {
 protected:
  void SetUp() override {
    RealIoTest::SetUp();
    char dir[] = "/tmp/lookup_pipeline_test.XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    std::remove(out_path().c_str());
    std::remove(errors_path().c_str());
    ::rmdir(dir_.c_str());
    RealIoTest::TearDown();
  }
  std::string out_path() const { return dir_ + "/results.txt"; }
  std::string errors_path() const { return dir_ + "/errors.txt"; }
  std::string dir_;
};

TEST_F(LookupPipelineTest, EveryNumberEndsInExactlyOneFile) {
  const std::string program = pinfiber_test::example_path("lookup_pipeline");
  if (program.empty()) GTEST_SKIP() << "examples not built";
  constexpr int count = 100;
  pinfiber::Subprocess p(pinfiber_test::command(program, {"--count", std::to_string(count), "--out", out_path(),
                                                          "--errors", errors_path()}),
                         {.in = pinfiber::Stdio::null});
  auto err = pinfiber::spawn([&] { return p.read_all_err(120s); });
  const std::string out = p.read_all_out(120s);
  const std::optional<pinfiber::ExitStatus> status = p.wait(120s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->success()) << status->to_string();
  EXPECT_EQ(err.get(), "");

  int dups = 0;
  const std::map<int, std::string> answered = read_lines(out_path(), dups);
  const std::map<int, std::string> errors = read_lines(errors_path(), dups);
  EXPECT_EQ(dups, 0) << "a number was recorded twice in one file";

  std::set<int> always_reset;
  for (int n = 0; n < count; ++n) {
    EXPECT_EQ(answered.count(n) + errors.count(n), 1u) << "number " << n;
    if (n % 11 == 5) always_reset.insert(n);
  }
  EXPECT_EQ(answered.size() + errors.size(), static_cast<std::size_t>(count)) << "numbers outside 0..count-1";

  // Only the numbers the service always resets fail; those it ignores twice succeed on the third try.
  std::set<int> failed;
  for (const auto& [n, reason] : errors) {
    failed.insert(n);
    EXPECT_EQ(reason, " connection-reset after 3 attempts") << "number " << n;
  }
  EXPECT_EQ(failed, always_reset);
  for (int n = 3; n < count; n += 7) {
    if (n % 11 != 5) {
      EXPECT_EQ(answered.count(n), 1u) << "silent-twice number " << n << " was not retried";
    }
  }

  EXPECT_EQ(out, "numbers: " + std::to_string(count) + ", answered: " + std::to_string(count - always_reset.size()) +
                     ", errors: " + std::to_string(always_reset.size()) + "\n");
}
