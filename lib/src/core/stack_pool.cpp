#include "core/stack_pool.hpp"

#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define PINFIBER_HAVE_VALGRIND 1
#endif

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102  // Linux 6.13 uapi; older headers lack it
#endif

namespace pinfiber::detail {

namespace {

// Stacks per slab: about 1 MiB of address space a slab keeps the number of mappings small without
// reserving much that is never used.
constexpr std::size_t kSlabBytes = 1u << 20;
// Free stacks kept committed per size, so a spawn/finish cycle reuses warm pages without madvise.
constexpr std::size_t kHotStacks = 64;
constexpr std::uint64_t kCanary = 0x70696e6669626572ull;  // "pinfiber"

// True if reading `page` faults. Used once to confirm that MADV_GUARD_INSTALL really guards: an
// emulator (qemu-user) may accept the call and ignore it, which would leave stacks unguarded.
bool page_is_inaccessible(void* page) {
  char byte;
  iovec local{&byte, 1};
  iovec remote{page, 1};
  return ::process_vm_readv(::getpid(), &local, 1, &remote, 1, 0) < 0 && errno == EFAULT;
}

std::size_t read_max_map_count() {
  std::ifstream in("/proc/sys/vm/max_map_count");
  std::size_t n = 0;
  if (!(in >> n)) n = 65530;  // the kernel's default
  return n;
}

}  // namespace

std::size_t StackPool::page_size() {
  static const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return page;
}

StackPool::StackPool() : mprotect_budget_(read_max_map_count() / 4) {}

StackPool::~StackPool() {
#ifdef PINFIBER_HAVE_VALGRIND
  for (unsigned id : valgrind_ids_) VALGRIND_STACK_DEREGISTER(id);
#endif
  for (auto& [addr, len] : slabs_) ::munmap(addr, len);
}

StackPool::SizeClass& StackPool::add_class(std::size_t size) { return classes_.emplace_back(SizeClass{size, {}, 0}); }

void StackPool::add_slab(SizeClass& c) {
  const std::size_t size = c.size;
  const std::size_t page = page_size();
  const std::size_t slot = size + page;  // guard page below every stack
  const std::size_t count = slot >= kSlabBytes ? 1 : kSlabBytes / slot;
  const std::size_t len = slot * count;
  // MAP_NORESERVE: pages are committed when first touched, so an idle greenlet costs only the pages
  // its stack really used.
  void* mem = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED) {
    throw std::system_error(errno, std::generic_category(),
                            "allocate greenlet stacks (" + std::to_string(len) + " bytes)");
  }
  slabs_.emplace_back(mem, len);
  auto& list = c.free;
  // Pushed highest first so that acquire() (which pops from the back) hands out ascending addresses.
  for (std::size_t i = count; i-- > 0;) {
    auto* guard = static_cast<char*>(mem) + i * slot;
    Stack s{guard + page, size, GuardKind::madvise_guard, 0};
    if (madvise_guard_ok_ && ::madvise(guard, page, MADV_GUARD_INSTALL) != 0) madvise_guard_ok_ = false;
    if (madvise_guard_ok_ && !madvise_guard_checked_) {
      madvise_guard_checked_ = true;
      madvise_guard_ok_ = page_is_inaccessible(guard);
    }
    if (!madvise_guard_ok_) {
      if (mprotect_budget_ >= 2 && ::mprotect(guard, page, PROT_NONE) == 0) {
        mprotect_budget_ -= 2;  // the guard splits the mapping: one more for it, one for what follows
        s.guard = GuardKind::mprotect_page;
      } else {
        s.guard = GuardKind::canary;
      }
    }
#ifdef PINFIBER_HAVE_VALGRIND
    if (RUNNING_ON_VALGRIND) {
      s.valgrind_id = VALGRIND_STACK_REGISTER(s.base, static_cast<char*>(s.base) + size);
      valgrind_ids_.push_back(s.valgrind_id);
    }
#endif
    list.push_back(s);
  }
}

Stack StackPool::acquire(std::size_t size) {
  SizeClass& c = size_class(size);
  if (c.free.empty()) add_slab(c);
  Stack s = c.free.back();
  c.free.pop_back();
  if (c.trimmed > c.free.size()) c.trimmed = c.free.size();
  reuse(s);
  return s;
}

void StackPool::reuse(const Stack& s) {
  if (s.guard == GuardKind::canary) std::memcpy(s.base, &kCanary, sizeof kCanary);
}

void StackPool::release(const Stack& s) {
  // Beyond the hot set the pages go back to the kernel - but later, in trim(), when the hub is about
  // to sleep: a madvise costs about as much as ten spawns, and thousands of greenlets often finish
  // together.
  size_class(s.size).free.push_back(s);
}

void StackPool::trim() {
  // Each free list is used from its back (LIFO), so its front is the cold part: entries below
  // `trimmed` were already given back, and stay free until the list shrinks past them.
  for (SizeClass& c : classes_) {
    auto& list = c.free;
    std::size_t& done = c.trimmed;
    if (done > list.size()) done = list.size();
    const std::size_t cold_end = list.size() > kHotStacks ? list.size() - kHotStacks : 0;
    for (; done < cold_end; ++done) ::madvise(list[done].base, list[done].size, MADV_DONTNEED);
  }
}

bool StackPool::in_guard(const Stack& s, const void* addr) {
  auto* a = static_cast<const char*>(addr);
  auto* base = static_cast<const char*>(s.base);
  return a < base && a >= base - page_size();
}

bool StackPool::canary_intact(const Stack& s) {
  if (s.guard != GuardKind::canary) return true;
  std::uint64_t v;
  std::memcpy(&v, s.base, sizeof v);
  return v == kCanary;
}

}  // namespace pinfiber::detail
