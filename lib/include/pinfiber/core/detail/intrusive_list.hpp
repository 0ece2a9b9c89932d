#pragma once
// A minimal intrusive doubly-linked list: nodes live inside the objects that wait or are waited on,
// so parking and waking never allocate.

#include <cstddef>

namespace pinfiber::detail {

struct ListNode {
  ListNode* prev = nullptr;
  ListNode* next = nullptr;
  bool linked() const { return prev != nullptr; }
};

/// Circular list with a sentinel; O(1) push_back, pop_front and erase.
class IntrusiveList {
 public:
  IntrusiveList() { head_.prev = head_.next = &head_; }
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;

  bool empty() const { return head_.next == &head_; }
  std::size_t size() const { return size_; }
  ListNode* front() const { return empty() ? nullptr : head_.next; }
  ListNode* back() const { return empty() ? nullptr : head_.prev; }
  ListNode* next_of(ListNode* n) const { return n->next == &head_ ? nullptr : n->next; }
  ListNode* prev_of(ListNode* n) const { return n->prev == &head_ ? nullptr : n->prev; }

  void push_back(ListNode* n) {
    n->prev = head_.prev;
    n->next = &head_;
    head_.prev->next = n;
    head_.prev = n;
    ++size_;
  }
  void push_front(ListNode* n) {
    n->next = head_.next;
    n->prev = &head_;
    head_.next->prev = n;
    head_.next = n;
    ++size_;
  }
  /// Moves every node of `other` to the back of this list, in order.
  void splice_back(IntrusiveList& other) {
    while (ListNode* n = other.pop_front()) push_back(n);
  }
  void erase(ListNode* n) {
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = nullptr;
    --size_;
  }
  ListNode* pop_front() {
    ListNode* n = front();
    if (n) erase(n);
    return n;
  }

 private:
  ListNode head_;
  std::size_t size_ = 0;
};

}  // namespace pinfiber::detail
