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
  std::mutex mutex;
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
      hub->post([call = std::move(call)] {
        call->done = true;
        if (call->waiter) detail::unpark(call->waiter);
      });
      hub->unhold();
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
  std::lock_guard lock(impl_->mutex);
  impl_->queue.emplace_back(std::move(work), std::move(call));
  ++impl_->in_flight;
  if (impl_->queue.size() > impl_->idle && impl_->workers.size() < impl_->max_workers) {
    impl_->workers.emplace_back([impl = impl_.get()] { impl->worker(); });
  } else {
    impl_->wake.notify_one();
  }
}

std::size_t ThreadPool::max_workers() const { return impl_->max_workers; }

std::size_t ThreadPool::pending() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->in_flight;
}

ThreadPool& thread_pool() {
  hub();  // constructed first, destroyed last
  thread_local ThreadPool pool(4);
  return pool;
}

}  // namespace pinfiber
