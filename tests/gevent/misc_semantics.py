# More shapes, found while porting: an AsyncResult set twice, an Event set, cleared and set before its
# waiters ran, RLock waiters with and without timeouts, a greenlet killing itself, a link that spawns
# and times out, a greenlet killed while a full Pool blocks its spawn, a failure read by two.
# (misc_semantics.cpp prints the same.)
import gevent
from gevent import GreenletExit, getcurrent, sleep, spawn
from gevent.event import AsyncResult, Event
from gevent.lock import RLock, Semaphore
from gevent.pool import Pool


def result_set_twice():
    r = AsyncResult()
    spawn(lambda: print("   first getter", r.get()))
    sleep(0)
    r.set(1)
    r.set(2)
    spawn(lambda: print("   later getter", r.get()))
    gevent.wait()


def event_set_clear_set():
    ev = Event()
    def w(n):
        print("   w", n, "->", ev.wait(), ev.is_set())
    spawn(w, 1); spawn(w, 2)
    sleep(0)
    ev.set(); ev.clear(); ev.set()
    spawn(w, 3)
    gevent.wait()


def rlock_waiters():
    lock = RLock()
    def user(n, t):
        got = lock.acquire(timeout=t)
        print("   user", n, "got", bool(got))
        if got:
            sleep(0.02)
            lock.release()
    lock.acquire()
    spawn(user, 1, 0.01); spawn(user, 2, 1); spawn(user, 3, 1)
    sleep(0.05)
    print("   main releases")
    lock.release()
    gevent.wait()


def suicide():
    def me():
        try:
            getcurrent().kill(block=False)
            print("   still running")
            sleep(0)
            print("   not reached")
        except GreenletExit:
            print("   got my own kill at sleep(0)")
    spawn(me).join()


def link_spawns_and_times_out():
    def on_done(g):
        print("   link spawns")
        spawn(lambda: print("   spawned by link"))
        try:
            with gevent.Timeout(0.01):
                sleep(1)
        except gevent.Timeout:
            print("   link timed out")
    g = spawn(lambda: print("   g runs"))
    g.link(on_done)
    spawn(lambda: print("   other"))
    gevent.wait()


def killed_in_pool_spawn():
    pool = Pool(1)
    pool.spawn(sleep, 0.02)
    def spawner():
        try:
            pool.spawn(lambda: print("   never"))
        except GreenletExit:
            print("   spawner killed while the pool was full")
    s = spawn(spawner)
    sleep(0)
    s.kill()
    pool.join()
    print("   pool free", pool.free_count())


def failure_read_twice():
    def bad():
        raise ValueError("v")
    g = spawn(bad)
    def reader():
        try:
            g.get()
        except ValueError as e:
            print("   reader got ValueError", e)
    r = spawn(reader)
    g.link_exception(lambda x: print("   link_exception fired"))
    try:
        g.get()
    except ValueError:
        print("   main got ValueError")
    r.join()
    sleep(0)


for part in (result_set_twice, event_set_clear_set, rlock_waiters, suicide, link_spawns_and_times_out,
             killed_in_pool_spawn, failure_read_twice):
    print(part.__name__)
    part()
    gevent.wait()
