#!/usr/bin/python3
"""The core benchmarks on gevent (Debian's python3-gevent), for the README's comparison table:
a sleep(0) round trip between two greenlets, spawn+join of an empty greenlet, and resident memory
per parked greenlet."""
import os
import sys
import time

import gevent


def per_op_ns(fn, n):
    t0 = time.perf_counter()
    fn(n)
    return (time.perf_counter() - t0) * 1e9 / n


def round_trips(n):
    stop = [False]

    def partner():
        while not stop[0]:
            gevent.sleep(0)

    g = gevent.spawn(partner)
    gevent.sleep(0)
    for _ in range(n):
        gevent.sleep(0)
    stop[0] = True
    g.join()


def spawn_join(n):
    for _ in range(n):
        gevent.spawn(lambda: None).join()


def resident_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024


def parked_kib(count):
    before = resident_kib()
    gs = [gevent.spawn(gevent.sleep, 3600) for _ in range(count)]
    gevent.sleep(0)
    after = resident_kib()
    gevent.killall(gs)
    return (after - before) / count


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    print("gevent %s round trip (sleep(0) there and back): %.0f ns" % (gevent.__version__, per_op_ns(round_trips, 200000)))
    print("gevent spawn+join of an empty greenlet: %.0f ns" % per_op_ns(spawn_join, 100000))
    print("gevent %d parked: %.2f KiB resident each" % (count, parked_kib(count)))


if __name__ == "__main__":
    main()
