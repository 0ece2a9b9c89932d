#pragma once
// local<T>: one value per greenlet (gevent.local.local).

#include <string>
#include <utility>

#include "pinfiber/core/detail/fiber.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/errors.hpp"

namespace pinfiber {

namespace detail {

class LocalBase;

// One value of one local in one greenlet. It sits in two lists: its greenlet's (destroyed when the
// greenlet ends) and its local's (destroyed when the local is).
struct LocalEntry {
  LocalEntry* fiber_prev = nullptr;
  LocalEntry* fiber_next = nullptr;
  LocalEntry* owner_prev = nullptr;
  LocalEntry* owner_next = nullptr;
  struct LocalSet* set = nullptr;
  LocalBase* owner = nullptr;
  virtual ~LocalEntry() = default;
};

// A greenlet's values, hung on Fiber::locals.
struct LocalSet {
  LocalEntry* head = nullptr;
};

class LocalBase {
 public:
  LocalBase() = default;
  LocalBase(const LocalBase&) = delete;
  LocalBase& operator=(const LocalBase&) = delete;

 protected:
  ~LocalBase();
  // The current greenlet's entry for this local, or null.
  LocalEntry* find() const;
  // Links a new entry into the current greenlet's set and this local's list.
  void attach(LocalEntry* e);

 public:
  // Unlinks one entry from both its lists and destroys it.
  static void destroy_entry(LocalEntry* e);

 private:
  LocalEntry* head_ = nullptr;
};

void destroy_fiber_locals(Fiber* f);

}  // namespace detail

/// A value of T for each greenlet: what one greenlet stores is invisible to every other, and is
/// destroyed when its greenlet ends (or when the local is destroyed, whichever comes first). Access
/// never blocks. A local is used from one thread (greenlets of one hub).
///
///   pinfiber::local<int> stash;
///   pinfiber::spawn([&] { stash.set(1); std::printf("%d\n", *stash); });   // 1
///   pinfiber::spawn([&] { if (!stash.has_value()) std::puts("not here"); });
template <class T>
class local : private detail::LocalBase {
 public:
  local() = default;

  /// True if the current greenlet stored a value.
  bool has_value() const { return find() != nullptr; }
  /// The current greenlet's value, or null.
  T* get_if() const {
    auto* e = static_cast<Entry*>(find());
    return e ? &e->value : nullptr;
  }
  /// The current greenlet's value; throws Error if it has none (gevent's AttributeError).
  T& value() const {
    if (T* v = get_if()) return *v;
    throw Error("local value in greenlet '" + detail::current_fiber()->name() + "': none was set in this greenlet");
  }
  /// The current greenlet's value, default-constructed on first use (as a thread_local would be).
  T& operator*() { return get_or_create(); }
  T* operator->() { return &get_or_create(); }
  /// Stores a value for the current greenlet, replacing its previous one.
  template <class... A>
  T& emplace(A&&... args) {
    reset();
    auto* e = new Entry(std::forward<A>(args)...);
    attach(e);
    return e->value;
  }
  T& set(T v) { return emplace(std::move(v)); }
  /// Destroys the current greenlet's value, if any.
  void reset() {
    if (auto* e = find()) destroy_entry(e);
  }

 private:
  struct Entry : detail::LocalEntry {
    template <class... A>
    explicit Entry(A&&... args) : value(std::forward<A>(args)...) {}
    T value;
  };
  T& get_or_create() {
    if (T* v = get_if()) return *v;
    return emplace();
  }
};

}  // namespace pinfiber
