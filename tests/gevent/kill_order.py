# Rule 6: kills arrive in gevent's order. A kill is queued behind what is already scheduled: a victim
# already due to resume (from its own sleep(0), or woken by a set() queued before the kill) resumes
# first and gets GreenletExit at its next blocking call; one killed first gets it where it blocks.
# kill(block=True) returns once the victim ran to its end or next blocking point, before the victim's
# links; killall kills in the order given. From main and from greenlets, with timers.
# (kill_order.cpp prints the same.)
import gevent
from gevent import GreenletExit, sleep, spawn
from gevent.event import Event


def stepper(name, steps=5):
    try:
        for i in range(steps):
            print("  ", name, "step", i)
            sleep(0)
    except GreenletExit:
        print("  ", name, "killed")


def victim_due_to_resume():
    v = spawn(stepper, "v")
    sleep(0)  # v: step 0, then its sleep(0) puts it back in the queue, behind main
    v.kill(block=False)
    print("   kill queued")
    v.join()
    print("   joined")


def victim_woken_by_event():
    ev = Event()

    def wait_then_sleep(name):
        try:
            ev.wait()
            print("  ", name, "woke")
            sleep(0)
            print("  ", name, "slept")
        except GreenletExit:
            print("  ", name, "killed")

    a = spawn(wait_then_sleep, "a")
    sleep(0)
    ev.set()        # a's wake-up is queued first ...
    a.kill(block=False)  # ... then the kill: a wakes, then dies at its sleep(0)
    b = spawn(wait_then_sleep, "b")
    ev.clear()
    sleep(0)
    b.kill(block=False)  # the kill is queued first ...
    ev.set()        # ... then the wake-up: b dies in its wait
    gevent.joinall([a, b])


def blocking_kill_returns_before_links():
    ev = Event()

    def polite():
        try:
            sleep(1)
        except GreenletExit:
            print("   polite unwinds, sets the event")
            ev.set()

    def listener():
        ev.wait()
        print("   listener woke")

    p = spawn(polite)
    p.link(lambda g: print("   polite's link"))
    spawn(listener)
    sleep(0)
    p.kill()
    print("   kill returned, dead", p.dead)
    gevent.wait()


def kill_from_a_greenlet():
    v = spawn(stepper, "v", 3)

    def killer():
        print("   killer kills")
        v.kill()
        print("   killer: kill returned, dead", v.dead)

    spawn(killer)
    gevent.wait()


def stubborn_victim():
    def stubborn():
        try:
            sleep(1)
        except GreenletExit:
            print("   stubborn caught it, finishes later")
        sleep(0.05)
        print("   stubborn finishes")

    s = spawn(stubborn)
    sleep(0)
    s.kill(timeout=0.01)
    print("   kill(timeout) returned, dead", s.dead)
    s.kill()
    print("   second kill returned, dead", s.dead)


def killall_in_order():
    gs = [spawn(stepper, n) for n in ("k1", "k2", "k3")]
    sleep(0)
    spawn(lambda: print("   already scheduled runs"))
    gevent.killall(gs)
    print("   killall returned, all dead", all(g.dead for g in gs))


def killall_other_exception():
    def sleeper(name):
        try:
            sleep(1)
        except ValueError as e:
            print("  ", name, "got", e)
            raise

    gs = [spawn(sleeper, n) for n in ("e1", "e2")]
    sleep(0)
    gevent.killall(gs, exception=ValueError("go"))
    print("   successful", [g.successful() for g in gs])


def timer_victim():
    def sleepy():
        try:
            sleep(0.2)
            print("   sleepy woke")
        except GreenletExit:
            print("   sleepy killed in its sleep")

    s = spawn(sleepy)
    sleep(0.01)
    s.kill()
    print("   killed before its timer")


for part in (victim_due_to_resume, victim_woken_by_event, blocking_kill_returns_before_links, kill_from_a_greenlet,
             stubborn_victim, killall_in_order, killall_other_exception, timer_victim):
    print(part.__name__)
    part()
    gevent.wait()
