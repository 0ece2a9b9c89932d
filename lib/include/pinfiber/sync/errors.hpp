#pragma once
// The errors of the sync layer. Each says what was attempted on what ("Queue.get: the queue is empty").

#include <string>

#include "pinfiber/core/errors.hpp"

namespace pinfiber {

/// A get (or peek) found nothing: get_nowait() on an empty queue, or get(timeout) whose timeout ran
/// out (gevent raises Empty there too, not Timeout).
class Empty : public Error {
 public:
  using Error::Error;
};

/// A put found no room: put_nowait() on a full queue, or put(timeout) whose timeout ran out.
class Full : public Error {
 public:
  using Error::Error;
};

/// The queue was shut down: put() always fails with it; get() fails with it once the queue is drained.
/// Iterating over a queue ends quietly on it.
class QueueShutdown : public Error {
 public:
  using Error::Error;
};

/// Pool::spawn(timeout) / Pool::add(timeout) found no free slot in time (gevent's PoolFull).
class PoolFull : public Full {
 public:
  using Full::Full;
};

}  // namespace pinfiber
