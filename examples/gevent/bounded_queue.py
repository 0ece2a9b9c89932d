# Story 5, producer/consumer over a bounded queue, as gevent runs it
# (examples/bounded_queue.cpp must print the same).
import gevent
from gevent.queue import Empty, Queue

tasks = Queue(maxsize=3)


def worker(name):
    try:
        while True:
            task = tasks.get(timeout=1)
            print('Worker %s got task %s' % (name, task))
            gevent.sleep(0)
    except Empty:
        print('Worker %s: quitting time!' % name)


def boss():
    for i in range(1, 10):
        tasks.put(i)
        print('Boss put task %d' % i)
    print('Boss assigned all work')


gevent.joinall([
    gevent.spawn(boss),
    gevent.spawn(worker, 'steve'),
    gevent.spawn(worker, 'john'),
    gevent.spawn(worker, 'nancy'),
])

try:
    tasks.get_nowait()
except Empty:
    print('get_nowait on an empty queue: Empty')
try:
    tasks.get()
except gevent.exceptions.LoopExit:
    print('get on an empty queue with nobody to fill it: LoopExit')
