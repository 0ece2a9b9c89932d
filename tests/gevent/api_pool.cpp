// Group and Pool as a porting user meets them: spawn (a full Pool blocks), join, kill, killone, map,
// imap (ordered), imap_unordered, apply, apply_async (with a callback), map_async, wait_available,
// free_count. Prints what api_pool.py prints.

#include <algorithm>
#include <vector>

#include "pair.hpp"

using pinfiber::GreenletBase;

namespace {

int slow_square(int x) {
  pinfiber::sleep(0.03 * (4 - x));  // later items finish first
  std::printf("   square %d\n", x);
  return x * x;
}

// Python's repr of a list of ints: [1, 4, 9].
template <class R>
std::string list(R&& values) {
  std::string out = "[";
  for (int v : values) out += (out.size() > 1 ? ", " : "") + std::to_string(v);
  return out + "]";
}

void pool_bounds() {
  pinfiber::Pool pool(2);
  auto job = [&pool](int n) {
    std::printf("   job %d starts, free %zu\n", n, pool.free_count());
    pinfiber::sleep(0.03 * n);
    std::printf("   job %d ends\n", n);
  };
  for (int n : {1, 2, 3}) {
    std::printf("   spawning %d full %s\n", n, pair::py(pool.full()));
    pool.spawn(job, n);
  }
  std::puts("   all spawned");
  pool.join();
  std::printf("   joined, free %zu\n", pool.free_count());
}

void group_kill() {
  pinfiber::Group group;
  std::vector<int> unwound;
  auto sleeper = [&unwound](int n) {
    struct Unwind {
      std::vector<int>& out;
      int n;
      ~Unwind() { out.push_back(n); }
    } unwind{unwound, n};
    pinfiber::sleep(1);
  };
  std::vector<GreenletBase> gs;
  for (int n : {1, 2, 3}) gs.push_back(group.spawn(sleeper, n));
  pinfiber::sleep(0);
  group.killone(gs[1]);
  std::printf("   killone done, size %zu unwound %s\n", group.size(), list(unwound).c_str());
  group.kill();  // gevent kills in set order; pinfiber in spawn order: only the outcome is compared
  std::sort(unwound.begin(), unwound.end());
  std::printf("   kill done, size %zu unwound %s\n", group.size(), list(unwound).c_str());
}

void maps() {
  pinfiber::Pool pool(3);
  const std::vector<int> items{1, 2, 3};
  std::printf("   map -> %s\n", list(pool.map(slow_square, items)).c_str());
  std::vector<int> ordered;
  for (int v : pool.imap(slow_square, items)) ordered.push_back(v);
  std::printf("   imap -> %s\n", list(ordered).c_str());
  std::vector<int> unordered;
  for (int v : pool.imap_unordered(slow_square, items)) unordered.push_back(v);
  std::printf("   imap_unordered -> %s\n", list(unordered).c_str());
}

void applies() {
  pinfiber::Pool pool(2);
  std::printf("   apply -> %d\n", pool.apply(slow_square, 2));
  auto g = pool.apply_async(slow_square, 3);
  g.link_value([g](const GreenletBase&) { std::printf("   callback got %d\n", g.value()); });
  std::printf("   apply_async returned, ready %s\n", pair::py(g.ready()));
  g.join();
  std::printf("   apply_async value %d\n", g.value());
  auto m = pool.map_async(slow_square, std::vector<int>{1, 2});
  std::printf("   map_async returned, ready %s\n", pair::py(m.ready()));
  std::printf("   map_async -> %s\n", list(m.get()).c_str());
  pinfiber::wait();
}

void wait_available() {
  pinfiber::Pool pool(1);
  pool.spawn([] { pinfiber::sleep(0.05); });
  std::printf("   wait_available(timeout=0.01) -> %zu\n", pool.wait_available(0.01));
  std::printf("   wait_available() -> %zu\n", pool.wait_available());
}

}  // namespace

int main() {
  pair::begin();
  const std::pair<const char*, void (*)()> parts[] = {{"pool_bounds", pool_bounds},
                                                      {"group_kill", group_kill},
                                                      {"maps", maps},
                                                      {"applies", applies},
                                                      {"wait_available", wait_available}};
  for (auto [name, part] : parts) {
    std::puts(name);
    part();
    pinfiber::wait();
  }
}
