# Story 5, Event and AsyncResult, as gevent runs it (examples/event_and_async_result.cpp must print the same).
import gevent
from gevent.event import AsyncResult, Event

evt = Event()


def setter():
    print('A: Hey wait for me, I have to do something')
    gevent.sleep(3)
    print("Ok, I'm done")
    evt.set()


def waiter(n):
    print("waiter %d: I'll wait for you" % n)
    evt.wait()
    print("waiter %d: It's about time" % n)


gevent.joinall([gevent.spawn(setter)] + [gevent.spawn(waiter, n) for n in range(1, 6)])

a = AsyncResult()


def async_setter():
    gevent.sleep(3)
    a.set('Hello!')


def async_waiter(n):
    print('getter %d: %s' % (n, a.get()))


gevent.joinall([gevent.spawn(async_setter), gevent.spawn(async_waiter, 1), gevent.spawn(async_waiter, 2)])
