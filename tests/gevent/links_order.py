# Rule 1: links run after the greenlet finished, from the hub, in the order they were added, each in
# a greenlet of its own (so each may block); a link added to a finished greenlet runs after link()
# returned. (links_order.cpp must print the same.)
import gevent
from gevent import sleep, spawn


def work(name):
    print(name, "runs")
    return name


def other(n):
    print("other", n)
    sleep(0)
    print("other", n, "again")


def cb(tag):
    def link(g):
        print("link", tag, "of", g.value, "starts")
        sleep(0)
        print("link", tag, "ends")
    return link


# From main: the links of a finished greenlet run behind the greenlets already ready.
a = spawn(work, "a")
o1 = spawn(other, 1)
a.link(cb(1))
a.link(cb(2))
o2 = spawn(other, 2)
print("main joins a")
a.join()
print("main joined a")
sleep(0)
print("main slept")
gevent.wait()

# A link added to a finished greenlet runs after link() returned, not inside it.
a.link(cb(3))
print("link returned")
sleep(0)
print("main slept once")
gevent.wait()
print("all done")

# From a greenlet: it links to another one, which finishes while the linker goes on.
def linker(target):
    target.link(cb(4))
    print("linker linked")
    sleep(0)
    print("linker slept")
    target.link(cb(5))
    print("linker linked again")

b = spawn(work, "b")
spawn(linker, b)
gevent.wait()
print("end")
