# Rule 1, the kinds of links: link_value / link_exception choose by outcome, rawlink runs inline in
# the hub in its turn among the others, unlink removes one, an AsyncResult can be the target, and
# links may block - on a queue, on another greenlet, on a timer. (links_kinds.cpp prints the same.)
import gevent
from gevent import sleep, spawn
from gevent.event import AsyncResult
from gevent.queue import Queue


def ok():
    print("ok runs")
    return 1


def fail():
    print("fail runs")
    raise ValueError("boom")


def show(tag):
    return lambda g: print(tag, "successful", g.successful())


a = spawn(ok)
b = spawn(fail)
for g, n in ((a, "a"), (b, "b")):
    g.link_value(show(n + " link_value"))
    g.link_exception(show(n + " link_exception"))
    g.rawlink(show(n + " rawlink"))
    g.link(show(n + " link"))
    dropped = show(n + " unlinked")
    g.link(dropped)
    g.unlink(dropped)
gevent.joinall([a, b])
print("joined both")
gevent.wait()

# An AsyncResult as the link target takes the greenlet's outcome.
r1 = AsyncResult()
r2 = AsyncResult()
spawn(lambda: 42).link(r1)
spawn(fail).link(r2)
print("r1", r1.get())
try:
    r2.get()
except ValueError as e:
    print("r2 raised", e)

# Links that block: a queue get, a join, a timer; the others go on meanwhile.
q = Queue()
late = spawn(lambda: sleep(0.1) or print("late ends"))


def on_queue(g):
    print("queue link waits")
    print("queue link got", q.get())


def on_join(g):
    print("join link waits")
    late.join()
    print("join link joined")


def on_timer(g):
    print("timer link sleeps")
    sleep(0.02)
    print("timer link woke")


c = spawn(lambda: print("c runs"))
c.link(on_queue)
c.link(on_join)
c.link(on_timer)
c.join()
print("main puts")
q.put("x")
sleep(0)
print("main slept")
gevent.wait()
print("end")
