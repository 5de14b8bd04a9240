"""Read positions: the waiter that knows how far the read models are, the response cache that
never serves an answer older than a position a caller must see, and the header that asks."""

from __future__ import annotations

import multiprocessing
import threading
import uuid

import pytest

from adapters.changefeed import InProcessChangeFeed
from application.authz import Principal
from application.changes import Change, ChangeBatch, PositionWaiter
from application.settings import Settings, SettingsError
from interfaces.graphql.cache import ResponseCache
from interfaces.http.positions import (
    BadPositionError,
    CaughtUp,
    ReadYourWrites,
    SharedArray,
    SharedPositions,
    parse_after,
)


def notice(model: str, position: int) -> ChangeBatch:
    return ChangeBatch(model, position, [])


class TrackingTable:
    """Stands for the read models' tracking rows, as ``read_positions`` reads them."""

    def __init__(self, **positions: int) -> None:
        self.positions = positions
        self.reads = 0
        self.down = False

    def __call__(self) -> dict[str, int]:
        self.reads += 1
        if self.down:
            raise ConnectionError("the database is away")
        return dict(self.positions)


def test_a_waiter_wakes_when_a_notice_reports_the_position() -> None:
    feed = InProcessChangeFeed()
    table = TrackingTable(dashboard=0)
    waiter = PositionWaiter(feed, table)
    waiter.wait(0, ["dashboard"], timeout=1)  # learns the table once
    results: list[bool] = []
    waiting = threading.Thread(target=lambda: results.append(waiter.wait(7, ["dashboard"], 30)))
    waiting.start()
    feed.publish(notice("dashboard", 7))
    waiting.join(timeout=30)
    assert results == [True]


def test_a_waiter_reads_the_tracking_table_when_no_notice_comes() -> None:
    waiter = PositionWaiter(InProcessChangeFeed(), TrackingTable(dashboard=12, history=12))
    assert waiter.wait(12, ["dashboard", "history"], timeout=30)
    assert waiter.reached(["dashboard", "history"]) == 12


def test_a_waiter_says_no_when_the_position_is_not_reached_in_time() -> None:
    waiter = PositionWaiter(InProcessChangeFeed(), TrackingTable(dashboard=3))
    assert not waiter.wait(10, ["dashboard"], timeout=0.1)
    assert waiter.reached(["dashboard"]) == 3


def test_a_waiter_keeps_waiting_on_notices_when_the_tracking_table_cannot_be_read() -> None:
    feed = InProcessChangeFeed()
    table = TrackingTable()
    table.down = True
    waiter = PositionWaiter(feed, table)
    assert not waiter.wait(5, ["dashboard"], timeout=0.1)
    assert table.reads >= 1
    feed.publish(notice("dashboard", 5))
    assert waiter.wait(5, ["dashboard"], timeout=0)


def test_what_a_waiter_has_reached_is_the_lowest_of_the_models() -> None:
    feed = InProcessChangeFeed()
    waiter = PositionWaiter(feed, TrackingTable())
    feed.publish(notice("dashboard", 9))
    feed.publish(notice("history", 4))
    feed.publish(notice("history", 2))  # a late notice never moves a model back
    assert waiter.reached(["dashboard", "history"]) == 4
    assert waiter.reached(["dashboard", "history", "analytics"]) == 0


def test_an_answer_computed_before_a_position_is_never_served_to_a_request_that_must_see_it() -> (
    None
):
    cache = ResponseCache(InProcessChangeFeed())
    key = cache.key("user", "{ project { name } }", None, b"{}")
    assert cache.put(key, b"old", {("project", "p")}, cache.epoch(), position=40)
    assert cache.get(key) == b"old"
    assert cache.get(key, at_least=40) == b"old"
    # The change notice for position 41 has not reached this process yet.
    assert cache.get(key, at_least=41) is None
    assert cache.put(key, b"new", {("project", "p")}, cache.epoch(), position=41)
    assert cache.get(key, at_least=41) == b"new"


def test_a_cached_answer_is_not_replaced_by_one_computed_at_an_earlier_position() -> None:
    cache = ResponseCache(InProcessChangeFeed())
    key = cache.key("user", "{ project { name } }", None, b"{}")
    cache.put(key, b"new", {("project", "p")}, cache.epoch(), position=50)
    assert not cache.put(key, b"old", {("project", "p")}, cache.epoch(), position=45)
    assert cache.get(key, at_least=50) == b"new"


def test_replacing_an_answer_forgets_what_the_old_one_depended_on() -> None:
    feed = InProcessChangeFeed()
    cache = ResponseCache(feed)
    key = cache.key("user", "{ viewer { id } }", None, b"{}")
    cache.put(key, b"first", {("project", "old")}, cache.epoch(), position=1)
    cache.put(key, b"second", {("project", "new")}, cache.epoch(), position=2)
    feed.publish(ChangeBatch("dashboard", 4, [Change("project", "old", 4)]))
    assert cache.get(key) == b"second"


