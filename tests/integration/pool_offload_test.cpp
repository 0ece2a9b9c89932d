// Story 7's example run as a program (through pinfiber::Subprocess): with the database writes
// offloaded the hub is never blocked; without, the BlockingMonitor names the greenlets that did it.
// Either way the pool bounds the open sockets. Real time (the writes are real usleeps): the
// assertions are about what is reported, not when.

#include <unistd.h>

#include <climits>
#include <string>

#include "example_programs.hpp"
#include "io/io_fixture.hpp"

using namespace std::chrono_literals;

namespace {

using pinfiber_test::example_path;

struct ProgramRun {
  std::string out, err;
  pinfiber::ExitStatus status;
};

ProgramRun run_program(std::vector<std::string> argv) {
  pinfiber::Subprocess p(std::move(argv), {.in = pinfiber::Stdio::null});
  ProgramRun r;
  auto err = pinfiber::spawn([&] { return p.read_all_err(120s); });
  r.out = p.read_all_out(120s);
  r.err = err.get();
  r.status = p.wait(120s).value();
  return r;
}

}  // namespace

class PoolOffloadTest : public RealIoTest {};

TEST_F(PoolOffloadTest, OffloadedWritesNeverBlockTheHub) {
  const std::string program = example_path("pool_offload");
  if (program.empty()) GTEST_SKIP() << "examples not built";
  ProgramRun r = run_program(pinfiber_test::command(program));
  EXPECT_TRUE(r.status.success()) << r.status.to_string();
  EXPECT_EQ(r.out,
            "mode: offload (database writes on a ThreadPool)\n"
            "rows written: 20 of 20\n"
            "open fds stayed within the pool's bound: yes\n"
            "hub blocked: no\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(PoolOffloadTest, WritesOnTheHubAreReportedByTheMonitor) {
  const std::string program = example_path("pool_offload");
  if (program.empty()) GTEST_SKIP() << "examples not built";
  ProgramRun r = run_program(pinfiber_test::command(program, {"--no-offload"}));
  EXPECT_TRUE(r.status.success()) << r.status.to_string();
  EXPECT_EQ(r.out,
            "mode: no offload (writes on the hub)\n"
            "rows written: 20 of 20\n"
            "open fds stayed within the pool's bound: yes\n"
            "hub blocked: yes (see stderr)\n");
  EXPECT_NE(r.err.find("pinfiber: warning: greenlet 'report-"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("' blocked the hub for "), std::string::npos) << r.err;
}
