# Rule 3: zero timeouts pass through the hub once. Event.wait(0), Semaphore.acquire(timeout=0),
# Queue.get(timeout=0) / put(x, timeout=0), join(0), AsyncResult.get(timeout=0) and Greenlet.get(
# timeout=0) let every greenlet that is ready run before they answer, so what a ready greenlet
# would do in its turn counts; a polling loop `while not ev.wait(0)` makes progress. Each part runs
# from main and from a greenlet. (zero_timeouts.cpp prints the same.)
import gevent
from gevent import Timeout, sleep, spawn
from gevent.event import AsyncResult, Event
from gevent.lock import Semaphore
from gevent.queue import Empty, Full, Queue


def busy(n):
    print("  busy", n, "runs")


def event_wait():
    ev = Event()
    spawn(busy, 1)
    spawn(busy, 2)
    print("  wait(0) on an unset event ->", ev.wait(0))
    spawn(ev.set)
    print("  wait(0) with a setter ready ->", ev.wait(0))


def polling_loop():
    tick = Event()
    done = Event()

    def worker():
        for i in range(3):
            tick.wait()
            tick.clear()
            print("  worker round", i)
        done.set()

    spawn(worker)
    polls = 0
    while not done.wait(0):
        polls += 1
        tick.set()
    print("  polls", polls)


def semaphore_acquire():
    sem = Semaphore(0)
    spawn(busy, 3)
    print("  acquire(timeout=0), nobody releases ->", sem.acquire(timeout=0))
    spawn(sem.release)
    print("  acquire(timeout=0), a releaser is ready ->", sem.acquire(timeout=0))


def queue_get_put():
    q = Queue(1)
    spawn(busy, 4)
    try:
        q.get(timeout=0)
    except Empty:
        print("  get(timeout=0) on an empty queue -> Empty")
    spawn(q.put, "item")
    print("  get(timeout=0), a putter is ready ->", q.get(timeout=0))
    q.put("first")
    try:
        q.put("second", timeout=0)
    except Full:
        print("  put(timeout=0) on a full queue -> Full")
    spawn(lambda: print("  getter took", q.get()))
    q.put("third", timeout=0)
    print("  put(timeout=0), a getter is ready -> put, qsize", q.qsize())
    print("  and the queue holds", q.get_nowait())


def join_zero():
    quick = spawn(busy, 5)
    slow = spawn(sleep, 0.05)
    quick.join(0)
    print("  join(0) on a ready greenlet -> dead", quick.dead)
    slow.join(0)
    print("  join(0) on a sleeping greenlet -> dead", slow.dead)
    slow.kill()


def async_result_get():
    r = AsyncResult()
    try:
        r.get(timeout=0)
    except Timeout:
        print("  AsyncResult.get(timeout=0), unset -> Timeout")
    spawn(r.set, 7)
    print("  AsyncResult.get(timeout=0), a setter is ready ->", r.get(timeout=0))
    g = spawn(lambda: 8)
    print("  Greenlet.get(timeout=0), ready to run ->", g.get(timeout=0))
    s = spawn(sleep, 0.05)
    try:
        s.get(timeout=0)
    except Timeout:
        print("  Greenlet.get(timeout=0), sleeping -> Timeout")
    s.kill()


def nowait_forms():
    q = Queue(1)
    sem = Semaphore(0)
    r = AsyncResult()
    spawn(busy, 6)
    try:
        q.get_nowait()
    except Empty:
        print("  get_nowait -> Empty")
    q.put_nowait(1)
    try:
        q.put_nowait(2)
    except Full:
        print("  put_nowait -> Full")
    print("  acquire(blocking=False) ->", sem.acquire(blocking=False))
    try:
        r.get_nowait()
    except Timeout:
        print("  AsyncResult.get_nowait -> Timeout")
    print("  none of them yielded; now sleep(0)")
    sleep(0)


parts = [event_wait, polling_loop, semaphore_acquire, queue_get_put, join_zero, async_result_get,
         nowait_forms]
for part in parts:
    print(part.__name__, "from main")
    part()
    gevent.wait()
    print(part.__name__, "from a greenlet")
    spawn(part).join()
    gevent.wait()