def test_a_request_waits_for_the_position_it_asks_for() -> None:
    feed = InProcessChangeFeed()
    table = TrackingTable(dashboard=10)
    ryw = ReadYourWrites(PositionWaiter(feed, table), lambda: 10, 30, models=["dashboard"])
    assert ryw.catch_up(10) == CaughtUp(10)
    assert ryw.catch_up(0) == CaughtUp(10)


def test_a_position_past_the_head_of_the_log_is_waited_for_only_up_to_the_head() -> None:
    ryw = ReadYourWrites(
        PositionWaiter(InProcessChangeFeed(), TrackingTable(dashboard=10)),
        lambda: 10,
        30,
        models=["dashboard"],
    )
    assert ryw.catch_up(10**12) == CaughtUp(10)


def test_once_a_wait_ran_out_with_no_progress_requests_are_answered_stale_without_waiting() -> None:
    table = TrackingTable(dashboard=3)
    ryw = ReadYourWrites(
        PositionWaiter(InProcessChangeFeed(), table), lambda: 10, 0.2, models=["dashboard"]
    )
    assert ryw.catch_up(10) == CaughtUp(3, stale=True)  # a whole wait: several reads
    before = table.reads
    assert ryw.catch_up(10) == CaughtUp(3, stale=True)
    assert table.reads == before + 1  # one look, no wait
    table.positions["dashboard"] = 10  # the runner is back
    assert ryw.catch_up(10) == CaughtUp(10)


def test_a_process_remembers_the_position_it_gave_each_user() -> None:
    ryw = ReadYourWrites(
        PositionWaiter(InProcessChangeFeed(), TrackingTable()), lambda: 0, 0, remembered=2
    )
    alice, bob, carol = (Principal(user_id=uuid.uuid4()) for _ in range(3))
    ryw.wrote(alice, 7)
    ryw.wrote(alice, 5)  # a slower request of hers finished later
    assert ryw.after(alice, 0) == 7
    assert ryw.after(alice, 9) == 9
    assert ryw.after(bob, 0) == 0
    ryw.wrote(bob, 8)
    ryw.wrote(carol, 9)  # only the most recent writers are remembered
    assert (ryw.after(alice, 0), ryw.after(bob, 0), ryw.after(carol, 0)) == (0, 8, 9)
    assert ryw.after(None, 4) == 4


def _write_in_another_process(array: SharedArray, user: uuid.UUID, position: int) -> None:
    SharedPositions(array).raise_to(user, position)


def test_api_processes_sharing_positions_remember_each_users_last_write_together() -> None:
    shared = SharedPositions()
    ryw = ReadYourWrites(
        PositionWaiter(InProcessChangeFeed(), TrackingTable()), lambda: 0, 0, shared=shared
    )
    alice, bob = (Principal(user_id=uuid.uuid4()) for _ in range(2))
    writer = multiprocessing.get_context("spawn").Process(
        target=_write_in_another_process, args=(shared.array, alice.user_id, 7)
    )
    writer.start()
    writer.join(timeout=60)
    assert writer.exitcode == 0
    assert ryw.after(alice, 0) == 7  # written by the other process
    ryw.wrote(alice, 5)  # a slower request of hers finished later
    assert ryw.after(alice, 0) == 7
    assert ryw.after(alice, 9) == 9
    assert ryw.after(bob, 0) == 0
    assert ryw.after(None, 4) == 4


def test_users_sharing_a_slot_each_read_at_the_higher_of_their_positions() -> None:
    shared = SharedPositions()
    alice = uuid.UUID(int=5)
    bob = uuid.UUID(int=5 + SharedPositions.SLOTS)  # the same slot as alice's
    shared.raise_to(alice, 12)
    shared.raise_to(bob, 8)
    assert (shared.last(alice), shared.last(bob)) == (12, 12)  # bob waits longer, never less


@pytest.mark.parametrize(("header", "position"), [(None, 0), ("", 0), ("0", 0), (" 42 ", 42)])
def test_x_containr_after_is_a_log_position(header: str | None, position: int) -> None:
    assert parse_after(header) == position


@pytest.mark.parametrize("header", ["-1", "1.5", "abc", "1e9", "٣", "9" * 19])
def test_x_containr_after_that_is_not_a_log_position_is_refused(header: str) -> None:
    with pytest.raises(BadPositionError, match="X-Containr-After"):
        parse_after(header)


def test_the_read_wait_is_a_setting() -> None:
    assert Settings().read_wait_ms == 3000
    assert Settings.from_env({"CONTAINR_READ_WAIT_MS": "250"}).read_wait_ms == 250
    with pytest.raises(SettingsError, match="CONTAINR_READ_WAIT_MS"):
        Settings.from_env({"CONTAINR_READ_WAIT_MS": "-1"})
