# Rule 2: a kill is not a failure and never spreads. A greenlet ended by GreenletExit (killed while
# blocked, or before it started) is successful(), its exception is None, link_value fires for it;
# reading its result - get(), value, an AsyncResult linked to it, joinall(raise_error=True),
# Group.join(raise_error=True) - never kills the reader, from main or from a greenlet.
# (kill_not_failure.cpp prints the same; where gevent hands back the GreenletExit object as the
# value, the C++ Greenlet<T> throws GreenletKilled, which it prints as "GreenletExit".)
import gevent
from gevent import GreenletExit, sleep, spawn
from gevent.event import AsyncResult
from gevent.pool import Group


def sleeper(name):
    try:
        sleep(10)
        return 1
    finally:
        print(name, "unwinds")


def describe(name, g):
    print(name, "dead", g.dead, "successful", g.successful(), "exception", g.exception)


# Killed while blocked, from main.
g = spawn(sleeper, "g")
sleep(0)
g.link_value(lambda x: print("g link_value fires"))
g.link_exception(lambda x: print("g link_exception fires"))
g.kill()
describe("g", g)
print("main get ->", type(g.get()).__name__)
print("main value ->", type(g.value).__name__)
sleep(0)

# Killed before it started: it never runs, its links still fire.
h = spawn(sleeper, "h")
h.link(lambda x: print("h link fires"))
h.kill()
describe("h", h)
print("h get ->", type(h.get()).__name__)
sleep(0)

# Read by another greenlet: the reader goes on.
def reader(target):
    print("reader gets ->", type(target.get()).__name__)
    print("reader goes on")

k = spawn(sleeper, "k")
r = spawn(reader, k)
sleep(0)
k.kill(block=False)
r.join()
describe("reader", r)

# An AsyncResult linked to a killed greenlet.
res = AsyncResult()
m = spawn(sleeper, "m")
m.link(res)
sleep(0)
m.kill()
print("result get ->", type(res.get()).__name__, "ready", res.ready())

# joinall(raise_error=True) and Group.join(raise_error=True) do not raise for a kill.
n1 = spawn(sleeper, "n1")
n2 = spawn(lambda: 2)
sleep(0)
n1.kill(block=False)
print("joinall ->", len(gevent.joinall([n1, n2], raise_error=True)))
grp = Group()
p1 = grp.spawn(sleeper, "p1")
grp.spawn(lambda: 3)
sleep(0)
p1.kill(block=False)
grp.join(raise_error=True)
print("group joined, empty", len(grp) == 0)

# A kill with another exception is a failure, like any exception.
f = spawn(sleeper, "f")
sleep(0)
f.kill(ValueError("stop"))
describe("f", f)
try:
    f.get()
except ValueError as e:
    print("f get raised", e)
print("end")
