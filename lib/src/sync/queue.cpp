// The non-template parts of the queues: their error messages.

#include "pinfiber/sync/queue.hpp"

#include <chrono>
#include <cstdio>
#include <string>

namespace pinfiber::detail {

namespace {
std::string waited(Duration timeout) {
  if (timeout <= Duration::zero()) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, " after waiting %.3f s", std::chrono::duration<double>(timeout).count());
  return buf;
}
}  // namespace

void throw_queue_empty(const char* op, Duration timeout) {
  throw Empty(std::string(op) + ": the queue is empty" + waited(timeout));
}

void throw_queue_full(const char* op, Duration timeout, std::size_t maxsize) {
  throw Full(std::string(op) + ": the queue is full (maxsize " + std::to_string(maxsize) + ")" + waited(timeout));
}

void throw_queue_shutdown(const char* op, bool drained) {
  throw QueueShutdown(std::string(op) + (drained ? ": the queue is shut down and empty" : ": the queue is shut down"));
}

void throw_task_done_too_often(const char* name) {
  throw Error(std::string("task_done on ") + name + ": called more times than items were put");
}

}  // namespace pinfiber::detail
