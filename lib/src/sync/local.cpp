#include "pinfiber/sync/local.hpp"

namespace pinfiber::detail {

namespace {
// Every greenlet's values hang on its Fiber, the main greenlet's too: the hub destroys those when it
// ends (after the other greenlets, before its services), so no thread_local is involved.
LocalSet* set_of(Fiber* f, bool create) {
  if (!f->locals && create) {
    f->locals = new LocalSet();
    f->locals_destroy = &destroy_fiber_locals;
  }
  return static_cast<LocalSet*>(f->locals);
}
}  // namespace

// Called by the hub as a greenlet finishes (its values die with it, before its links run), and for
// the main greenlet when the hub ends.
void destroy_fiber_locals(Fiber* f) {
  auto* set = static_cast<LocalSet*>(f->locals);
  if (!set) return;
  while (set->head) LocalBase::destroy_entry(set->head);
  delete set;
  f->locals = nullptr;
  f->locals_destroy = nullptr;
}

LocalBase::~LocalBase() {
  while (head_) destroy_entry(head_);
}

LocalEntry* LocalBase::find() const {
  LocalSet* set = set_of(current_fiber(), false);
  if (!set) return nullptr;
  // A greenlet holds values of few locals; a walk beats a hash table at that size.
  for (LocalEntry* e = set->head; e; e = e->fiber_next) {
    if (e->owner == this) return e;
  }
  return nullptr;
}

void LocalBase::attach(LocalEntry* e) {
  LocalSet* set = set_of(current_fiber(), true);
  e->owner = this;
  e->set = set;
  e->fiber_next = set->head;
  if (set->head) set->head->fiber_prev = e;
  set->head = e;
  e->owner_next = head_;
  if (head_) head_->owner_prev = e;
  head_ = e;
}

void LocalBase::destroy_entry(LocalEntry* e) {
  // Unlink first: T's destructor may itself touch locals.
  if (e->fiber_prev) {
    e->fiber_prev->fiber_next = e->fiber_next;
  } else {
    e->set->head = e->fiber_next;
  }
  if (e->fiber_next) e->fiber_next->fiber_prev = e->fiber_prev;
  LocalBase* owner = e->owner;
  if (e->owner_prev) {
    e->owner_prev->owner_next = e->owner_next;
  } else {
    owner->head_ = e->owner_next;
  }
  if (e->owner_next) e->owner_next->owner_prev = e->owner_prev;
  delete e;
}

}  // namespace pinfiber::detail
