// How many parked greenlets fit in a 32-bit Raspberry Pi's address space, and what each costs there.
// A Pi Zero W runs a 32-bit kernel with the 3G/1G split: a process has 3 GiB of address space, and
// every greenlet holds its stack's reservation (the stack size plus a guard page) for as long as it
// lives, whether it touched those pages or not. The program spawns greenlets that park on an Event
// until spawn() refuses with its out-of-memory error, then says how many ran and the address space
// each took, and lets them all finish (the process must live through it).
//   greenlets_in_32bit STACK_KIB [RESERVE_MIB [LIMIT_MIB]]
// RESERVE_MIB maps that much address space away first: qemu-user gives a 32-bit guest 4 GiB and
// ignores RLIMIT_AS, so bench/greenlets_in_32bit.sh reserves the 1 GiB a Pi's kernel keeps. LIMIT_MIB
// sets RLIMIT_AS instead, for a native run.

#include <sys/mman.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include <pinfiber/pinfiber.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s STACK_KIB [RESERVE_MIB]\n", argv[0]);
    return 2;
  }
  const std::size_t stack = std::strtoul(argv[1], nullptr, 10) * 1024;
  const std::size_t reserve = argc > 2 ? std::strtoul(argv[2], nullptr, 10) << 20 : 0;
  if (reserve &&
      ::mmap(nullptr, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) == MAP_FAILED) {
    std::perror("reserve");
    return 1;
  }
  pinfiber::Event go;
  std::vector<pinfiber::Greenlet<void>> parked;
  parked.reserve(200'000);
  std::string refusal;
  try {
    for (;;) parked.push_back(pinfiber::spawn_with({.stack_size = stack}, [&go] { go.wait(); }));
  } catch (const pinfiber::Error& e) {
    refusal = e.what();
  } catch (const std::bad_alloc&) {
    refusal = "std::bad_alloc";
  }
  pinfiber::sleep(0);  // they all start and park
  go.set();
  pinfiber::joinall(parked);
  std::size_t done = 0;
  for (auto& g : parked) done += g.successful();
  std::printf("stack %zu KiB: %zu greenlets parked at once, all %s; spawn then said: %s\n", stack / 1024, parked.size(),
              done == parked.size() ? "finished" : "NOT finished", refusal.c_str());
  return done == parked.size() && !refusal.empty() ? 0 : 1;
}
