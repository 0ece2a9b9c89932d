# Timeouts as a porting user meets them: `with Timeout(s)`, the silent `with Timeout(s, False)`,
# Timeout(s) made first and start()ed later, cancel(), a Timeout raising another exception, nested
# timeouts, with_timeout with and without timeout_value, Timeout around a blocking get, and the
# operation timeouts of get(timeout=) (gevent's Timeout; pinfiber's TimeoutError).
# (api_timeout.cpp prints the same.)
import gevent
from gevent import Timeout, sleep, spawn, with_timeout
from gevent.event import AsyncResult
from gevent.queue import Queue


class Late(Exception):
    pass


def scoped():
    try:
        with Timeout(0.01):
            sleep(1)
        print("   not reached")
    except Timeout:
        print("   Timeout raised")
    with Timeout(0.01, False):
        sleep(1)
        print("   not reached")
    print("   silent timeout: the block just ended")
    with Timeout(0.05, False):
        sleep(0.01)
        print("   finished in time")


def unstarted():
    t = Timeout(0.02)
    sleep(0.03)
    print("   not started: nothing happened; pending", t.pending)
    t.start()
    print("   started; pending", t.pending)
    try:
        sleep(1)
    except Timeout as e:
        print("   raised, is ours", e is t)
    t.cancel()
    t2 = Timeout.start_new(0.01)
    t2.cancel()
    sleep(0.02)
    print("   cancelled: nothing raised")


def other_exception():
    try:
        with Timeout(0.01, Late("too late")):
            sleep(1)
    except Late as e:
        print("   raised", e)


def nested():
    try:
        with Timeout(0.05) as outer:
            try:
                with Timeout(0.01):
                    sleep(1)
            except Timeout as inner:
                print("   inner fired, is outer", inner is outer)
            sleep(1)
    except Timeout as e:
        print("   outer fired, is outer", e is outer)


def with_timeouts():
    print("   with_timeout ->", with_timeout(0.05, lambda: sleep(0.01) or "done"))
    print("   with_timeout(timeout_value) ->", with_timeout(0.01, lambda: sleep(1) or "done", timeout_value="fallback"))
    try:
        with_timeout(0.01, sleep, 1)
    except Timeout:
        print("   with_timeout raised Timeout")


def operation_timeouts():
    q = Queue()
    r = AsyncResult()
    g = spawn(sleep, 1)
    try:
        r.get(timeout=0.01)
    except Timeout:
        print("   AsyncResult.get(timeout) -> Timeout")
    try:
        g.get(timeout=0.01)
    except Timeout:
        print("   Greenlet.get(timeout) -> Timeout")
    try:
        q.get(timeout=0.01)
    except gevent.queue.Empty:
        print("   Queue.get(timeout) -> Empty")
    g.kill()
    try:
        with Timeout(0.01):
            q.get()
    except Timeout:
        print("   Timeout around Queue.get -> Timeout")


for part in (scoped, unstarted, other_exception, nested, with_timeouts, operation_timeouts):
    print(part.__name__)
    part()
    gevent.wait()
