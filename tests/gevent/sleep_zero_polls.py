# sleep(0) passes through the hub's loop: with nothing else ready it still polls I/O and runs due
# timers, so a loop that polls a flag with sleep(0) - or an event with wait(0) - sees what a timer
# or a ready fd sets. Each shape from main and from a greenlet. (sleep_zero_polls.cpp prints the same.)
import os

import gevent
from gevent import sleep, spawn, spawn_later
from gevent.event import Event
from gevent.os import nb_read


def timer_flag():
    fired = []
    spawn_later(0.01, fired.append, 1)
    while not fired:
        sleep(0)
    print("  the timer's greenlet set the flag")


def timer_event():
    ev = Event()
    spawn_later(0.01, ev.set)
    while not ev.wait(0):
        pass
    print("  wait(0) saw the event the timer's greenlet set")


def ready_fd():
    r, w = os.pipe()
    os.set_blocking(r, False)
    got = []

    def reader():
        got.append(nb_read(r, 16))

    spawn(reader)
    sleep(0)  # the reader is waiting for the pipe now
    os.write(w, b"ping")
    while not got:
        sleep(0)
    print("  the reader got", got[0].decode())
    os.close(r)
    os.close(w)


def order():
    # A greenlet that keeps yielding and one a timer starts: the timer's runs while the other loops.
    seen = []

    def looper():
        while not seen:
            sleep(0)
        print("  looper saw", seen[0])

    g = spawn(looper)
    spawn_later(0.01, seen.append, "the timer")
    g.join()


for name, part in [("timer flag", timer_flag), ("timer event", timer_event), ("ready fd", ready_fd),
                   ("looping greenlet", order)]:
    print(name, "from main:")
    part()
    print(name, "from a greenlet:")
    spawn(part).join()
print("done")
