# Rule 5: notifications keep their order. A greenlet that waits on an Event (or AsyncResult) that is
# already set, while the waiters woken by that set() have not run yet, runs after them; a semaphore's
# waiters are served in the order they came; a greenlet that is already dead is joined at once.
# From a greenlet, from main, mixed with timers. (notify_order.cpp prints the same.)
import gevent
from gevent import sleep, spawn
from gevent.event import AsyncResult, Event
from gevent.lock import Semaphore


def waiter(obj, name):
    print("  ", name, "waits")
    obj.wait()
    print("  ", name, "woke")


def event_late_waiter():
    ev = Event()
    spawn(waiter, ev, "w1")
    spawn(waiter, ev, "w2")
    sleep(0)
    spawn(waiter, ev, "late")
    ev.set()
    print("   set; main waits on the set event too")
    ev.wait()
    print("   main passed")


def event_cleared_before_waiters_ran():
    ev = Event()
    spawn(waiter, ev, "w1")
    sleep(0)
    ev.set()
    ev.clear()
    print("   set and cleared; wait(0) ->", ev.wait(0))


def async_result_late_waiter():
    r = AsyncResult()
    spawn(waiter, r, "w1")
    spawn(waiter, r, "w2")
    sleep(0)

    def late_get():
        print("   late getter gets", r.get())

    spawn(waiter, r, "late")
    spawn(late_get)
    r.set("v")
    print("   set")
    sleep(0)
    print("   main slept")


def event_with_timers():
    ev = Event()

    def timed(name, t):
        print("  ", name, "waits up to", t)
        print("  ", name, "->", ev.wait(t))

    def setter():
        sleep(0.08)
        print("   setter sets")
        ev.set()
        print("   setter waits on it too")
        ev.wait()
        print("   setter passed")

    spawn(timed, "short", 0.02)
    spawn(timed, "long", 1)
    spawn(waiter, ev, "forever")
    spawn(setter)
    gevent.wait()


def semaphore_order():
    sem = Semaphore(0)

    def acquirer(name):
        print("  ", name, "acquires")
        sem.acquire()
        print("  ", name, "got it")

    for n in ("a1", "a2", "a3"):
        spawn(acquirer, n)
    sleep(0)
    sem.release()
    sem.release()
    print("   released twice")
    spawn(acquirer, "late")
    sleep(0)
    print("   main slept; counter", sem.counter)
    sem.release()
    sem.release()
    gevent.wait()


def join_dead_greenlet():
    def body():
        print("   g runs")
        sleep(0)
        print("   g ends")

    def joiner(name):
        print("  ", name, "joins")
        g.join()
        print("  ", name, "joined")

    g = spawn(body)
    spawn(joiner, "j1")
    spawn(joiner, "j2")
    sleep(0)
    # j3 runs after g died and before g's links pass: a dead greenlet is joined at once.
    spawn(joiner, "j3")
    gevent.wait()


for part in (event_late_waiter, event_cleared_before_waiters_ran, async_result_late_waiter, event_with_timers,
             semaphore_order, join_dead_greenlet):
    print(part.__name__)
    part()
    gevent.wait()
