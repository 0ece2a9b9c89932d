# Group and Pool as a porting user meets them: spawn (a full Pool blocks), join, kill, killone,
# map, imap (ordered), imap_unordered, apply, apply_async (with a callback), map_async,
# wait_available, free_count. (api_pool.cpp prints the same.)
import gevent
from gevent import sleep, spawn
from gevent.pool import Group, Pool


def slow_square(x):
    sleep(0.03 * (4 - x))  # later items finish first
    print("   square", x)
    return x * x


def pool_bounds():
    pool = Pool(2)

    def job(n):
        print("   job", n, "starts, free", pool.free_count())
        sleep(0.03 * n)
        print("   job", n, "ends")

    for n in (1, 2, 3):
        print("   spawning", n, "full", pool.full())
        pool.spawn(job, n)
    print("   all spawned")
    pool.join()
    print("   joined, free", pool.free_count())


def group_kill():
    group = Group()
    unwound = []

    def sleeper(n):
        try:
            sleep(1)
        finally:
            unwound.append(n)

    gs = [group.spawn(sleeper, n) for n in (1, 2, 3)]
    sleep(0)
    group.killone(gs[1])
    print("   killone done, size", len(group), "unwound", unwound)
    group.kill()  # gevent kills in set order; the C++ in spawn order: only the outcome is compared
    print("   kill done, size", len(group), "unwound", sorted(unwound))


def maps():
    pool = Pool(3)
    print("   map ->", pool.map(slow_square, [1, 2, 3]))
    print("   imap ->", list(pool.imap(slow_square, [1, 2, 3])))
    print("   imap_unordered ->", list(pool.imap_unordered(slow_square, [1, 2, 3])))


def applies():
    pool = Pool(2)
    print("   apply ->", pool.apply(slow_square, (2,)))
    g = pool.apply_async(slow_square, (3,), callback=lambda v: print("   callback got", v))
    print("   apply_async returned, ready", g.ready())
    g.join()
    print("   apply_async value", g.value)
    m = pool.map_async(slow_square, [1, 2])
    print("   map_async returned, ready", m.ready())
    print("   map_async ->", m.get())
    gevent.wait()


def wait_available():
    pool = Pool(1)
    pool.spawn(sleep, 0.05)
    print("   wait_available(timeout=0.01) ->", pool.wait_available(timeout=0.01))
    print("   wait_available() ->", pool.wait_available())


for part in (pool_bounds, group_kill, maps, applies, wait_available):
    print(part.__name__)
    part()
    gevent.wait()
