#pragma once
// Recycled memory for Fiber objects, so that spawning and joining a short greenlet costs no malloc
// and no free: a per-hub cache of freed blocks by 64-byte size class.
//
// A greenlet's Fiber (its body's captures included) is a few hundred bytes, allocated at spawn and
// freed when its last handle goes. The hub keeps up to kPerClass freed blocks of each class up to
// kMaxCached bytes (at most 64 KiB held in all); bigger Fibers and the overflow go to the heap. Every
// block comes from ::operator new at its class's size, so one freed on a thread without a hub (or
// after its hub ended) simply goes back to the heap, and any hub can reuse any block of its class.
// Nothing is kept under ASan or TSan, and under valgrind a kept block is inaccessible, so that
// use-after-free reports stay complete.

#include <cstddef>
#include <cstdint>

namespace pinfiber::detail {

class FiberCache {
 public:
  FiberCache();
  ~FiberCache();
  FiberCache(const FiberCache&) = delete;
  FiberCache& operator=(const FiberCache&) = delete;

  /// A block for a Fiber of `size` bytes: a recycled one of its class, or a new one.
  void* allocate(std::size_t size);
  /// Keeps the block of a freed Fiber of `size` bytes for reuse, or frees it when its class is full.
  void recycle(void* p, std::size_t size);

  /// For a thread without a hub: a block of the same shape as allocate()'s, from the heap.
  static void* allocate_uncached(std::size_t size);
  static void free_uncached(void* p);

 private:
  static constexpr std::size_t kGranule = 64;
  static constexpr std::size_t kClasses = 16;  // up to 1 KiB
  static constexpr std::size_t kPerClass = 64;

  struct Block {
    Block* next;
  };
  Block* free_[kClasses] = {};
  std::uint8_t count_[kClasses] = {};
  bool under_valgrind_ = false;
};

}  // namespace pinfiber::detail
