#pragma once
// Linkable: something greenlets wait on and callbacks link to - an Event, an AsyncResult, a Semaphore,
// a greenlet's end (gevent's AbstractLinkable). It keeps its links in order; when it becomes ready it
// does not wake anyone at once but queues its notifier, and the notifier, at its turn in the run
// queue, fires the links one by one: a waiting greenlet runs at once until it blocks again, a
// callback runs inline. So waiters run in the order they came, after whatever was already scheduled
// when the object became ready, and each one decides what it gets when it runs ("wake, then take").

#include <cstddef>
#include <cstdint>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/intrusive_list.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/detail/runnable.hpp"

namespace pinfiber::detail {

class Linkable;

/// One registration on a Linkable. `fire` is called by the notifier with the link already out of the
/// list; it returns the greenlet to run now, or null (a callback that ran inline, a greenlet that is
/// not waiting any more). A link whose owner frees it must be unlinked first.
struct Link : ListNode {
  using Fire = Fiber* (*)(Link* self, Linkable& source);
  explicit Link(Fire f) : fire(f) {}
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;
  Fire fire;
};

/// A greenlet parked in Linkable::wait(): firing it marks it notified and resumes it.
struct WaitLink : Link {
  explicit WaitLink(Fiber* f) : Link(&WaitLink::resume), fiber(f) {}
  static Fiber* resume(Link* self, Linkable& source);
  Fiber* fiber;
  bool notified = false;
};

class Linkable : public Notifier {
 public:
  /// How a notification pass goes through the links.
  enum class Pass : std::uint8_t {
    /// Every link present when the pass began, even if the object stops being ready (Event,
    /// AsyncResult); links added during the pass wait for the next one.
    snapshot,
    /// Like snapshot, but only while the object stays ready (Semaphore: one permit, one waiter).
    while_ready,
    /// Every link until none is left, those added during the pass included (a greenlet's end).
    until_empty,
  };

  explicit Linkable(Pass pass) : pass_(pass) {}
  /// Links still registered are dropped; greenlets must not be waiting on a Linkable that goes away.
  ~Linkable() = default;
  Linkable(const Linkable&) = delete;
  Linkable& operator=(const Linkable&) = delete;

  /// True when waiters can proceed (the Event is set, a permit is free, the greenlet is dead).
  virtual bool ready() const = 0;

  /// Appends `link`; if the object is ready, a notification pass is queued. Never blocks.
  void rawlink(Link& link);
  /// Removes `link` if it is still registered (also from a pass in progress). Never blocks.
  void unlink(Link& link);
  /// Queues a notification pass if the object is ready, has links, and none is queued or running.
  /// Objects call it when they become ready (set, release, a greenlet's death).
  void check_and_notify();

  /// Parks the current greenlet as the last link - or, with `at_front`, the first: a waiter that was
  /// woken but found nothing left waits again without losing its place - until a pass fires it
  /// (returns true) or `deadline` passes (returns false; a zero timeout still lets every ready
  /// greenlet run once first). Throws the caller's interrupts, after unlinking. Inline, so that
  /// the greenlet resumes in its caller's frame (see park_until()).
  bool wait(TimePoint deadline, WaitFor what, bool at_front = false) {
    WaitLink w(current_fiber());
    if (at_front) {
      links_.push_front(&w);
      check_and_notify();
    } else {
      rawlink(w);
    }
    struct Unlink {
      Linkable& self;
      WaitLink& w;
      ~Unlink() { self.unlink(w); }
    } unlink_on_exit{*this, w};
    return wait_until(what, deadline, [&w] { return w.notified; });
  }
  /// For a wait on an object that is already ready while a pass is queued or running: waits to be
  /// notified after the waiters that pass is waking, so they run first (gevent's order).
  void wait_behind_pass(WaitFor what);

  /// The first registered link for which `pred(link)` is true, or null.
  template <class Pred>
  Link* find_link(Pred&& pred) {
    for (IntrusiveList* list : {&links_, &arrived_}) {
      for (ListNode* n = list->front(); n; n = list->next_of(n)) {
        if (pred(static_cast<const Link&>(*n))) return static_cast<Link*>(n);
      }
    }
    return nullptr;
  }

  /// True from the moment a pass is queued until it ends (gevent's `_notifier is not None`).
  bool notifying() const { return scheduled() || in_pass_; }
  /// Links registered now (waiting greenlets and callbacks).
  std::size_t link_count() const { return links_.size() + arrived_.size(); }

 protected:
  /// For an owner that must stay alive while a pass is queued or running (a greenlet whose last
  /// handle is gone still serves its links): called when a pass is queued, and when it ends. The
  /// second may free the owner, so nothing touches the object after it.
  virtual void on_pass_queued() {}
  virtual void on_pass_ended() {}

 private:
  Fiber* step() final;
  Fiber* fire_next(IntrusiveList& list, Link*& last);
  void end_pass();

  IntrusiveList links_;
  IntrusiveList arrived_;         // waiters that came while a pass was under way: served after it
  Link* last_ = nullptr;          // the last link of links_ the running pass serves
  Link* arrived_last_ = nullptr;  // likewise for arrived_
  Pass pass_;
  bool in_pass_ = false;
  std::uint8_t stage_ = 0;  // 0: serving links_, 1: serving arrived_
};

}  // namespace pinfiber::detail
