# The waiting API a porting user reaches for: joinall(timeout, count), wait(objects, timeout, count),
# iwait(objects, timeout, count) over greenlets, Events and AsyncResults, wait() with no objects,
# idle(). (api_waiting.cpp prints the same.)
import gevent
from gevent import sleep, spawn
from gevent.event import AsyncResult, Event


def napper(name, t):
    sleep(t)
    print("  ", name, "wakes")
    return name


def joinall_count():
    gs = [spawn(napper, "n3", 0.15), spawn(napper, "n1", 0.03), spawn(napper, "n2", 0.06)]
    done = gevent.joinall(gs, count=2)
    print("   joinall(count=2) ->", [g.value for g in done])
    done = gevent.joinall(gs, timeout=0.01)
    print("   joinall(timeout) ->", [g.value for g in done])
    done = gevent.joinall(gs)
    print("   joinall() ->", [g.value for g in done])


def wait_mixed():
    ev = Event()
    r = AsyncResult()
    g = spawn(napper, "g", 0.06)
    spawn(lambda: sleep(0.01) or ev.set())
    spawn(lambda: sleep(0.1) or r.set("r"))
    objs = [g, ev, r]
    names = {id(g): "g", id(ev): "ev", id(r): "r"}
    print("   wait(count=1) ->", [names[id(o)] for o in gevent.wait(objs, count=1)])
    print("   wait(timeout=0.01) ->", [names[id(o)] for o in gevent.wait(objs, timeout=0.01)])
    print("   wait() ->", [names[id(o)] for o in gevent.wait(objs)])


def iwait_in_order():
    gs = [spawn(napper, "i3", 0.09), spawn(napper, "i1", 0.03), spawn(napper, "i2", 0.06)]
    for g in gevent.iwait(gs):
        print("   iwait yields", g.value)
    late = [spawn(napper, "late", 0.15), spawn(napper, "soon", 0.03)]
    for g in gevent.iwait(late, timeout=0.08):
        print("   iwait(timeout) yields", g.value)
    print("   iwait(timeout) ended")
    for g in gevent.iwait(late, count=1):
        print("   iwait(count=1) yields", g.value)


def iwait_ready_already():
    done = [spawn(napper, "d1", 0), spawn(napper, "d2", 0)]
    gevent.joinall(done)
    spawn(lambda: print("   ready greenlet runs first"))
    for g in gevent.iwait(done):
        print("   iwait yields", g.value)


def wait_everything():
    spawn(napper, "w1", 0.06)
    spawn(napper, "w2", 0.03)
    print("   wait() with no objects ->", gevent.wait())


def idle_waits_for_the_rest():
    def worker(name):
        for i in range(2):
            print("  ", name, "step", i)
            sleep(0)

    spawn(worker, "a")
    spawn(worker, "b")
    gevent.idle()
    print("   idle returned")


for part in (joinall_count, wait_mixed, iwait_in_order, iwait_ready_already, wait_everything,
             idle_waits_for_the_rest):
    print(part.__name__)
    part()
    gevent.wait()
