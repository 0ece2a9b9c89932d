# Rule 4: wake, then take. put(), release() and set() wake waiters in FIFO order through the hub;
# what a woken waiter receives is decided when it runs: a PriorityQueue hands the smallest item
# present then, a LifoQueue the newest, qsize() counts what was put and not yet taken, a greenlet
# that releases a semaphore and re-acquires it without blocking gets it back; killed waiters lose
# nothing. (wake_then_take.cpp prints the same.)
import gevent
from gevent import sleep, spawn
from gevent.lock import Semaphore
from gevent.queue import Channel, JoinableQueue, LifoQueue, PriorityQueue, Queue


def getters_of(q, n, label):
    def getter(i):
        print("  getter", i, "got", q.get())
    return [spawn(getter, i) for i in range(1, n + 1)]


def priority_burst():
    q = PriorityQueue()
    getters_of(q, 3, "p")
    sleep(0)
    for x in (5, 1, 3):
        q.put(x)
    print("  puts done, qsize", q.qsize())


def lifo_burst():
    q = LifoQueue()
    getters_of(q, 3, "l")
    sleep(0)
    for x in (5, 1, 3):
        q.put(x)
    print("  puts done, qsize", q.qsize())


def priority_worker_pool():
    # The worker-pool shape: workers loop on get(), the producer puts a burst between their turns.
    q = PriorityQueue()

    def worker(i):
        while True:
            x = q.get()
            if x == 99:  # the stop mark, sorted last
                return
            print("  worker", i, "does", x)
            sleep(0)

    workers = [spawn(worker, i) for i in (1, 2)]
    sleep(0)
    for x in (9, 4, 7, 1, 8, 2):
        q.put(x)
    sleep(0)
    for x in (6, 3):
        q.put(x)
    for _ in workers:
        q.put(99)
    gevent.joinall(workers)


def qsize_counts_untaken():
    q = Queue()
    getters_of(q, 2, "q")
    sleep(0)
    q.put("a")
    q.put("b")
    print("  qsize after two puts", q.qsize())
    sleep(0)
    print("  qsize after the getters ran", q.qsize())


def releaser_reacquires():
    sem = Semaphore(1)

    def holder():
        sem.acquire()
        print("  holder has it")
        sleep(0)
        sem.release()
        print("  holder released; re-acquires ->", sem.acquire(blocking=False))
        sleep(0)
        sem.release()
        print("  holder released; acquire() ->", sem.acquire())
        sleep(0)
        sem.release()
        print("  holder released for good")

    def waiter():
        print("  waiter waits")
        sem.acquire()
        print("  waiter has it")
        sem.release()

    gevent.joinall([spawn(holder), spawn(waiter)])
    print("  counter", sem.counter)


def killed_waiters_lose_nothing():
    q = Queue()
    g1, g2 = getters_of(q, 2, "k")
    sleep(0)
    g1.kill(block=False)
    q.put("item")
    gevent.joinall([g1, g2])
    print("  killed getter dead", g1.dead, "qsize", q.qsize())

    # The other way round: the put's wake-up is queued first, so the getter takes the item, then
    # the kill reaches it at its next blocking call.
    def getter_then_sleeps():
        item = q.get()
        print("  getter took", item)
        try:
            sleep(1)
        finally:
            print("  getter killed later, item kept")

    g = spawn(getter_then_sleeps)
    sleep(0)
    q.put("other")
    g.kill(block=False)
    g.join()
    print("  qsize", q.qsize())

    sem = Semaphore(0)

    def acquirer(i):
        with sem:
            print("  acquirer", i, "has a permit")
            sleep(0)

    a1, a2 = spawn(acquirer, 1), spawn(acquirer, 2)
    sleep(0)
    a1.kill(block=False)
    sem.release()
    gevent.joinall([a1, a2])
    print("  counter", sem.counter)

    full = Queue(1)
    full.put("in")

    def putter(x):
        full.put(x)
        print("  putter", x, "put")

    p1, p2 = spawn(putter, "p1"), spawn(putter, "p2")
    sleep(0)
    p1.kill(block=False)
    print("  got", full.get())
    p2.join()
    print("  got", full.get(), "qsize", full.qsize())


def bounded_putters_in_order():
    q = Queue(1)

    def putter(x):
        print("  putter", x, "blocks")
        q.put(x)
        print("  putter", x, "done")

    q.put(0)
    ps = [spawn(putter, x) for x in (1, 2, 3)]
    sleep(0)
    for _ in range(4):
        print("  main got", q.get())
    gevent.joinall(ps)


def channel_handoff():
    ch = Channel()

    def putter(x):
        print("  putter", x, "offers")
        ch.put(x)
        print("  putter", x, "handed over")

    def getter(i):
        print("  getter", i, "got", ch.get())

    gs = [spawn(getter, i) for i in (1, 2)] + [spawn(putter, x) for x in ("a", "b")]
    gevent.joinall(gs)
    spawn(putter, "c")
    print("  main got", ch.get())
    gevent.wait()


def getters_with_deadlines():
    q = Queue()

    def getter(name, t):
        try:
            print("  ", name, "got", q.get(timeout=t))
        except gevent.queue.Empty:
            print("  ", name, "gave up")

    def late_putter():
        sleep(0.05)  # well after short's deadline, well before long's
        q.put("late")
        print("   put late, qsize", q.qsize())
        sleep(0.05)
        q.put("later")

    for name, t in (("short", 0.01), ("long", 0.2), ("longer", 1)):
        spawn(getter, name, t)
    spawn(late_putter)
    gevent.wait()


def joinable_queue():
    q = JoinableQueue()

    def worker(i):
        while True:
            x = q.get()
            print("  worker", i, "task", x)
            sleep(0)
            q.task_done()

    ws = [spawn(worker, i) for i in (1, 2)]
    for x in range(5):
        q.put(x)
    q.join()
    print("  all tasks done, unfinished", q.unfinished_tasks)
    gevent.killall(ws)


for part in (priority_burst, lifo_burst, priority_worker_pool, qsize_counts_untaken, releaser_reacquires,
             killed_waiters_lose_nothing, bounded_putters_in_order, channel_handoff, getters_with_deadlines,
             joinable_queue):
    print(part.__name__)
    part()
    gevent.wait()
