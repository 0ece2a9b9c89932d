#pragma once
// Greenlet stacks: mmap'd, lazily committed, pooled, with a guard below each one.
//
// Stacks are carved from slabs (one mapping for many stacks) so that 100,000 greenlets fit under the
// default vm.max_map_count of 65530. Guards are installed with MADV_GUARD_INSTALL (Linux 6.13+),
// which protects pages without splitting the mapping. On older kernels each guard is an mprotect'd
// page, which costs two mappings per stack; once those would use a quarter of max_map_count, new stacks
// get a canary instead, checked every time their greenlet switches out.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pinfiber::detail {

enum class GuardKind : std::uint8_t { madvise_guard, mprotect_page, canary };

struct Stack {
  void* base = nullptr;  // lowest usable address; the guard (or canary) sits just below / at it
  std::size_t size = 0;
  GuardKind guard = GuardKind::madvise_guard;
  unsigned valgrind_id = 0;
};

class StackPool {
 public:
  StackPool();
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  /// A stack of `size` bytes (a page multiple). Throws std::system_error when memory or mappings run out.
  Stack acquire(std::size_t size);
  /// Returns a stack to the pool; beyond a small hot set its pages are given back to the kernel at
  /// the next trim().
  void release(const Stack& s);
  /// Readies a stack handed from a greenlet that ended straight to a new one, without the pool.
  static void reuse(const Stack& s);
  /// Gives the pages of the free stacks beyond the hot set back to the kernel. The hub calls it
  /// before it sleeps; a stack reused before then simply keeps its pages.
  void trim();

  /// True if `addr` lies in the guard page below `s`.
  static bool in_guard(const Stack& s, const void* addr);
  /// True if the canary of a canary-guarded stack is intact.
  static bool canary_intact(const Stack& s);

  static std::size_t page_size();

 private:
  struct SizeClass {
    std::size_t size;
    std::vector<Stack> free;
    std::size_t trimmed = 0;  // free[0, trimmed) were given back to the kernel
  };
  SizeClass& size_class(std::size_t size) {
    for (SizeClass& c : classes_) {
      if (c.size == size) return c;
    }
    return add_class(size);
  }
  SizeClass& add_class(std::size_t size);
  void add_slab(SizeClass& c);
  // A program uses one or two stack sizes: a scan of a vector finds the class in a compare or two,
  // a hash map took about 35 instructions per spawn and as many per greenlet's end.
  std::vector<SizeClass> classes_;
  std::vector<std::pair<void*, std::size_t>> slabs_;
  std::vector<unsigned> valgrind_ids_;
  bool madvise_guard_ok_ = true;
  bool madvise_guard_checked_ = false;
  std::size_t mprotect_budget_ = 0;
};

}  // namespace pinfiber::detail
