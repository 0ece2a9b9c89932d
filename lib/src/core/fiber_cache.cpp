#include "core/fiber_cache.hpp"

#include <new>

// A client request costs a dozen instructions even outside valgrind, as much as the rest of a
// cache hit: they are made only where the hub found itself under valgrind.
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define PINFIBER_MEMCHECK(request) \
  do {                             \
    if (under_valgrind_) request;  \
  } while (false)
#else
#define PINFIBER_MEMCHECK(request)
#endif

namespace pinfiber::detail {

namespace {

// The sanitizers must see every Fiber freed, or a use after free would go unreported: under them
// nothing is kept. Under valgrind's memcheck a kept block is marked inaccessible until reused.
#if defined(PINFIBER_ASAN) || defined(PINFIBER_TSAN)
constexpr bool kRecycle = false;
#else
constexpr bool kRecycle = true;
#endif

}  // namespace

#if __has_include(<valgrind/memcheck.h>)
FiberCache::FiberCache() : under_valgrind_(RUNNING_ON_VALGRIND) {}
#else
FiberCache::FiberCache() = default;
#endif

FiberCache::~FiberCache() {
  for (Block*& head : free_) {
    while (Block* b = head) {
      PINFIBER_MEMCHECK(VALGRIND_MAKE_MEM_DEFINED(b, sizeof(Block)));
      head = b->next;
      ::operator delete(b);
    }
  }
}

void* FiberCache::allocate_uncached(std::size_t size) {
  // Rounded up to the class, so that any block of a class fits every Fiber of that class.
  if (size <= kClasses * kGranule) size = (size + kGranule - 1) / kGranule * kGranule;
  return ::operator new(size);
}

void FiberCache::free_uncached(void* p) { ::operator delete(p); }

void* FiberCache::allocate(std::size_t size) {
  const std::size_t c = (size - 1) / kGranule;
  if (c < kClasses && free_[c]) {
    Block* b = free_[c];
    PINFIBER_MEMCHECK(VALGRIND_MAKE_MEM_DEFINED(b, sizeof(Block)));
    free_[c] = b->next;
    --count_[c];
    PINFIBER_MEMCHECK(VALGRIND_MAKE_MEM_UNDEFINED(b, size));
    return b;
  }
  return allocate_uncached(size);
}

void FiberCache::recycle(void* p, std::size_t size) {
  const std::size_t c = (size - 1) / kGranule;
  if (!kRecycle || c >= kClasses || count_[c] >= kPerClass) {
    ::operator delete(p);
    return;
  }
  auto* b = static_cast<Block*>(p);
  b->next = free_[c];
  free_[c] = b;
  ++count_[c];
  PINFIBER_MEMCHECK(VALGRIND_MAKE_MEM_NOACCESS(b, size));
}

}  // namespace pinfiber::detail
