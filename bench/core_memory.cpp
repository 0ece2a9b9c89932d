// Resident memory per parked greenlet: 100,000 greenlets each blocked in sleep, for pinfiber and
// for Boost.Fiber (fibers blocked on a condition variable). Prints KiB per parked greenlet and the
// number of memory mappings, which must stay under the default vm.max_map_count (65530).
//
//   bench_core_memory [count]

#include <unistd.h>

#include <boost/fiber/all.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <pinfiber/core.hpp>
#include <string>
#include <vector>

namespace {

double resident_kib() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / 1024.0;
}

std::size_t mappings() {
  std::ifstream maps("/proc/self/maps");
  std::size_t n = 0;
  for (std::string line; std::getline(maps, line);) ++n;
  return n;
}

void report(const char* who, int count, double before, double after, std::size_t maps) {
  std::printf("%-12s %d parked: %.2f KiB resident each (%.1f MiB in all), %zu mappings\n", who, count,
              (after - before) / count, (after - before) / 1024.0, maps);
}

void pinfiber_parked(int count) {
  using namespace std::chrono_literals;
  std::vector<pinfiber::Greenlet<void>> gs;
  gs.reserve(static_cast<std::size_t>(count));
  const double before = resident_kib();
  for (int i = 0; i < count; ++i) gs.push_back(pinfiber::spawn([] { pinfiber::sleep(1h); }));
  pinfiber::sleep(0);  // each one has now run up to its sleep and parked
  report("pinfiber", count, before, resident_kib(), mappings());
  pinfiber::killall(gs);
}

void boost_fiber_parked(int count) {
  boost::fibers::mutex m;
  boost::fibers::condition_variable cv;
  bool go = false;
  std::vector<boost::fibers::fiber> fs;
  fs.reserve(static_cast<std::size_t>(count));
  const double before = resident_kib();
  for (int i = 0; i < count; ++i) {
    fs.emplace_back([&] {
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return go; });
    });
  }
  boost::this_fiber::yield();
  report("Boost.Fiber", count, before, resident_kib(), mappings());
  {
    std::unique_lock lock(m);
    go = true;
  }
  cv.notify_all();
  for (auto& f : fs) f.join();
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 100'000;
  pinfiber_parked(count);
  boost_fiber_parked(count);
}
