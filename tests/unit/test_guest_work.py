"""The guest manager's bounded executor and its retry backoff."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from application.processes.guest_work import Backoff, BoundedExecutor, Retries
from tests.unit.given import at

WAIT = 30.0


class Jobs:
    """Jobs that block until released, and note when they started."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.release: dict[str, threading.Event] = {}
        self.running = threading.Condition()

    def job(self, name: str) -> object:
        self.release[name] = threading.Event()

        def run() -> None:
            with self.running:
                self.started.append(name)
                self.running.notify_all()
            assert self.release[name].wait(WAIT)

        return run

    def wait_started(self, *names: str) -> None:
        with self.running:
            assert self.running.wait_for(lambda: set(names) <= set(self.started), WAIT)


def test_at_most_per_node_jobs_run_on_a_node_and_per_cluster_on_a_cluster() -> None:
    executor, jobs = BoundedExecutor(per_cluster=3, per_node=2), Jobs()
    assert executor.submit("a", "c1", "pve1", jobs.job("a"))  # type: ignore[arg-type]
    assert executor.submit("b", "c1", "pve1", jobs.job("b"))  # type: ignore[arg-type]
    assert not executor.submit("c", "c1", "pve1", jobs.job("c"))  # type: ignore[arg-type]
    assert executor.submit("d", "c1", "pve2", jobs.job("d"))  # type: ignore[arg-type]
    assert not executor.submit("e", "c1", "pve3", jobs.job("e"))  # type: ignore[arg-type]
    assert executor.submit("f", "c2", "pve1", jobs.job("f"))  # type: ignore[arg-type]
    jobs.wait_started("a", "b", "d", "f")
    assert executor.running() == {"a", "b", "d", "f"}

    jobs.release["b"].set()  # one ends: its node has a slot again, the stuck ones hold theirs

    assert executor.wait_done("b", WAIT)
    assert executor.wait_idle(0) is False
    assert executor.submit("c", "c1", "pve1", jobs.job("c"))  # type: ignore[arg-type]
    jobs.wait_started("c")
    for name in ("a", "c", "d", "f"):
        jobs.release[name].set()
    assert executor.wait_idle(WAIT)
    assert executor.running() == frozenset()


def test_a_key_runs_one_job_at_a_time_and_a_failing_job_frees_its_slot() -> None:
    executor, jobs = BoundedExecutor(per_cluster=4, per_node=2), Jobs()
    assert executor.submit("g1", "c1", "pve1", jobs.job("g1"))  # type: ignore[arg-type]
    assert not executor.submit("g1", "c1", "pve1", jobs.job("again"))  # type: ignore[arg-type]
    jobs.release["g1"].set()

    def fail() -> None:
        raise RuntimeError("the cluster said no")

    assert executor.wait_idle(WAIT)
    assert executor.submit("g2", "c1", "pve1", fail)
    assert executor.wait_idle(WAIT)
    assert executor.running() == frozenset()


def test_bounds_below_one_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        BoundedExecutor(per_cluster=0)


def test_backoff_doubles_from_the_first_delay_up_to_its_cap() -> None:
    backoff = Backoff(first=timedelta(seconds=5), cap=timedelta(minutes=1))
    assert [backoff.delay(n).total_seconds() for n in range(7)] == [0, 5, 10, 20, 40, 60, 60]
    assert backoff.delay(10_000) == timedelta(minutes=1)


def test_retries_are_due_after_their_backoff_and_forgotten_on_success() -> None:
    retries = Retries(Backoff(first=timedelta(minutes=1), cap=timedelta(minutes=4)))
    assert retries.due("g", at(0))
    assert retries.failed("g", at(0)) == timedelta(minutes=1)
    assert not retries.due("g", at(0.5)) and retries.due("g", at(1))
    assert retries.failed("g", at(1)) == timedelta(minutes=2)
    assert not retries.due("g", at(2.5)) and retries.due("g", at(3))
    assert retries.failures("g") == 2
    retries.succeeded("g")
    assert retries.due("g", at(3)) and retries.failures("g") == 0
