// Story 7: pools and what blocking does to them. A reporting job runs its requests through a Pool
// (bounded concurrency: open sockets stay bounded) and its "database writes" - a blocking call,
// here usleep - on a ThreadPool, so the hub keeps serving the other greenlets. With --no-offload
// the same write runs on the hub itself, and the BlockingMonitor names the greenlet that blocked it.
//
//   pool_offload [--no-offload] [--jobs N] [--pool N]

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <pinfiber/pinfiber.hpp>

#include "command_line.hpp"

using namespace std::chrono_literals;

namespace {

int open_fds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return -1;
  int n = 0;
  while (const dirent* e = ::readdir(dir)) n += e->d_name[0] != '.';
  ::closedir(dir);
  return n - 1;  // the directory's own fd
}

// The blocking call of the story: a database driver that knows nothing of greenlets.
void blocking_database_write() { ::usleep(100 * 1000); }

}  // namespace

int main(int argc, char** argv) {
  bool offload = true;
  int jobs = 20;
  std::size_t pool_size = 5;
  example::CommandLine args(argc, argv, "[--no-offload] [--jobs N] [--pool N]");
  offload = !args.flag("--no-offload");
  jobs = static_cast<int>(args.number_option("--jobs", jobs, 0, 100'000));
  pool_size = static_cast<std::size_t>(args.number_option("--pool", static_cast<long long>(pool_size), 1, 10'000));
  args.done();
  // A write takes 100 ms: on the hub, every one is an incident above this threshold, which is still
  // far above a hub turn of the offloaded run, even under qemu or valgrind.
  pinfiber::BlockingMonitor monitor(40ms);
  pinfiber::ThreadPool db_threads(4);
  pinfiber::Pool pool(pool_size);
  const int fds_at_start = open_fds();
  int peak_fds = fds_at_start;
  int rows = 0;

  for (int job = 1; job <= jobs; ++job) {
    pool.wait_available();  // bounded: at most pool_size requests (and sockets) at once
    pool.add(pinfiber::spawn_with({.name = "report-" + std::to_string(job)}, [&] {
      auto request = pinfiber::Socket::udp();  // each request holds a socket while it runs
      peak_fds = std::max(peak_fds, open_fds());
      pinfiber::sleep(10ms);  // the cooperative part: waiting for the answer
      if (offload) {
        db_threads.run(blocking_database_write);
      } else {
        blocking_database_write();  // blocks the whole hub for 100 ms
      }
      ++rows;
    }));
  }
  pool.join();

  std::printf("mode: %s\n", offload ? "offload (database writes on a ThreadPool)" : "no offload (writes on the hub)");
  std::printf("rows written: %d of %d\n", rows, jobs);
  std::printf("open fds stayed within the pool's bound: %s\n",
              peak_fds - fds_at_start <= static_cast<int>(pool_size) ? "yes" : "no");
  std::fflush(stdout);
  // Incidents in progress are reported when the monitor stops: read the count after a short pause
  // that lets the hub switch (which ends the last one).
  pinfiber::sleep(50ms);
  std::printf("hub blocked: %s\n", monitor.incidents() > 0 ? "yes (see stderr)" : "no");
  return 0;
}
