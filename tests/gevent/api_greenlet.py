# Greenlet as a porting user meets it: Greenlet(f, *args) then start() / start_later(), spawn_later,
# the state flags, names, getcurrent, unlink and rawlink, a kill before a delayed start.
# (api_greenlet.cpp prints the same.)
import gevent
from gevent import Greenlet, getcurrent, sleep, spawn, spawn_later


def hello(who):
    print("   hello", who)
    return who


def states(name, g):
    # (gevent's started is bool(g), false again once it finished: asked only before that.)
    started = ("started", bool(g.started)) if not g.ready() else ()
    print("  ", name, *started, "ready", g.ready(), "dead", g.dead, "successful", g.successful())


def unstarted_then_started():
    g = Greenlet(hello, "unstarted")
    states("made", g)
    sleep(0)
    print("   nothing ran")
    g.start()
    states("started", g)
    g.join()
    states("joined", g)


def start_later_and_spawn_later():
    g = Greenlet(hello, "later")
    g.start_later(0.06)
    s = spawn_later(0.03, hello, "sooner")
    states("delayed", g)
    gevent.joinall([g, s])
    k = spawn_later(0.01, hello, "never")
    k.kill()
    states("killed before its start", k)
    sleep(0.02)
    print("   after its start time")


def current_and_names():
    print("   main is main:", getcurrent() is gevent.get_hub().parent)

    def who():
        print("   inside, getcurrent is g:", getcurrent() is g)

    g = spawn(who)
    g.join()


def unlink_and_rawlink():
    g = spawn(hello, "linked")

    def a(x):
        print("   link a")

    def b(x):
        print("   link b")

    def raw(x):
        print("   rawlink")

    g.link(a)
    g.rawlink(raw)
    g.link(b)
    g.unlink(a)
    g.join()
    sleep(0)


for part in (unstarted_then_started, start_later_and_spawn_later, current_and_names, unlink_and_rawlink):
    print(part.__name__)
    part()
    gevent.wait()
