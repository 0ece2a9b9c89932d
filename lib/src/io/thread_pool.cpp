#include "pinfiber/io/thread_pool.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace pinfiber {

struct ThreadPool::Impl {
  Hub* hub = nullptr;
  std::size_t max_workers = 4;
  mutable std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::pair<std::function<void()>, std::shared_ptr<CallBase>>> queue;
  std::vector<std::thread> workers;
  std::size_t idle = 0;
  std::size_t in_flight = 0;
  bool stopping = false;

  void worker() {
    std::unique_lock lock(mutex);
    for (;;) {
      ++idle;
      wake.wait(lock, [&] { return stopping || !queue.empty(); });
      --idle;
      if (queue.empty()) return;  // stopping, and nothing left to do
      auto [work, call] = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      work();
      work = nullptr;  // the function's captures die here, on the worker, not in the hub
      // The wake-up runs in the hub's thread, which owns the waiting greenlet; the last reference
      // to the call is dropped there too. unhold() after post() so the hub cannot see "nothing
      // left that could wake main" in between.
      Hub* h = hub;
      h->post([h, call = std::move(call)] {
        call->done = true;
        h->allow_auto_advance();
        if (call->waiter) detail::wake(call->waiter);
      });
      h->unhold();
      lock.lock();
      --in_flight;
    }
  }
};

ThreadPool::ThreadPool(std::size_t max_workers) : impl_(std::make_unique<Impl>()) {
  impl_->hub = &hub();
  impl_->max_workers = max_workers == 0 ? 1 : max_workers;
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  for (auto& t : impl_->workers) t.join();
}

void ThreadPool::submit(std::function<void()> work, std::shared_ptr<CallBase> call) {
  impl_->hub->hold();
  impl_->hub->inhibit_auto_advance();  // a paused test clock waits for the call
  std::lock_guard lock(impl_->mutex);
  impl_->queue.emplace_back(std::move(work), std::move(call));
  ++impl_->in_flight;
  if (impl_->queue.size() > impl_->idle && impl_->workers.size() < impl_->max_workers) {
    impl_->workers.emplace_back([impl = impl_.get()] { impl->worker(); });
  } else {
    impl_->wake.notify_one();
  }
}

void ThreadPool::await(CallBase& call) {
  std::exception_ptr interrupted;
  while (!call.done) {
    try {
      detail::park_until({"a ThreadPool call"}, TimePoint::max());
    } catch (...) {
      // Kept until the call is done: unwinding now would free what the worker may still use.
      if (!interrupted) interrupted = std::current_exception();
    }
  }
  call.waiter = nullptr;
  if (interrupted) std::rethrow_exception(interrupted);
}

std::size_t ThreadPool::max_workers() const { return impl_->max_workers; }

std::size_t ThreadPool::pending() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->in_flight;
}

namespace {
// The default pool, as a hub service: made on first use, destroyed (its workers joined) when the hub
// ends, after the greenlets that used it.
struct DefaultThreadPool {
  ThreadPool pool{4};
};
}  // namespace

ThreadPool& thread_pool() { return hub().service<DefaultThreadPool>().pool; }

}  // namespace pinfiber
