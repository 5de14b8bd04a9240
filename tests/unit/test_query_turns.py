"""Plain GraphQL queries compute in turns: at most two at once, the others in order, and none
waits longer than its patience for a turn that a slow query holds."""

from __future__ import annotations

import threading

from interfaces.http.graphql_http import Turns


def test_no_more_than_the_slots_compute_at_once() -> None:
    turns = Turns(2, patience=30.0)
    changed = threading.Condition()
    inside, most, done = 0, 0, 0
    release = threading.Event()

    def query() -> None:
        nonlocal inside, most, done
        with turns.turn():
            with changed:
                inside += 1
                most = max(most, inside)
                changed.notify_all()
            release.wait(timeout=30)
            with changed:
                inside -= 1
        with changed:
            done += 1
            changed.notify_all()

    threads = [threading.Thread(target=query) for _ in range(4)]
    for thread in threads:
        thread.start()
    with changed:
        assert changed.wait_for(lambda: inside == 2, timeout=30)
        assert not changed.wait_for(lambda: inside > 2, timeout=0.3)  # the others wait
    release.set()
    with changed:
        assert changed.wait_for(lambda: done == 4, timeout=30)
    for thread in threads:
        thread.join()
    assert most == 2


def test_a_query_waits_no_longer_than_its_patience_for_a_held_turn() -> None:
    turns = Turns(1, patience=0.05)
    held, release, went = threading.Event(), threading.Event(), threading.Event()

    def slow() -> None:  # holds the only turn while it waits on something outside
        with turns.turn():
            held.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=slow)
    holder.start()
    assert held.wait(timeout=30)

    def query() -> None:
        with turns.turn():
            went.set()

    waiter = threading.Thread(target=query)
    waiter.start()
    assert went.wait(timeout=30)  # went while the turn was still held
    assert not release.is_set()
    release.set()
    holder.join()
    waiter.join()
    # The waiter gave back no turn it never took: there is one turn again, not two.
    with turns.turn():
        assert not turns._free.acquire(timeout=0)
