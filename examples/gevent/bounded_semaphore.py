# Story 5, BoundedSemaphore(2) with six workers, as gevent runs it
# (examples/bounded_semaphore.cpp must print the same).
from gevent import sleep
from gevent.lock import BoundedSemaphore
from gevent.pool import Pool

sem = BoundedSemaphore(2)


def worker1(n):
    sem.acquire()
    print('Worker %i acquired semaphore' % n)
    sleep(0)
    sem.release()
    print('Worker %i released semaphore' % n)


def worker2(n):
    with sem:
        print('Worker %i acquired semaphore' % n)
        sleep(0)
    print('Worker %i released semaphore' % n)


pool = Pool()
pool.map(worker1, range(0, 3))
pool.map(worker2, range(3, 6))
