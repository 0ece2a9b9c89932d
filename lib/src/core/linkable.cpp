// Linkable: links in order, served by a notification pass at its turn in the run queue.
//
// A pass (gevent's _notify_links) serves the links present when it begins - or, for a greenlet's
// end, every link until none is left - then those that arrived while it ran (waits on an object that
// was already ready, which must not overtake the waiters the pass is waking), and when it is over
// queues another pass if the object is still ready and links remain (a Semaphore released twice
// while the first pass ran).

#include "pinfiber/core/detail/linkable.hpp"

#include "pinfiber/core/detail/fiber.hpp"

namespace pinfiber::detail {

// A waiter that is not parked any more has had its wait decided already - its deadline passed, or
// a kill or Timeout is on its way to it - exactly as if gevent had thrown into it then: it is not
// notified, and the pass moves on to the next link.
Fiber* WaitLink::resume(Link* self, Linkable&) {
  auto* w = static_cast<WaitLink*>(self);
  Fiber* f = resume_now(w->fiber);
  if (f) w->notified = true;
  return f;
}

void Linkable::rawlink(Link& link) {
  links_.push_back(&link);
  check_and_notify();
}

void Linkable::unlink(Link& link) {
  if (!link.linked()) return;
  // A pass keeps a pointer to the last link it serves: it moves to the one before.
  if (&link == last_) last_ = static_cast<Link*>(links_.prev_of(&link));
  if (&link == arrived_last_) arrived_last_ = static_cast<Link*>(arrived_.prev_of(&link));
  // Which list holds it: links of arrived_ are only ever WaitLinks of wait_behind_pass().
  for (ListNode* n = arrived_.front(); n; n = arrived_.next_of(n)) {
    if (n == &link) {
      arrived_.erase(&link);
      return;
    }
  }
  links_.erase(&link);
}

void Linkable::check_and_notify() {
  if (notifying() || (links_.empty() && arrived_.empty()) || !ready()) return;
  schedule();
  on_pass_queued();
}

void Linkable::wait_behind_pass(WaitFor what) {
  WaitLink w(current_fiber());
  arrived_.push_back(&w);
  struct Unlink {
    Linkable& self;
    WaitLink& w;
    ~Unlink() { self.unlink(w); }
  } unlink_on_exit{*this, w};
  wait_until(what, TimePoint::max(), [&w] { return w.notified; });
}

// Pops and fires the next link of `list` if the pass still serves it; `last` is the last one it
// serves (null: none left). Returns the greenlet to run, or null with `list` done or one link fired
// inline (the caller loops).
Fiber* Linkable::fire_next(IntrusiveList& list, Link*& last) {
  auto* link = static_cast<Link*>(list.pop_front());
  if (pass_ != Pass::until_empty && link == last) last = nullptr;
  return link->fire(link, *this);
}

Fiber* Linkable::step() {
  if (!in_pass_) {
    in_pass_ = true;
    stage_ = 0;
    last_ = static_cast<Link*>(links_.back());
    arrived_last_ = nullptr;
  }
  for (;;) {
    if (stage_ == 0) {
      const bool more = pass_ == Pass::until_empty ? !links_.empty() : last_ != nullptr && !links_.empty();
      if (more && (pass_ != Pass::while_ready || ready())) {
        if (Fiber* f = fire_next(links_, last_)) return f;
        continue;
      }
      stage_ = 1;
      arrived_last_ = static_cast<Link*>(arrived_.back());
    }
    const bool more = arrived_last_ != nullptr && !arrived_.empty();
    if (more && (pass_ != Pass::while_ready || ready())) {
      if (Fiber* f = fire_next(arrived_, arrived_last_)) return f;
      continue;
    }
    end_pass();
    return nullptr;
  }
}

void Linkable::end_pass() {
  // Waiters that arrived during the pass and were not served wait on as ordinary links.
  links_.splice_back(arrived_);
  in_pass_ = false;
  last_ = arrived_last_ = nullptr;
  check_and_notify();
  on_pass_ended();  // may free this object: nothing after it
}

}  // namespace pinfiber::detail
