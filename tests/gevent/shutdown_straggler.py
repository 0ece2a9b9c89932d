# Rule 7: shutdown never hangs. On SIGTERM the handler kills every greenlet and then main; a polite
# greenlet unwinds, a stubborn one swallows GreenletExit and keeps running - and the process still
# ends, main's own cleanup included. (shutdown_straggler.cpp prints the same through
# pinfiber::shutdown(); its stderr must also name the straggler, which the ctest checks, and both
# sides run under a bounded wait.)
import os
import signal

import gevent
from gevent import GreenletExit, sleep, spawn

swallowed = []


def stubborn():
    while True:
        try:
            sleep(1)
        except GreenletExit:
            if not swallowed:
                print("stubborn swallows GreenletExit and goes on")
            swallowed.append(1)


def polite():
    try:
        sleep(10)
    finally:
        print("polite unwinds")


s = spawn(stubborn)
p = spawn(polite)
sleep(0)
main = gevent.getcurrent()


def on_term():
    print("SIGTERM: kill the others, then main")
    gevent.killall([s, p], block=False)
    gevent.kill(main)


gevent.signal_handler(signal.SIGTERM, on_term)
os.kill(os.getpid(), signal.SIGTERM)
try:
    sleep(100)
except GreenletExit:
    print("main got GreenletExit")
print("main returns")
