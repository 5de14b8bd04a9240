"""An agent told to stop ends (issue 18), even while it follows the log of a container that
prints nothing: the follower waits on the engine's stream, and must not hold the process."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import msgspec

from application.agent_operations import Operation, OperationResult
from interfaces.cli.agent_link import AgentLink


class QuietEngine:
    """An executor whose followed log never prints a line (until the test lets it end)."""

    def __init__(self) -> None:
        self.following = threading.Event()
        self.release = threading.Event()

    def execute(self, operation: Operation) -> OperationResult:
        return OperationResult(request=operation.request, ok=True, value=None)

    def follow(
        self,
        operation: Operation,
        emit: Callable[[list[str]], None],
        cancelled: Callable[[], bool],
    ) -> OperationResult:
        self.following.set()
        self.release.wait(60)  # blocked on the engine's stream, which says nothing
        return OperationResult(request=operation.request, ok=True, value=None)


class Socket:
    """The control plane's end: one followed-log operation, then silence."""

    def __init__(self) -> None:
        follow = Operation(
            request=uuid.uuid4().hex,
            operation_id="logs-1",
            method="logs",
            args={"id": "c1", "follow": True},
        )
        self.messages = [msgspec.json.encode(follow).decode()]

    async def send(self, text: str) -> None:
        pass

    def __aiter__(self) -> AsyncIterator[str]:
        return self._read()

    async def _read(self) -> AsyncIterator[str]:
        for message in self.messages:
            yield message
        await asyncio.Event().wait()


def test_an_agent_stopping_while_it_follows_a_quiet_log_ends_at_once() -> None:
    engine = QuietEngine()

    async def agent() -> None:
        link = AgentLink(Socket(), engine)  # type: ignore[arg-type]
        reader = asyncio.create_task(link.read())
        while not engine.following.is_set():
            await asyncio.sleep(0.01)
        reader.cancel()  # the agent stops (its credential was refused, say)

    ended: list[Any] = []
    runner = threading.Thread(target=lambda: ended.append(asyncio.run(agent())), daemon=True)
    runner.start()
    deadline = time.monotonic() + 20
    while runner.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    stuck = runner.is_alive()
    engine.release.set()  # lets the follower go in any case
    runner.join(30)
    assert not stuck, "asyncio.run waited for the quiet log's follower"
    assert ended == [None]
