# AsyncResult's non-blocking accessors, queues made from items, peek, iteration over a Queue and a
# Channel, and the locks: Lock, RLock, BoundedSemaphore, Semaphore.wait. (api_results_queues.cpp
# prints the same. Python ends an iteration when StopIteration is put; the C++ port shuts the queue
# down, pinfiber's way of ending it.)
import gevent
from gevent import sleep, spawn
from gevent.event import AsyncResult
from gevent.lock import BoundedSemaphore, RLock, Semaphore
from gevent.queue import Channel, JoinableQueue, LifoQueue, PriorityQueue, Queue


def async_result_accessors():
    r = AsyncResult()
    print("   unset: ready", r.ready(), "successful", r.successful(), "value", r.value, "exception", r.exception)
    r.set(5)
    print("   set: ready", r.ready(), "successful", r.successful(), "value", r.value, "exception", r.exception)
    e = AsyncResult()
    e.set_exception(ValueError("bad"))
    print("   failed: ready", e.ready(), "successful", e.successful(), "value", e.value, "exception", e.exception)
    try:
        e.get()
    except ValueError as x:
        print("   get raised", x)
    e.wait()  # (gevent's AsyncResult.wait returns the value, None here; pinfiber's returns ready())
    print("   waited on the failed one, ready", e.ready())


def queues_from_items():
    q = Queue(None, [3, 1, 2])
    p = PriorityQueue(None, [3, 1, 2])
    l = LifoQueue(None, [3, 1, 2])
    j = JoinableQueue(None, [3, 1, 2])
    print("   Queue", [q.get() for _ in range(3)])
    print("   PriorityQueue peek", p.peek(), "then", [p.get() for _ in range(3)])
    print("   LifoQueue", [l.get() for _ in range(3)])
    print("   JoinableQueue unfinished", j.unfinished_tasks)


def queue_iteration():
    q = Queue()

    def producer():
        for x in range(3):
            q.put(x)
            sleep(0)
        q.put(StopIteration)

    spawn(producer)
    for x in q:
        print("   got", x)
    print("   iteration ended")


def channel_iteration():
    ch = Channel()

    def producer():
        for x in ("a", "b"):
            ch.put(x)
            print("   handed", x)
        ch.put(StopIteration)

    spawn(producer)
    for x in ch:
        print("   got", x)
    print("   iteration ended")


def locks():
    lock = RLock()
    with lock:
        with lock:
            print("   RLock taken twice by one greenlet")

    def other():
        print("   other acquires ->", lock.acquire(timeout=0.01))

    with lock:
        spawn(other).join()
    b = BoundedSemaphore(1)
    b.acquire()
    b.release()
    try:
        b.release()
    except ValueError:
        print("   BoundedSemaphore released too often -> error")
    s = Semaphore(0)
    spawn(lambda: sleep(0.01) or s.release())
    print("   Semaphore.wait ->", s.wait(), "locked", s.locked())
    print("   Semaphore.wait(timeout=0) ->", Semaphore(0).wait(timeout=0))


for part in (async_result_accessors, queues_from_items, queue_iteration, channel_iteration, locks):
    print(part.__name__)
    part()
    gevent.wait()
