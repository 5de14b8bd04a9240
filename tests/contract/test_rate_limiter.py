"""The RateLimiter contract, run against the in-process counters and the Redis ones."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest

from adapters.auth import InProcessRateLimiter, RedisRateLimiter
from application.errors import UnavailableError
from application.ports import RateLimiter


class Time:
    """A hand-moved clock for the limiters (seconds since the epoch)."""

    def __init__(self) -> None:
        self.now = 1_699_999_990.0  # 10 s into a minute window

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def time() -> Time:
    return Time()


@pytest.fixture(params=["in-process", pytest.param("redis", marks=pytest.mark.redis)])
def limiter(request: pytest.FixtureRequest, time: Time) -> Iterator[RateLimiter]:
    if request.param == "in-process":
        yield InProcessRateLimiter(time)
        return
    url: str = request.getfixturevalue("redis_url")
    redis_limiter = RedisRateLimiter(url, f"containr-test:{uuid.uuid4().hex}", time)
    yield redis_limiter
    redis_limiter.close()


def test_attempts_within_the_limit_go_ahead_and_the_next_is_told_when_to_retry(
    limiter: RateLimiter, time: Time
) -> None:
    assert [limiter.attempt("login:client:a", 3, 60) for _ in range(3)] == [0, 0, 0]
    time.now += 10
    assert limiter.attempt("login:client:a", 3, 60) == 50
    assert limiter.attempt("login:client:a", 3, 60) == 50


def test_keys_and_window_lengths_count_apart(limiter: RateLimiter) -> None:
    assert limiter.attempt("a", 1, 60) == 0
    assert limiter.attempt("a", 1, 60) > 0
    assert limiter.attempt("b", 1, 60) == 0
    assert limiter.attempt("a", 1, 600) == 0


def test_an_attempt_goes_ahead_once_the_oldest_counted_one_is_a_window_old(
    limiter: RateLimiter, time: Time
) -> None:
    assert limiter.attempt("k", 2, 60) == 0
    time.now += 30
    assert limiter.attempt("k", 2, 60) == 0
    time.now += 29.5
    assert limiter.attempt("k", 2, 60) == 1  # half a second left, rounded up
    time.now += 0.5
    assert limiter.attempt("k", 2, 60) == 0  # the first left the window
    assert limiter.attempt("k", 2, 60) == 30  # the second is still in it


def test_a_burst_across_a_minute_boundary_gets_no_more_than_the_limit(
    limiter: RateLimiter, time: Time
) -> None:
    """Fixed windows let 2 x limit through around a boundary (the defect this rule ends)."""
    time.now = 1_700_000_039.0  # one second before a minute boundary
    assert [limiter.attempt("burst", 3, 60) for _ in range(3)] == [0, 0, 0]
    time.now += 2  # one second after it
    assert [limiter.attempt("burst", 3, 60) for _ in range(3)] == [58, 58, 58]


def test_refused_attempts_do_not_count(limiter: RateLimiter, time: Time) -> None:
    assert limiter.attempt("k", 1, 60) == 0
    for _ in range(50):
        time.now += 1
        limiter.attempt("k", 1, 60)
    time.now += 10
    assert limiter.attempt("k", 1, 60) == 0


def test_concurrent_attempts_never_let_more_than_the_limit_through(limiter: RateLimiter) -> None:
    allowed: list[int] = []
    lock = threading.Lock()

    def hit() -> None:
        for _ in range(10):
            if limiter.attempt("storm", 25, 60) == 0:
                with lock:
                    allowed.append(1)

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(allowed) == 25


def test_a_redis_that_does_not_answer_is_a_coded_unavailable_at_once(time: Time) -> None:
    """No hang and no INTERNAL: nothing listens on the port the limiter is given."""
    import socket  # noqa: PLC0415

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{port}/0", "containr-test:away", time)
    try:
        with pytest.raises(UnavailableError, match="Redis"):
            limiter.attempt("login:client:a", 3, 60)
    finally:
        limiter.close()
