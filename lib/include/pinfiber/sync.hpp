#pragma once
// pinfiber sync: what greenlets use to cooperate - Event, AsyncResult, queues, Channel, semaphores and
// locks, Group and Pool, greenlet-local values, and wait/iwait over several of them.
#include "pinfiber/sync/async_result.hpp"
#include "pinfiber/sync/channel.hpp"
#include "pinfiber/sync/errors.hpp"
#include "pinfiber/sync/event.hpp"
#include "pinfiber/sync/local.hpp"
#include "pinfiber/sync/lock.hpp"
#include "pinfiber/sync/pool.hpp"
#include "pinfiber/sync/queue.hpp"
#include "pinfiber/sync/semaphore.hpp"
#include "pinfiber/sync/wait.hpp"
