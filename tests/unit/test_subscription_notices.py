"""How a subscription waits for its next notice: cancelled (its client went away), it stops,
even when a notice arrives at the same moment."""

from __future__ import annotations

import asyncio

import pytest

from interfaces.graphql.subscription import Key, next_notice

NOTICE: tuple[Key, int] = (("dashboard", "project", "p"), 7)


async def _cancelled_as_a_notice_arrives() -> asyncio.Task[tuple[Key, int] | None]:
    queue: asyncio.Queue[tuple[Key, int]] = asyncio.Queue()
    waiting = asyncio.ensure_future(next_notice(queue, 60))
    await asyncio.sleep(0)  # it waits on the queue now
    queue.put_nowait(NOTICE)  # a notice comes in ...
    waiting.cancel()  # ... as the client goes away, in the same turn of the loop
    await asyncio.wait([waiting])
    return waiting


def test_a_subscription_cancelled_as_a_notice_arrives_stops() -> None:
    waiting = asyncio.run(_cancelled_as_a_notice_arrives())
    # asyncio.wait_for (Python 3.11) answered the notice here, and the subscription, its
    # cancellation lost, went on waiting for ever.
    assert waiting.cancelled()


def test_the_next_notice_comes_and_a_wait_with_nothing_ends_after_its_seconds() -> None:
    async def scenario() -> tuple[tuple[Key, int] | None, tuple[Key, int] | None]:
        queue: asyncio.Queue[tuple[Key, int]] = asyncio.Queue()
        queue.put_nowait(NOTICE)
        return await next_notice(queue, None), await next_notice(queue, 0.01)

    assert asyncio.run(scenario()) == (NOTICE, None)


def test_a_wait_without_a_notice_can_be_cancelled() -> None:
    async def scenario() -> None:
        waiting = asyncio.ensure_future(next_notice(asyncio.Queue(), None))
        await asyncio.sleep(0)
        waiting.cancel()
        await waiting

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(scenario())
